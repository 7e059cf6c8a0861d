"""``sscard window …``: the service-window workflows from the command line (demos and scripting).

Every command takes ``--db URL`` (default ``$SSCARD_WINDOW_DB`` or ``sqlite:///sscard-window.db``), says
where it runs with ``--side`` (social window, bank counter, platform, terminal), who runs it with
``--operator`` / ``--window-id``, and may fix the date with ``--today`` (an injectable clock). Commands that
act on the card read it from a PC/SC reader (``--reader``) with the issuer's ``--keys`` and/or the bank's
``--bank-keys``. A new PIN is read from standard input, never from the command line. ``--json`` prints the
receipt. ``sscard window demo`` runs a whole scenario on reference-model cards in memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sscard.cli import _card
from sscard.cli._output import CliError, emit_json
from sscard.window import (
    DEFAULT_URL,
    ActorRole,
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
)
from sscard.window import workflows as wf
from sscard.window.journal import pending_operations, resolve_pending
from sscard.window.queries import audit_entries, card_status, person_cards
from sscard.window.terminal import present_card

DB_ENV = "SSCARD_WINDOW_DB"


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
    g.add_argument("--counter-bank", default=None, help="the bank of a bank counter")
    g.add_argument("--today", type=_dt.date.fromisoformat, default=None, help="fix the date (YYYY-MM-DD)")
    g.add_argument("--holidays", type=Path, default=None, help="working-day calendar (TOML: holidays, workdays)")
    g.add_argument("--card-fee", type=int, default=None, help="provincial card fee in fen (default 2000)")
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


def _applicant(args: argparse.Namespace) -> Applicant:
    return Applicant(ActorRole(args.role), args.relationship, args.agent_id, args.proof)


def _window(args: argparse.Namespace) -> Window:
    registry = Registry(args.db)
    calendar = WorkingDayCalendar.load(args.holidays) if args.holidays else WorkingDayCalendar()
    clock = FixedClock(args.today) if args.today else SystemClock()
    fees = FeeSchedule(card_fee=args.card_fee) if args.card_fee is not None else FeeSchedule()
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
            parts.append(f"fee {item.fee.yuan} yuan (art. {item.fee.article}: {item.fee.reason})")
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
    p = add("register", _register, "register a person (art. 9)")
    p.add_argument("ssn")
    p.add_argument("name")
    p.add_argument("--photo-on-file", action="store_true")
    p.add_argument("--not-insured", action="store_true")
    p = add("apply", _apply, "apply for a card (art. 9-11)", applicant=True)
    p.add_argument("ssn")
    p.add_argument("--bank", dest="chosen_bank", required=True, help="the chosen partner bank")
    p.add_argument("--photo-receipt", default=None)
    p = add("produce", _produce, "record a produced card at the service point (art. 11)")
    p.add_argument("application_id", type=int)
    p.add_argument("--card-number", required=True)
    p.add_argument("--card-id", required=True, help="card identification code, 32 hex digits")
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
                   help="the holder gives the new PIN of an interrupted PIN reset again: read from standard input "
                        "(implies --holder-present)")
    add("demo", _demo, "a short window scenario on reference-model cards (no reader needed)")


def _init(args: argparse.Namespace) -> int:
    registry = Registry(args.db)
    revision = registry.current_revision()
    print(json.dumps({"db": registry.display_url, "revision": revision}) if args.json
          else f"registry {registry.display_url} at revision {revision}")
    return 0


def _register(args: argparse.Namespace) -> int:
    return _show(args, wf.register_person(_window(args), args.ssn, args.name, insured=not args.not_insured,
                                          photo_on_file=args.photo_on_file))


def _apply(args: argparse.Namespace) -> int:
    return _show(args, wf.apply_for_card(_window(args), args.ssn, bank=args.chosen_bank,
                                         applicant=_applicant(args), photo_receipt=args.photo_receipt))


def _produce(args: argparse.Namespace) -> int:
    return _show(args, wf.record_production(_window(args), args.application_id, card_number=args.card_number,
                                            card_id=args.card_id))


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

    def window(side: Side, name: str) -> Window:
        return Window(registry, operator=f"demo-{name}", window_id=name, side=side, clock=clock)

    social, bank = window(Side.SOCIAL, "SG-window-1"), window(Side.BANK, "ICBC-counter")
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

    print(f"== window scenario (registry {registry.display_url}, today {clock.today().isoformat()})")
    wf.register_person(social, ssn, holder["holder"]["name"], photo_on_file=True)
    app = wf.apply_for_card(social, ssn, bank="ICBC")
    step("apply for a card (art. 9-11)", app)
    old, old_number = card(1)
    identity = ops(old, Side.SOCIAL).read_card_identity()
    assert app.application is not None and identity.card_id is not None
    wf.record_production(social, app.application.id, card_number=old_number, card_id=identity.card_id)
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
    wf.record_production(social, replacement.application.id, card_number=new_number, card_id=new_identity.card_id)
    step("the new card is collected", wf.collect_card(social, new_number, ops(new, Side.SOCIAL)))
    step("the old card turns up at a terminal: card blocked", present_card(hospital, ops(old, Side.TERMINAL)))
    state = ops(old, Side.TERMINAL).read_card_identity()
    print(f"  old card on the card itself: {'TERMINATED' if state.terminated else state}")
    print(f"  new card at the terminal: {_line(present_card(hospital, ops(new, Side.TERMINAL)))}")
    print("  audit log:")
    for entry in audit_entries(social):
        print(f"    #{entry.id} {entry.at.astimezone(_dt.timezone(_dt.timedelta(hours=8))):%Y-%m-%d} "
              f"{entry.window_id:<14} {entry.action:<28} art. {entry.article} {entry.clause}")
    registry.dispose()
    return 0 if state.terminated else 1
