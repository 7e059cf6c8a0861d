"""``sscard conformance``: run the protocol's conformance checks on the card in a reader and write the
report (JSON and HTML, docs/conformance.md). Exit code 0 only when no check failed."""

from __future__ import annotations

import argparse
from typing import Any

from sscard.cli import _card
from sscard.cli._output import CliError, emit_json

LEVELS = ("read-only", "holder", "issuer", "blank")
EXIT_FAILED = 1


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "conformance", help="check the card against the protocol, clause by clause, and write a report",
        description="Run the conformance checks of a level on the card and write a JSON and an HTML report. "
                    "Levels in order of risk: read-only (changes nothing), holder (needs the PIN; spends and "
                    "restores tries), issuer (needs issuer keys: lifecycle, unblocks, MAC faults, all put back), "
                    "blank (a blank card). CARD BLOCK is sent only with --allow-terminate naming the card.")
    parser.add_argument("--level", choices=LEVELS, required=True, help="how far the checks may go")
    parser.add_argument("--keys", metavar="FILE", help="the issuer's key file (issuer level)")
    parser.add_argument("--bank-keys", metavar="FILE", help="the bank's key file (financial issuer checks)")
    parser.add_argument("--pin-stdin", action="store_true",
                        help="read the social security PIN from the first line of stdin (holder checks)")
    parser.add_argument("--allow-terminate", metavar="CARD_ID",
                        help="allow CARD BLOCK: the card's identification code (EF05 record 1, hex) as read from it")
    parser.add_argument("--report-dir", metavar="DIR", default=".", help="where the reports go (default: here)")
    _card.add_card_options(parser, app=False)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from sscard.conformance import Level
    from sscard.conformance import run as run_checks
    from sscard.conformance.report import write
    from sscard.keys import SoftwareBankKeys, SoftwareIssuerKeys

    level = Level.parse(args.level)
    keys = SoftwareIssuerKeys.load(args.keys) if args.keys else None
    bank_keys = SoftwareBankKeys.load(args.bank_keys) if args.bank_keys else None
    pin = _card.read_pin("social security PIN") if args.pin_stdin else None
    if args.allow_terminate is not None and level < Level.ISSUER:
        raise CliError("--allow-terminate needs --level issuer (CARD BLOCK needs the issuer keys)")
    with _card.card(args) as connection:
        report = run_checks(connection, level, keys=keys, bank_keys=bank_keys, pin=pin,
                            allow_terminate=args.allow_terminate)
    json_path, html_path = write(report, args.report_dir)
    if args.json:
        emit_json({**report.to_json(), "files": {"json": str(json_path), "html": str(html_path)}})
    else:
        s = report.summary
        print(f"{report.to_json()['result'].upper()}: {s['pass']} clauses passed, {s['fail']} failed, "
              f"{s['not-run']} not run, {s['not-applicable']} not applicable, {s['no-check']} without a check "
              f"(level {level.label}, card {report.state.card_id.hex().upper() if report.state.card_id else '-'})")
        for check in report.checks:
            if check.verdict == "fail":
                print(f"  FAIL {check.id} ({', '.join(check.clauses)}): {check.what}: expected {check.expected}, "
                      f"got {check.actual}")
        if report.stopped:
            print(f"  STOPPED at {report.stopped}")
        print(f"report: {json_path}\n        {html_path}")
    return 0 if report.passed else EXIT_FAILED
