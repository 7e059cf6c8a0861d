"""The regulation's workflows, one function each, as a service window (or bank counter) calls them.

Every function takes the :class:`~sscard.window.context.Window` it runs at first, names the article it
implements in its docstring, refuses what the regulation refuses with a
:class:`~sscard.window.errors.RuleViolation` citing the article and clause, writes one audit entry per
accepted operation and returns a :class:`~sscard.window.context.Receipt`. Workflows that change the card take
``card_ops`` (:class:`~sscard.window.cardops.CardOperations`) and go through the journal (SSC-WIN-15).
"""

from __future__ import annotations

import datetime as _dt
import enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sscard.holder import validate_social_security_number
from sscard.spec_tables import Lifecycle
from sscard.window import _core as core
from sscard.window.cardops import CardOp, CardOperations, Function
from sscard.window.clock import add_months, add_years
from sscard.window.context import HOLDER, ActorRole, Applicant, ApplicationView, Receipt, Side, Window
from sscard.window.errors import NotFound, RuleViolation, WindowError
from sscard.window.fees import Damage, Fee, FeeCase, card_fee
from sscard.window.models import (
    ENDED_STATUSES,
    LOSS_STATUSES,
    Application,
    Card,
    CardStatus,
    FunctionStatus,
    JournalEntry,
    Person,
)

__all__ = [
    "PRODUCTION_WORKING_DAYS",
    "TEMPORARY_CARD_DAYS",
    "CancellationReason",
    "ExchangeReason",
    "abandon_uncollected",
    "activate_financial",
    "apply_for_card",
    "apply_for_exchange",
    "apply_for_replacement",
    "block_returned_card",
    "cancel_loss",
    "close_bank_account",
    "collect_card",
    "expire_temporary_cards",
    "issue_temporary_card",
    "overdue_applications",
    "production_deadline",
    "record_production",
    "register_person",
    "report_loss",
    "reset_pin",
    "restore_application",
    "return_temporary_card",
    "settle_medical_account",
    "unblock_pin",
]

PRODUCTION_WORKING_DAYS = 30
"""Art. 11: the card is made within 30 working days of accepting the application."""
ABANDON_MONTHS = 12
"""Art. 12: a card not collected for 12 months is deemed abandoned."""
TEMPORARY_CARD_DAYS = 90
"""Art. 19: a temporary card is valid 90 days."""
CARD_VALIDITY_YEARS = 10
"""[choice] Default validity of a regular card when production gives no expiry date."""
GUARDIAN_AGE = 16
"""Art. 10: applicants under 16 apply through their guardian."""


class ExchangeReason(enum.StrEnum):
    """Why a card is exchanged (art. 17, 22)."""

    DAMAGE = "damage"
    DATA_CHANGE = "data_change"
    APPEARANCE = "appearance"
    HOLDER_REQUEST = "holder_request"


class CancellationReason(enum.StrEnum):
    """Why a card is cancelled (art. 18)."""

    TRANSFER = "transfer"          # social security relation transferred away
    EMIGRATION = "emigration"      # settled abroad
    DEATH = "death"
    DISAPPEARANCE = "disappearance"


_EXCHANGE_FEE = {
    ExchangeReason.DAMAGE: FeeCase.EXCHANGE_DAMAGE,
    ExchangeReason.DATA_CHANGE: FeeCase.EXCHANGE_DATA_CHANGE,
    ExchangeReason.APPEARANCE: FeeCase.EXCHANGE_APPEARANCE,
    ExchangeReason.HOLDER_REQUEST: FeeCase.EXCHANGE_HOLDER_REQUEST,
}


# ------------------------------------------------------------------------------------------ helpers


def _age(ssn: str, today: _dt.date) -> int:
    born = _dt.date(int(ssn[6:10]), int(ssn[10:12]), int(ssn[12:14]))
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _receipt(s: Session, action: str, audit_id: int, *, person_id: int | None = None, card: Card | None = None,
             application: Application | None = None, fee: Fee | None = None, journal_id: int | None = None,
             notes: tuple[str, ...] = ()) -> Receipt:
    return Receipt(action, audit_id, person_id if person_id is not None else (card.person_id if card else None),
                   core.card_view(s, card) if card is not None else None,
                   core.application_view(application) if application is not None else None,
                   fee, journal_id, notes)


def _person(s: Session, person_id: int) -> Person:
    person = s.get(Person, person_id)
    assert person is not None
    return person


def _live_card(s: Session, person: Person) -> Card | None:
    return s.scalars(select(Card).where(Card.live_person_id == person.id)).one_or_none()


def _open_application(s: Session, person: Person) -> Application | None:
    return s.scalars(select(Application).where(Application.open_person_id == person.id)).one_or_none()


def _check_applicant(applicant: Applicant, article: int, clause: str) -> None:
    """Agents and guardians show their ID and the proof of authority or relationship (art. 10, 12, 14)."""
    if applicant.role is ActorRole.HOLDER:
        return
    if not applicant.id_number:
        raise RuleViolation(article, clause, f"the {applicant.role.value} must show their own ID document")
    if not applicant.proof:
        raise RuleViolation(article, clause, f"the {applicant.role.value} must show the power of attorney or the "
                            "proof of relationship")
    if applicant.role in (ActorRole.GUARDIAN, ActorRole.HOUSEHOLD) and not applicant.relationship:
        raise RuleViolation(article, clause, f"the {applicant.role.value}'s relationship to the holder is required")


def _deadline(window: Window, accepted: _dt.date) -> _dt.date:
    return window.calendar.add_working_days(accepted, PRODUCTION_WORKING_DAYS)


def production_deadline(window: Window, accepted_on: _dt.date) -> _dt.date:
    """Art. 11 (SSC-WIN-3): the last day to make the card: 30 working days after acceptance, in the window's
    working-day calendar (weekends, holidays and adjusted working days)."""
    return _deadline(window, accepted_on)


def _new_application(s: Session, window: Window, person: Person, *, reason: str, bank: str, applicant: Applicant,
                     photo_source: str, fee: Fee, replaces: Card | None = None,
                     exchange_reason: str | None = None) -> Application:
    today = window.today()
    app = Application(person_id=person.id, reason=reason, exchange_reason=exchange_reason, status="accepted",
                      open_person_id=person.id, replaces_card_id=replaces.id if replaces else None, bank=bank,
                      applicant_role=applicant.role.value, relationship=applicant.relationship,
                      agent_ref=applicant.agent_ref, photo_source=photo_source, accepted_on=today,
                      deadline=_deadline(window, today), fee=fee.amount, window_id=window.window_id, version=1)
    s.add(app)
    s.flush()
    return app


