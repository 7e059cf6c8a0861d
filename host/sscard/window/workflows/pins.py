"""PINs (art. 20-21): the social PIN is unlocked or reset at a service window, the financial PIN at the bank,
by the holder in person; the new PIN goes to the card only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from sscard.window import _core as core
from sscard.window.cardops import CardOp, CardOperations, Function
from sscard.window.context import HOLDER, ActorRole, Applicant, Receipt, Window
from sscard.window.errors import RuleViolation
from sscard.window.models import Card, CardStatus, FunctionStatus, JournalEntry
from sscard.window.workflows import _common as common

__all__ = ["reset_pin", "unblock_pin"]


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
        card = common.claim_card(s, card_number)
        core.check_bank(window, card)
        state = card.social if function is Function.SOCIAL else card.financial
        if card.status != CardStatus.ACTIVE or state != FunctionStatus.ACTIVE or common.remaining_losses(s, card):
            raise RuleViolation(14, "SSC-WIN-14", f"card {card.card_number} ({card.status}, {function.value} "
                                f"{state}, blacklist {common.remaining_losses(s, card) or 'none'}) may not be used")
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
                          detail={"function": entry.function, **(common.recovery(payload) or {})})
    return common.receipt(s, action, audit_id, card=card, journal_id=entry.id)

