"""Cancellation (art. 18): the medical personal account is settled at the social security side first, then
the bank settles and closes the financial account and takes the card back, which is blocked for good. A card
never collected, or an application still open, is cancelled at the service window (:func:`cancel_application`).
"""

from __future__ import annotations

import datetime as _dt
import enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sscard.window import _core as core
from sscard.window.cardops import CardOperations
from sscard.window.context import HOLDER, ActorRole, Applicant, Receipt, Side, Window
from sscard.window.errors import NotFound, RuleViolation
from sscard.window.models import LOSS_STATUSES, Application, Card, CardStatus, FunctionStatus, JournalEntry
from sscard.window.workflows import _common as common

__all__ = ["CancellationReason", "cancel_application", "close_bank_account", "settle_medical_account"]


class CancellationReason(enum.StrEnum):
    """Why a card is cancelled (art. 18)."""

    TRANSFER = "transfer"          # social security relation transferred away
    EMIGRATION = "emigration"      # settled abroad
    DEATH = "death"
    DISAPPEARANCE = "disappearance"


def _check_canceller(reason: CancellationReason, applicant: Applicant) -> None:
    if reason in (CancellationReason.DEATH, CancellationReason.DISAPPEARANCE) and applicant.role not in (
            ActorRole.GUARDIAN, ActorRole.HOUSEHOLD):
        raise RuleViolation(18, "SSC-WIN-12", f"after {reason.value} the holder's guardian or a household member "
                            "cancels the card")
    common.check_applicant(applicant, 18, "SSC-WIN-12")


def _close_open_application(s: Session, window: Window, person_id: int, today: _dt.date,
                            reason: str) -> tuple[Application | None, list[str]]:
    """Art. 18 (SSC-WIN-20): the person's open application ends with the cancellation: a card made for it and
    not collected is cancelled (it never left the office: blacklisted for a card block), and so is a temporary
    card waiting for it."""
    app = s.scalars(select(Application).where(Application.open_person_id == person_id)).one_or_none()
    if app is None:
        return None, []
    notes = []
    core.claim(s, app)
    app.status = "cancelled"
    app.open_person_id = None
    app.closed_on = today
    for card in s.scalars(select(Card).where(Card.application_id == app.id,
                                             Card.status == CardStatus.AWAITING_PICKUP.value)):
        core.claim(s, card)
        common.end_card(s, window, card, CardStatus.CANCELLED, today, reason=reason)
        notes.append(f"card {card.card_number}, never collected, cancelled")
    temp = s.scalars(select(Card).where(Card.live_temp_person_id == person_id)).one_or_none()
    if temp is not None:
        core.claim(s, temp)
        common.end_card(s, window, temp, CardStatus.CANCELLED, today, reason=reason)
        notes.append(f"temporary card {temp.card_number} cancelled: to be handed back (art. 19)")
    notes.insert(0, f"application #{app.id} ({app.reason}) cancelled")
    s.flush()
    return app, notes


def cancel_application(window: Window, application_id: int, reason: CancellationReason, *,
                       applicant: Applicant = HOLDER) -> Receipt:
    """Art. 18 (SSC-WIN-20): cancellation of a person who holds no card in use: their open application ends
    at the service window, with the card made for it if it was never collected (its functions were never
    activated: nothing to settle on the card). A person with a card in use cancels it
    (:func:`settle_medical_account`, then :func:`close_bank_account`), which ends the open application too."""
    core.require_side(window, (Side.SOCIAL,), 18, "SSC-WIN-20", "cancelling an application")
    _check_canceller(reason, applicant)
    with window.registry.transaction() as s:
        app = s.get(Application, application_id)
        if app is None:
            raise NotFound(f"no application #{application_id}")
        person = common.person_by_id(s, app.person_id)
        core.claim(s, person)
        if app.open_person_id is None:
            raise RuleViolation(18, "SSC-WIN-20", f"application #{app.id} is {app.status}: not open")
        live = s.scalars(select(Card).where(Card.live_person_id == person.id)).one_or_none()
        if live is not None:
            raise RuleViolation(18, "SSC-WIN-20", f"the person holds card {live.card_number}: cancel that card "
                                "(medical settlement, then the bank); the open application ends with it")
        closed, notes = _close_open_application(s, window, person.id, window.today(), reason.value)
        assert closed is not None
        audit_id = core.audit(s, window, "cancel_application", article=18, clause="SSC-WIN-20",
                              person_id=person.id, application_id=closed.id, actor=core.actor_of(applicant),
                              reason=reason.value)
        return common.receipt(s, "cancel_application", audit_id, person_id=person.id, application=closed,
                              notes=tuple(notes))


