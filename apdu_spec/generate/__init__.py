"""Generate the Java constants, the host's Python tables and docs/spec.md from the spec.

``python -m apdu_spec.generate`` writes every target; ``--check`` writes nothing and exits 1
listing each file that is not what the generator produces. Output is deterministic: spec order
or sorted, no timestamps. ``--root DIR`` picks the checkout (default: the one holding this
package).
"""


from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import load
from ..schema import Spec
from .document import DOC, render_doc
from .java import JAVA_ROOT, render_app, render_app_tables, render_common
from .python import PY_TABLES, render_python

__all__ = ["main", "targets"]


def targets(spec: Spec, root: Path) -> dict[Path, str]:
    out: dict[Path, str] = {}
    common_dir = spec.protocol.library_java_package.replace(".", "/")
    out[root / JAVA_ROOT / common_dir / f"{spec.protocol.library_constants_class}.java"] = render_common(spec)
    for app in spec.applications.values():
        package_dir = root / JAVA_ROOT / app.java_package.replace(".", "/")
        out[package_dir / f"{app.constants_class}.java"] = render_app(spec, app)
        out[package_dir / f"{app.constants_class.removesuffix('Constants')}Tables.java"] = render_app_tables(spec, app)
    out[root / PY_TABLES] = render_python(spec)
    out[root / DOC] = render_doc(spec)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m apdu_spec.generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 listing stale files")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    args = parser.parse_args(argv)
    spec = load()
    stale = []
    for path, text in targets(spec, args.root).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path.relative_to(args.root).as_posix())
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(args.root).as_posix()}")
    if stale:
        for s in stale:
            print(f"stale: {s} (run `python -m apdu_spec.generate`)", file=sys.stderr)
        return 1
    return 0