# ------------------------------------------------------------------------------------------ art. 9-11


def register_person(window: Window, ssn: str, name: str, *, insured: bool = True,
                    photo_on_file: bool = False) -> Receipt:
    """Art. 9 (SSC-WIN-1): a person enters the registry under their real name and social security number
    (GB 11643 checked); one entry per number."""
    validate_social_security_number(ssn, "ssn")
    if not name.strip():
        raise WindowError("name: required (real-name registration, art. 9)")
    with window.registry.transaction() as s:
        person = Person(ssn=ssn, name=name.strip(), insured=insured, photo_on_file=photo_on_file,
                        created_at=window.now(), version=1)
        s.add(person)
        s.flush()
        audit_id = core.audit(s, window, "register_person", article=9, clause="SSC-WIN-1", person_id=person.id,
                              detail={"insured": insured, "photo_on_file": photo_on_file})
        return _receipt(s, "register_person", audit_id, person_id=person.id)


def apply_for_card(window: Window, ssn: str, *, bank: str, applicant: Applicant = HOLDER,
                   photo_receipt: str | None = None) -> Receipt:
    """Art. 9-10 (SSC-WIN-1, SSC-WIN-2): a first application, at a service window or a partner bank.

    One person one card: refused while the person has a live card or an open application (the database's
    unique constraints decide a race). Under 16 the guardian applies; an agent shows their ID and the power of
    attorney; without a photo on file the photo quality receipt is required; the applicant chooses one partner
    bank. Production is due within 30 working days (art. 11). The first card is free (art. 17).
    """
    core.require_side(window, (Side.SOCIAL, Side.BANK), 10, "SSC-WIN-2", "an application")
    with window.registry.transaction() as s:
        person = core.person_by_ssn(s, ssn)
        core.claim(s, person)
        today = window.today()
        if _age(ssn, today) < GUARDIAN_AGE and applicant.role is not ActorRole.GUARDIAN:
            raise RuleViolation(10, "SSC-WIN-2", "the applicant is under 16: the guardian must apply for them")
        _check_applicant(applicant, 10, "SSC-WIN-2")
        if window.partner_banks and bank not in window.partner_banks:
            raise RuleViolation(10, "SSC-WIN-2", f"{bank!r} is not a partner bank (choose one of "
                                f"{', '.join(sorted(window.partner_banks))})")
        if not person.photo_on_file and not photo_receipt:
            raise RuleViolation(10, "SSC-WIN-2", "no photo on file: the digital photo quality receipt is required")
        live = _live_card(s, person)
        if live is not None:
            hint = (" (it is reported lost: apply for a replacement, art. 16)"
                    if FunctionStatus(live.social) in LOSS_STATUSES else "")
            raise RuleViolation(9, "SSC-WIN-1", f"one person one card: the person already holds card "
                                f"{live.card_number}{hint}")
        if _open_application(s, person) is not None:
            raise RuleViolation(9, "SSC-WIN-1", "one person one card: the person already has an open application")
        fee = card_fee(FeeCase.FIRST, today=today, schedule=window.fees)
        app = _new_application(s, window, person, reason="first", bank=bank, applicant=applicant,
                               photo_source="on_file" if person.photo_on_file else "receipt", fee=fee)
        core.charge(s, window, person.id, fee, FeeCase.FIRST, application_id=app.id)
        audit_id = core.audit(s, window, "apply_card", article=10, clause="SSC-WIN-2", person_id=person.id,
                              application_id=app.id, actor=core.actor_of(applicant),
                              detail={"bank": bank, "deadline": app.deadline.isoformat()})
        return _receipt(s, "apply_card", audit_id, person_id=person.id, application=app, fee=fee)


def record_production(window: Window, application_id: int, *, card_number: str, card_id: str,
                      issue_date: _dt.date | None = None, expiry_date: _dt.date | None = None) -> Receipt:
    """Art. 11 (SSC-WIN-3): the card office made the card and delivered it to the service point: the card
    enters the registry awaiting pick-up (both functions not yet activated, art. 13). The receipt notes
    whether the 30-working-day deadline was kept."""
    card_id = card_id.upper()
    if len(card_id) != 32 or any(c not in "0123456789ABCDEF" for c in card_id):
        raise WindowError("card_id: the 16-byte card identification code in hex (32 characters)")
    with window.registry.transaction() as s:
        app = s.get(Application, application_id)
        if app is None:
            raise NotFound(f"no application #{application_id}")
        person = _person(s, app.person_id)
        core.claim(s, person, app)
        if app.status != "accepted":
            raise RuleViolation(11, "SSC-WIN-3", f"application #{app.id} is {app.status}, not awaiting production")
        today = window.today()
        issue = issue_date or today
        card = Card(card_number=card_number, card_id=card_id, person_id=person.id, application_id=app.id,
                    kind="regular", bank=app.bank, issue_date=issue,
                    expiry_date=expiry_date or add_years(issue, CARD_VALIDITY_YEARS),
                    status=CardStatus.AWAITING_PICKUP.value, social=FunctionStatus.ISSUED.value,
                    financial=FunctionStatus.ISSUED.value, ready_on=today, version=1)
        s.add(card)
        app.status = "produced"
        app.produced_on = today
        s.flush()
        late = today > app.deadline
        note = (f"LATE: due {app.deadline.isoformat()}, {window.calendar.working_days_between(app.deadline, today)} "
                "working days over (art. 11)" if late else f"on time (due {app.deadline.isoformat()})")
        audit_id = core.audit(s, window, "record_production", article=11, clause="SSC-WIN-3", person_id=person.id,
                              card_id=card.id, application_id=app.id, detail={"late": late})
        return _receipt(s, "record_production", audit_id, card=card, application=app, notes=(note,))


def overdue_applications(window: Window) -> list[ApplicationView]:
    """Art. 11 (SSC-WIN-3): accepted applications whose 30-working-day deadline has passed."""
    with window.registry.transaction() as s:
        rows = s.scalars(select(Application).where(Application.status == "accepted",
                                                   Application.deadline < window.today())
                         .order_by(Application.deadline))
        return [core.application_view(a) for a in rows]