def settle_medical_account(window: Window, card_number: str, reason: CancellationReason, *,
                           applicant: Applicant = HOLDER, expected_version: int | None = None) -> Receipt:
    """Art. 18 (SSC-WIN-12): cancellation starts at the social security side with the medical personal
    account settlement; after death or disappearance a guardian or a household member acts. The settlement
    is recorded apart from the social function's state, so that a loss report after it keeps it
    (SSC-WIN-21)."""
    core.require_side(window, (Side.SOCIAL,), 18, "SSC-WIN-12", "the medical account settlement")
    _check_canceller(reason, applicant)
    with window.registry.transaction() as s:
        card, _ = common.card_to_change(s, card_number, expected_version)
        if card.kind != "regular" or card.status != CardStatus.ACTIVE:
            raise RuleViolation(18, "SSC-WIN-12", f"card {card.card_number} ({card.kind}, {card.status}) is not a "
                                "card in use: nothing to settle on it (an uncollected card or open application: "
                                "cancel_application; temporary cards are returned, art. 19)")
        if card.medical_settled_on is not None:
            raise RuleViolation(18, "SSC-WIN-12", "the medical account is already settled")
        card.medical_settled_on = window.today()
        if FunctionStatus(card.social) in LOSS_STATUSES:
            core.set_prior_status(s, card, "social", FunctionStatus.SETTLED.value)  # reported lost: stays so
        else:
            card.social = FunctionStatus.SETTLED.value
        card.cancellation_reason = reason.value
        s.flush()
        audit_id = core.audit(s, window, "settle_medical", article=18, clause="SSC-WIN-12", person_id=card.person_id,
                              card_id=card.id, actor=core.actor_of(applicant), reason=reason.value)
        return common.receipt(s, "settle_medical", audit_id, card=card,
                              notes=("next: bank account settlement and cancellation at the bank (art. 18)",))


def close_bank_account(window: Window, card_number: str, card_ops: CardOperations | None = None, *,
                       applicant: Applicant = HOLDER, expected_version: int | None = None) -> Receipt:
    """Art. 18 (SSC-WIN-12): then the bank of the card (SSC-WIN-27) settles and closes the financial account
    and takes the card back: the card is cancelled and blocked for good (CARD BLOCK when the card is
    presented; otherwise it is blacklisted and the next terminal that meets it blocks it), and the holder's
    open application, if any, ends with it (SSC-WIN-20). Refused before the medical settlement."""
    core.require_side(window, (Side.BANK,), 18, "SSC-WIN-12", "the bank account settlement")
    common.check_applicant(applicant, 18, "SSC-WIN-12")
    presented = card_ops.read_card_identity() if card_ops is not None else None

    def plan(s: Session) -> core.CardStep | Receipt:
        card = common.claim_card(s, card_number, expected_version)
        core.check_bank(window, card)
        if card.status != CardStatus.ACTIVE:
            raise RuleViolation(18, "SSC-WIN-12", f"card {card.card_number} is {card.status}")
        if card.medical_settled_on is None:
            raise RuleViolation(18, "SSC-WIN-12", "the medical personal account must be settled first, at the "
                                "social security window; then the bank account")
        return common.take_back(s, window, card, presented, _close_effect, "close_bank_account",
                                {"actor": applicant.to_payload()})

    return core.run_card_step(window, card_ops, plan)


@core.effect("close_bank_account")
def _close_effect(s: Session, window: Window, entry: JournalEntry | None, payload: dict[str, Any], *,
                  card: Card | None = None) -> Receipt:
    card = common.claimed_card(s, entry, card)
    today = _dt.date.fromisoformat(payload["today"]) if "today" in payload else window.today()
    reason = card.cancellation_reason
    common.end_card(s, window, card, CardStatus.CANCELLED, today, reason=reason)
    card.social = FunctionStatus.SETTLED.value
    _, closed = _close_open_application(s, window, card.person_id, today, reason or "cancelled")
    s.flush()
    audit_id = core.audit(s, window, "close_bank_account", article=18, clause="SSC-WIN-12", person_id=card.person_id,
                          card_id=card.id, journal_id=entry.id if entry else None, actor=payload.get("actor"),
                          reason=reason, detail={"card_blocked_on_card": entry is not None,
                                                 **(common.recovery(payload) or {})})
    notes = () if entry is not None else ("card not presented: blacklisted, blocked by the next terminal",)
    return common.receipt(s, "close_bank_account", audit_id, card=card, journal_id=entry.id if entry else None,
                          notes=notes + tuple(closed))
