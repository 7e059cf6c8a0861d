"""Temporary cards (art. 19): issued on the spot and free to an insured person waiting for a card or a
replacement, social function only, valid 90 days; handed back and cancelled when the real card is collected
or the 90 days are over; 20 yuan when lost or damaged.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sscard.holder import TEMPORARY_CARD_DAYS, temporary_card_expiry
from sscard.window import _core as core
from sscard.window.cardops import CardOp, CardOperations, Function
from sscard.window.context import HOLDER, Applicant, Receipt, Side, Window
from sscard.window.errors import RuleViolation, WindowError
from sscard.window.fees import FeeCase, card_fee
from sscard.window.models import Card, CardStatus, FunctionStatus, JournalEntry
from sscard.window.workflows import _common as common

__all__ = [
    "TEMPORARY_CARD_DAYS",
    "expire_temporary_cards",
    "issue_temporary_card",
    "return_temporary_card",
]



def issue_temporary_card(window: Window, ssn: str, card_ops: CardOperations, *, card_number: str,
                         hospital_certificate: str, applicant: Applicant = HOLDER) -> Receipt:
    """Art. 19 (SSC-WIN-13): a temporary card, on the spot and free, at the insured person's service window,
    for an insured person waiting for a card or a replacement who shows a hospital certificate. Social
    function only, valid 90 days counting the issue day (SSC-WIN-23); the social function is activated on the
    card at issue.

    Not while the person's own card is still in use (an exchange keeps it until the new card is collected,
    SSC-WIN-22); the expiry written on the card must be the registry's (SSC-WIN-24); the certificate is
    recorded by its reference only (art. 24, SSC-WIN-25)."""
    core.require_side(window, (Side.SOCIAL,), 19, "SSC-WIN-13", "a temporary card")
    common.check_applicant(applicant, 19, "SSC-WIN-13")
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
        core.check_reference(hospital_certificate, "hospital_certificate")
        if common.open_application(s, person) is None:
            raise RuleViolation(19, "SSC-WIN-13", "a temporary card is for a person waiting for a card or a "
                                "replacement: the person has no open application")
        live = s.scalars(select(Card).where(Card.live_person_id == person.id)).one_or_none()
        if live is not None:
            raise RuleViolation(19, "SSC-WIN-22", f"the person's card {live.card_number} is still in use (an "
                                "exchange keeps it until the new card is collected): a temporary card is for a "
                                "person left without a card")
        today = window.today()
        card = Card(card_number=card_number, card_id=presented.card_id or "", person_id=person.id, application_id=None,
                    kind="temporary", bank=None, issue_date=today, expiry_date=temporary_card_expiry(today),
                    status=CardStatus.AWAITING_PICKUP.value, social=FunctionStatus.ISSUED.value,
                    financial=FunctionStatus.NONE.value, live_temp_person_id=person.id, ready_on=today, version=1)
        core.check_expiry(card, presented, 19)
        s.add(card)
        s.flush()
        return core.CardStep(card, CardOp.ACTIVATE, Function.SOCIAL, "issue_temporary",
                             {"actor": applicant.to_payload(), "certificate": hospital_certificate})

    return core.run_card_step(window, card_ops, plan)


@core.effect("issue_temporary")
def _issue_temporary_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    card = common.claimed_card(s, entry)
    card.status = CardStatus.ACTIVE.value
    card.social = FunctionStatus.ACTIVE.value
    card.collected_on = card.issue_date
    fee = card_fee(FeeCase.TEMPORARY_ISSUE, today=card.issue_date, schedule=window.fees)
    core.charge(s, window, card.person_id, fee, FeeCase.TEMPORARY_ISSUE, card_id=card.id)
    s.flush()
    audit_id = core.audit(s, window, "issue_temporary_card", article=19, clause="SSC-WIN-13",
                          person_id=card.person_id, card_id=card.id, journal_id=entry.id, actor=payload.get("actor"),
                          detail={"certificate": payload.get("certificate"), "expiry": card.expiry_date.isoformat(),
                                  **(common.recovery(payload) or {})})
    return common.receipt(s, "issue_temporary_card", audit_id, card=card, fee=fee, journal_id=entry.id)


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
        card = common.claim_card(s, card_number)
        if card.kind != "temporary":
            raise RuleViolation(19, "SSC-WIN-13", f"card {card.card_number} is not a temporary card")
        if card.status not in (CardStatus.ACTIVE, CardStatus.CANCELLED, CardStatus.EXPIRED) or (
                card.status == CardStatus.CANCELLED and card.cancellation_reason != "real_card_collected"):
            raise RuleViolation(19, "SSC-WIN-13", f"temporary card {card.card_number} is {card.status}")
        return common.take_back(s, window, card, presented, _return_temporary_effect, "return_temporary",
                                {"damaged": damaged})

    return core.run_card_step(window, card_ops, plan)


@core.effect("return_temporary")
def _return_temporary_effect(s: Session, window: Window, entry: JournalEntry | None, payload: dict[str, Any], *,
                             card: Card | None = None) -> Receipt:
    card = common.claimed_card(s, entry, card)
    today = window.today()
    if card.status == CardStatus.ACTIVE:
        common.end_card(s, window, card, CardStatus.CANCELLED, today, reason="returned")
    fee = None
    if payload.get("damaged"):
        fee = card_fee(FeeCase.TEMPORARY_LOST, today=today, schedule=window.fees)
        core.charge(s, window, card.person_id, fee, FeeCase.TEMPORARY_LOST, card_id=card.id)
    s.flush()
    audit_id = core.audit(s, window, "return_temporary_card", article=19, clause="SSC-WIN-13",
                          person_id=card.person_id, card_id=card.id, journal_id=entry.id if entry else None,
                          detail={"damaged": bool(payload.get("damaged")), "card_blocked_on_card": entry is not None,
                                  **(common.recovery(payload) or {})})
    return common.receipt(s, "return_temporary_card", audit_id, card=card, fee=fee,
                          journal_id=entry.id if entry else None)


def expire_temporary_cards(window: Window) -> list[Receipt]:
    """Art. 19 (SSC-WIN-13): temporary cards past their 90 days end (blacklisted for a card block)."""
    today = window.today()
    receipts = []
    with window.registry.transaction() as s:
        cards = list(s.scalars(select(Card).where(Card.kind == "temporary",
                                                  Card.status == CardStatus.ACTIVE.value,
                                                  Card.expiry_date < today)))
        for card in cards:
            core.claim(s, common.person_by_id(s, card.person_id), card)
            common.end_card(s, window, card, CardStatus.EXPIRED, today)
            audit_id = core.audit(s, window, "expire_temporary_card", article=19, clause="SSC-WIN-13",
                                  person_id=card.person_id, card_id=card.id,
                                  reason=f"valid until {card.expiry_date.isoformat()}")
            receipts.append(common.receipt(s, "expire_temporary_card", audit_id, card=card))
    return receipts