# ------------------------------------------------------------------------------------------ art. 12-13


def collect_card(window: Window, card_number: str, card_ops: CardOperations, *,
                 collector: Applicant = HOLDER) -> Receipt:
    """Art. 12-13 (SSC-WIN-4): pick-up by the holder or an agent (power of attorney and both IDs), within 12
    months of the card being ready; the social function is activated on the card at pick-up (the financial
    one at the bank, :func:`activate_financial`).

    On collection the card becomes the holder's live card; a card it replaces by exchange ends (blacklisted
    for a card block if ever presented again) and a temporary card of the holder is cancelled (art. 19).
    """
    core.require_side(window, (Side.SOCIAL, Side.BANK), 12, "SSC-WIN-4", "card pick-up")
    presented = card_ops.read_card_identity()

    def plan(s: Session) -> core.CardStep:
        card = core.card_by_number(s, card_number)
        person = _person(s, card.person_id)
        core.claim(s, person, card)
        if card.status != CardStatus.AWAITING_PICKUP:
            raise RuleViolation(12, "SSC-WIN-4", f"card {card.card_number} is {card.status}, not awaiting pick-up")
        assert card.ready_on is not None
        if window.today() > add_months(card.ready_on, ABANDON_MONTHS):
            raise RuleViolation(12, "SSC-WIN-5", f"not collected within 12 months of {card.ready_on.isoformat()}: "
                                "deemed abandoned, the card went back to the card office")
        _check_applicant(collector, 12, "SSC-WIN-4")
        core.check_presented(card, presented)
        if Function.SOCIAL not in card_ops.authorities:
            raise WindowError("this terminal holds no issuer keys: it cannot activate the social function")
        return core.CardStep(card, CardOp.ACTIVATE, Function.SOCIAL, "collect",
                             {"actor": collector.to_payload()})

    return core.run_card_step(window, card_ops, plan)


def _claimed_card(s: Session, entry: JournalEntry | None, card: Card | None = None) -> Card:
    """The card an effect works on: the one the workflow already holds, or the journal entry's (when
    the effect runs on completion or recovery), claimed for this transaction either way."""
    if card is not None:
        return card  # the workflow claimed it when it planned the step
    assert entry is not None
    found = s.get(Card, entry.card_id)
    assert found is not None
    core.claim(s, found)
    return found


@core.effect("collect")
def _collect_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    card = s.get(Card, entry.card_id)
    assert card is not None
    person = _person(s, card.person_id)
    app = s.get(Application, card.application_id) if card.application_id else None
    today = _dt.date.fromisoformat(payload["today"])
    notes: list[str] = []
    core.claim(s, person, card)
    if app is not None and app.replaces_card_id is not None and app.reason == "exchange":
        old = s.get(Card, app.replaces_card_id)
        if old is not None and old.status == CardStatus.ACTIVE:
            core.claim(s, old)
            _end_card(s, window, old, CardStatus.EXCHANGED, today)
            notes.append(f"card {old.card_number} exchanged: blacklisted for a card block")
    temp = s.scalars(select(Card).where(Card.live_temp_person_id == person.id)).one_or_none()
    if temp is not None:
        core.claim(s, temp)
        _end_card(s, window, temp, CardStatus.CANCELLED, today, reason="real_card_collected")
        notes.append(f"temporary card {temp.card_number} cancelled: to be handed back (art. 19)")
    card.status = CardStatus.ACTIVE.value
    card.social = FunctionStatus.ACTIVE.value
    card.collected_on = today
    card.live_person_id = person.id
    if app is not None:
        core.claim(s, app)
        app.status = "collected"
        app.open_person_id = None
        app.closed_on = today
    s.flush()
    audit_id = core.audit(s, window, "collect_card", article=13, clause="SSC-WIN-4", person_id=person.id,
                          card_id=card.id, application_id=app.id if app else None, journal_id=entry.id,
                          actor=payload.get("actor"), detail=_recovery(payload))
    return _receipt(s, "collect_card", audit_id, card=card, application=app, journal_id=entry.id,
                    notes=tuple(notes))


def _recovery(payload: dict[str, Any]) -> dict[str, Any] | None:
    recovered = payload.get("recovered_from")
    return {"recovered_from": recovered} if recovered else None


def _end_card(s: Session, window: Window, card: Card, status: CardStatus, today: _dt.date,
              reason: str | None = None) -> None:
    """A card leaves use for good: not live any more, both functions closed, blacklisted for a card block."""
    card.status = status.value
    card.live_person_id = None
    card.live_temp_person_id = None
    card.ended_on = today
    if reason is not None:
        card.cancellation_reason = reason
    card.social = FunctionStatus.CLOSED.value
    if card.financial != FunctionStatus.NONE:
        card.financial = FunctionStatus.CLOSED.value
    s.flush()
    core.blacklist_add(s, window, card, "card", status.value)


def activate_financial(window: Window, card_number: str, card_ops: CardOperations) -> Receipt:
    """Art. 13 (SSC-WIN-4): the financial function is activated separately, at the bank's counter."""
    core.require_side(window, (Side.BANK,), 13, "SSC-WIN-4", "financial activation")
    presented = card_ops.read_card_identity()

    def plan(s: Session) -> core.CardStep:
        card = core.card_by_number(s, card_number)
        core.claim(s, _person(s, card.person_id), card)
        core.check_presented(card, presented)
        if card.status != CardStatus.ACTIVE or card.financial != FunctionStatus.ISSUED:
            raise RuleViolation(13, "SSC-WIN-4", f"card {card.card_number} ({card.status}, financial "
                                f"{card.financial}): the financial function can be activated only once, after pick-up")
        return core.CardStep(card, CardOp.ACTIVATE, Function.FINANCIAL, "activate_financial", {})

    return core.run_card_step(window, card_ops, plan)


@core.effect("activate_financial")
def _activate_financial_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    card = _claimed_card(s, entry)
    card.financial = FunctionStatus.ACTIVE.value
    s.flush()
    audit_id = core.audit(s, window, "activate_financial", article=13, clause="SSC-WIN-4", person_id=card.person_id,
                          card_id=card.id, journal_id=entry.id, detail=_recovery(payload))
    return _receipt(s, "activate_financial", audit_id, card=card, journal_id=entry.id)


