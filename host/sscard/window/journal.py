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
  CHANGE PIN (art. 20)      financial: by the ATC (the bank's PIN command). Social: the PIN's tries down →
                            the old PIN was refused, not done; up → only a correct PIN restores them, done;
                            unchanged → the holder enters the new PIN (``new_pin=``) and VERIFY decides.
  UPDATE RECORD (EF06,      a digest of the records written: the new values → done; the old ones → not
  art. 6)                   done; neither (written in part) → redone (whole records, idempotent; the values
                            come from the registry's ``holder_changes`` row, not from the journal).
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
            CardOp.UNBLOCK_PIN: "PIN UNBLOCK", CardOp.RESET_PIN: "RELOAD PIN", CardOp.CHANGE_PIN: "CHANGE PIN",
            CardOp.UPDATE_HOLDER_DATA: "UPDATE RECORD (EF06)"}


class Verdict(enum.Enum):
    """What the card shows about a command whose outcome the registry does not know."""

    DONE = "done"            # the card shows the command took effect
    NOT_DONE = "not_done"    # the card shows it did not (or it was never sent)
    REDO = "redo"            # the card cannot show it, the command is idempotent: send it again
    UNKNOWN = "unknown"      # the card cannot show it and nothing can be redone: a person must find out
    HOLDER_PIN = "holder_pin"  # the card cannot show it; the holder's new PIN, verified, shows it (CHANGE PIN)


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


def _judge_holder_data(before: CardEvidence, now: CardEvidence, target: str | None) -> Finding:
    """UPDATE RECORD of EF06 records: the digest of the records now against the one before and the target."""
    name = _COMMAND[CardOp.UPDATE_HOLDER_DATA]
    if before.lifecycle is not Lifecycle.ACTIVE:
        return Finding(Verdict.NOT_DONE, f"the application was {_name(before.lifecycle)} before: the card refuses "
                       f"{name} there")
    if now.holder_digest is not None and now.holder_digest == target:
        return Finding(Verdict.DONE, "the records hold the new values now")
    if now.holder_digest is not None and now.holder_digest == before.holder_digest:
        return Finding(Verdict.NOT_DONE, "the records hold the values they held before: no record was written")
    return Finding(Verdict.REDO, "the records hold neither the old nor the new values (written in part): "
                   f"{name} writes whole records and is safe to send again")


def _judge_change_pin(before: CardEvidence, now: CardEvidence) -> Finding:
    """The social CHANGE PIN (the financial one is judged by its ATC): the PIN's counter."""
    name = _COMMAND[CardOp.CHANGE_PIN]
    if before.lifecycle is not Lifecycle.ACTIVE or before.pin_tries == 0:
        return Finding(Verdict.NOT_DONE, f"the application was {_name(before.lifecycle)}, tries left "
                       f"{before.pin_tries} before: the card refuses {name} there")
    if now.lifecycle is not Lifecycle.ACTIVE or now.pin_tries is None or before.pin_tries is None:
        return Finding(Verdict.UNKNOWN, f"the application is {_name(now.lifecycle)} now: the card was changed "
                       "outside this journal")
    if now.pin_tries < before.pin_tries:
        return Finding(Verdict.NOT_DONE, f"the PIN's tries went from {before.pin_tries} to {now.pin_tries}: the card "
                       f"refused the old PIN, {name} did not take effect")
    if now.pin_tries > before.pin_tries:
        return Finding(Verdict.DONE, f"the PIN's tries went from {before.pin_tries} to {now.pin_tries}: only a correct "
                       f"PIN restores them, and the journal kept windows off the card: {name} took it")
    return Finding(Verdict.HOLDER_PIN, f"the PIN's tries are {now.pin_tries} before and now: the counter cannot show "
                   f"whether {name} ran, and it cannot be sent again (the old PIN may be gone)")


def judge(operation: CardOp, function: Function | None, before: CardEvidence | None,
          now: CardEvidence, *, target: str | None = None) -> Finding:
    """Whether ``operation`` took effect, from the card's evidence before the command and now (the table in
    this module's documentation). ``before`` None: none was stored, so the command was never sent.
    ``target``: for a change of holder data, the digest of the records as the change writes them."""
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
    if operation is CardOp.UPDATE_HOLDER_DATA:
        return _judge_holder_data(before, now, target)
    if operation is CardOp.CHANGE_PIN:
        return _judge_change_pin(before, now)
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
def _ask_new_pin(window: Window, journal_id: int, operation: CardOp, function: Function | None,
                 card_ops: CardOperations, finding: Finding, new_pin: str | None) -> Finding:
    """A CHANGE PIN the counter cannot show: the holder enters the new PIN and VERIFY says which PIN the card
    holds (a wrong entry spends one try, which the next correct PIN restores)."""
    if new_pin is None:
        core.mark(window, journal_id, JournalState.NEEDS_HOLDER, f"needs the holder: {finding.reason}")
        raise OutcomeNeedsHolder(operation.value, journal_id, finding.reason,
                                 "the holder in person, who enters the new PIN: resolve_pending(…, new_pin=…) "
                                 "verifies it on the card (a wrong entry spends one try)")
    assert function is not None
    if card_ops.verify_pin(function, new_pin):
        return Finding(Verdict.DONE, f"{finding.reason}; the card accepts the new PIN the holder entered")
    return Finding(Verdict.NOT_DONE, f"{finding.reason}; the card refuses the new PIN the holder entered: the old "
                   "PIN stands")


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
        entry_effect = entry.effect
    if state is JournalState.CARD_DONE:
        return core.record_done(window, journal_id, operation,
                                recovered={"evidence": "the card answered the command (card_done)"})
    if card_ops is None:
        raise WindowError(f"journal #{journal_id}: whether the card changed is unknown; present the card "
                          "(card_ops) to resolve it")
    presented = card_ops.read_card_identity()
    if not presented.terminated:
        core.check_presented(card, presented)
    now = core.read_evidence(card_ops, operation, function, payload)
    stored = payload.get(core.BEFORE)
    before = CardEvidence.from_json(stored) if stored is not None else None
    if core.BEFORE not in payload:  # an entry journalled before evidence was recorded: nothing to compare
        finding = Finding(Verdict.UNKNOWN, "the entry holds no evidence of the card before the command")
    else:
        finding = judge(operation, function, before, now, target=payload.get("target_digest"))
    if finding.verdict is Verdict.HOLDER_PIN:
        finding = _ask_new_pin(window, journal_id, operation, function, card_ops, finding, new_pin)
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
    items = core.ITEMS[entry_effect](window, payload) if entry_effect in core.ITEMS else None
    try:
        core.execute(card_ops, operation, function, new_pin, items=items)
    except CardConnectionError as exc:
        core.mark(window, journal_id, state, exc)
        raise core.CardOutcomeUnknown(operation.value, journal_id, exc) from exc
    except SscardError as exc:  # refused now: says nothing about the first command
        core.mark(window, journal_id, JournalState.NEEDS_HOLDER, exc)
        raise OutcomeNeedsHolder(operation.value, journal_id, f"{finding.reason}; the card refused the command "
                                 f"sent again: {exc}", "the holder and the card, once the card accepts it") from exc
    return core.record_done(window, journal_id, operation,
                            recovered={"evidence": finding.reason, "redone": True})
