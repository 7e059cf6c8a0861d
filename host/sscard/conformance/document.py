"""The traceability table of docs/conformance.md (clause → checks), generated from the catalogue:
``python -m sscard.conformance.document docs/conformance.md`` rewrites it, ``--check`` fails when it is stale."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

from sscard.conformance.catalogue import CHECKS, card_side_clauses

BEGIN, END = "<!-- traceability -->", "<!-- /traceability -->"


def traceability() -> str:
    """One row per card-side clause: its checks, each with its level."""
    rows = ["| clause | checks (level) |", "|---|---|"]
    for clause in card_side_clauses():
        checks = [f"`{c.id}` ({c.level.label})" for c in CHECKS if clause in c.clauses]
        rows.append(f"| {clause} | {', '.join(checks) or '—'} |")
    return "\n".join(rows)


def rewrite(text: str) -> str:
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ValueError(f"no {BEGIN} … {END} block to fill")
    return pattern.sub(lambda _: f"{BEGIN}\n{traceability()}\n{END}", text)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    if len(paths) != 1:
        print("usage: python -m sscard.conformance.document [--check] docs/conformance.md", file=sys.stderr)
        return 2
    path = Path(paths[0])
    text = path.read_text(encoding="utf-8")
    new = rewrite(text)
    if check:
        if new != text:
            print(f"{path}: the traceability table is stale (run without --check)", file=sys.stderr)
            return 1
        return 0
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
