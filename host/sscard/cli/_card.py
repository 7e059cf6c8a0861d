"""What the card commands share: opening the card, keys, PIN input, sessions per application.

:func:`open_connection` is the one place a command gets its card from; tests replace it (monkeypatch) to
hand the commands a model or simulator card instead of a PC/SC reader.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sscard.cli._output import CliError

# The card layers (cryptography, pyscard) load when a command runs, not when the parser is built.
if TYPE_CHECKING:
    from sscard.connection import Connection
    from sscard.keys import SoftwareBankKeys, SoftwareIssuerKeys
    from sscard.session import ApplicationSession, PinStatus

APPS = {"social": "SSSE", "finance": "PBOC"}
READER_ENV = "SSCARD_READER"


def open_connection(reader: str | None) -> Connection:
    """The card in ``reader`` (default: the first reader with a card). Tests monkeypatch this."""
    from sscard.connection import PcscConnection

    return PcscConnection(reader)


@contextmanager
def card(args: argparse.Namespace) -> Iterator[Connection]:
    """The card for one command, closed (powered down) afterwards."""
    connection = open_connection(getattr(args, "reader", None))
    try:
        yield connection
    finally:
        connection.close()


def add_card_options(parser: argparse.ArgumentParser, *, keys: bool | None = None, app: bool = True,
                     json: bool = True) -> None:
    """--reader, and as asked --app, --keys (required when ``keys`` is True, optional when False) and --json."""
    add_reader_option(parser)
    if app:
        parser.add_argument("--app", choices=sorted(APPS), default="social",
                            help="application: social (社会保障, default) or finance (金融)")
    if keys is not None:
        parser.add_argument("--keys", metavar="FILE", required=keys,
                            help="key file: the issuer's for --app social, the bank's for --app finance "
                                 "(software keys standing in for the HSM/PSAM)")
    if json:
        parser.add_argument("--json", action="store_true", help="machine-readable output (docs/cli.md)")


def add_reader_option(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument("--reader", metavar="NAME", default=os.environ.get(READER_ENV) or None,
                        help=f"PC/SC reader (default: ${READER_ENV}, else the first reader with a card)")


def load_keys(app: str, path: str | None) -> SoftwareIssuerKeys | SoftwareBankKeys | None:
    from sscard.keys import SoftwareBankKeys, SoftwareIssuerKeys

    if path is None:
        return None
    return SoftwareIssuerKeys.load(path) if app == "social" else SoftwareBankKeys.load(path)


def session(app: str, connection: Connection,
            keys: SoftwareIssuerKeys | SoftwareBankKeys | None = None) -> ApplicationSession[Any]:
    """The session of ``app`` ("social" / "finance"), with keys loaded beforehand by :func:`load_keys` (so
    that a bad key file fails before the card is opened)."""
    from sscard.finance import FinanceSession
    from sscard.keys import SoftwareBankKeys, SoftwareIssuerKeys
    from sscard.social import SocialSecuritySession

    if app == "social":
        return SocialSecuritySession(connection, keys=keys if isinstance(keys, SoftwareIssuerKeys) else None)
    return FinanceSession(connection, keys=keys if isinstance(keys, SoftwareBankKeys) else None)


def read_pin(prompt: str, *, confirm: bool = False) -> str:
    """A PIN from the terminal (hidden, via getpass) or, when stdin is not a terminal, the next line of
    stdin. Never from the command line. With ``confirm`` a terminal user types it twice."""
    if sys.stdin is not None and sys.stdin.isatty():
        pin = getpass.getpass(f"{prompt}: ")
        if confirm and getpass.getpass(f"{prompt} again: ") != pin:
            raise CliError("the two PINs differ")
    else:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        if not line:
            raise CliError(f"{prompt}: no PIN on stdin (one PIN per line)")
        pin = line.rstrip("\r\n")
    if not pin:
        raise CliError(f"{prompt}: empty PIN")
    return pin


def pin_json(status: PinStatus | None) -> dict[str, Any] | None:
    if status is None:
        return None
    return {"tries_left": status.tries_left, "limit": status.limit, "verified": status.verified,
            "blocked": status.blocked}


def pin_text(status: PinStatus | None) -> str:
    if status is None:
        return "PIN not usable in this state"
    if status.blocked:
        return "PIN blocked"
    if status.verified:
        return "PIN verified"
    return f"PIN {status.tries_left} {'try' if status.tries_left == 1 else 'tries'} left"
