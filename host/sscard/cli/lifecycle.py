"""``sscard app activate|block|unblock|reset-key`` and ``sscard card block``: lifecycle commands with issuer
(or bank) authority, each MAC'd under the application's maintenance key, and the issuer's reset of a key
counter (SSC-KEY-6)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sscard.cli import _card
from sscard.cli._output import CliError, emit_json
from sscard.spec_tables import COMMANDS, KEYS

_APP_ACTIONS = {
    "activate": ("activate", "ISSUED -> ACTIVE: social at pick-up at the window, finance at the bank"),
    "block": ("block_application", "ACTIVE -> BLOCKED (loss report)"),
    "unblock": ("unblock_application", "BLOCKED -> ACTIVE (loss report cancelled)"),
}


# Keys whose counter some RESET KEY COUNTER command resets (SSC-KEY-6), as the spec lists them.
_RESETTABLE = sorted({role for app, keys in KEYS.items() for role, key in keys.items()
                      for cmd in COMMANDS[app].values() if cmd.action == "reset_key_counter"
                      and key.id in {pp & 0xFF for pp in cmd.p1p2 or ()}})


def register(commands: Any) -> None:
    app = commands.add_parser("app", help="activate, block or unblock an application (issuer/bank keys)")
    actions = app.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, (_, help_text) in _APP_ACTIONS.items():
        parser = actions.add_parser(name, help=help_text)
        _card.add_card_options(parser, keys=True)
        parser.set_defaults(handler=run_app)
    reset = actions.add_parser("reset-key", help="issuer reset of a key's try counter, e.g. the read key RK "
                               "locked by failed external authentications, or a MAC key after wrong MACs")
    _card.add_card_options(reset, keys=True)
    reset.add_argument("key", metavar="KEY", choices=_RESETTABLE,
                       help=f"the key role ({', '.join(_RESETTABLE)}; social security application)")
    reset.set_defaults(handler=run_reset_key)
    card = commands.add_parser("card", help="card-wide operations")
    card_actions = card.add_subparsers(dest="action", metavar="ACTION", required=True)
    block = card_actions.add_parser("block", help="terminate every application of the card: cannot be undone")
    _card.add_card_options(block, keys=True)
    block.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    block.set_defaults(handler=run_card_block)


def _done(args: argparse.Namespace, action: str, lifecycle: str) -> int:
    if args.json:
        emit_json({"app": args.app, "action": action, "lifecycle": lifecycle})
    else:
        print(f"{args.app}: {action}: now {lifecycle}")
    return 0


def run_app(args: argparse.Namespace) -> int:
    method, _ = _APP_ACTIONS[args.action]
    keys = _card.load_keys(args.app, args.keys)
    with _card.card(args) as connection:
        session = _card.session(args.app, connection, keys)
        getattr(session, method)()
        lifecycle = session.lifecycle().name
    return _done(args, f"app {args.action}", lifecycle)


def run_reset_key(args: argparse.Namespace) -> int:
    keys = _card.load_keys(args.app, args.keys)
    with _card.card(args) as connection:
        session = _card.session(args.app, connection, keys)
        try:
            session.reset_key_counter(args.key)
        except ValueError as exc:
            raise CliError(str(exc)) from None
        lifecycle = session.lifecycle().name
    return _done(args, f"app reset-key {args.key}", lifecycle)


def _confirmed() -> bool:
    if sys.stdin is None or not sys.stdin.isatty():
        raise CliError("card block cannot be undone: confirm with --yes")
    answer = input("Blocking the card terminates every application, irreversibly. Type 'block' to go on: ")
    return answer.strip() == "block"


def run_card_block(args: argparse.Namespace) -> int:
    keys = _card.load_keys(args.app, args.keys)  # a bad key file fails before the question
    if not args.yes and not _confirmed():
        raise CliError("card block not confirmed: nothing done")
    with _card.card(args) as connection:
        session = _card.session(args.app, connection, keys)
        session.block_card()
        lifecycle = session.lifecycle().name
    return _done(args, "card block", lifecycle)