def abandon_uncollected(window: Window) -> list[Receipt]:
    """Art. 12 (SSC-WIN-5): cards not collected 12 months after they were ready are deemed abandoned: the
    application closes (the person may apply again) and the card is blacklisted for a card block."""
    today = window.today()
    receipts = []
    with window.registry.transaction() as s:
        waiting = list(s.scalars(select(Card).where(Card.status == CardStatus.AWAITING_PICKUP.value)))
        for card in waiting:
            assert card.ready_on is not None
            if today <= add_months(card.ready_on, ABANDON_MONTHS):
                continue
            core.claim(s, _person(s, card.person_id), card)
            _end_card(s, window, card, CardStatus.ABANDONED, today)
            app = s.get(Application, card.application_id) if card.application_id else None
            if app is not None:
                core.claim(s, app)
                app.status = "abandoned"
                app.open_person_id = None
                app.closed_on = today
            s.flush()
            audit_id = core.audit(s, window, "abandon_card", article=12, clause="SSC-WIN-5",
                                  person_id=card.person_id, card_id=card.id,
                                  application_id=app.id if app else None,
                                  reason=f"ready {card.ready_on.isoformat()}, not collected for 12 months")
            receipts.append(_receipt(s, "abandon_card", audit_id, card=card, application=app))
    return receipts


# ------------------------------------------------------------------------------------------ art. 14-16


def report_loss(window: Window, card_number: str, function: Function, *, formal: bool,
                applicant: Applicant = HOLDER, expected_version: int | None = None) -> Receipt:
    """Art. 14 (SSC-WIN-6): loss report of one function. A temporary report comes through that function's
    platform (phone, web, kiosk) or desk: the social one for the social function, the bank's for the financial
    one; a formal report is made in person, the social function at a service window, the financial one at
    the bank. The card is blacklisted: from now on no function may be used, and a terminal that meets it
    blocks its applications (:func:`~sscard.window.terminal.present_card`).

    A temporary card (social function only) formally reported lost ends, and costs 20 yuan (art. 19).
    """
    if formal:
        core.require_side(window, (core.function_side(function),), 14, "SSC-WIN-6",
                          f"a formal loss report of the {function.value} function")
    else:
        allowed = ((Side.SOCIAL, Side.SOCIAL_PLATFORM) if function is Function.SOCIAL
                   else (Side.BANK, Side.BANK_PLATFORM))
        core.require_side(window, allowed, 14, "SSC-WIN-6", f"a temporary loss report of the {function.value} "
                          "function")
    if formal:
        _check_applicant(applicant, 14, "SSC-WIN-6")
    with window.registry.transaction() as s:
        card = core.card_by_number(s, card_number)
        core.check_version(card, expected_version)
        person = _person(s, card.person_id)
        core.claim(s, person, card)
        core.ensure_not_inflight(s, card)
        if card.status != CardStatus.ACTIVE:
            raise RuleViolation(14, "SSC-WIN-6", f"card {card.card_number} is {card.status}: only a card in use "
                                "can be reported lost")
        current = FunctionStatus(card.social if function is Function.SOCIAL else card.financial)
        if current is FunctionStatus.NONE:
            raise RuleViolation(19, "SSC-WIN-13", "a temporary card has no financial function")
        if current is FunctionStatus.FORMAL_LOSS or (current is FunctionStatus.TEMPORARY_LOSS and not formal):
            raise RuleViolation(14, "SSC-WIN-6", f"the {function.value} function of card {card.card_number} is "
                                f"already reported lost ({current.value})")
        new = FunctionStatus.FORMAL_LOSS if formal else FunctionStatus.TEMPORARY_LOSS
        fee = None
        notes: list[str] = []
        if function is Function.SOCIAL:
            card.social = new.value
        else:
            card.financial = new.value
        core.blacklist_add(s, window, card, function.value, new.value)
        if card.kind == "temporary" and formal:
            fee = card_fee(FeeCase.TEMPORARY_LOST, today=window.today(), schedule=window.fees)
            core.charge(s, window, person.id, fee, FeeCase.TEMPORARY_LOST, card_id=card.id)
            _end_card(s, window, card, CardStatus.CANCELLED, window.today(), reason="lost")
            notes.append("temporary card lost: cancelled, 20 yuan card fee (art. 19)")
        s.flush()
        audit_id = core.audit(s, window, "report_loss", article=14, clause="SSC-WIN-6", person_id=person.id,
                              card_id=card.id, actor=core.actor_of(applicant) if formal else None,
                              detail={"function": function.value, "formal": formal})
        return _receipt(s, "report_loss", audit_id, card=card, fee=fee, notes=tuple(notes))


def cancel_loss(window: Window, card_number: str, function: Function, card_ops: CardOperations, *,
                expected_version: int | None = None) -> Receipt:
    """Art. 15 (SSC-WIN-8): a lost card found again is un-reported, with the card and the holder's ID, the
    social function at a service window, the financial one at the bank; refused once a replacement has been
    applied for. When no loss report remains, the window's own application is unblocked on the card if a
    terminal had blocked it (APPLICATION UNBLOCK)."""
    core.require_side(window, (core.function_side(function),), 15, "SSC-WIN-8",
                      f"cancelling the loss report of the {function.value} function")
    presented = card_ops.read_card_identity()

    def plan(s: Session) -> core.CardStep | Receipt:
        card = core.card_by_number(s, card_number)
        core.check_version(card, expected_version)
        core.claim(s, _person(s, card.person_id), card)
        if card.status == CardStatus.REPLACED:
            when = card.ended_on.isoformat() if card.ended_on else "earlier"
            raise RuleViolation(15, "SSC-WIN-8", f"card {card.card_number}: a replacement was applied for ({when}); "
                                "the loss report can no longer be cancelled")
        current = FunctionStatus(card.social if function is Function.SOCIAL else card.financial)
        if card.status != CardStatus.ACTIVE or current not in LOSS_STATUSES:
            raise RuleViolation(15, "SSC-WIN-8", f"the {function.value} function of card {card.card_number} is not "
                                f"reported lost ({card.status}, {current.value})")
        core.check_presented(card, presented)
        payload = {"function": function.value}
        if _remaining_losses(s, card, except_function=function):
            return _cancel_loss_effect(s, window, None, payload, card=card)
        step = _unblock_step(card, presented, card_ops, window, "cancel_loss", payload)
        return step if step is not None else _cancel_loss_effect(s, window, None, payload, card=card)

    return core.run_card_step(window, card_ops, plan)


