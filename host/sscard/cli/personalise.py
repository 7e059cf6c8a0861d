"""``sscard personalise``: write holder data, keys, PIN and access profile into a fresh card — the batch of
one: every problem of the holder file reported at once, and a card cut off half-way finished for its holder
(SSC-HOST-6)."""

from __future__ import annotations

import argparse
from typing import Any

from sscard.cli import _card
from sscard.cli._output import CliError, emit_json


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "personalise", aliases=["personalize"],
        help="personalise a card in PERSONALISATION from a holder file and the issuer's key file")
    parser.add_argument("--holder", metavar="FILE", required=True,
                        help="holder record (JSON; `sscard examples DIR` writes an example)")
    parser.add_argument("--keys", metavar="FILE", required=True,
                        help="issuer key file (`sscard examples DIR` writes TEST keys)")
    parser.add_argument("--bank-keys", metavar="FILE",
                        help="bank key file: also personalise the financial application from the holder file's "
                             "finance section")
    _card.add_card_options(parser, app=False)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from sscard.holder import check_personalisation_file
    from sscard.keys import SoftwareBankKeys, SoftwareIssuerKeys
    from sscard.personalisation import check_keys_fit, personalise

    # Everything is checked before the card is touched: holder data, key files, and that they fit.
    data, problems = check_personalisation_file(args.holder)
    if data is None:
        raise CliError("; ".join(str(p) for p in problems))  # every problem at once, on one line
    keys = SoftwareIssuerKeys.load(args.keys)
    bank_keys = SoftwareBankKeys.load(args.bank_keys) if args.bank_keys else None
    check_keys_fit(data, keys, bank_keys)
    with _card.card(args) as connection:
        report = personalise(connection, data, keys, bank_keys=bank_keys, resume=True)
    if args.json:
        emit_json({**report.to_json(), "test_keys": keys.test_keys or bool(bank_keys and bank_keys.test_keys)})
        return 0
    finance = f", financial application {report.finance.name}" if report.finance is not None else ""
    print(f"personalised card {report.identity.identification_code().hex().upper()}: social security application "
          f"{report.social.name}{finance}")
    print(f"read back: {', '.join(report.checked)}")
    for item in report.unchecked:
        print(f"not checked: {item}")
    if keys.test_keys:
        print("note: personalised with TEST KEYS")
    return 0
