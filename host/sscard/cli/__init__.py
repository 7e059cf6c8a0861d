"""The ``sscard`` command line.

The library never prints or exits; this package is the only place that does. Every failure ends with
one line ``sscard: error: …`` on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from sscard.cli import info, lifecycle, perso, personalise, pin, readers, sim, window
from sscard.cli._output import CliError, fail
from sscard.errors import SscardError

EXIT_ERROR = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sscard", description="Social security card (社会保障卡) tools: virtual "
                                     "card, readers, personalisation, card and PIN operations.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (readers, sim, personalise, perso, info, pin, lifecycle, window):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if os.environ.get("SSCARD_DEBUG"):
        logging.basicConfig(level=logging.DEBUG)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except (CliError, SscardError) as exc:
        return fail(str(exc), EXIT_ERROR)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:
        logging.getLogger("sscard.cli").debug("unexpected error", exc_info=True)
        return fail(f"unexpected {type(exc).__name__}: {exc} (please report; SSCARD_DEBUG=1 logs the "
                    "traceback)", EXIT_ERROR)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
