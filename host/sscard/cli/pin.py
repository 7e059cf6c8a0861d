"""``sscard pin status|verify|change|unblock|reset``: the holder's PIN, and the issuer's (or bank's) unblock
and reset. PINs are read from the terminal (hidden) or from stdin, never from the command line."""

from __future__ import annotations

import argparse
from typing import Any

from sscard.cli import _card
from sscard.cli._output import emit_json
from sscard.errors import UnsupportedOperation


def register(commands: Any) -> None:
    parser = commands.add_parser("pin", help="PIN status, verify, change; unblock and reset with issuer keys")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    status = actions.add_parser("status", help="tries left, verified or blocked (spends no try)")
    _card.add_card_options(status)
    status.set_defaults(handler=run_status)
    verify = actions.add_parser("verify", help="check the PIN (a wrong PIN spends a try)")
    _card.add_card_options(verify)
    verify.set_defaults(handler=run_verify)
    change = actions.add_parser("change", help="the holder changes the social security PIN (old, then new)")
    _card.add_card_options(change)
    change.set_defaults(handler=run_change)
    unblock = actions.add_parser("unblock", help="issuer unblock: the tries back at the limit, the PIN kept")
    _card.add_card_options(unblock, keys=True)
    unblock.set_defaults(handler=run_unblock)
    reset = actions.add_parser("reset", help="issuer reset: a new PIN, the tries back at the limit")
    _card.add_card_options(reset, keys=True)
    reset.set_defaults(handler=run_reset)


def _report(args: argparse.Namespace, session: Any, action: str, text: str, *, with_pin: bool = True) -> int:
    status = session.pin_status() if with_pin else None
    if args.json:
        emit_json({"app": args.app, "action": action, "lifecycle": session.lifecycle().name,
                   "pin": _card.pin_json(status)})
    else:
        print(text if status is None else f"{text}; {_card.pin_text(status)}")
    return 0


def run_status(args: argparse.Namespace) -> int:
    with _card.card(args) as connection:
        session = _card.session(args.app, connection)
        status = session.pin_status()
        lifecycle = session.lifecycle()
    if args.json:
        emit_json({"app": args.app, "lifecycle": lifecycle.name, **(_card.pin_json(status) or {})})
    else:
        print(f"{args.app}: {_card.pin_text(status)}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    pin = _card.read_pin(f"{args.app} PIN")
    with _card.card(args) as connection:
        session = _card.session(args.app, connection)
        session.verify_pin(pin)
        return _report(args, session, "verify", f"{args.app}: PIN correct")


def run_change(args: argparse.Namespace) -> int:
    if args.app == "finance":
        raise UnsupportedOperation("the financial PIN is changed at the bank (art. 20): "
                                   "`sscard pin reset --app finance --keys BANK-KEYS`")
    old = _card.read_pin("current PIN")
    new = _card.read_pin("new PIN", confirm=True)
    with _card.card(args) as connection:
        session = _card.session(args.app, connection)
        session.change_pin(old, new)
        return _report(args, session, "change", f"{args.app}: PIN changed")


def run_unblock(args: argparse.Namespace) -> int:
    keys = _card.load_keys(args.app, args.keys)
    with _card.card(args) as connection:
        session = _card.session(args.app, connection, keys)
        session.unblock_pin()
        return _report(args, session, "unblock", f"{args.app}: PIN unblocked")


def run_reset(args: argparse.Namespace) -> int:
    keys = _card.load_keys(args.app, args.keys)  # a bad key file fails before the prompt
    new = _card.read_pin("new PIN", confirm=True)
    with _card.card(args) as connection:
        session = _card.session(args.app, connection, keys)
        session.reset_pin(new)
        return _report(args, session, "reset", f"{args.app}: PIN reset")
