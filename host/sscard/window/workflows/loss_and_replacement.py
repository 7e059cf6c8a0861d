"""Loss, replacement and exchange (art. 14-17, 22): the temporary and the formal loss report of each
function, cancelling a loss report (and unblocking the application a terminal blocked), replacement after a
formal loss report, exchange of a damaged card, one whose face data changed or whose photo no longer
resembles the holder, and the CARD BLOCK of a card that left use when it is handed in.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy.orm import Session

from sscard.spec_tables import Lifecycle
from sscard.window import _core as core
from sscard.window.cardops import CardOp, CardOperations, Function
from sscard.window.context import HOLDER, Applicant, Receipt, Side, Window
from sscard.window.errors import RuleViolation, WindowError
from sscard.window.fees import Damage, FeeCase, card_fee
from sscard.window.models import ENDED_STATUSES, LOSS_STATUSES, Card, CardStatus, FunctionStatus, JournalEntry
from sscard.window.workflows import _common as common

__all__ = [
    "ExchangeReason",
    "apply_for_exchange",
    "apply_for_replacement",
    "block_returned_card",
    "cancel_loss",
    "report_loss",
    "restore_application",
]


class ExchangeReason(enum.StrEnum):
    """Why a card is exchanged (art. 17, 22)."""

    DAMAGE = "damage"
    DATA_CHANGE = "data_change"
    APPEARANCE = "appearance"
    HOLDER_REQUEST = "holder_request"


_EXCHANGE_FEE = {
    ExchangeReason.DAMAGE: FeeCase.EXCHANGE_DAMAGE,
    ExchangeReason.DATA_CHANGE: FeeCase.EXCHANGE_DATA_CHANGE,
    ExchangeReason.APPEARANCE: FeeCase.EXCHANGE_APPEARANCE,
    ExchangeReason.HOLDER_REQUEST: FeeCase.EXCHANGE_HOLDER_REQUEST,
}


# ------------------------------------------------------------------------------------------ art. 14-16


def report_loss(window: Window, card_number: str, function: Function, *, formal: bool,
                applicant: Applicant = HOLDER, expected_version: int | None = None) -> Receipt:
    """Art. 14 (SSC-WIN-6): loss report of one function. A temporary report comes through that function's
    platform (phone, web, kiosk) or desk: the social one for the social function, the bank's for the financial
    one; a formal report is made in person, the social function at a service window, the financial one at
    the bank. The card is blacklisted: from now on no function may be used, and a terminal that meets it
    blocks its applications (:func:`~sscard.window.terminal.present_card`).

    A temporary card (social function only) formally reported lost ends, and costs the temporary card fee
    (20 yuan, art. 19).

    The function's state before the report is kept with the blacklist entry, and comes back when the report
    is cancelled (art. 15, SSC-WIN-19). A loss report is always possible (SSC-WIN-28): a card operation in
    flight on the card does not stop it (:func:`sscard.window._core.supersede_open_operations` says what becomes
    of it), and a bank reports only its own cards (SSC-WIN-27).
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
        common.check_applicant(applicant, 14, "SSC-WIN-6")
    with window.registry.transaction() as s:
        card = common.claim_card(s, card_number, expected_version)
        person = common.person_by_id(s, card.person_id)
        core.check_bank(window, card)
        # first what the card operation in flight did, if the card answered it (it may end the card)
        notes: list[str] = core.supersede_open_operations(s, window, card, f"the {function.value} loss report")
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
        if function is Function.SOCIAL:
            card.social = new.value
        else:
            card.financial = new.value
        core.blacklist_add(s, window, card, function.value, new.value, prior_status=current.value)
        if card.kind == "temporary" and formal:
            fee = card_fee(FeeCase.TEMPORARY_LOST, today=window.today(), schedule=window.fees)
            core.charge(s, window, person.id, fee, FeeCase.TEMPORARY_LOST, card_id=card.id)
            common.end_card(s, window, card, CardStatus.CANCELLED, window.today(), reason="lost")
            notes.append(f"temporary card lost: cancelled, {fee.yuan} yuan card fee (art. 19)")
        s.flush()
        audit_id = core.audit(s, window, "report_loss", article=14, clause="SSC-WIN-6", person_id=person.id,
                              card_id=card.id, actor=core.actor_of(applicant) if formal else None,
                              detail={"function": function.value, "formal": formal})
        return common.receipt(s, "report_loss", audit_id, card=card, fee=fee, notes=tuple(notes))


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
        card = common.claim_card(s, card_number, expected_version)
        core.check_bank(window, card)
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
        if common.remaining_losses(s, card, except_function=function):
            return _cancel_loss_effect(s, window, None, payload, card=card)
        step = _unblock_step(card, presented, card_ops, window, "cancel_loss", payload)
        return step if step is not None else _cancel_loss_effect(s, window, None, payload, card=card)

    return core.run_card_step(window, card_ops, plan)


