"""``sscard readers``: the PC/SC readers pcscd offers, and whether each holds a card."""

from __future__ import annotations

import argparse
from typing import Any

from sscard.cli._output import emit_json


def register(commands: Any) -> None:
    parser = commands.add_parser("readers", help="list PC/SC readers and their cards")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from sscard.connection import reader_names, reader_status

    rows: list[dict[str, str | bool | None]] = []
    for name in reader_names():
        present, atr = reader_status(name)
        rows.append({"reader": name, "card": present, "atr": atr.hex().upper() if present else None})
    if args.json:
        emit_json(rows)
    elif not rows:
        print("no readers (is pcscd running? `sscard sim start` starts it with the virtual card)")
    else:
        for row in rows:
            print(f"{row['reader']}\t{'card ' + str(row['atr']) if row['card'] else 'empty'}")
    return 0
