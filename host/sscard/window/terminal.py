"""The terminal check (art. 14, 19; SSC-WIN-7): whenever a card is presented, the registry decides whether
it may be used, and a blacklisted card is blocked on the spot.

- A card reported lost (either function, temporary or formal): "no function may be used" (art. 14): every
  application this terminal holds keys for is blocked (APPLICATION BLOCK), reversibly: a cancelled loss
  report unblocks it (art. 15).
- A card that left use (replaced, exchanged, cancelled, abandoned, an ended temporary card): CARD BLOCK,
  irreversibly.
- A temporary card past its 90 days is refused (art. 19; the issue day is the first, SSC-WIN-23), and so is
  any card past its expiry; a card not collected yet is refused.
- A card whose EF05 expiry differs from the registry's is refused (SSC-WIN-24): one of them is wrong, and a
  terminal cannot tell which.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sscard.spec_tables import Lifecycle
from sscard.window import _core as core
from sscard.window.cardops import CardOp, CardOperations, Function, PresentedCard
from sscard.window.context import Receipt, TerminalVerdict, Window
from sscard.window.errors import WindowError
from sscard.window.models import ENDED_STATUSES, Card, CardStatus, JournalEntry

__all__ = ["present_card"]


def present_card(window: Window, card_ops: CardOperations) -> TerminalVerdict:
    """Art. 14 (SSC-WIN-7): check the presented card against the registry and block what must be blocked.
    Returns whether the card may be used here, why, and what was done to it."""
    presented = card_ops.read_card_identity()
    if presented.terminated or presented.card_id is None:
        return TerminalVerdict(False, "the card is blocked (terminated)", None)
    with window.registry.transaction() as s:
        card = s.scalars(select(Card).where(Card.card_id == presented.card_id.upper())).one_or_none()
        if card is None:
            return TerminalVerdict(False, "not a card of this registry", presented.card_number)
        number = card.card_number
        ended = CardStatus(card.status) in ENDED_STATUSES
        blacklist = [f"{e.function}:{e.reason}" for e in core.active_blacklist(s, card)]
        card_entry = any(b.startswith("card:") for b in blacklist)
        status, kind, expiry = card.status, card.kind, card.expiry_date
    steps = _steps(presented, card_ops, block_card=ended or card_entry, blocked_losses=bool(blacklist))
    receipts: list[Receipt] = []
    actions: list[str] = []
    incomplete = ""
    for operation, function in steps:
        try:
            receipts.append(core.run_card_step(window, card_ops, _plan(number, operation, function, blacklist)))
        except core.SupersededMeanwhile as exc:  # blocked on the card; recorded when the entry is resolved
            incomplete += (f"; {operation.value} recorded later (journal #{exc.journal_id}, superseded by a loss "
                           "report)")
        except WindowError as exc:
            if not receipts:
                raise
            # an earlier block is done and recorded: report it, and what stopped the rest
            incomplete = f"; blocking incomplete ({exc})"
            break
        actions.append(operation.value if function is None else f"{operation.value}:{function.value}")
    if ended or card_entry:
        return TerminalVerdict(False, f"card {status}: it may not be used (blocked)", number, tuple(actions),
                               tuple(receipts))
    if blacklist:
        return TerminalVerdict(False, f"card reported lost ({', '.join(blacklist)}): no function may be used "
                               f"(art. 14){incomplete}", number, tuple(actions), tuple(receipts))
    if status != CardStatus.ACTIVE:
        return TerminalVerdict(False, f"card {status}: not collected yet", number)
    if presented.expiry_date is not None and presented.expiry_date != expiry:
        return TerminalVerdict(False, f"the expiry on the card (EF05) is {presented.expiry_date.isoformat()}, the "
                               f"registry's {expiry.isoformat()}: refused until a window checks the card "
                               "(SSC-WIN-24)", number)
    if window.today() > expiry:
        why = "90 days counting the issue day, art. 19" if kind == "temporary" else "its validity is over"
        return TerminalVerdict(False, f"{kind} card expired: valid until {expiry.isoformat()} ({why})", number)
    if presented.social is not Lifecycle.ACTIVE:
        state = presented.social.name if presented.social else "absent"
        return TerminalVerdict(False, f"the social application is {state} on the card", number)
    return TerminalVerdict(True, "card in use, not blacklisted", number)


def _steps(presented: PresentedCard, card_ops: CardOperations, *, block_card: bool,
           blocked_losses: bool) -> list[tuple[CardOp, Function | None]]:
    if not card_ops.authorities:
        return []
    if block_card:
        return [(CardOp.BLOCK_CARD, None)]
    if not blocked_losses:
        return []
    return [(CardOp.BLOCK_APPLICATION, f) for f in (Function.SOCIAL, Function.FINANCIAL)
            if f in card_ops.authorities and presented.lifecycle(f) is Lifecycle.ACTIVE]


def _plan(card_number: str, operation: CardOp, function: Function | None, blacklist: list[str]) -> Any:
    def plan(s: Session) -> core.CardStep:
        card = core.card_by_number(s, card_number)
        core.claim(s, card)
        effect = "block_card" if operation is CardOp.BLOCK_CARD else "terminal_block_application"
        return core.CardStep(card, operation, function, effect, {"source": "terminal", "blacklist": blacklist})

    return plan


@core.effect("terminal_block_application")
def _block_application_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    card = s.get(Card, entry.card_id)
    assert card is not None
    audit_id = core.audit(s, window, "terminal_block_application", article=14, clause="SSC-WIN-7",
                          person_id=card.person_id, card_id=card.id, journal_id=entry.id,
                          reason=", ".join(payload.get("blacklist", [])),
                          detail={"function": entry.function, **({"recovered_from": payload["recovered_from"]}
                                                                 if "recovered_from" in payload else {})})
    return Receipt("terminal_block_application", audit_id, card.person_id, core.card_view(s, card),
                   journal_id=entry.id)


@core.effect("block_card")
def _block_card_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    card = s.get(Card, entry.card_id)
    assert card is not None
    action = "terminal_block_card" if payload.get("source") == "terminal" else "block_returned_card"
    audit_id = core.audit(s, window, action, article=14, clause="SSC-WIN-7", person_id=card.person_id,
                          card_id=card.id, journal_id=entry.id, reason=card.status,
                          detail={"recovered_from": payload["recovered_from"]} if "recovered_from" in payload
                          else None)
    return Receipt(action, audit_id, card.person_id, core.card_view(s, card), journal_id=entry.id)
