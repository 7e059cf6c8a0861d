"""Application and issue (art. 9-13): registration under the real name, the application at a service window
or a partner bank, the card's production within 30 working days, pick-up (the social function activated on
the card), the financial function's activation at the bank, and abandonment of a card not collected for 12
months.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sscard.id_numbers import IdKind
from sscard.window import _core as core
from sscard.window.cardops import CardOp, CardOperations, Function
from sscard.window.clock import add_months, add_years
from sscard.window.context import HOLDER, ActorRole, AgentGround, Applicant, ApplicationView, Receipt, Side, Window
from sscard.window.errors import NotFound, RuleViolation, WindowError
from sscard.window.fees import FeeCase, card_fee
from sscard.window.models import LOSS_STATUSES, Application, Card, CardStatus, FunctionStatus, JournalEntry, Person
from sscard.window.workflows import _common as common
from sscard.window.workflows._common import PIN_CHANGE_NOTE, PRODUCTION_WORKING_DAYS

__all__ = [
    "ELDERLY_AGE",
    "PRODUCTION_WORKING_DAYS",
    "abandon_uncollected",
    "activate_financial",
    "apply_for_card",
    "collect_card",
    "overdue_applications",
    "production_deadline",
    "record_production",
    "register_person",
]

ABANDON_MONTHS = 12
"""Art. 12: a card not collected for 12 months is deemed abandoned."""
CARD_VALIDITY_YEARS = 10
"""[choice] Default validity of a regular card when production gives no expiry date."""
GUARDIAN_AGE = 16
"""Art. 10: applicants under 16 apply through their guardian."""
ELDERLY_AGE = 60
"""[choice] Art. 10 lets an agent apply for the elderly without an age: 60, the age from which Chinese law
counts a person as elderly (the Law on the Protection of the Rights and Interests of the Elderly)."""


def _age(person: Person, today: _dt.date) -> int:
    born = common.birth_date(person)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _live_card(s: Session, person: Person) -> Card | None:
    return s.scalars(select(Card).where(Card.live_person_id == person.id)).one_or_none()


def _close_application(s: Session, app: Application, status: str, today: _dt.date) -> None:
    """Its card was collected or abandoned: the application is no longer open (the person may apply again)."""
    core.claim(s, app)
    app.status = status
    app.open_person_id = None
    app.closed_on = today


def production_deadline(window: Window, accepted_on: _dt.date) -> _dt.date:
    """Art. 11 (SSC-WIN-3): the last day to make the card: 30 working days after acceptance, in the window's
    working-day calendar (weekends, holidays and adjusted working days)."""
    return common.deadline(window, accepted_on)


# ------------------------------------------------------------------------------------------ art. 9-11


def register_person(window: Window, ssn: str, name: str, *, insured: bool = True,
                    photo_on_file: bool = False, id_kind: IdKind | str | None = None, nationality: str | None = None,
                    birth_date: _dt.date | None = None) -> Receipt:
    """Art. 9 (SSC-WIN-1, SSC-WIN-30): a person enters the registry under their real name and identity number;
    one entry per number.

    ``ssn``: the citizen number (GB 11643), or for a holder who is not a mainland resident a Hong Kong, Macao
    or Taiwan residence permit number, a foreign permanent-residence ID (2023 or older format) or, where none
    exists, a passport number (``id_kind="passport"`` and ``nationality``), each checked by its own rules
    (:mod:`sscard.id_numbers`). ``birth_date`` is required when the number carries none (passport, the older
    permanent-residence ID) and must agree with it when it does."""
    identity = common.identity_of(ssn, id_kind, nationality, birth_date)
    if not name.strip():
        raise WindowError("name: required (real-name registration, art. 9)")
    with window.registry.transaction() as s:
        if s.scalars(select(Person.id).where(Person.ssn == identity.key)).first() is not None:
            raise RuleViolation(9, "SSC-WIN-1", f"one person one entry: this {identity.kind.value} number is already "
                                "registered")
        person = Person(ssn=identity.key, name=name.strip(), insured=insured, photo_on_file=photo_on_file,
                        id_kind=identity.kind.value, nationality=identity.nationality,
                        birth_date=identity.birth_date or birth_date, created_at=window.now(), version=1)
        s.add(person)
        s.flush()
        audit_id = core.audit(s, window, "register_person", article=9, clause="SSC-WIN-1", person_id=person.id,
                              detail={"insured": insured, "photo_on_file": photo_on_file,
                                      "id_kind": identity.kind.value})
        return common.receipt(s, "register_person", audit_id, person_id=person.id)


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
        age = _age(person, today)
        if age < GUARDIAN_AGE and applicant.role is not ActorRole.GUARDIAN:
            raise RuleViolation(10, "SSC-WIN-2", "the applicant is under 16: the guardian must apply for them")
        common.check_applicant(applicant, 10, "SSC-WIN-2")
        _check_agent_ground(applicant, age)
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
        common.check_no_open_application(s, person)
        fee = card_fee(FeeCase.FIRST, today=today, schedule=window.fees)
        app = common.new_application(s, window, person, reason="first", bank=bank, applicant=applicant,
                                     photo_source="on_file" if person.photo_on_file else "receipt", fee=fee)
        app.agent_ground = applicant.ground.value if applicant.ground is not None else None
        core.charge(s, window, person.id, fee, FeeCase.FIRST, application_id=app.id)
        detail: dict[str, Any] = {"bank": bank, "deadline": app.deadline.isoformat()}
        if app.agent_ground is not None:
            detail["agent_ground"] = app.agent_ground
        audit_id = core.audit(s, window, "apply_card", article=10, clause="SSC-WIN-2", person_id=person.id,
                              application_id=app.id, actor=core.actor_of(applicant), detail=detail)
        return common.receipt(s, "apply_card", audit_id, person_id=person.id, application=app, fee=fee)


def _check_agent_ground(applicant: Applicant, age: int) -> None:
    """Art. 10 (SSC-WIN-31): an agent applies only for someone elderly, disabled or living elsewhere; the
    ground is recorded with the application. A guardian acts by law (under 16), not on a ground."""
    if applicant.role is not ActorRole.AGENT:
        if applicant.ground is not None:
            raise RuleViolation(10, "SSC-WIN-31", f"a {applicant.role.value} acts without a ground: the grounds "
                                "of art. 10 are an agent's")
        return
    if applicant.ground is None:
        raise RuleViolation(10, "SSC-WIN-31", "an agent may apply only for someone elderly, disabled or living "
                            "elsewhere: state which (the proof or power of attorney shows it)")
    if applicant.ground is AgentGround.ELDERLY and age < ELDERLY_AGE:
        raise RuleViolation(10, "SSC-WIN-31", f"the applicant is {age}: 'elderly' is {ELDERLY_AGE} or over "
                            "[our choice]; another ground or the applicant in person")


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
        person = common.person_by_id(s, app.person_id)
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
        notes = (note,) if expiry_date is not None else (
            note, f"expiry {card.expiry_date.isoformat()}: ASSUMED ({CARD_VALIDITY_YEARS} years; the regulation sets "
            "no validity and none was given): pick-up refuses the card if its EF05 says otherwise")
        audit_id = core.audit(s, window, "record_production", article=11, clause="SSC-WIN-3", person_id=person.id,
                              card_id=card.id, application_id=app.id, detail={"late": late})
        return common.receipt(s, "record_production", audit_id, card=card, application=app, notes=notes)


def overdue_applications(window: Window) -> list[ApplicationView]:
    """Art. 11 (SSC-WIN-3): accepted applications whose 30-working-day deadline has passed."""
    with window.registry.transaction() as s:
        rows = s.scalars(select(Application).where(Application.status == "accepted",
                                                   Application.deadline < window.today())
                         .order_by(Application.deadline))
        return [core.application_view(a) for a in rows]


# ------------------------------------------------------------------------------------------ art. 12-13


def _check_child_collector(s: Session, card: Card, collector: Applicant, today: _dt.date) -> None:
    """Art. 10, 12 (SSC-WIN-32): a child under 16 does not collect a card alone: the guardian collects it
    (relationship and proof checked by :func:`common.check_applicant`), recorded on the card and in the log."""
    person = common.person_by_id(s, card.person_id)
    if _age(person, today) < GUARDIAN_AGE and collector.role is not ActorRole.GUARDIAN:
        raise RuleViolation(12, "SSC-WIN-32", f"the holder is under 16: the guardian collects the card, not the "
                            f"{collector.role.value}")


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
        card = common.claim_card(s, card_number)
        if card.status != CardStatus.AWAITING_PICKUP:
            raise RuleViolation(12, "SSC-WIN-4", f"card {card.card_number} is {card.status}, not awaiting pick-up")
        assert card.ready_on is not None
        if window.today() > add_months(card.ready_on, ABANDON_MONTHS):
            raise RuleViolation(12, "SSC-WIN-5", f"not collected within 12 months of {card.ready_on.isoformat()}: "
                                "deemed abandoned, the card went back to the card office")
        common.check_applicant(collector, 12, "SSC-WIN-4")
        _check_child_collector(s, card, collector, window.today())
        core.check_presented(card, presented)
        core.check_expiry(card, presented, 12)
        if Function.SOCIAL not in card_ops.authorities:
            raise WindowError("this terminal holds no issuer keys: it cannot activate the social function")
        return core.CardStep(card, CardOp.ACTIVATE, Function.SOCIAL, "collect",
                             {"actor": collector.to_payload()})

    return core.run_card_step(window, card_ops, plan)


@core.effect("collect")
def _collect_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    card = s.get(Card, entry.card_id)
    assert card is not None
    person = common.person_by_id(s, card.person_id)
    app = s.get(Application, card.application_id) if card.application_id else None
    today = _dt.date.fromisoformat(payload["today"])
    notes: list[str] = []
    core.claim(s, person, card)
    if app is not None and app.replaces_card_id is not None and app.reason == "exchange":
        old = s.get(Card, app.replaces_card_id)
        if old is not None and old.status == CardStatus.ACTIVE:
            core.claim(s, old)
            common.end_card(s, window, old, CardStatus.EXCHANGED, today)
            notes.append(f"card {old.card_number} exchanged: blacklisted for a card block")
    temp = s.scalars(select(Card).where(Card.live_temp_person_id == person.id)).one_or_none()
    if temp is not None:
        core.claim(s, temp)
        common.end_card(s, window, temp, CardStatus.CANCELLED, today, reason="real_card_collected")
        notes.append(f"temporary card {temp.card_number} cancelled: to be handed back (art. 19)")
    card.status = CardStatus.ACTIVE.value
    card.social = FunctionStatus.ACTIVE.value
    card.collected_on = today
    card.collector_role = (payload.get("actor") or {}).get("role", ActorRole.HOLDER.value)
    notes.append(PIN_CHANGE_NOTE)
    card.live_person_id = person.id
    if app is not None:
        _close_application(s, app, "collected", today)
    s.flush()
    audit_id = core.audit(s, window, "collect_card", article=13, clause="SSC-WIN-4", person_id=person.id,
                          card_id=card.id, application_id=app.id if app else None, journal_id=entry.id,
                          actor=payload.get("actor"), detail=common.recovery(payload))
    return common.receipt(s, "collect_card", audit_id, card=card, application=app, journal_id=entry.id,
                          notes=tuple(notes))


def activate_financial(window: Window, card_number: str, card_ops: CardOperations) -> Receipt:
    """Art. 13 (SSC-WIN-4): the financial function is activated separately, at the counter of the card's bank
    (SSC-WIN-27); never on a card reported lost: after a loss report no function may be used (art. 14,
    SSC-WIN-18)."""
    core.require_side(window, (Side.BANK,), 13, "SSC-WIN-4", "financial activation")
    presented = card_ops.read_card_identity()

    def plan(s: Session) -> core.CardStep:
        card = common.claim_card(s, card_number)
        core.check_bank(window, card)
        core.check_presented(card, presented)
        lost = common.remaining_losses(s, card)
        if lost:
            raise RuleViolation(14, "SSC-WIN-18", f"card {card.card_number} is reported lost ({', '.join(lost)}): no "
                                "function may be used, so none is activated; cancel the loss report first (art. 15)")
        if card.status != CardStatus.ACTIVE or card.financial != FunctionStatus.ISSUED:
            raise RuleViolation(13, "SSC-WIN-4", f"card {card.card_number} ({card.status}, financial "
                                f"{card.financial}): the financial function can be activated only once, after pick-up")
        return core.CardStep(card, CardOp.ACTIVATE, Function.FINANCIAL, "activate_financial", {})

    return core.run_card_step(window, card_ops, plan)


@core.effect("activate_financial")
def _activate_financial_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    card = common.claimed_card(s, entry)
    card.financial = FunctionStatus.ACTIVE.value
    s.flush()
    audit_id = core.audit(s, window, "activate_financial", article=13, clause="SSC-WIN-4", person_id=card.person_id,
                          card_id=card.id, journal_id=entry.id, detail=common.recovery(payload))
    return common.receipt(s, "activate_financial", audit_id, card=card, journal_id=entry.id)


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
            core.claim(s, common.person_by_id(s, card.person_id), card)
            common.end_card(s, window, card, CardStatus.ABANDONED, today)
            app = s.get(Application, card.application_id) if card.application_id else None
            if app is not None:
                _close_application(s, app, "abandoned", today)
            s.flush()
            audit_id = core.audit(s, window, "abandon_card", article=12, clause="SSC-WIN-5",
                                  person_id=card.person_id, card_id=card.id,
                                  application_id=app.id if app else None,
                                  reason=f"ready {card.ready_on.isoformat()}, not collected for 12 months")
            receipts.append(common.receipt(s, "abandon_card", audit_id, card=card, application=app))
    return receipts

