"""Card operations the registry has not finished recording (SSC-WIN-15), and how to finish them.

An entry stays open when the card changed but the registry write failed (``card_done``), or when the card
stopped answering, or the window's process died, between the journal entry and the registry change
(``pending``: outcome unknown). :func:`resolve_pending` completes it, and records only what the card shows it
did:

- ``card_done``: the card answered 9000; the registry change is applied.
- ``pending``: the card in a reader is read again (:class:`~sscard.window.cardops.CardEvidence`) and compared
  with what it showed just before the command (stored in the entry under the entry's lock). :func:`judge`
  decides per operation, from proof only:

  ========================= ===========================================================================
  operation                 how the outcome is established
  ========================= ===========================================================================
  (any)                     no evidence stored: the command was never sent (it is sent only after) →
                            not done. Financial: ATC unchanged → the card completed no MAC'd command →
                            not done; ATC one higher → done (it moves only with the effect, in one
                            transaction, SSC-FIN-3); more → changed outside this journal.
  ACTIVATE                  lifecycle: ISSUED before, ACTIVE now → done; still ISSUED → not done.
  APPLICATION BLOCK         lifecycle: ACTIVE before, BLOCKED now → done; still ACTIVE → not done;
                            BLOCKED before: the state cannot show it, the command is idempotent → redone.
  APPLICATION UNBLOCK       lifecycle: BLOCKED before, ACTIVE now → done; still BLOCKED → not done.
  CARD BLOCK                terminated now (only CARD BLOCK terminates) → done; not terminated → not done.
  PIN UNBLOCK               PIN blocked before: tries left now → done, still blocked → not done. Otherwise
                            (a PIN that was not blocked: the counter cannot show it) → redone (idempotent),
                            with the holder in person only (art. 21): ``holder_present=True``.
  RELOAD PIN (reset)        PIN blocked before: as PIN UNBLOCK. Otherwise → redone with the new PIN the
                            holder gives again (``new_pin=``; RELOAD PIN with it is idempotent; the PIN
                            is never stored anywhere, so nothing else can).
  ========================= ===========================================================================

  A command sent in a state the card refuses it in (per the evidence before) is not done. A state that
  neither outcome explains (the card was changed outside the journal) is never guessed at.

When the outcome cannot be established now (a redo needs the holder who is not there, or the card was
changed outside the journal) nothing is recorded: the entry becomes ``needs_holder`` (still locking the card)
and :class:`~sscard.window.errors.OutcomeNeedsHolder` says what resolves it.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sscard.errors import CardConnectionError, SscardError
from sscard.spec_tables import Lifecycle
from sscard.window import _core as core
from sscard.window.cardops import CardEvidence, CardOp, CardOperations, Function
from sscard.window.context import JournalView, Receipt, Window
from sscard.window.errors import NotFound, OutcomeNeedsHolder, RuleViolation, WindowError
from sscard.window.models import Card, CardStatus, JournalEntry, JournalState
from sscard.window.operators import require_operator

__all__ = ["Finding", "Verdict", "judge", "pending_operations", "resolve_pending"]

_OPEN = (JournalState.PENDING.value, JournalState.CARD_DONE.value, JournalState.NEEDS_HOLDER.value,
         JournalState.SUPERSEDED.value)

ATC_MAX = 0xFFFF
"""The ATC stops counting here (SSC-FIN-3): from then on it shows nothing."""

_COMMAND = {CardOp.ACTIVATE: "ACTIVATE", CardOp.BLOCK_APPLICATION: "APPLICATION BLOCK",
            CardOp.UNBLOCK_APPLICATION: "APPLICATION UNBLOCK", CardOp.BLOCK_CARD: "CARD BLOCK",
            CardOp.UNBLOCK_PIN: "PIN UNBLOCK", CardOp.RESET_PIN: "RELOAD PIN"}


class Verdict(enum.Enum):
    """What the card shows about a command whose outcome the registry does not know."""

    DONE = "done"            # the card shows the command took effect
    NOT_DONE = "not_done"    # the card shows it did not (or it was never sent)
    REDO = "redo"            # the card cannot show it, the command is idempotent: send it again
    UNKNOWN = "unknown"      # the card cannot show it and nothing can be redone: a person must find out


@dataclass(frozen=True)
class Finding:
    verdict: Verdict
    reason: str


def _name(state: Lifecycle | None) -> str:
    return state.name if state is not None else "absent"


def _transition(name: str, before: Lifecycle | None, now: Lifecycle | None, source: Lifecycle,
                target: Lifecycle) -> Finding:
    if before is not source:
        return Finding(Verdict.NOT_DONE, f"the application was {_name(before)} before: the card refuses {name} "
                       "there")
    if now is source:
        return Finding(Verdict.NOT_DONE, f"{source.name} before and now: {name} did not take effect")
    if now is target:
        return Finding(Verdict.DONE, f"{source.name} before, {target.name} now: only {name} makes that change")
    return Finding(Verdict.UNKNOWN, f"{source.name} before, {_name(now)} now: neither outcome of {name} leaves "
                   "the card so (it was changed outside this journal)")


def judge(operation: CardOp, function: Function | None, before: CardEvidence | None,
          now: CardEvidence) -> Finding:
    """Whether ``operation`` took effect, from the card's evidence before the command and now (the table in
    this module's documentation). ``before`` None: none was stored, so the command was never sent."""
    name = _COMMAND[operation]
    if before is None:
        return Finding(Verdict.NOT_DONE, "no evidence of the card was stored before the command, which is sent "
                       "only after: the command was never sent")
    if (function is Function.FINANCIAL and before.atc is not None and now.atc is not None
            and before.atc < ATC_MAX and now.atc == before.atc):
        return Finding(Verdict.NOT_DONE, f"the financial ATC is {now.atc} before and now: the card completed no "
                       f"MAC'd command, {name} did not take effect (SSC-FIN-3)")
    if (function is Function.FINANCIAL and operation is not CardOp.BLOCK_CARD and before.atc is not None
            and now.atc is not None and before.atc < ATC_MAX):
        if now.atc == before.atc + 1:
            return Finding(Verdict.DONE, f"the financial ATC moved from {before.atc} to {now.atc}: the card completed "
                           f"one MAC'd command, and it moves only in the same atomic update as the command's effect "
                           f"(SSC-FIN-3); the journal entry kept other windows off the card, so it was {name}")
        return Finding(Verdict.UNKNOWN, f"the financial ATC moved from {before.atc} to {now.atc}: more MAC'd "
                       "commands completed than this one, the card was changed outside this journal")
    b, n = before.lifecycle, now.lifecycle
    if operation is CardOp.BLOCK_CARD:
        if b is Lifecycle.TERMINATED:
            return Finding(Verdict.NOT_DONE, "the card was terminated before: the card refuses CARD BLOCK")
        if n is Lifecycle.TERMINATED:
            return Finding(Verdict.DONE, f"{_name(b)} before, TERMINATED now: only CARD BLOCK terminates")
        return Finding(Verdict.NOT_DONE, f"not terminated ({_name(n)}): CARD BLOCK did not take effect")
    if operation is CardOp.ACTIVATE:
        return _transition(name, b, n, Lifecycle.ISSUED, Lifecycle.ACTIVE)
    if operation is CardOp.UNBLOCK_APPLICATION:
        return _transition(name, b, n, Lifecycle.BLOCKED, Lifecycle.ACTIVE)
    if operation is CardOp.BLOCK_APPLICATION:
        if b is Lifecycle.BLOCKED:
            if n is Lifecycle.BLOCKED:
                return Finding(Verdict.REDO, f"BLOCKED before and now: the state cannot show whether {name} ran; "
                               "it is idempotent")
            return Finding(Verdict.UNKNOWN, f"BLOCKED before, {_name(n)} now: the card was changed outside this "
                           "journal")
        return _transition(name, b, n, Lifecycle.ACTIVE, Lifecycle.BLOCKED)
    # PIN UNBLOCK, RELOAD PIN: ACTIVE only; each leaves the PIN with every try (and RELOAD a new PIN).
    if b is not Lifecycle.ACTIVE:
        return Finding(Verdict.NOT_DONE, f"the application was {_name(b)} before: the card refuses {name} there")
    if n is not Lifecycle.ACTIVE:
        return Finding(Verdict.UNKNOWN, f"the application is {_name(n)} now (ACTIVE before): the card was "
                       "changed outside this journal and its PIN cannot be read")
    if before.pin_tries == 0 and now.pin_tries is not None:
        if now.pin_tries > 0:
            return Finding(Verdict.DONE, f"the PIN was blocked before and has {now.pin_tries} tries now: only PIN "
                           "UNBLOCK or RELOAD PIN unblock it")
        return Finding(Verdict.NOT_DONE, f"the PIN was blocked before and still is: {name} did not take effect")
    return Finding(Verdict.REDO, f"the PIN was not blocked before ({before.pin_tries} tries left): its counter "
                   f"cannot show whether {name} ran; it is idempotent")