def _remaining_losses(s: Session, card: Card, except_function: Function | None = None) -> list[str]:
    return [e.function for e in core.active_blacklist(s, card)
            if except_function is None or e.function != except_function.value]


def _unblock_step(card: Card, presented: Any, card_ops: CardOperations, window: Window, effect: str,
                  payload: dict[str, Any]) -> core.CardStep | None:
    own = Function.SOCIAL if window.side is Side.SOCIAL else Function.FINANCIAL
    if own in card_ops.authorities and presented.lifecycle(own) is Lifecycle.BLOCKED:
        return core.CardStep(card, CardOp.UNBLOCK_APPLICATION, own, effect, payload)
    return None


def _still_blocked_note(s: Session, card: Card, window: Window, presented_blocked: list[str]) -> tuple[str, ...]:
    notes = []
    remaining = _remaining_losses(s, card)
    if remaining:
        notes.append(f"still reported lost: {', '.join(remaining)}; the card stays blocked (art. 14)")
    notes += [f"the {f} application is blocked on the card: unblock it at the "
              f"{'service window' if f == 'social' else 'bank'} (restore_application)" for f in presented_blocked]
    return tuple(notes)


@core.effect("cancel_loss")
def _cancel_loss_effect(s: Session, window: Window, entry: JournalEntry | None, payload: dict[str, Any], *,
                        card: Card | None = None) -> Receipt:
    card = _claimed_card(s, entry, card)
    function = Function(payload["function"])
    if function is Function.SOCIAL:
        card.social = FunctionStatus.ACTIVE.value
    else:
        card.financial = FunctionStatus.ACTIVE.value
    core.blacklist_lift(s, window, card, function.value)
    s.flush()
    detail: dict[str, Any] = {"function": function.value, "unblocked_on_card": entry is not None}
    detail.update(_recovery(payload) or {})
    audit_id = core.audit(s, window, "cancel_loss", article=15, clause="SSC-WIN-8", person_id=card.person_id,
                          card_id=card.id, journal_id=entry.id if entry else None, detail=detail)
    return _receipt(s, "cancel_loss", audit_id, card=card, journal_id=entry.id if entry else None,
                    notes=_still_blocked_note(s, card, window, []))


def restore_application(window: Window, card_number: str, card_ops: CardOperations) -> Receipt:
    """Art. 14-15 (SSC-WIN-8): unblock this side's application on a card that a terminal blocked, once the
    card has no loss report left (e.g. the bank after the social window cancelled the only loss report)."""
    core.require_side(window, (Side.SOCIAL, Side.BANK), 15, "SSC-WIN-8", "unblocking an application")
    presented = card_ops.read_card_identity()

    def plan(s: Session) -> core.CardStep:
        card = core.card_by_number(s, card_number)
        core.claim(s, _person(s, card.person_id), card)
        core.check_presented(card, presented)
        if card.status != CardStatus.ACTIVE or _remaining_losses(s, card):
            raise RuleViolation(14, "SSC-WIN-8", f"card {card.card_number} is {card.status} with blacklist "
                                f"{_remaining_losses(s, card) or 'none'}: no function may be used")
        step = _unblock_step(card, presented, card_ops, window, "restore_application", {})
        if step is None:
            raise WindowError(f"card {card.card_number}: nothing to unblock for this {window.side.value} terminal")
        return step

    return core.run_card_step(window, card_ops, plan)


@core.effect("restore_application")
def _restore_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    card = _claimed_card(s, entry)
    audit_id = core.audit(s, window, "restore_application", article=15, clause="SSC-WIN-8", person_id=card.person_id,
                          card_id=card.id, journal_id=entry.id,
                          detail={"function": entry.function, **(_recovery(payload) or {})})
    return _receipt(s, "restore_application", audit_id, card=card, journal_id=entry.id)


def apply_for_replacement(window: Window, card_number: str, *, applicant: Applicant = HOLDER,
                          bank_loss_receipt: str | None = None, expected_version: int | None = None) -> Receipt:
    """Art. 16 (SSC-WIN-9): replacement (补卡) only after a formal loss report, at a service window with the
    holder's ID and the bank's loss receipt: both functions must be formally reported lost. The old card
    leaves use for good (blacklisted for a card block; its loss report can no longer be cancelled, art. 15),
    a new application opens (30 working days, art. 11) and the provincial card fee is due (art. 17)."""
    core.require_side(window, (Side.SOCIAL,), 16, "SSC-WIN-9", "a replacement")
    _check_applicant(applicant, 16, "SSC-WIN-9")
    with window.registry.transaction() as s:
        card = core.card_by_number(s, card_number)
        core.check_version(card, expected_version)
        person = _person(s, card.person_id)
        core.claim(s, person, card)
        core.ensure_not_inflight(s, card)
        if card.kind != "regular" or card.status != CardStatus.ACTIVE:
            raise RuleViolation(16, "SSC-WIN-9", f"card {card.card_number} ({card.kind}, {card.status}) cannot be "
                                "replaced")
        missing = [f for f, st in (("social", card.social), ("financial", card.financial))
                   if st != FunctionStatus.FORMAL_LOSS]
        if missing:
            raise RuleViolation(16, "SSC-WIN-9", f"replacement only after a formal loss report: the "
                                f"{' and '.join(missing)} function{'s are' if len(missing) > 1 else ' is'} not "
                                "formally reported lost")
        if not bank_loss_receipt:
            raise RuleViolation(16, "SSC-WIN-9", "the bank's loss receipt is required")
        if _open_application(s, person) is not None:
            raise RuleViolation(9, "SSC-WIN-1", "one person one card: the person already has an open application")
        today = window.today()
        _end_card(s, window, card, CardStatus.REPLACED, today)
        fee = card_fee(FeeCase.REPLACEMENT, today=today, schedule=window.fees)
        app = _new_application(s, window, person, reason="replacement", bank=card.bank or "", applicant=applicant,
                               photo_source="on_file", fee=fee, replaces=card)
        core.charge(s, window, person.id, fee, FeeCase.REPLACEMENT, card_id=card.id, application_id=app.id)
        audit_id = core.audit(s, window, "apply_replacement", article=16, clause="SSC-WIN-9", person_id=person.id,
                              card_id=card.id, application_id=app.id, actor=core.actor_of(applicant),
                              detail={"bank_loss_receipt": bank_loss_receipt, "fee": fee.amount})
        return _receipt(s, "apply_replacement", audit_id, card=card, application=app, fee=fee)


