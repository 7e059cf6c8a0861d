"""What the workflows of several parts of the regulation share: loading and claiming the card a workflow
starts from, the holder's open application (art. 9) and the card's loss reports, checking who acts for the
holder, opening an application with its art. 11 deadline, ending a card or taking it back for good, and
the receipt."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from sscard.id_numbers import IdentityNumber, IdKind, IdNumberError, parse_id
from sscard.window import _core as core
from sscard.window.cardops import CardOp, Function, PresentedCard
from sscard.window.context import ActorRole, Applicant, Receipt, Window
from sscard.window.errors import RuleViolation
from sscard.window.fees import Fee
from sscard.window.models import (
    Application,
    Card,
    CardStatus,
    FunctionStatus,
    JournalEntry,
    JournalState,
    Person,
)

PRODUCTION_WORKING_DAYS = 30
"""Art. 11: the card is made within 30 working days of accepting the application."""
PIN_CHANGE_NOTE = ("art. 20: change both PINs now: the social PIN here, at a kiosk or a designated medical "
                   "institution; the financial PIN at the bank (a change back to the initial PIN is refused)")


def identity_of(number: str, kind: IdKind | str | None, nationality: str | None,
                birth_date: _dt.date | None, *, known: _dt.date | None = None) -> IdentityNumber:
    """Art. 9 (SSC-WIN-30): the identity number checked by the rules of its kind; the birth date given must
    agree with the one the number carries, and is required when it carries none (``known``: the one the
    registry already holds)."""
    try:
        identity = parse_id(number, kind, nationality=nationality)
    except IdNumberError as exc:
        raise RuleViolation(9, "SSC-WIN-30", str(exc)) from None
    if identity.birth_date is None and birth_date is None and known is None:
        raise RuleViolation(9, "SSC-WIN-30", f"{identity.kind.value}: the number carries no birth date: give it "
                            "(birth_date, from the document)")
    if identity.birth_date is not None and birth_date is not None and birth_date != identity.birth_date:
        raise RuleViolation(9, "SSC-WIN-30", f"{identity.kind.value}: the birth date given is not the one the "
                            "number carries")
    return identity


def birth_date(person: Person) -> _dt.date:
    """The person's birth date: recorded at registration, or (rows from before revision 0003) read from the
    citizen number."""
    if person.birth_date is not None:
        return person.birth_date
    return _dt.date(int(person.ssn[6:10]), int(person.ssn[10:12]), int(person.ssn[12:14]))


def receipt(s: Session, action: str, audit_id: int, *, person_id: int | None = None, card: Card | None = None,
            application: Application | None = None, fee: Fee | None = None, journal_id: int | None = None,
            notes: tuple[str, ...] = ()) -> Receipt:
    return Receipt(action, audit_id, person_id if person_id is not None else (card.person_id if card else None),
                   core.card_view(s, card) if card is not None else None,
                   core.application_view(application) if application is not None else None,
                   fee, journal_id, notes)


def person_by_id(s: Session, person_id: int) -> Person:
    found = s.get(Person, person_id)
    assert found is not None
    return found


def open_application(s: Session, person: Person) -> Application | None:
    return s.scalars(select(Application).where(Application.open_person_id == person.id)).one_or_none()


def check_no_open_application(s: Session, person: Person) -> None:
    """Art. 9 (SSC-WIN-1): one person one card: no new application while one is open."""
    if open_application(s, person) is not None:
        raise RuleViolation(9, "SSC-WIN-1", "one person one card: the person already has an open application")


def claim_card(s: Session, card_number: str, expected_version: int | None = None) -> Card:
    """The card a workflow starts from, by its number: checked against the version the caller read (if
    given), and claimed together with its holder for this transaction (SSC-WIN-16)."""
    card = core.card_by_number(s, card_number)
    core.check_version(card, expected_version)
    core.claim(s, person_by_id(s, card.person_id), card)
    return card


def card_to_change(s: Session, card_number: str, expected_version: int | None) -> tuple[Card, Person]:
    """The card a workflow changes in the registry only, and its holder: claimed (:func:`claim_card`), with
    no card operation in flight on the card (SSC-WIN-15)."""
    card = claim_card(s, card_number, expected_version)
    core.ensure_not_inflight(s, card)
    return card, person_by_id(s, card.person_id)


def superseded_operations(s: Session, card: Card) -> list[JournalEntry]:
    """Card operations a loss report superseded (SSC-WIN-28), still to resolve with the card."""
    return list(s.scalars(select(JournalEntry).where(JournalEntry.card_id == card.id,
                                                     JournalEntry.state == JournalState.SUPERSEDED.value)
                          .order_by(JournalEntry.id)))


def remaining_losses(s: Session, card: Card, except_function: Function | None = None) -> list[str]:
    return [e.function for e in core.active_blacklist(s, card)
            if except_function is None or e.function != except_function.value]


def check_applicant(applicant: Applicant, article: int, clause: str) -> None:
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


def deadline(window: Window, accepted: _dt.date) -> _dt.date:
    return window.calendar.add_working_days(accepted, PRODUCTION_WORKING_DAYS)


def new_application(s: Session, window: Window, person: Person, *, reason: str, bank: str, applicant: Applicant,
                    photo_source: str, fee: Fee, replaces: Card | None = None,
                    exchange_reason: str | None = None) -> Application:
    today = window.today()
    app = Application(person_id=person.id, reason=reason, exchange_reason=exchange_reason, status="accepted",
                      open_person_id=person.id, replaces_card_id=replaces.id if replaces else None, bank=bank,
                      applicant_role=applicant.role.value, relationship=applicant.relationship,
                      agent_ref=applicant.agent_ref, photo_source=photo_source, accepted_on=today,
                      deadline=deadline(window, today), fee=fee.amount, window_id=window.window_id, version=1)
    s.add(app)
    s.flush()
    return app


def claimed_card(s: Session, entry: JournalEntry | None, card: Card | None = None) -> Card:
    """The card an effect works on: the one the workflow already holds, or the journal entry's (when
    the effect runs on completion or recovery), claimed for this transaction either way."""
    if card is not None:
        return card  # the workflow claimed it when it planned the step
    assert entry is not None
    found = s.get(Card, entry.card_id)
    assert found is not None
    core.claim(s, found)
    return found


def recovery(payload: dict[str, Any]) -> dict[str, Any] | None:
    recovered = payload.get("recovered_from")
    return {"recovered_from": recovered} if recovered else None


def end_card(s: Session, window: Window, card: Card, status: CardStatus, today: _dt.date,
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


class DirectEffect(Protocol):
    """An effect that also runs without a card command (no journal entry), on the card the workflow holds."""

    def __call__(self, s: Session, window: Window, entry: JournalEntry | None, payload: dict[str, Any], *,
                 card: Card | None = None) -> Receipt: ...


def take_back(s: Session, window: Window, card: Card, presented: PresentedCard | None, effect: DirectEffect,
              effect_name: str, payload: dict[str, Any]) -> core.CardStep | Receipt:
    """A card handed back for good (art. 18, 19): CARD BLOCK when it is in the reader and still answers;
    otherwise ``effect`` applies at once and the blacklist makes the next terminal that meets it block it.
    ``presented`` is None when no card is in a reader."""
    if presented is None or presented.terminated:
        return effect(s, window, None, payload, card=card)
    core.check_presented(card, presented)
    return core.CardStep(card, CardOp.BLOCK_CARD, None, effect_name, payload)