def pending_operations(window: Window) -> list[JournalView]:
    """Journal entries not finished (pending, card_done or needs_holder), oldest first."""
    with window.registry.transaction() as s:
        require_operator(s, window)
        rows = s.execute(select(JournalEntry, Card.card_number).join(Card, Card.id == JournalEntry.card_id)
                         .where(JournalEntry.state.in_(_OPEN)).order_by(JournalEntry.id)).all()
        return [JournalView(e.id, number, e.operation, e.function, e.effect, e.state, e.operator, e.window_id,
                            e.attempts, e.last_error) for e, number in rows]


def _redo_needs(operation: CardOp, function: Function | None, card_ops: CardOperations, holder_present: bool,
                new_pin: str | None) -> str | None:
    """What is missing to send ``operation`` again (None: nothing)."""
    if function is not None and function not in card_ops.authorities:
        return f"a terminal holding the {function.value} keys, to send {_COMMAND[operation]} again"
    if operation is CardOp.RESET_PIN and new_pin is None:
        return ("the holder in person, who gives the new PIN again: resolve_pending(…, new_pin=…) sends RELOAD PIN "
                "with it (safe to repeat; the PIN is stored nowhere)")
    if operation is CardOp.UNBLOCK_PIN and not holder_present:
        return ("the holder in person (art. 21): resolve_pending(…, holder_present=True) sends PIN UNBLOCK again "
                "(safe to repeat)")
    return None