# ------------------------------------------------------------------------------------------ art. 17, 22


def apply_for_exchange(window: Window, card_number: str, reason: ExchangeReason, *, damage: Damage | None = None,
                       applicant: Applicant = HOLDER, expected_version: int | None = None) -> Receipt:
    """Art. 17, 22 (SSC-WIN-10, SSC-WIN-11): exchange (换卡) of a damaged card, one whose face data changed, or
    one whose photo no longer resembles the holder, at a service window. The fee follows the two-year quality
    warranty (:func:`~sscard.window.fees.card_fee`). The old card stays in use until the new one is
    collected; a lost card is replaced, not exchanged (art. 16)."""
    core.require_side(window, (Side.SOCIAL,), 17, "SSC-WIN-10", "an exchange")
    _check_applicant(applicant, 17, "SSC-WIN-10")
    if reason is ExchangeReason.DAMAGE and damage is None:
        raise WindowError("damage: an exchange for damage needs the kind of damage (art. 17)")
    with window.registry.transaction() as s:
        card = core.card_by_number(s, card_number)
        core.check_version(card, expected_version)
        person = _person(s, card.person_id)
        core.claim(s, person, card)
        core.ensure_not_inflight(s, card)
        if card.kind != "regular" or card.status != CardStatus.ACTIVE:
            raise RuleViolation(17, "SSC-WIN-10", f"card {card.card_number} ({card.kind}, {card.status}) cannot be "
                                "exchanged")
        if _remaining_losses(s, card):
            raise RuleViolation(16, "SSC-WIN-9", f"card {card.card_number} is reported lost: a lost card is "
                                "replaced after a formal loss report, not exchanged")
        if _open_application(s, person) is not None:
            raise RuleViolation(9, "SSC-WIN-1", "one person one card: the person already has an open application")
        today = window.today()
        fee = card_fee(_EXCHANGE_FEE[reason], damage=damage, issue_date=card.issue_date, today=today,
                       schedule=window.fees)
        app = _new_application(s, window, person, reason="exchange", bank=card.bank or "", applicant=applicant,
                               photo_source="receipt" if reason is ExchangeReason.APPEARANCE else "on_file",
                               fee=fee, replaces=card, exchange_reason=reason.value)
        core.charge(s, window, person.id, fee, _EXCHANGE_FEE[reason], card_id=card.id, application_id=app.id)
        audit_id = core.audit(s, window, "apply_exchange", article=22 if reason is ExchangeReason.APPEARANCE else 17,
                              clause="SSC-WIN-10", person_id=person.id, card_id=card.id, application_id=app.id,
                              actor=core.actor_of(applicant), reason=fee.reason,
                              detail={"reason": reason.value, "damage": damage.value if damage else None,
                                      "fee": fee.amount})
        return _receipt(s, "apply_exchange", audit_id, card=card, application=app, fee=fee)


# ------------------------------------------------------------------------------------------ art. 18


def settle_medical_account(window: Window, card_number: str, reason: CancellationReason, *,
                           applicant: Applicant = HOLDER, expected_version: int | None = None) -> Receipt:
    """Art. 18 (SSC-WIN-12): cancellation starts at the social security side with the medical personal
    account settlement; after death or disappearance a guardian or a household member acts."""
    core.require_side(window, (Side.SOCIAL,), 18, "SSC-WIN-12", "the medical account settlement")
    if reason in (CancellationReason.DEATH, CancellationReason.DISAPPEARANCE) and applicant.role not in (
            ActorRole.GUARDIAN, ActorRole.HOUSEHOLD):
        raise RuleViolation(18, "SSC-WIN-12", f"after {reason.value} the holder's guardian or a household member "
                            "cancels the card")
    _check_applicant(applicant, 18, "SSC-WIN-12")
    with window.registry.transaction() as s:
        card = core.card_by_number(s, card_number)
        core.check_version(card, expected_version)
        core.claim(s, _person(s, card.person_id), card)
        core.ensure_not_inflight(s, card)
        if card.kind != "regular" or card.status != CardStatus.ACTIVE:
            raise RuleViolation(18, "SSC-WIN-12", f"card {card.card_number} ({card.kind}, {card.status}) is not a "
                                "card in use: nothing to cancel (temporary cards are returned, art. 19)")
        if card.social == FunctionStatus.SETTLED:
            raise RuleViolation(18, "SSC-WIN-12", "the medical account is already settled")
        card.social = FunctionStatus.SETTLED.value
        card.cancellation_reason = reason.value
        s.flush()
        audit_id = core.audit(s, window, "settle_medical", article=18, clause="SSC-WIN-12", person_id=card.person_id,
                              card_id=card.id, actor=core.actor_of(applicant), reason=reason.value)
        return _receipt(s, "settle_medical", audit_id, card=card,
                        notes=("next: bank account settlement and cancellation at the bank (art. 18)",))


def close_bank_account(window: Window, card_number: str, card_ops: CardOperations | None = None, *,
                       applicant: Applicant = HOLDER, expected_version: int | None = None) -> Receipt:
    """Art. 18 (SSC-WIN-12): then the bank settles and closes the financial account and takes the card back:
    the card is cancelled and blocked for good (CARD BLOCK when the card is presented; otherwise it is
    blacklisted and the next terminal that meets it blocks it). Refused before the medical settlement."""
    core.require_side(window, (Side.BANK,), 18, "SSC-WIN-12", "the bank account settlement")
    _check_applicant(applicant, 18, "SSC-WIN-12")
    presented = card_ops.read_card_identity() if card_ops is not None else None

    def plan(s: Session) -> core.CardStep | Receipt:
        card = core.card_by_number(s, card_number)
        core.check_version(card, expected_version)
        core.claim(s, _person(s, card.person_id), card)
        if card.status != CardStatus.ACTIVE:
            raise RuleViolation(18, "SSC-WIN-12", f"card {card.card_number} is {card.status}")
        if card.social != FunctionStatus.SETTLED:
            raise RuleViolation(18, "SSC-WIN-12", "the medical personal account must be settled first, at the "
                                "social security window; then the bank account")
        payload = {"actor": applicant.to_payload()}
        if card_ops is None or presented is None or presented.terminated:
            return _close_effect(s, window, None, payload, card=card)
        core.check_presented(card, presented)
        return core.CardStep(card, CardOp.BLOCK_CARD, None, "close_bank_account", payload)

    return core.run_card_step(window, card_ops, plan)


