"""PINs (art. 20-21): the social PIN is unlocked or reset at a service window, the financial PIN at the bank,
by the holder in person; the holder changes either PIN with the old one (art. 20); the new PIN goes to the
card only.

The initial PIN (SSC-WIN-33): the card does not refuse to transact with it. National practice puts that
rule in terminals and back offices (readers answer "initial PIN cannot transact", "cannot change to the
initial PIN"); art. 20 only advises holders to change both PINs after collection; and the card cannot tell an
initial PIN from the same digits chosen later (a reset may write them). So the window enforces it: no change
or reset to the initial PIN, the advice on the pick-up receipt, and the date of each change made at a window
in the registry.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from sqlalchemy.orm import Session

from sscard.window import _core as core
from sscard.window.cardops import CardOp, CardOperations, Function
from sscard.window.context import HOLDER, ActorRole, Applicant, Receipt, Side, Window
from sscard.window.errors import RuleViolation, WindowError
from sscard.window.models import Card, CardStatus, FunctionStatus, JournalEntry
from sscard.window.workflows import _common as common

__all__ = ["INITIAL_PINS", "change_pin", "reset_pin", "unblock_pin"]

INITIAL_PINS = {Function.SOCIAL: "123456"}
"""[choice] The PINs cards leave personalisation with, which no change or reset may write back (SSC-WIN-33):
the conventional initial social PIN. The financial PIN's initial value is the bank's (none is assumed)."""
CHANGE_SIDES = {Function.SOCIAL: (Side.SOCIAL, Side.SOCIAL_PLATFORM, Side.TERMINAL),
                Function.FINANCIAL: (Side.BANK, Side.BANK_PLATFORM)}
"""Art. 20: the social PIN at a service window, a kiosk or a designated medical institution (a terminal);
the financial PIN at the bank's counter or its self-service terminals."""


def _check_new_pin(function: Function, new_pin: str, old_pin: str | None = None) -> None:
    if not (new_pin.isascii() and new_pin.isdigit() and 4 <= len(new_pin) <= 12):
        raise WindowError("new PIN: 4-12 digits")
    if new_pin == INITIAL_PINS.get(function):
        raise RuleViolation(20, "SSC-WIN-33", f"the new {function.value} PIN is the initial PIN: choose another")
    if old_pin is not None and new_pin == old_pin:
        raise RuleViolation(20, "SSC-WIN-33", f"the new {function.value} PIN is the old one: choose another")


def _usable_card(s: Session, window: Window, card_number: str, function: Function, presented: Any) -> Card:
    """The card, claimed for a PIN operation once it is this bank's (a bank window), usable and the one
    presented."""
    card = common.claim_card(s, card_number)
    core.check_bank(window, card)
    _check_usable(s, card, function)
    core.check_presented(card, presented)
    return card


def _check_usable(s: Session, card: Card, function: Function) -> None:
    state = card.social if function is Function.SOCIAL else card.financial
    if card.status != CardStatus.ACTIVE or state != FunctionStatus.ACTIVE or common.remaining_losses(s, card):
        raise RuleViolation(14, "SSC-WIN-14", f"card {card.card_number} ({card.status}, {function.value} "
                            f"{state}, blacklist {common.remaining_losses(s, card) or 'none'}) may not be used")


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
        card = _usable_card(s, window, card_number, function, presented)
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
    _check_new_pin(function, new_pin)
    plan = _pin_plan(window, card_number, card_ops, function, applicant, CardOp.RESET_PIN, "reset")
    return core.run_card_step(window, card_ops, plan, new_pin=new_pin)


def change_pin(window: Window, card_number: str, card_ops: CardOperations, function: Function, old_pin: str,
               new_pin: str) -> Receipt:
    """Art. 20 (SSC-WIN-33): the holder changes a PIN with the old one: the social PIN at a service window, a
    kiosk or a designated medical institution (CHANGE PIN, which the card checks like a VERIFY), the financial
    PIN at the bank (the old PIN verified, then the bank's PIN command with the new one). Neither may become
    the initial PIN or stay the old one. Journalled (SSC-WIN-15); the PINs go to the card only."""
    if window.side not in CHANGE_SIDES[function]:
        places = " or ".join(side.value.replace("_", " ") for side in CHANGE_SIDES[function])
        raise RuleViolation(20, "SSC-WIN-33", f"the {function.value} PIN is changed at a {places}, not at a "
                            f"{window.side.value.replace('_', ' ')} ({window.window_id})")
    _check_new_pin(function, new_pin, old_pin)
    if function is Function.FINANCIAL and function not in card_ops.authorities:
        raise WindowError("this terminal holds no bank keys: the bank writes the new financial PIN")
    presented = card_ops.read_card_identity()

    def plan(s: Session) -> core.CardStep:
        card = _usable_card(s, window, card_number, function, presented)
        return core.CardStep(card, CardOp.CHANGE_PIN, function, "change_pin", {})

    return core.run_card_step(window, card_ops, plan, new_pin=new_pin, old_pin=old_pin)


@core.effect("change_pin")
def _change_pin_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    card = common.claimed_card(s, entry)
    today = _dt.date.fromisoformat(payload["today"])
    if entry.function == Function.SOCIAL:
        card.social_pin_changed_on = today
    else:
        card.financial_pin_changed_on = today
    s.flush()
    audit_id = core.audit(s, window, "change_pin", article=20, clause="SSC-WIN-33", person_id=card.person_id,
                          card_id=card.id, journal_id=entry.id,
                          detail={"function": entry.function, **(common.recovery(payload) or {})})
    return common.receipt(s, "change_pin", audit_id, card=card, journal_id=entry.id)


@core.effect("pin")
def _pin_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    card = s.get(Card, entry.card_id)
    assert card is not None
    action = payload["operation"]
    audit_id = core.audit(s, window, action, article=21 if action == CardOp.UNBLOCK_PIN else 20, clause="SSC-WIN-14",
                          person_id=card.person_id, card_id=card.id, journal_id=entry.id, actor=payload.get("actor"),
                          detail={"function": entry.function, **(common.recovery(payload) or {})})
    return common.receipt(s, action, audit_id, card=card, journal_id=entry.id)