def _unblock_step(card: Card, presented: Any, card_ops: CardOperations, window: Window, effect: str,
                  payload: dict[str, Any]) -> core.CardStep | None:
    own = Function.SOCIAL if window.side is Side.SOCIAL else Function.FINANCIAL
    if own in card_ops.authorities and presented.lifecycle(own) is Lifecycle.BLOCKED:
        return core.CardStep(card, CardOp.UNBLOCK_APPLICATION, own, effect, payload)
    return None


def _still_blocked_note(s: Session, card: Card, window: Window, presented_blocked: list[str]) -> tuple[str, ...]:
    notes = []
    remaining = common.remaining_losses(s, card)
    if remaining:
        notes.append(f"still reported lost: {', '.join(remaining)}; the card stays blocked (art. 14)")
    notes += [f"the {f} application is blocked on the card: unblock it at the "
              f"{'service window' if f == 'social' else 'bank'} (restore_application)" for f in presented_blocked]
    return tuple(notes)


@core.effect("cancel_loss")
def _cancel_loss_effect(s: Session, window: Window, entry: JournalEntry | None, payload: dict[str, Any], *,
                        card: Card | None = None) -> Receipt:
    card = common.claimed_card(s, entry, card)
    function = Function(payload["function"])
    # art. 15 (SSC-WIN-19): the state before the report comes back (an entry listed before it was recorded:
    # active, as then)
    restored = core.blacklist_lift(s, window, card, function.value) or FunctionStatus.ACTIVE.value
    if function is Function.SOCIAL:
        card.social = restored
    else:
        card.financial = restored
    s.flush()
    detail: dict[str, Any] = {"function": function.value, "unblocked_on_card": entry is not None,
                              "restored": restored}
    detail.update(common.recovery(payload) or {})
    audit_id = core.audit(s, window, "cancel_loss", article=15, clause="SSC-WIN-8", person_id=card.person_id,
                          card_id=card.id, journal_id=entry.id if entry else None, detail=detail)
    superseded = [f"journal #{e.id} ({e.operation}) was superseded by the loss report: resolve it now with the "
                  "card (resolve_pending)" for e in common.superseded_operations(s, card)]
    return common.receipt(s, "cancel_loss", audit_id, card=card, journal_id=entry.id if entry else None,
                          notes=_still_blocked_note(s, card, window, []) + tuple(superseded))


def restore_application(window: Window, card_number: str, card_ops: CardOperations) -> Receipt:
    """Art. 14-15 (SSC-WIN-8): unblock this side's application on a card that a terminal blocked, once the
    card has no loss report left (e.g. the bank after the social window cancelled the only loss report)."""
    core.require_side(window, (Side.SOCIAL, Side.BANK), 15, "SSC-WIN-8", "unblocking an application")
    presented = card_ops.read_card_identity()

    def plan(s: Session) -> core.CardStep:
        card = common.claim_card(s, card_number)
        core.check_bank(window, card)
        core.check_presented(card, presented)
        if card.status != CardStatus.ACTIVE or common.remaining_losses(s, card):
            raise RuleViolation(14, "SSC-WIN-8", f"card {card.card_number} is {card.status} with blacklist "
                                f"{common.remaining_losses(s, card) or 'none'}: no function may be used")
        step = _unblock_step(card, presented, card_ops, window, "restore_application", {})
        if step is None:
            raise WindowError(f"card {card.card_number}: nothing to unblock for this {window.side.value} terminal")
        return step

    return core.run_card_step(window, card_ops, plan)


@core.effect("restore_application")
def _restore_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    card = common.claimed_card(s, entry)
    audit_id = core.audit(s, window, "restore_application", article=15, clause="SSC-WIN-8", person_id=card.person_id,
                          card_id=card.id, journal_id=entry.id,
                          detail={"function": entry.function, **(common.recovery(payload) or {})})
    return common.receipt(s, "restore_application", audit_id, card=card, journal_id=entry.id)


