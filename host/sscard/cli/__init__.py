"""The ``sscard`` command line.

The library never prints or exits; this package is the only place that does. Every failure ends with
one line ``sscard: error: …`` on stderr and a non-zero exit code, never a traceback; Ctrl-C at any moment
ends with ``sscard: error: interrupted`` and exit code 130.

Start-up is kept short: the command modules import the card layers (cryptography, pyscard) only inside
their handlers, and a command whose parser itself needs a heavy import (``window``: SQLAlchemy) is built
for real only when the command line names it (or for shell completion); ``sscard --help`` lists it from
:data:`_DEFERRED`.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence

from sscard._version import __version__
from sscard.cli import apdu, completion, conformance, examples, info, lifecycle, perso, personalise, pin, readers, sim
from sscard.cli._output import CliError, fail

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
DEBUG_ENV = "SSCARD_DEBUG"
TRACE_LOGGER = "sscard.apdu"  # sscard.tracing.LOGGER_NAME, named here to keep `--help` from importing tracing
LOG_LEVELS = ("debug", "info", "warning", "error")
# Top-level options that take a value (so their value is not taken for the command word).
_VALUED_OPTIONS = frozenset({"--log-level"})
# Command -> (module, help) for the commands whose parser is built only when needed.
_DEFERRED = {"window": ("sscard.cli.window", "service-window workflows over the back-office registry")}


def build_parser(*, full: bool = True, command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with ``full=False`` one where the deferred commands other than ``command``
    are only listed (enough for ``--help`` and every other command)."""
    import importlib

    parser = argparse.ArgumentParser(prog="sscard", allow_abbrev=False, description="Social security card "
                                     "(社会保障卡) tools: virtual card, readers, personalisation, card and PIN "
                                     "operations, service-window workflows.")
    parser.add_argument("--version", action="version", version=f"sscard {__version__}")
    parser.add_argument("--trace", action="store_true",
                        help="print every APDU to stderr (personal data and PINs masked)")
    parser.add_argument("--log-level", choices=LOG_LEVELS, default=None,
                        help=f"log messages from this level on to stderr (default warning; ${DEBUG_ENV}=1: debug)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (readers, sim, examples, personalise, perso, info, pin, lifecycle, apdu, conformance):
        module.register(commands)
    for name, (module_name, help_text) in _DEFERRED.items():
        if full or name == command:
            importlib.import_module(module_name).register(commands, help_text)
        else:
            stand_in = commands.add_parser(name, help=help_text, add_help=False)
            stand_in.add_argument("rest", nargs=argparse.REMAINDER)
    completion.register(commands, parser)
    return parser


def command_word(argv: Sequence[str]) -> str | None:
    """The command a command line names (the first word that is neither a top-level option nor its value)."""
    words = iter(argv)
    for word in words:
        if word in _VALUED_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


class _TraceHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The ``--trace`` output (one per process: a second ``main()`` replaces it)."""


def _configure_logging(args: argparse.Namespace) -> None:
    level = args.log_level or ("debug" if os.environ.get(DEBUG_ENV) else None)
    if level is not None:
        logging.basicConfig(level=level.upper(), stream=sys.stderr,
                            format="sscard: %(levelname)s: %(name)s: %(message)s")
    # The protocol logs every exchange, already masked, on this logger (sscard.tracing).
    apdu = logging.getLogger(TRACE_LOGGER)
    for earlier in [h for h in apdu.handlers if isinstance(h, _TraceHandler)]:  # main() called before
        apdu.removeHandler(earlier)
        apdu.setLevel(logging.NOTSET)
        apdu.propagate = True
    if args.trace:
        handler = _TraceHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        apdu.addHandler(handler)
        apdu.setLevel(logging.DEBUG)
        apdu.propagate = False


def _run(argv: Sequence[str]) -> int:
    word = command_word(argv)
    parser = build_parser(full=word == completion.COMMAND, command=word)
    args = parser.parse_args(argv)
    _configure_logging(args)
    from sscard.errors import SscardError

    try:
        code: int = args.handler(args)
    except (CliError, SscardError) as exc:
        return fail(str(exc), EXIT_ERROR)
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:
        logging.getLogger("sscard.cli").debug("unexpected error", exc_info=True)
        return fail(f"unexpected {type(exc).__name__}: {exc} (please report; --log-level debug logs the "
                    "traceback)", EXIT_ERROR)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        # A second Ctrl-C must not interrupt the message itself. What a command started is stopped by the
        # command's own clean-up (context managers, `finally`), which ran while the interrupt unwound.
        try:
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:  # not the main thread: no signal handling to change
            return fail("interrupted", EXIT_INTERRUPTED)
        try:
            return fail("interrupted", EXIT_INTERRUPTED)
        finally:
            signal.signal(signal.SIGINT, previous)