@core.effect("close_bank_account")
def _close_effect(s: Session, window: Window, entry: JournalEntry | None, payload: dict[str, Any], *,
                  card: Card | None = None) -> Receipt:
    card = _claimed_card(s, entry, card)
    today = _dt.date.fromisoformat(payload["today"]) if "today" in payload else window.today()
    reason = card.cancellation_reason
    _end_card(s, window, card, CardStatus.CANCELLED, today, reason=reason)
    card.social = FunctionStatus.SETTLED.value
    s.flush()
    audit_id = core.audit(s, window, "close_bank_account", article=18, clause="SSC-WIN-12", person_id=card.person_id,
                          card_id=card.id, journal_id=entry.id if entry else None, actor=payload.get("actor"),
                          reason=reason, detail={"card_blocked_on_card": entry is not None,
                                                 **(_recovery(payload) or {})})
    notes = () if entry is not None else ("card not presented: blacklisted, blocked by the next terminal",)
    return _receipt(s, "close_bank_account", audit_id, card=card, journal_id=entry.id if entry else None,
                    notes=notes)


# ------------------------------------------------------------------------------------------ art. 19


def issue_temporary_card(window: Window, ssn: str, card_ops: CardOperations, *, card_number: str,
                         hospital_certificate: str, applicant: Applicant = HOLDER) -> Receipt:
    """Art. 19 (SSC-WIN-13): a temporary card, on the spot and free, at the insured person's service window,
    for an insured person waiting for a card or a replacement who shows a hospital certificate. Social
    function only, valid 90 days; the social function is activated on the card at issue."""
    core.require_side(window, (Side.SOCIAL,), 19, "SSC-WIN-13", "a temporary card")
    _check_applicant(applicant, 19, "SSC-WIN-13")
    presented = card_ops.read_card_identity()
    if presented.card_id is None:
        raise WindowError("the card in the reader cannot be read")
    if presented.financial is not None:
        raise RuleViolation(19, "SSC-WIN-13", "a temporary card has the social function only: this card carries "
                            "a financial application")

    def plan(s: Session) -> core.CardStep:
        person = core.person_by_ssn(s, ssn)
        core.claim(s, person)
        if not person.insured:
            raise RuleViolation(19, "SSC-WIN-13", "temporary cards are for insured persons")
        if not hospital_certificate:
            raise RuleViolation(19, "SSC-WIN-13", "the hospital admission or treatment certificate is required")
        if _open_application(s, person) is None:
            raise RuleViolation(19, "SSC-WIN-13", "a temporary card is for a person waiting for a card or a "
                                "replacement: the person has no open application")
        today = window.today()
        card = Card(card_number=card_number, card_id=presented.card_id or "", person_id=person.id, application_id=None,
                    kind="temporary", bank=None, issue_date=today,
                    expiry_date=today + _dt.timedelta(days=TEMPORARY_CARD_DAYS),
                    status=CardStatus.AWAITING_PICKUP.value, social=FunctionStatus.ISSUED.value,
                    financial=FunctionStatus.NONE.value, live_temp_person_id=person.id, ready_on=today, version=1)
        s.add(card)
        s.flush()
        return core.CardStep(card, CardOp.ACTIVATE, Function.SOCIAL, "issue_temporary",
                             {"actor": applicant.to_payload(), "certificate": hospital_certificate})

    return core.run_card_step(window, card_ops, plan)


@core.effect("issue_temporary")
def _issue_temporary_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    card = _claimed_card(s, entry)
    card.status = CardStatus.ACTIVE.value
    card.social = FunctionStatus.ACTIVE.value
    card.collected_on = card.issue_date
    fee = card_fee(FeeCase.TEMPORARY_ISSUE, today=card.issue_date, schedule=window.fees)
    core.charge(s, window, card.person_id, fee, FeeCase.TEMPORARY_ISSUE, card_id=card.id)
    s.flush()
    audit_id = core.audit(s, window, "issue_temporary_card", article=19, clause="SSC-WIN-13",
                          person_id=card.person_id, card_id=card.id, journal_id=entry.id, actor=payload.get("actor"),
                          detail={"certificate": payload.get("certificate"), "expiry": card.expiry_date.isoformat(),
                                  **(_recovery(payload) or {})})
    return _receipt(s, "issue_temporary_card", audit_id, card=card, fee=fee, journal_id=entry.id)


