"""``sscard examples DIR``: copies of the example holder record and TEST key files that ship with sscard."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(commands: Any) -> None:
    parser = commands.add_parser("examples", help="write the example holder record and TEST key files into DIR",
                                 description="Write copies of the example holder record (holder.json) and the "
                                 "TEST issuer and bank key files (issuer-keys.json, bank-keys.json) into DIR, "
                                 "and those of a 3rd-generation SM4 card (holder-sm4.json, issuer-keys-sm4.json), "
                                 "for `sscard personalise` and friends. TEST keys: never for a real card.")
    parser.add_argument("directory", metavar="DIR", help="where to write them (created if missing)")
    parser.add_argument("--force", action="store_true", help="overwrite files of the same name")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from sscard.cli._output import CliError
    from sscard.examples import ExamplesExist, write_examples

    try:
        written = write_examples(args.directory, overwrite=args.force)
    except ExamplesExist as exc:
        raise CliError(f"{exc} (--force overwrites them)") from None
    for path in written:
        print(path)
    print("note: issuer-keys.json, issuer-keys-sm4.json and bank-keys.json hold TEST keys", file=sys.stderr)
    return 0