def _retake(s: Session, entry: JournalEntry, card: Card) -> None:
    """A superseded entry (SSC-WIN-28) is resolved like a pending one once the card is found and no loss report
    is left (art. 15): it takes the card's lock again (refused, as a conflict, while another operation holds
    it)."""
    lost = [e.function for e in core.active_blacklist(s, card)]
    if card.status != CardStatus.ACTIVE or lost:
        raise RuleViolation(14, "SSC-WIN-28", f"journal #{entry.id} was superseded by a loss report; card "
                            f"{card.card_number} is {card.status}, blacklist {', '.join(lost) or 'none'}: its "
                            "outcome is established with the card once the loss report is cancelled (art. 15)")
    core.ensure_not_inflight(s, card)
    entry.state = JournalState.PENDING.value
    entry.inflight_card_id = card.id
    s.flush()


def resolve_pending(window: Window, journal_id: int, card_ops: CardOperations | None = None, *,
                    holder_present: bool = False, new_pin: str | None = None) -> Receipt | None:
    """Finish journal entry ``journal_id``: returns the receipt of the recorded operation, or None when the
    card shows the command did not take effect (the entry is then marked failed and nothing is recorded).

    A ``pending`` (or ``needs_holder``) entry needs the card in a reader (``card_ops``); see this module's
    table for how each operation's outcome is established. ``holder_present``: the holder is at the window in
    person (a PIN UNBLOCK may then be sent again); ``new_pin``: the new PIN the holder gives again for a RELOAD
    PIN (implies the holder is present; it goes to the card only). Raises
    :class:`~sscard.window.errors.OutcomeNeedsHolder` when the outcome cannot be established without them
    (nothing recorded, entry ``needs_holder``), :class:`CardOutcomeUnknown` when the card stops answering
    during a command sent again."""
    with window.registry.transaction() as s:
        entry = s.get(JournalEntry, journal_id)
        if entry is None:
            raise NotFound(f"no journal entry #{journal_id}")
        if entry.state not in _OPEN:
            raise WindowError(f"journal #{journal_id} is {entry.state}: nothing to resolve")
        require_operator(s, window)
        card = s.get(Card, entry.card_id)
        assert card is not None
        if entry.state == JournalState.SUPERSEDED:
            _retake(s, entry, card)
        entry.attempts += 1
        state = JournalState(entry.state)
        operation = CardOp(entry.operation)
        function = Function(entry.function) if entry.function else None
        payload = json.loads(entry.payload)
    if state is JournalState.CARD_DONE:
        return core.record_done(window, journal_id, operation,
                                recovered={"evidence": "the card answered the command (card_done)"})
    if card_ops is None:
        raise WindowError(f"journal #{journal_id}: whether the card changed is unknown; present the card "
                          "(card_ops) to resolve it")
    presented = card_ops.read_card_identity()
    if not presented.terminated:
        core.check_presented(card, presented)
    now = card_ops.read_evidence(function)
    stored = payload.get(core.BEFORE)
    before = CardEvidence.from_json(stored) if stored is not None else None
    if core.BEFORE not in payload:  # an entry journalled before evidence was recorded: nothing to compare
        finding = Finding(Verdict.UNKNOWN, "the entry holds no evidence of the card before the command")
    else:
        finding = judge(operation, function, before, now)
    if finding.verdict is Verdict.DONE:
        return core.record_done(window, journal_id, operation, recovered={"evidence": finding.reason})
    if finding.verdict is Verdict.NOT_DONE:
        core.mark(window, journal_id, JournalState.FAILED, f"resolved: not done: {finding.reason}")
        return None
    needs = (_redo_needs(operation, function, card_ops, holder_present or new_pin is not None, new_pin)
             if finding.verdict is Verdict.REDO else
             "the holder, to establish what happened to the card; nothing is recorded until then")
    if needs is not None:
        core.mark(window, journal_id, JournalState.NEEDS_HOLDER, f"needs the holder: {finding.reason}")
        raise OutcomeNeedsHolder(operation.value, journal_id, finding.reason, needs)
    try:
        core.execute(card_ops, operation, function, new_pin)
    except CardConnectionError as exc:
        core.mark(window, journal_id, state, exc)
        raise core.CardOutcomeUnknown(operation.value, journal_id, exc) from exc
    except SscardError as exc:  # refused now: says nothing about the first command
        core.mark(window, journal_id, JournalState.NEEDS_HOLDER, exc)
        raise OutcomeNeedsHolder(operation.value, journal_id, f"{finding.reason}; the card refused the command "
                                 f"sent again: {exc}", "the holder and the card, once the card accepts it") from exc
    return core.record_done(window, journal_id, operation,
                            recovered={"evidence": finding.reason, "redone": True})
