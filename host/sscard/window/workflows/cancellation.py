"""Cancellation (art. 18): the medical personal account is settled at the social security side first, then
the bank settles and closes the financial account and takes the card back, which is blocked for good.
"""

from __future__ import annotations

import datetime as _dt
import enum
from typing import Any

from sqlalchemy.orm import Session

from sscard.window import _core as core
from sscard.window.cardops import CardOperations
from sscard.window.context import HOLDER, ActorRole, Applicant, Receipt, Side, Window
from sscard.window.errors import RuleViolation
from sscard.window.models import Card, CardStatus, FunctionStatus, JournalEntry
from sscard.window.workflows import _common as common

__all__ = ["CancellationReason", "close_bank_account", "settle_medical_account"]


class CancellationReason(enum.StrEnum):
    """Why a card is cancelled (art. 18)."""

    TRANSFER = "transfer"          # social security relation transferred away
    EMIGRATION = "emigration"      # settled abroad
    DEATH = "death"
    DISAPPEARANCE = "disappearance"


def settle_medical_account(window: Window, card_number: str, reason: CancellationReason, *,
                           applicant: Applicant = HOLDER, expected_version: int | None = None) -> Receipt:
    """Art. 18 (SSC-WIN-12): cancellation starts at the social security side with the medical personal
    account settlement; after death or disappearance a guardian or a household member acts."""
    core.require_side(window, (Side.SOCIAL,), 18, "SSC-WIN-12", "the medical account settlement")
    if reason in (CancellationReason.DEATH, CancellationReason.DISAPPEARANCE) and applicant.role not in (
            ActorRole.GUARDIAN, ActorRole.HOUSEHOLD):
        raise RuleViolation(18, "SSC-WIN-12", f"after {reason.value} the holder's guardian or a household member "
                            "cancels the card")
    common.check_applicant(applicant, 18, "SSC-WIN-12")
    with window.registry.transaction() as s:
        card, _ = common.card_to_change(s, card_number, expected_version)
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
        return common.receipt(s, "settle_medical", audit_id, card=card,
                              notes=("next: bank account settlement and cancellation at the bank (art. 18)",))


def close_bank_account(window: Window, card_number: str, card_ops: CardOperations | None = None, *,
                       applicant: Applicant = HOLDER, expected_version: int | None = None) -> Receipt:
    """Art. 18 (SSC-WIN-12): then the bank settles and closes the financial account and takes the card back:
    the card is cancelled and blocked for good (CARD BLOCK when the card is presented; otherwise it is
    blacklisted and the next terminal that meets it blocks it). Refused before the medical settlement."""
    core.require_side(window, (Side.BANK,), 18, "SSC-WIN-12", "the bank account settlement")
    common.check_applicant(applicant, 18, "SSC-WIN-12")
    presented = card_ops.read_card_identity() if card_ops is not None else None

    def plan(s: Session) -> core.CardStep | Receipt:
        card = common.claim_card(s, card_number, expected_version)
        if card.status != CardStatus.ACTIVE:
            raise RuleViolation(18, "SSC-WIN-12", f"card {card.card_number} is {card.status}")
        if card.social != FunctionStatus.SETTLED:
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
    s.flush()
    audit_id = core.audit(s, window, "close_bank_account", article=18, clause="SSC-WIN-12", person_id=card.person_id,
                          card_id=card.id, journal_id=entry.id if entry else None, actor=payload.get("actor"),
                          reason=reason, detail={"card_blocked_on_card": entry is not None,
                                                 **(common.recovery(payload) or {})})
    notes = () if entry is not None else ("card not presented: blacklisted, blocked by the next terminal",)
    return common.receipt(s, "close_bank_account", audit_id, card=card, journal_id=entry.id if entry else None,
                          notes=notes)