def apply_for_replacement(window: Window, card_number: str, *, applicant: Applicant = HOLDER,
                          bank_loss_receipt: str | None = None, expected_version: int | None = None) -> Receipt:
    """Art. 16 (SSC-WIN-9): replacement (补卡) only after a formal loss report, at a service window with the
    holder's ID and the bank's loss receipt: both functions must be formally reported lost. The old card
    leaves use for good (blacklisted for a card block; its loss report can no longer be cancelled, art. 15),
    a new application opens (30 working days, art. 11) and the provincial card fee is due (art. 17)."""
    core.require_side(window, (Side.SOCIAL,), 16, "SSC-WIN-9", "a replacement")
    common.check_applicant(applicant, 16, "SSC-WIN-9")
    with window.registry.transaction() as s:
        card, person = common.card_to_change(s, card_number, expected_version)
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
        core.check_reference(bank_loss_receipt, "bank_loss_receipt")
        common.check_no_open_application(s, person)
        today = window.today()
        common.end_card(s, window, card, CardStatus.REPLACED, today)
        fee = card_fee(FeeCase.REPLACEMENT, today=today, schedule=window.fees)
        app = common.new_application(s, window, person, reason="replacement", bank=card.bank or "",
                                     applicant=applicant, photo_source="on_file", fee=fee, replaces=card)
        core.charge(s, window, person.id, fee, FeeCase.REPLACEMENT, card_id=card.id, application_id=app.id)
        audit_id = core.audit(s, window, "apply_replacement", article=16, clause="SSC-WIN-9", person_id=person.id,
                              card_id=card.id, application_id=app.id, actor=core.actor_of(applicant),
                              detail={"bank_loss_receipt": bank_loss_receipt, "fee": fee.amount})
        return common.receipt(s, "apply_replacement", audit_id, card=card, application=app, fee=fee)


# ------------------------------------------------------------------------------------------ art. 17, 22


def apply_for_exchange(window: Window, card_number: str, reason: ExchangeReason, *, damage: Damage | None = None,
                       applicant: Applicant = HOLDER, expected_version: int | None = None) -> Receipt:
    """Art. 17, 22 (SSC-WIN-10, SSC-WIN-11): exchange (换卡) of a damaged card, one whose face data changed, or
    one whose photo no longer resembles the holder, at a service window. The fee follows the two-year quality
    warranty (:func:`~sscard.window.fees.card_fee`). The old card stays in use until the new one is
    collected; a lost card is replaced, not exchanged (art. 16)."""
    core.require_side(window, (Side.SOCIAL,), 17, "SSC-WIN-10", "an exchange")
    common.check_applicant(applicant, 17, "SSC-WIN-10")
    if reason is ExchangeReason.DAMAGE and damage is None:
        raise WindowError("damage: an exchange for damage needs the kind of damage (art. 17)")
    with window.registry.transaction() as s:
        card, person = common.card_to_change(s, card_number, expected_version)
        if card.kind != "regular" or card.status != CardStatus.ACTIVE:
            raise RuleViolation(17, "SSC-WIN-10", f"card {card.card_number} ({card.kind}, {card.status}) cannot be "
                                "exchanged")
        if common.remaining_losses(s, card):
            raise RuleViolation(16, "SSC-WIN-9", f"card {card.card_number} is reported lost: a lost card is "
                                "replaced after a formal loss report, not exchanged")
        common.check_no_open_application(s, person)
        today = window.today()
        fee = card_fee(_EXCHANGE_FEE[reason], damage=damage, issue_date=card.issue_date, today=today,
                       schedule=window.fees)
        app = common.new_application(s, window, person, reason="exchange", bank=card.bank or "",
                                     applicant=applicant,
                                     photo_source="receipt" if reason is ExchangeReason.APPEARANCE else "on_file",
                                     fee=fee, replaces=card, exchange_reason=reason.value)
        core.charge(s, window, person.id, fee, _EXCHANGE_FEE[reason], card_id=card.id, application_id=app.id)
        audit_id = core.audit(s, window, "apply_exchange", article=22 if reason is ExchangeReason.APPEARANCE else 17,
                              clause="SSC-WIN-10", person_id=person.id, card_id=card.id, application_id=app.id,
                              actor=core.actor_of(applicant), reason=fee.reason,
                              detail={"reason": reason.value, "damage": damage.value if damage else None,
                                      "fee": fee.amount})
        return common.receipt(s, "apply_exchange", audit_id, card=card, application=app, fee=fee)


# ------------------------------------------------------------------------------------------ art. 14, 16-19


def block_returned_card(window: Window, card_number: str, card_ops: CardOperations) -> Receipt:
    """Art. 14, 16-19 (SSC-WIN-7): a card that has left use (replaced, exchanged, cancelled, abandoned,
    expired) is handed in at the window: CARD BLOCK now, and its blacklist entry is done."""
    core.require_side(window, (Side.SOCIAL, Side.BANK), 14, "SSC-WIN-7", "blocking a returned card")
    presented = card_ops.read_card_identity()

    def plan(s: Session) -> core.CardStep:
        card = common.claim_card(s, card_number)
        if CardStatus(card.status) not in ENDED_STATUSES:
            raise RuleViolation(14, "SSC-WIN-7", f"card {card.card_number} is {card.status}: only a card that left "
                                "use is blocked for good")
        if presented.terminated:
            raise WindowError("the card in the reader is already blocked (terminated)")
        core.check_presented(card, presented)
        return core.CardStep(card, CardOp.BLOCK_CARD, None, "block_card", {"source": "window"})

    return core.run_card_step(window, card_ops, plan)