def _issue_temporary_failed(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> None:
    card = s.get(Card, entry.card_id)
    if card is not None and card.status == CardStatus.AWAITING_PICKUP:
        core.claim(s, card)
        card.status = CardStatus.CANCELLED.value
        card.live_temp_person_id = None
        card.social = FunctionStatus.CLOSED.value
        card.cancellation_reason = "issue_failed"


core.FAILURES["issue_temporary"] = _issue_temporary_failed


def return_temporary_card(window: Window, card_number: str, card_ops: CardOperations | None = None, *,
                          damaged: bool = False) -> Receipt:
    """Art. 19 (SSC-WIN-13): a temporary card is handed back and cancelled (when the real card is collected
    or the 90 days are over); a damaged one costs 20 yuan. With the card in the reader it is blocked at once,
    otherwise blacklisted."""
    core.require_side(window, (Side.SOCIAL,), 19, "SSC-WIN-13", "returning a temporary card")
    presented = card_ops.read_card_identity() if card_ops is not None else None

    def plan(s: Session) -> core.CardStep | Receipt:
        card = core.card_by_number(s, card_number)
        core.claim(s, _person(s, card.person_id), card)
        if card.kind != "temporary":
            raise RuleViolation(19, "SSC-WIN-13", f"card {card.card_number} is not a temporary card")
        if card.status not in (CardStatus.ACTIVE, CardStatus.CANCELLED, CardStatus.EXPIRED) or (
                card.status == CardStatus.CANCELLED and card.cancellation_reason != "real_card_collected"):
            raise RuleViolation(19, "SSC-WIN-13", f"temporary card {card.card_number} is {card.status}")
        payload = {"damaged": damaged}
        if card_ops is None or presented is None or presented.terminated:
            return _return_temporary_effect(s, window, None, payload, card=card)
        core.check_presented(card, presented)
        return core.CardStep(card, CardOp.BLOCK_CARD, None, "return_temporary", payload)

    return core.run_card_step(window, card_ops, plan)


@core.effect("return_temporary")
def _return_temporary_effect(s: Session, window: Window, entry: JournalEntry | None, payload: dict[str, Any], *,
                             card: Card | None = None) -> Receipt:
    card = _claimed_card(s, entry, card)
    today = window.today()
    if card.status == CardStatus.ACTIVE:
        _end_card(s, window, card, CardStatus.CANCELLED, today, reason="returned")
    fee = None
    if payload.get("damaged"):
        fee = card_fee(FeeCase.TEMPORARY_LOST, today=today, schedule=window.fees)
        core.charge(s, window, card.person_id, fee, FeeCase.TEMPORARY_LOST, card_id=card.id)
    s.flush()
    audit_id = core.audit(s, window, "return_temporary_card", article=19, clause="SSC-WIN-13",
                          person_id=card.person_id, card_id=card.id, journal_id=entry.id if entry else None,
                          detail={"damaged": bool(payload.get("damaged")), "card_blocked_on_card": entry is not None,
                                  **(_recovery(payload) or {})})
    return _receipt(s, "return_temporary_card", audit_id, card=card, fee=fee, journal_id=entry.id if entry else None)


def expire_temporary_cards(window: Window) -> list[Receipt]:
    """Art. 19 (SSC-WIN-13): temporary cards past their 90 days end (blacklisted for a card block)."""
    today = window.today()
    receipts = []
    with window.registry.transaction() as s:
        cards = list(s.scalars(select(Card).where(Card.kind == "temporary",
                                                  Card.status == CardStatus.ACTIVE.value,
                                                  Card.expiry_date < today)))
        for card in cards:
            core.claim(s, _person(s, card.person_id), card)
            _end_card(s, window, card, CardStatus.EXPIRED, today)
            audit_id = core.audit(s, window, "expire_temporary_card", article=19, clause="SSC-WIN-13",
                                  person_id=card.person_id, card_id=card.id,
                                  reason=f"valid until {card.expiry_date.isoformat()}")
            receipts.append(_receipt(s, "expire_temporary_card", audit_id, card=card))
    return receipts


def block_returned_card(window: Window, card_number: str, card_ops: CardOperations) -> Receipt:
    """Art. 14, 16-19 (SSC-WIN-7): a card that has left use (replaced, exchanged, cancelled, abandoned,
    expired) is handed in at the window: CARD BLOCK now, and its blacklist entry is done."""
    core.require_side(window, (Side.SOCIAL, Side.BANK), 14, "SSC-WIN-7", "blocking a returned card")
    presented = card_ops.read_card_identity()

    def plan(s: Session) -> core.CardStep:
        card = core.card_by_number(s, card_number)
        core.claim(s, _person(s, card.person_id), card)
        if CardStatus(card.status) not in ENDED_STATUSES:
            raise RuleViolation(14, "SSC-WIN-7", f"card {card.card_number} is {card.status}: only a card that left "
                                "use is blocked for good")
        if presented.terminated:
            raise WindowError("the card in the reader is already blocked (terminated)")
        core.check_presented(card, presented)
        return core.CardStep(card, CardOp.BLOCK_CARD, None, "block_card", {"source": "window"})

    return core.run_card_step(window, card_ops, plan)


# ------------------------------------------------------------------------------------------ art. 20-21


def _pin_plan(window: Window, card_number: str, card_ops: CardOperations, function: Function,
              applicant: Applicant, op: CardOp, what: str) -> Any:
    if window.side is not core.function_side(function):
        place = "a social security service window" if function is Function.SOCIAL else "the bank's counter"
        raise RuleViolation(21 if op is CardOp.UNBLOCK_PIN else 20, "SSC-WIN-14",
                            f"the {function.value} PIN is {what} at {place}, not at a "
                            f"{window.side.value.replace('_', ' ')} ({window.window_id})")
    if applicant.role is not ActorRole.HOLDER:
        raise RuleViolation(21, "SSC-WIN-14", "the holder comes in person with their ID document")
    presented = card_ops.read_card_identity()

    def plan(s: Session) -> core.CardStep:
        card = core.card_by_number(s, card_number)
        core.claim(s, _person(s, card.person_id), card)
        state = card.social if function is Function.SOCIAL else card.financial
        if card.status != CardStatus.ACTIVE or state != FunctionStatus.ACTIVE or _remaining_losses(s, card):
            raise RuleViolation(14, "SSC-WIN-14", f"card {card.card_number} ({card.status}, {function.value} "
                                f"{state}, blacklist {_remaining_losses(s, card) or 'none'}) may not be used")
        core.check_presented(card, presented)
        return core.CardStep(card, op, function, "pin", {"operation": op.value, "actor": applicant.to_payload()})

    return plan


def unblock_pin(window: Window, card_number: str, card_ops: CardOperations, function: Function = Function.SOCIAL,
                *, applicant: Applicant = HOLDER) -> Receipt:
    """Art. 21 (SSC-WIN-14): a PIN locked by consecutive wrong entries is unlocked by the holder in person
    with their ID: the social PIN at a service window, the financial PIN at the bank (refused elsewhere)."""
    plan = _pin_plan(window, card_number, card_ops, function, applicant, CardOp.UNBLOCK_PIN, "unlocked")
    return core.run_card_step(window, card_ops, plan)


def reset_pin(window: Window, card_number: str, card_ops: CardOperations, function: Function, new_pin: str, *,
              applicant: Applicant = HOLDER) -> Receipt:
    """Art. 6, 20-21 (SSC-WIN-14): a forgotten PIN is reset (a new PIN written with issuer or bank authority):
    the social PIN at a service window, the financial PIN at the bank. The PIN goes to the card only: never
    to the registry, the journal or the audit log."""
    plan = _pin_plan(window, card_number, card_ops, function, applicant, CardOp.RESET_PIN, "reset")
    return core.run_card_step(window, card_ops, plan, new_pin=new_pin)


@core.effect("pin")
def _pin_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    card = s.get(Card, entry.card_id)
    assert card is not None
    action = payload["operation"]
    audit_id = core.audit(s, window, action, article=21 if action == CardOp.UNBLOCK_PIN else 20, clause="SSC-WIN-14",
                          person_id=card.person_id, card_id=card.id, journal_id=entry.id, actor=payload.get("actor"),
                          detail={"function": entry.function, **(_recovery(payload) or {})})
    return _receipt(s, action, audit_id, card=card, journal_id=entry.id)
