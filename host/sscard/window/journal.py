"""Card operations the registry has not finished recording (SSC-WIN-15), and how to finish them.

An entry stays open when the card changed but the registry write failed (``card_done``), or when the card
stopped answering mid-command (``pending``: outcome unknown). :func:`resolve_pending` completes it: a
``card_done`` entry gets its registry change; a ``pending`` one needs the card in a reader, which shows
whether the command took effect (then the registry change is applied) or not (then the entry fails and the
registry records nothing).
"""

from __future__ import annotations

from sqlalchemy import select

from sscard.window import _core as core
from sscard.window.cardops import CardOp, CardOperations, Function
from sscard.window.context import JournalView, Receipt, Window
from sscard.window.errors import NotFound, WindowError
from sscard.window.models import Card, JournalEntry, JournalState

__all__ = ["pending_operations", "resolve_pending"]

_OPEN = (JournalState.PENDING.value, JournalState.CARD_DONE.value)


def pending_operations(window: Window) -> list[JournalView]:
    """Journal entries not finished (pending or card_done), oldest first."""
    with window.registry.transaction() as s:
        rows = s.execute(select(JournalEntry, Card.card_number).join(Card, Card.id == JournalEntry.card_id)
                         .where(JournalEntry.state.in_(_OPEN)).order_by(JournalEntry.id)).all()
        return [JournalView(e.id, number, e.operation, e.function, e.effect, e.state, e.operator, e.window_id,
                            e.attempts, e.last_error) for e, number in rows]


def resolve_pending(window: Window, journal_id: int, card_ops: CardOperations | None = None) -> Receipt | None:
    """Finish journal entry ``journal_id``: returns the receipt of the recorded operation, or None when the
    card shows the command did not take effect (the entry is then marked failed)."""
    with window.registry.transaction() as s:
        entry = s.get(JournalEntry, journal_id)
        if entry is None:
            raise NotFound(f"no journal entry #{journal_id}")
        if entry.state not in _OPEN:
            raise WindowError(f"journal #{journal_id} is {entry.state}: nothing to resolve")
        entry.attempts += 1
        state = JournalState(entry.state)
        operation = CardOp(entry.operation)
        function = Function(entry.function) if entry.function else None
        card = s.get(Card, entry.card_id)
        assert card is not None
    if state is JournalState.PENDING:
        if card_ops is None:
            raise WindowError(f"journal #{journal_id}: whether the card changed is unknown; present the card "
                              "(card_ops) to resolve it")
        presented = card_ops.read_card_identity()
        if not presented.terminated:
            core.check_presented(card, presented)
        if not core.observed(card_ops, operation, function, presented):
            core.mark(window, journal_id, JournalState.FAILED, None)
            return None
    return core.apply_effect(window, journal_id, recovered=True)
