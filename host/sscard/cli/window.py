"""``sscard window …``: the service-window workflows from the command line (demos and scripting).

Every command takes ``--db URL`` (default ``$SSCARD_WINDOW_DB`` or ``sqlite:///sscard-window.db``), says
where it runs with ``--side`` (social window, bank counter, platform, terminal), who runs it with
``--operator`` / ``--window-id``, and may fix the date with ``--today`` (an injectable clock). Commands that
act on the card read it from a PC/SC reader (``--reader``) with the issuer's ``--keys`` and/or the bank's
``--bank-keys``. A new PIN is read from standard input, never from the command line. ``--json`` prints the
receipt. ``sscard window demo`` runs a whole scenario on reference-model cards in memory.

Once the registry has operators (``operator-add``, the secret read from standard input), commands run with
``--sign-in``: the operator's secret from ``$SSCARD_OPERATOR_SECRET`` or a prompt; the side and bank then come
from the operator's record. Amounts the regulation does not set (the provincial card fee) are marked
ASSUMED on every receipt until configured (``--fees FILE`` or ``--card-fee``).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sscard.cli import _card
from sscard.cli._output import CliError, emit_json
from sscard.id_numbers import IdKind
from sscard.window import (
    DEFAULT_URL,
    ActorRole,
    AgentGround,
    Applicant,
    CancellationReason,
    CardOperations,
    Damage,
    ExchangeReason,
    FeeSchedule,
    FixedClock,
    Function,
    Receipt,
    Registry,
    SessionCardOperations,
    Side,
    SystemClock,
    TerminalVerdict,
    Window,
    WorkingDayCalendar,
    add_operator,
    sign_in,
)
from sscard.window import workflows as wf
from sscard.window.journal import pending_operations, resolve_pending
from sscard.window.queries import audit_entries, card_status, person_cards
from sscard.window.terminal import present_card

DB_ENV = "SSCARD_WINDOW_DB"
SECRET_ENV = "SSCARD_OPERATOR_SECRET"
DEMO_NEW_NAME = "张山"
DEMO_NEW_PIN = "246813"
DEMO_HK_PERMIT = "810000199001010019"  # a Hong Kong residence permit number (MOD 11-2 check character 9)
DEMO_AGENT_ID = "440203197001011234"


# ------------------------------------------------------------------------------------------ common options


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    g = common.add_argument_group("window")
    g.add_argument("--db", default=os.environ.get(DB_ENV, DEFAULT_URL),
                   help=f"registry URL: sqlite:///FILE, sqlite:// (memory), postgresql+psycopg://… "
                   f"(default ${DB_ENV} or {DEFAULT_URL})")
    g.add_argument("--side", choices=[s.value for s in Side], default="social",
                   help="where this runs: social window (default), bank counter, platform channel, terminal")
    g.add_argument("--operator", default=os.environ.get("USER", "operator"), help="operator id (audit log)")
    g.add_argument("--window-id", default="cli", help="window id (audit log)")
    g.add_argument("--sign-in", action="store_true",
                   help=f"sign in as --operator (secret from ${SECRET_ENV} or a prompt); needed once the registry "
                   "has operators")
    g.add_argument("--counter-bank", default=None, help="the bank of a bank counter")
    g.add_argument("--today", type=_dt.date.fromisoformat, default=None, help="fix the date (YYYY-MM-DD)")
    g.add_argument("--holidays", type=Path, default=None, help="working-day calendar (TOML: holidays, workdays)")
    g.add_argument("--card-fee", type=int, default=None,
                   help="provincial card fee in fen (not set by the regulation; unconfigured, a 2000 placeholder "
                   "is charged and marked ASSUMED on every receipt)")
    g.add_argument("--fees", type=Path, default=None,
                   help="fee schedule (TOML: card_fee_fen, temporary_card_fee_fen, source)")
    g.add_argument("--json", action="store_true", help="machine-readable output")
    c = common.add_argument_group("card (commands that change the card)")
    _card.add_reader_option(c)
    c.add_argument("--keys", type=Path, default=None, help="issuer key file (social side)")
    c.add_argument("--bank-keys", type=Path, default=None, help="bank key file (financial side)")
    return common


def _applicant_options(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("who acts for the holder")
    g.add_argument("--role", choices=[r.value for r in ActorRole], default="holder")
    g.add_argument("--relationship", default=None)
    g.add_argument("--agent-id", default=None, help="the agent's or guardian's ID number (logged masked)")
    g.add_argument("--proof", default=None, help="reference of the power of attorney / relationship proof")
    g.add_argument("--ground", choices=[g.value for g in AgentGround], default=None,
                   help="why an agent applies (art. 10): elderly, disabled, living elsewhere")


def _applicant(args: argparse.Namespace) -> Applicant:
    ground = AgentGround(args.ground) if args.ground else None
    return Applicant(ActorRole(args.role), args.relationship, args.agent_id, args.proof, ground)


def _stdin_lines(count: int, what: str) -> list[str]:
    lines = [sys.stdin.readline().strip() for _ in range(count)]
    if not all(lines):
        raise CliError(f"{what} reads {count} line{'s' if count > 1 else ''} from standard input")
    return lines


def _fees(args: argparse.Namespace) -> FeeSchedule:
    try:
        if args.fees is not None:
            return FeeSchedule.load(args.fees)
        if args.card_fee is not None:
            return FeeSchedule(card_fee=args.card_fee, source="--card-fee")
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    return FeeSchedule()


def _window(args: argparse.Namespace) -> Window:
    registry = Registry(args.db)
    calendar = WorkingDayCalendar.load(args.holidays) if args.holidays else WorkingDayCalendar()
    clock = FixedClock(args.today) if args.today else SystemClock()
    fees = _fees(args)
    if args.sign_in:
        secret = os.environ.get(SECRET_ENV) or getpass.getpass(f"secret of operator {args.operator}: ")
        return sign_in(registry, args.operator, secret, window_id=args.window_id, clock=clock, calendar=calendar,
                       fees=fees)
    return Window(registry, operator=args.operator, window_id=args.window_id, side=Side(args.side),
                  bank=args.counter_bank, clock=clock, calendar=calendar, fees=fees)


def _card_ops(args: argparse.Namespace) -> CardOperations:
    from sscard.connection import PcscConnection
    from sscard.keys import SoftwareBankKeys, SoftwareIssuerKeys

    if args.keys is None and args.bank_keys is None:
        raise CliError("this command changes the card: give --keys (issuer) and/or --bank-keys (bank)")
    issuer = SoftwareIssuerKeys.load(args.keys) if args.keys else None
    bank = SoftwareBankKeys.load(args.bank_keys) if args.bank_keys else None
    return SessionCardOperations(PcscConnection(args.reader), issuer_keys=issuer, bank_keys=bank)


def _show(args: argparse.Namespace, result: Receipt | TerminalVerdict | list[Any] | Any) -> int:
    if args.json:
        if isinstance(result, list):
            emit_json([r.to_json() for r in result])
        else:
            emit_json(result.to_json() if result is not None else None)
        return 0
    for item in result if isinstance(result, list) else [result]:
        print(_line(item))
    return 0


def _line(item: Any) -> str:
    if item is None:
        return "nothing recorded"
    if isinstance(item, Receipt):
        parts = [f"{item.action}: audit #{item.audit_id}"]
        if item.card is not None:
            parts.append(f"card {item.card.card_number} {item.card.status} (social {item.card.social}, "
                         f"financial {item.card.financial})")
        if item.application is not None:
            parts.append(f"application #{item.application.id} {item.application.status}, due "
                         f"{item.application.deadline.isoformat()}")
        if item.fee is not None:
            parts.append(f"fee {item.fee.describe()}")
        return "; ".join(parts + list(item.notes))
    if isinstance(item, TerminalVerdict):
        done = f" [{', '.join(item.actions)}]" if item.actions else ""
        return f"{'USABLE' if item.usable else 'REFUSED'}: {item.reason}{done}"
    return json.dumps(item.to_json(), ensure_ascii=False)


# ------------------------------------------------------------------------------------------ commands


def register(commands: Any, help: str) -> None:
    common = _common()
    parser = commands.add_parser("window", help=help)
    actions = parser.add_subparsers(dest="window_command", metavar="WORKFLOW", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace], int], help: str, *,
            applicant: bool = False) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = actions.add_parser(name, parents=[common], help=help, description=help)
        if applicant:
            _applicant_options(p)
        p.set_defaults(handler=handler)
        return p

    add("init", _init, "create or migrate the registry database")
    p = add("operator-add", _operator_add, "enter a window operator; the secret is read from standard input "
            "(art. 24)")
    p.add_argument("new_operator", metavar="OPERATOR")
    p.add_argument("--works-at", choices=[s.value for s in Side if s is not Side.TERMINAL], required=True,
                   help="the side the operator works at")
    p.add_argument("--works-for-bank", default=None, help="the bank of a bank operator")
    p = add("register", _register, "register a person (art. 9)")
    p.add_argument("ssn")
    p.add_argument("name")
    p.add_argument("--photo-on-file", action="store_true")
    p.add_argument("--not-insured", action="store_true")
    p.add_argument("--id-kind", choices=[k.value for k in IdKind], default=None,
                   help="the identity document (default: read from the number's shape; a passport needs it)")
    p.add_argument("--nationality", default=None, help="issuing country of a passport (ISO 3166-1 alpha-3)")
    p.add_argument("--birth-date", type=_dt.date.fromisoformat, default=None,
                   help="from the document, when the number carries none (YYYY-MM-DD)")
    p = add("apply", _apply, "apply for a card (art. 9-11)", applicant=True)
    p.add_argument("ssn")
    p.add_argument("--bank", dest="chosen_bank", required=True, help="the chosen partner bank")
    p.add_argument("--photo-receipt", default=None)
    p = add("produce", _produce, "record a produced card at the service point (art. 11)")
    p.add_argument("application_id", type=int)
    p.add_argument("--card-number", required=True)
    p.add_argument("--card-id", required=True, help="card identification code, 32 hex digits")
    p.add_argument("--issue-date", type=_dt.date.fromisoformat, default=None,
                   help="issue date written on the card (default today)")
    p.add_argument("--expiry-date", type=_dt.date.fromisoformat, default=None,
                   help="expiry date written on the card, EF05 (default: issue date + 10 years, our assumption; "
                   "pick-up refuses a card whose EF05 differs)")
    add("overdue", _overdue, "applications past the 30-working-day deadline (art. 11)")
    p = add("collect", _collect, "pick-up with social activation on the card (art. 12-13)", applicant=True)
    p.add_argument("card_number")
    p = add("activate-financial", _activate_financial, "financial activation at the bank (art. 13)")
    p.add_argument("card_number")
    add("abandon", _abandon, "end cards uncollected for 12 months (art. 12)")
    p = add("report-loss", _report_loss, "temporary or formal loss report of one function (art. 14)",
            applicant=True)
    p.add_argument("card_number")
    p.add_argument("--function", choices=["social", "financial"], required=True)
    p.add_argument("--formal", action="store_true", help="formal (in person); default temporary")
    p = add("cancel-loss", _cancel_loss, "un-report a found card (art. 15)")
    p.add_argument("card_number")
    p.add_argument("--function", choices=["social", "financial"], required=True)
    p = add("restore", _restore, "unblock this side's application once no loss report remains (art. 15)")
    p.add_argument("card_number")
    p = add("replace", _replace, "apply for a replacement after a formal loss report (art. 16)", applicant=True)
    p.add_argument("card_number")
    p.add_argument("--bank-receipt", required=True, help="the bank's loss receipt")
    p = add("exchange", _exchange, "apply for an exchange (art. 17, 22)", applicant=True)
    p.add_argument("card_number")
    p.add_argument("--reason", choices=[r.value for r in ExchangeReason], required=True)
    p.add_argument("--damage", choices=[d.value for d in Damage], default=None)
    p = add("settle-medical", _settle_medical, "cancellation, step 1: medical account settlement (art. 18)",
            applicant=True)
    p.add_argument("card_number")
    p.add_argument("--reason", choices=[r.value for r in CancellationReason], required=True)
    p = add("cancel-application", _cancel_application, "cancellation of a person without a card in use: the "
            "open application and an uncollected card (art. 18)", applicant=True)
    p.add_argument("application_id", type=int)
    p.add_argument("--reason", choices=[r.value for r in CancellationReason], required=True)
    p = add("close-bank", _close_bank, "cancellation, step 2: bank settlement, card blocked (art. 18)",
            applicant=True)
    p.add_argument("card_number")
    p.add_argument("--card-absent", action="store_true", help="the card is not presented (blacklist it)")
    p = add("temp-issue", _temp_issue, "issue a temporary card (art. 19)", applicant=True)
    p.add_argument("ssn")
    p.add_argument("--card-number", required=True)
    p.add_argument("--certificate", required=True, help="hospital certificate reference")
    p = add("temp-return", _temp_return, "hand back a temporary card (art. 19)")
    p.add_argument("card_number")
    p.add_argument("--damaged", action="store_true")
    p.add_argument("--card-absent", action="store_true")
    add("temp-expire", _temp_expire, "end temporary cards past 90 days (art. 19)")
    p = add("pin-unblock", _pin_unblock, "unlock a PIN (art. 21)")
    p.add_argument("card_number")
    p.add_argument("--function", choices=["social", "financial"], default="social")
    p = add("pin-reset", _pin_reset, "reset a PIN; the new PIN is read from standard input (art. 20-21)")
    p.add_argument("card_number")
    p.add_argument("--function", choices=["social", "financial"], default="social")
    p = add("pin-change", _pin_change, "the holder changes a PIN; old and new PIN read from standard input, one "
            "line each (art. 20)")
    p.add_argument("card_number")
    p.add_argument("--function", choices=["social", "financial"], default="social")
    p = add("data-change", _data_change, "change the holder's personal data, registry and card (art. 6)",
            applicant=True)
    p.add_argument("ssn", help="the number the person is registered under")
    p.add_argument("--document", required=True, help="reference of the document proving the change")
    p.add_argument("--name", default=None)
    p.add_argument("--name-extension", default=None)
    p.add_argument("--id-number", default=None, help="a corrected or new identity number")
    p.add_argument("--id-kind", choices=[k.value for k in IdKind], default=None)
    p.add_argument("--nationality", default=None)
    p.add_argument("--sex", choices=["1", "2"], default=None)
    p.add_argument("--ethnicity", default=None, help="GB 3304 code")
    p.add_argument("--birth-date", type=_dt.date.fromisoformat, default=None)
    p.add_argument("--no-card", action="store_true", help="the holder has no card in use (registry only)")
    add("present", _present, "terminal check of the card in the reader (art. 14)")
    p = add("block-returned", _block_returned, "CARD BLOCK a card handed in after it left use")
    p.add_argument("card_number")
    p = add("status", _status, "a card as the registry knows it")
    p.add_argument("card_number")
    p = add("cards", _cards, "a person's cards")
    p.add_argument("ssn")
    p = add("audit", _audit, "the audit log")
    p.add_argument("--card", default=None)
    p.add_argument("--ssn", default=None)
    add("pending", _pending, "card operations the registry has not finished recording")
    p = add("resolve", _resolve, "finish a pending journal entry (card in the reader when its outcome is unknown)")
    p.add_argument("journal_id", type=int)
    p.add_argument("--no-card", action="store_true", help="resolve without the card (card_done entries)")
    p.add_argument("--holder-present", action="store_true",
                   help="the holder is at the window in person: an entry needing the holder may be redone")
    p.add_argument("--new-pin-stdin", action="store_true",
                   help="the holder gives the new PIN of an interrupted PIN reset or change again: read from standard "
                        "input (implies --holder-present)")
    add("demo", _demo, "a short window scenario on reference-model cards (no reader needed)")


def _operator_add(args: argparse.Namespace) -> int:
    secret = sys.stdin.readline().rstrip("\n")
    if not secret:
        raise CliError("operator-add reads the operator's secret from standard input (one line)")
    registry = Registry(args.db)
    try:
        add_operator(registry, args.new_operator, secret, side=Side(args.works_at), bank=args.works_for_bank)
    finally:
        registry.dispose()
    print(f"operator {args.new_operator} entered ({args.works_at}"
          f"{', ' + args.works_for_bank if args.works_for_bank else ''}); the secret is kept as a scrypt hash")
    return 0


def _init(args: argparse.Namespace) -> int:
    registry = Registry(args.db)
    revision = registry.current_revision()
    print(json.dumps({"db": registry.display_url, "revision": revision}) if args.json
          else f"registry {registry.display_url} at revision {revision}")
    return 0


def _register(args: argparse.Namespace) -> int:
    return _show(args, wf.register_person(_window(args), args.ssn, args.name, insured=not args.not_insured,
                                          photo_on_file=args.photo_on_file, id_kind=args.id_kind,
                                          nationality=args.nationality, birth_date=args.birth_date))


def _apply(args: argparse.Namespace) -> int:
    return _show(args, wf.apply_for_card(_window(args), args.ssn, bank=args.chosen_bank,
                                         applicant=_applicant(args), photo_receipt=args.photo_receipt))


def _produce(args: argparse.Namespace) -> int:
    return _show(args, wf.record_production(_window(args), args.application_id, card_number=args.card_number,
                                            card_id=args.card_id, issue_date=args.issue_date,
                                            expiry_date=args.expiry_date))


def _overdue(args: argparse.Namespace) -> int:
    return _show(args, wf.overdue_applications(_window(args)))


def _collect(args: argparse.Namespace) -> int:
    return _show(args, wf.collect_card(_window(args), args.card_number, _card_ops(args), collector=_applicant(args)))


def _activate_financial(args: argparse.Namespace) -> int:
    return _show(args, wf.activate_financial(_window(args), args.card_number, _card_ops(args)))


def _abandon(args: argparse.Namespace) -> int:
    return _show(args, wf.abandon_uncollected(_window(args)))


def _report_loss(args: argparse.Namespace) -> int:
    return _show(args, wf.report_loss(_window(args), args.card_number, Function(args.function), formal=args.formal,
                                      applicant=_applicant(args)))


def _cancel_loss(args: argparse.Namespace) -> int:
    return _show(args, wf.cancel_loss(_window(args), args.card_number, Function(args.function), _card_ops(args)))


def _restore(args: argparse.Namespace) -> int:
    return _show(args, wf.restore_application(_window(args), args.card_number, _card_ops(args)))


def _replace(args: argparse.Namespace) -> int:
    return _show(args, wf.apply_for_replacement(_window(args), args.card_number, applicant=_applicant(args),
                                                bank_loss_receipt=args.bank_receipt))


def _exchange(args: argparse.Namespace) -> int:
    return _show(args, wf.apply_for_exchange(_window(args), args.card_number, ExchangeReason(args.reason),
                                             damage=Damage(args.damage) if args.damage else None,
                                             applicant=_applicant(args)))


def _settle_medical(args: argparse.Namespace) -> int:
    return _show(args, wf.settle_medical_account(_window(args), args.card_number, CancellationReason(args.reason),
                                                 applicant=_applicant(args)))


def _cancel_application(args: argparse.Namespace) -> int:
    return _show(args, wf.cancel_application(_window(args), args.application_id, CancellationReason(args.reason),
                                             applicant=_applicant(args)))


def _close_bank(args: argparse.Namespace) -> int:
    ops = None if args.card_absent else _card_ops(args)
    return _show(args, wf.close_bank_account(_window(args), args.card_number, ops, applicant=_applicant(args)))


def _temp_issue(args: argparse.Namespace) -> int:
    return _show(args, wf.issue_temporary_card(_window(args), args.ssn, _card_ops(args), card_number=args.card_number,
                                               hospital_certificate=args.certificate, applicant=_applicant(args)))


def _temp_return(args: argparse.Namespace) -> int:
    ops = None if args.card_absent else _card_ops(args)
    return _show(args, wf.return_temporary_card(_window(args), args.card_number, ops, damaged=args.damaged))


def _temp_expire(args: argparse.Namespace) -> int:
    return _show(args, wf.expire_temporary_cards(_window(args)))


def _pin_unblock(args: argparse.Namespace) -> int:
    return _show(args, wf.unblock_pin(_window(args), args.card_number, _card_ops(args), Function(args.function)))


def _pin_reset(args: argparse.Namespace) -> int:
    window = _window(args)
    ops = _card_ops(args)
    pin = sys.stdin.readline().strip()
    if not pin:
        raise CliError("pin-reset reads the new PIN from standard input (one line)")
    return _show(args, wf.reset_pin(window, args.card_number, ops, Function(args.function), pin))


def _pin_change(args: argparse.Namespace) -> int:
    window = _window(args)
    ops = _card_ops(args)
    old, new = _stdin_lines(2, "pin-change")
    return _show(args, wf.change_pin(window, args.card_number, ops, Function(args.function), old, new))


def _data_change(args: argparse.Namespace) -> int:
    change = wf.PersonalData(name=args.name, name_extension=args.name_extension, id_number=args.id_number,
                             id_kind=args.id_kind, nationality=args.nationality, sex=args.sex,
                             ethnicity=args.ethnicity, birth_date=args.birth_date)
    ops = None if args.no_card else _card_ops(args)
    return _show(args, wf.change_personal_data(_window(args), args.ssn, change, proof=args.document, card_ops=ops,
                                               applicant=_applicant(args)))


def _present(args: argparse.Namespace) -> int:
    verdict = present_card(_window(args), _card_ops(args))
    _show(args, verdict)
    return 0 if verdict.usable else 4


def _block_returned(args: argparse.Namespace) -> int:
    return _show(args, wf.block_returned_card(_window(args), args.card_number, _card_ops(args)))


def _status(args: argparse.Namespace) -> int:
    return _show(args, card_status(_window(args), args.card_number))


def _cards(args: argparse.Namespace) -> int:
    return _show(args, person_cards(_window(args), args.ssn))


def _audit(args: argparse.Namespace) -> int:
    return _show(args, audit_entries(_window(args), ssn=args.ssn, card_number=args.card))


def _pending(args: argparse.Namespace) -> int:
    return _show(args, pending_operations(_window(args)))


def _resolve(args: argparse.Namespace) -> int:
    new_pin = None
    if args.new_pin_stdin:
        new_pin = sys.stdin.readline().strip()
        if not new_pin:
            raise CliError("--new-pin-stdin reads the new PIN from standard input (one line)")
    ops = None if args.no_card else _card_ops(args)
    return _show(args, resolve_pending(_window(args), args.journal_id, ops,
                                       holder_present=args.holder_present or new_pin is not None, new_pin=new_pin))


# ------------------------------------------------------------------------------------------ demo


def _demo(args: argparse.Namespace) -> int:
    """Loss report, blacklist hit at a terminal, replacement, old card blocked: on model cards."""
    from apdu_spec.model import CardModel, CardProfile
    from sscard import ModelConnection, examples, load_key_file, personalise
    from sscard.holder import parse_personalisation_data
    from sscard.keys import SoftwareBankKeys, SoftwareIssuerKeys

    issuer = load_key_file(examples.path(examples.ISSUER_KEYS))
    bank_keys = load_key_file(examples.path(examples.BANK_KEYS))
    assert isinstance(issuer, SoftwareIssuerKeys) and isinstance(bank_keys, SoftwareBankKeys)
    holder = json.loads(examples.read_text(examples.HOLDER))
    ssn = holder["holder"]["social_security_number"]
    db = args.db if args.db != os.environ.get(DB_ENV, DEFAULT_URL) else "sqlite://"
    registry = Registry(db)
    clock = FixedClock(args.today or _dt.date(2025, 3, 3))
    fees = _fees(args)

    def window(side: Side, name: str, bank: str | None = None) -> Window:
        return Window(registry, operator=f"demo-{name}", window_id=name, side=side, clock=clock, bank=bank,
                      fees=fees)

    social, bank = window(Side.SOCIAL, "SG-window-1"), window(Side.BANK, "ICBC-counter", "ICBC")
    hotline, hospital = window(Side.SOCIAL_PLATFORM, "12333-hotline"), window(Side.TERMINAL, "hospital-1")

    def card(n: int) -> tuple[ModelConnection, str]:
        profile = dataclasses.replace(CardProfile.example(), card_unique=n.to_bytes(8, "big"))
        connection = ModelConnection(CardModel(profile))
        data = json.loads(json.dumps(holder))
        data["card"]["card_number"] = f"K{n:08d}"
        personalise(connection, parse_personalisation_data(data), issuer, bank_keys=bank_keys)
        connection.reset()
        return connection, f"K{n:08d}"

    def ops(connection: ModelConnection, side: Side) -> SessionCardOperations:
        return SessionCardOperations(connection, issuer_keys=issuer if side is not Side.BANK else None,
                                     bank_keys=bank_keys if side is not Side.SOCIAL else None)

    def step(title: str, result: Any) -> None:
        print(f"  {title}\n    -> {_line(result)}")

    def holder_name(connection: ModelConnection) -> str:
        connection.reset()
        name = ops(connection, Side.SOCIAL).read_holder_items((2,))[2]
        connection.reset()
        return name

    print(f"== window scenario (registry {registry.display_url}, today {clock.today().isoformat()})")
    wf.register_person(social, ssn, holder["holder"]["name"], photo_on_file=True)
    app = wf.apply_for_card(social, ssn, bank="ICBC")
    step("apply for a card (art. 9-11)", app)
    old, old_number = card(1)
    identity = ops(old, Side.SOCIAL).read_card_identity()
    assert app.application is not None and identity.card_id is not None
    wf.record_production(social, app.application.id, card_number=old_number, card_id=identity.card_id,
                         expiry_date=identity.expiry_date)  # the card office records what it wrote in EF05
    step("pick-up, social function activated on the card (art. 12-13)",
         wf.collect_card(social, old_number, ops(old, Side.SOCIAL)))
    step("financial activation at the bank (art. 13)", wf.activate_financial(bank, old_number, ops(old, Side.BANK)))
    step("temporary loss report by phone (art. 14)", wf.report_loss(hotline, old_number, Function.SOCIAL, formal=False))
    step("the lost card is presented at a hospital terminal: blacklist hit",
         present_card(hospital, ops(old, Side.TERMINAL)))
    step("formal loss report, social function, at the window (art. 14)",
         wf.report_loss(social, old_number, Function.SOCIAL, formal=True))
    step("formal loss report, financial function, at the bank (art. 14)",
         wf.report_loss(bank, old_number, Function.FINANCIAL, formal=True))
    clock.advance(days=1)
    replacement = wf.apply_for_replacement(social, old_number, bank_loss_receipt="ICBC-LR-0001")
    step("replacement (art. 16, fee art. 17)", replacement)
    assert replacement.application is not None
    new, new_number = card(2)
    new_identity = ops(new, Side.SOCIAL).read_card_identity()
    assert new_identity.card_id is not None
    clock.advance(days=20)
    wf.record_production(social, replacement.application.id, card_number=new_number, card_id=new_identity.card_id,
                         expiry_date=new_identity.expiry_date)
    step("the new card is collected", wf.collect_card(social, new_number, ops(new, Side.SOCIAL)))
    step("the old card turns up at a terminal: card blocked", present_card(hospital, ops(old, Side.TERMINAL)))
    state = ops(old, Side.TERMINAL).read_card_identity()
    print(f"  old card on the card itself: {'TERMINATED' if state.terminated else state}")
    print(f"  new card at the terminal: {_line(present_card(hospital, ops(new, Side.TERMINAL)))}")
    # Issue 14's completed articles: a change of name (registry and EF06 together), the holder's PIN change,
    # and a holder who is not a mainland resident.
    print(f"  name on the new card (EF06): {holder_name(new)}")
    step("personal-data change: the holder's name, registry and card (art. 6)",
         wf.change_personal_data(social, ssn, wf.PersonalData(name=DEMO_NEW_NAME), proof="household register "
                                 "change HR-0001", card_ops=ops(new, Side.SOCIAL)))
    print(f"  name on the new card (EF06) now: {holder_name(new)}")
    new.reset()
    step("the holder changes the social PIN (art. 20; never back to the initial PIN)",
         wf.change_pin(social, new_number, ops(new, Side.SOCIAL), Function.SOCIAL,
                       holder["social"]["initial_pin"], DEMO_NEW_PIN))
    step("a Hong Kong resident registers with the residence permit (art. 9)",
         wf.register_person(social, DEMO_HK_PERMIT, "CHAN Tai Man", photo_on_file=True))
    step("and applies through an agent, living elsewhere (art. 10)",
         wf.apply_for_card(social, DEMO_HK_PERMIT, bank="BOC",
                           applicant=Applicant(ActorRole.AGENT, "brother", DEMO_AGENT_ID, "power of attorney PA-7",
                                               AgentGround.LIVING_ELSEWHERE)))
    print("  audit log:")
    for entry in audit_entries(social):
        print(f"    #{entry.id} {entry.at.astimezone(_dt.timezone(_dt.timedelta(hours=8))):%Y-%m-%d} "
              f"{entry.window_id:<14} {entry.action:<28} art. {entry.article} {entry.clause}")
    registry.dispose()
    return 0 if state.terminated else 1
