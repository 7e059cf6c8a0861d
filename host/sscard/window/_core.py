"""Internals shared by the workflows: loading and claiming rows, the audit log, the blacklist, fees, and the
journaled card step that keeps card and registry consistent (SSC-WIN-15).

A workflow that changes the card runs in four steps:

1. one transaction validates the rules, claims the rows it will change (their version goes up: a window
   that changed them meanwhile makes this one fail with a conflict) and writes a ``pending`` journal entry
   (``card_journal.inflight_card_id`` is unique: one card operation in flight per card);
2. the card's evidence (:class:`~sscard.window.cardops.CardEvidence`: lifecycle, financial ATC, PIN tries
   left), read under that lock and stored in the entry: the command is sent only once it is stored;
3. the card command;
4. one transaction applies the registry change (the journal entry's *effect*), writes the audit entry and
   marks the journal ``done``.

If the card refuses, the journal entry becomes ``failed`` and the registry records no success. If the card
changed but step 4 fails, the entry stays (``card_done``, or ``pending`` if even that could not be written)
and :func:`sscard.window.resolve_pending` completes it later: comparing the card with the evidence of step 2
when the outcome is unknown (see :mod:`sscard.window.journal`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from sscard.errors import CardConnectionError, SscardError
from sscard.window.cardops import CardEvidence, CardOp, CardOperations, Function, PresentedCard
from sscard.window.context import Applicant, ApplicationView, CardView, Receipt, Side, Window
from sscard.window.errors import (
    CardMismatch,
    CardOperationFailed,
    ConflictError,
    NotFound,
    RegistryPending,
    RuleViolation,
    WindowError,
)
from sscard.window.fees import Fee, FeeCase
from sscard.window.models import (
    Application,
    AuditEntry,
    BlacklistEntry,
    Card,
    FeeCharge,
    JournalEntry,
    JournalState,
    Person,
)
from sscard.window.operators import require_operator

# Keys that must never reach the audit log or the journal (art. 24; no PIN ever).
_FORBIDDEN_KEYS = frozenset({"pin", "new_pin", "old_pin", "ssn", "id_number", "social_security_number", "name"})

# What looks like an ID number: 18 characters (17 digits and a digit or X, GB 11643) or the old 15 digits,
# standing alone (a card identification code in hex has digit runs too, but joined to letters).
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# A document reference: what a window types where the regulation asks for a certificate or a receipt. The
# document stays on paper; the registry keeps only its number.
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9#/_.:-]{0,39}")


class CardOutcomeUnknown(WindowError):
    """The card stopped answering during the command: whether it changed is unknown. The journal entry stays
    pending until :func:`sscard.window.resolve_pending` is run with the card in a reader."""

    def __init__(self, operation: str, journal_id: int, cause: BaseException) -> None:
        super().__init__(f"card operation {operation}: the card stopped answering, outcome unknown; journal "
                         f"#{journal_id} stays pending until `resolve_pending` with the card: {cause}")
        self.operation = operation
        self.journal_id = journal_id


class SupersededMeanwhile(WindowError):
    """The card did the command, but a loss report superseded the operation while it ran (SSC-WIN-28): nothing
    is recorded now; the journal entry, superseded, is resolved with the card once the loss report is cancelled."""

    def __init__(self, operation: str, journal_id: int) -> None:
        super().__init__(f"card operation {operation} done on the card, but the card was reported lost meanwhile: "
                         f"nothing recorded; journal #{journal_id} (superseded) is resolved with the card once the "
                         "loss report is cancelled (art. 15)")
        self.operation = operation
        self.journal_id = journal_id


# ------------------------------------------------------------------------------------------ rows


def person_by_ssn(s: Session, ssn: str) -> Person:
    person = s.scalars(select(Person).where(Person.ssn == ssn)).one_or_none()
    if person is None:
        raise NotFound("no such person in the registry (register the person first)")
    return person


def card_by_number(s: Session, card_number: str) -> Card:
    card = s.scalars(select(Card).where(Card.card_number == card_number)).one_or_none()
    if card is None:
        raise NotFound(f"no card {card_number} in the registry")
    return card


def claim(s: Session, *rows: Person | Card | Application) -> None:
    """Raise each row's version now (UPDATE … WHERE version = the one read), so that of two windows changing
    the same rows one wins and the other gets a :class:`ConflictError` naming the rows."""
    names = ", ".join(describe(r) for r in rows)
    for row in rows:
        row.version += 1
    try:
        s.flush()
    except StaleDataError as exc:
        raise ConflictError(names, "changed by another window meanwhile; re-read and try again") from exc


def describe(row: Person | Card | Application) -> str:
    if isinstance(row, Card):
        return f"card {row.card_number}"
    if isinstance(row, Application):
        return f"application #{row.id}"
    return f"person #{row.id}"


def check_version(card: Card, expected: int | None) -> None:
    if expected is not None and card.version != expected:
        raise ConflictError(f"card {card.card_number}", f"changed by another window since it was read (version "
                            f"{expected}, now {card.version}); re-read and decide again")


def ensure_not_inflight(s: Session, card: Card) -> None:
    entry = s.scalars(select(JournalEntry).where(JournalEntry.inflight_card_id == card.id)).one_or_none()
    if entry is not None:
        raise ConflictError(f"card {card.card_number}", f"a card operation ({entry.operation}) by window "
                            f"{entry.window_id} is in flight (journal #{entry.id}, {entry.state})")


def require_side(window: Window, allowed: tuple[Side, ...], article: int, clause: str, what: str) -> None:
    if window.side not in allowed:
        places = " or ".join(side.value.replace("_", " ") for side in allowed)
        raise RuleViolation(article, clause, f"{what} is done at a {places}, not at a "
                            f"{window.side.value.replace('_', ' ')} ({window.window_id})")


def check_bank(window: Window, card: Card) -> None:
    """Art. 24 (SSC-WIN-27): a bank counter or bank platform acts on its own bank's cards only, and names its
    bank (``Window.bank``)."""
    if window.side not in (Side.BANK, Side.BANK_PLATFORM):
        return
    if not window.bank:
        raise RuleViolation(24, "SSC-WIN-27", f"bank window {window.window_id} names no bank (Window.bank): it may "
                            "not act on a card's financial function")
    if card.bank != window.bank:
        raise RuleViolation(24, "SSC-WIN-27", f"card {card.card_number}'s financial function is {card.bank or 'no'} "
                            f"bank's: a {window.bank} window may not act on it")


def function_side(function: Function) -> Side:
    return Side.SOCIAL if function is Function.SOCIAL else Side.BANK


def check_presented(card: Card, presented: PresentedCard) -> None:
    if presented.card_id is None or presented.card_id.upper() != card.card_id.upper():
        shown = presented.card_id or "an unreadable (terminated) card"
        raise CardMismatch(f"the card in the reader ({shown}) is not card {card.card_number} ({card.card_id})")


def check_expiry(card: Card, presented: PresentedCard, article: int) -> None:
    """SSC-WIN-24: the expiry the registry holds is the one written on the card (EF05); a card that says
    otherwise is refused until the difference is explained (not silently trusted either way)."""
    if presented.expiry_date is not None and presented.expiry_date != card.expiry_date:
        raise RuleViolation(article, "SSC-WIN-24", f"the expiry on card {card.card_number} (EF05) is "
                            f"{presented.expiry_date.isoformat()}, the registry's {card.expiry_date.isoformat()}: "
                            "refused until the card office explains the difference")


# ------------------------------------------------------------------------------------------ views


def active_blacklist(s: Session, card: Card) -> list[BlacklistEntry]:
    return list(s.scalars(select(BlacklistEntry).where(BlacklistEntry.card_id == card.id,
                                                       BlacklistEntry.active_key.is_not(None))
                          .order_by(BlacklistEntry.id)))


def card_view(s: Session, card: Card) -> CardView:
    entries = active_blacklist(s, card)
    return CardView(card.card_number, card.card_id, card.kind, card.status, card.social, card.financial, card.bank,
                    card.issue_date, card.expiry_date, card.ready_on, card.collected_on, card.person_id,
                    card.version, tuple(f"{e.function}:{e.reason}" for e in entries))


def application_view(app: Application) -> ApplicationView:
    return ApplicationView(app.id, app.person_id, app.reason, app.status, app.bank, app.accepted_on, app.deadline,
                           app.produced_on, app.fee, app.version)


# ------------------------------------------------------------------------------------------ audit


def _check_detail(value: Any, path: str = "detail") -> None:
    """Art. 24 (SSC-WIN-17, SSC-WIN-25): no key that names personal data or a PIN (a programming error), and
    no value that looks like an ID number (what someone typed: refused)."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if str(key).lower() in _FORBIDDEN_KEYS:
                raise ValueError(f"{path}.{key}: personal data or a PIN must not be logged (art. 24)")
            _check_detail(inner, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, inner in enumerate(value):
            _check_detail(inner, f"{path}[{i}]")
    elif isinstance(value, str) and _ID_LIKE.search(value):
        raise RuleViolation(24, "SSC-WIN-25", f"{path}: holds what looks like an ID number; the log keeps "
                            "persons by key and IDs masked only")


def check_reference(value: str | None, field: str, *, required: bool = False) -> None:
    """Art. 24 (SSC-WIN-25): where a document reference is expected (a certificate's or receipt's number), only
    a reference is accepted, never free text (a diagnosis) nor an ID number. ``field`` names it in the error."""
    if not value:
        if required:
            raise RuleViolation(24, "SSC-WIN-25", f"{field}: the document's reference is required")
        return
    if not _REFERENCE.fullmatch(value) or _ID_LIKE.search(value):
        raise RuleViolation(24, "SSC-WIN-25", f"{field}: a document reference is expected (letters, digits and "
                            "# / _ . : -, at most 40), not free text or an ID number; the document itself stays "
                            "on paper")


def audit(s: Session, window: Window, action: str, *, article: int | None, clause: str | None,
          person_id: int | None = None, card_id: int | None = None, application_id: int | None = None,
          journal_id: int | None = None, reason: str | None = None, actor: Mapping[str, Any] | None = None,
          detail: Mapping[str, Any] | None = None) -> int:
    """Append one audit entry (operator, window, time, action, article, reason, who acted for the holder and
    how related); the ``detail`` and ``reason`` are checked to carry no PIN and no personal data, and the
    window to act for a signed-in operator (SSC-WIN-26)."""
    require_operator(s, window)
    if detail:
        _check_detail(detail)
    if reason:
        _check_detail(reason, "reason")
    actor = actor or {}
    _check_detail(dict(actor), "actor")
    entry = AuditEntry(
        at=window.now(), operator=window.operator, window_id=window.window_id, side=window.side.value,
        action=action, article=article, clause=clause, person_id=person_id, card_id=card_id,
        application_id=application_id, journal_id=journal_id, reason=reason,
        actor_role=actor.get("role"), relationship=actor.get("relationship"), agent_ref=actor.get("agent_ref"),
        detail=json.dumps(dict(detail), ensure_ascii=False, sort_keys=True) if detail else None,
    )
    s.add(entry)
    s.flush()
    return entry.id


def actor_of(applicant: Applicant | None) -> dict[str, Any]:
    return applicant.to_payload() if applicant is not None else {}


# ------------------------------------------------------------------------------------------ blacklist


def blacklist_add(s: Session, window: Window, card: Card, function: str, reason: str,
                  prior_status: str | None = None) -> BlacklistEntry:
    """Enter (or, for the same card and function, re-reason) an active blacklist entry. ``function`` is
    ``social`` / ``financial`` (a loss report: terminals block the applications) or ``card`` (replaced,
    cancelled, ...: terminals block the card). ``prior_status``: the function's state before the loss report,
    restored when it is cancelled (art. 15, SSC-WIN-19); a re-reasoned entry keeps the first one."""
    key = f"{card.id}:{function}"
    entry = s.scalars(select(BlacklistEntry).where(BlacklistEntry.active_key == key)).one_or_none()
    action = "block_card" if function == "card" else "block_application"
    if entry is None:
        entry = BlacklistEntry(card_id=card.id, function=function, reason=reason, action=action,
                               listed_at=window.now(), active_key=key, prior_status=prior_status)
        s.add(entry)
    else:
        entry.reason = reason
    s.flush()
    return entry


def set_prior_status(s: Session, card: Card, function: str, status: str) -> None:
    """The state an active loss report of ``function`` restores when cancelled becomes ``status`` (a change
    made while the card is reported lost, such as the medical settlement, art. 18)."""
    entry = s.scalars(select(BlacklistEntry).where(BlacklistEntry.active_key == f"{card.id}:{function}")
                      ).one_or_none()
    if entry is not None:
        entry.prior_status = status
        s.flush()


def blacklist_lift(s: Session, window: Window, card: Card, function: str) -> str | None:
    """Lift the active entry; returns the function's state before the loss report (None: not recorded)."""
    entry = s.scalars(select(BlacklistEntry).where(BlacklistEntry.active_key == f"{card.id}:{function}")
                      ).one_or_none()
    if entry is None:
        return None
    entry.active_key = None
    entry.lifted_at = window.now()
    s.flush()
    return entry.prior_status


# ------------------------------------------------------------------------------------------ fees


def charge(s: Session, window: Window, person_id: int, fee: Fee, case: FeeCase, *, card_id: int | None = None,
           application_id: int | None = None) -> None:
    s.add(FeeCharge(person_id=person_id, card_id=card_id, application_id=application_id, fee_case=case.value,
                    amount=fee.amount, article=fee.article,
                    reason=(f"[assumed amount] {fee.reason}" if fee.assumed else fee.reason)[:120],
                    charged_at=window.now(),
                    window_id=window.window_id))


# ------------------------------------------------------------------------------------------ journaled card step


@dataclass(frozen=True)
class CardStep:
    """Step 1's decision: send ``operation`` to the card, then apply ``effect`` with ``payload``."""

    card: Card
    operation: CardOp
    function: Function | None
    effect: str
    payload: dict[str, Any]
    items: Mapping[int, str] | None = None
    """UPDATE RECORD's values (EF06 by record number): sent to the card, never journalled."""


Effect = Callable[[Session, Window, JournalEntry, dict[str, Any]], Receipt]
EFFECTS: dict[str, Effect] = {}
FAILURES: dict[str, Callable[[Session, Window, JournalEntry, dict[str, Any]], None]] = {}


EffectT = TypeVar("EffectT", bound=Callable[..., Receipt])


def effect(name: str) -> Callable[[EffectT], EffectT]:
    """Register the registry change applied after a card command of this kind (step 4, or on recovery)."""

    def register(fn: EffectT) -> EffectT:
        EFFECTS[name] = fn
        return fn

    return register


ITEMS: dict[str, Callable[[Window, dict[str, Any]], Mapping[int, str]]] = {}
"""Per effect, where the values of an UPDATE RECORD command come from when recovery sends it again (the
registry: the journal holds no personal data)."""


def holder_digest(items: Mapping[int, str]) -> str:
    """A digest of EF06 values by record number: what the journal keeps of them (art. 24)."""
    text = json.dumps({str(n): items[n] for n in sorted(items)}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(b"sscard-holder-data:" + text.encode("utf-8")).hexdigest()


def read_evidence(card_ops: CardOperations, operation: CardOp, function: Function | None,
                  payload: Mapping[str, Any]) -> CardEvidence:
    """The card's evidence for ``operation``: :meth:`CardOperations.read_evidence`, and for a change of holder
    data the digest of the records it writes (``payload["records"]``)."""
    evidence = card_ops.read_evidence(function)
    if operation is CardOp.UPDATE_HOLDER_DATA:
        records = tuple(int(n) for n in payload["records"])
        evidence = dataclasses.replace(evidence, holder_digest=holder_digest(card_ops.read_holder_items(records)))
    return evidence


def execute(card_ops: CardOperations, operation: CardOp, function: Function | None, new_pin: str | None, *,
            old_pin: str | None = None, items: Mapping[int, str] | None = None) -> None:
    if operation is CardOp.BLOCK_CARD:
        card_ops.block_card()
        return
    if operation is CardOp.UPDATE_HOLDER_DATA:
        assert items is not None
        card_ops.update_holder_data(items)
        return
    assert function is not None
    if operation is CardOp.CHANGE_PIN:
        assert old_pin is not None and new_pin is not None
        card_ops.change_pin(function, old_pin, new_pin)
        return
    if operation is CardOp.ACTIVATE:
        card_ops.activate(function)
    elif operation is CardOp.BLOCK_APPLICATION:
        card_ops.block_application(function)
    elif operation is CardOp.UNBLOCK_APPLICATION:
        card_ops.unblock_application(function)
    elif operation is CardOp.UNBLOCK_PIN:
        card_ops.unblock_pin(function)
    elif operation is CardOp.RESET_PIN:
        assert new_pin is not None
        card_ops.reset_pin(function, new_pin)


def _short(exc: BaseException | str) -> str:
    return (exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}")[:300]


def mark(window: Window, journal_id: int, state: JournalState, error: BaseException | str | None) -> bool:
    """Best effort: set a journal entry's state (False when the registry could not be written)."""
    try:
        with window.registry.transaction() as s:
            entry = s.get(JournalEntry, journal_id)
            assert entry is not None
            if entry.state == JournalState.SUPERSEDED and state is not JournalState.FAILED:
                return True  # superseded by a loss report meanwhile: it stays so (SSC-WIN-28)
            entry.state = state.value
            entry.updated_at = window.now()
            if state is JournalState.FAILED:
                entry.inflight_card_id = None
                failure = FAILURES.get(entry.effect)
                if failure is not None:
                    failure(s, window, entry, json.loads(entry.payload))
            if error is not None:
                entry.last_error = _short(error)
    except SscardError:
        return False
    return True


BEFORE = "before"
"""The journal payload's key for the card's evidence read before the command (None until read)."""


def record_evidence(window: Window, journal_id: int, before: CardEvidence) -> None:
    """Store what the card showed just before the command in the journal entry (the command is sent only once
    this is durable, so an entry without it had no command sent)."""
    with window.registry.transaction() as s:
        entry = s.get(JournalEntry, journal_id)
        assert entry is not None
        payload = json.loads(entry.payload)
        payload[BEFORE] = before.to_json()
        entry.payload = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        entry.updated_at = window.now()

EFFECT_ATTEMPTS = 5


def apply_effect(window: Window, journal_id: int, *, recovered: Mapping[str, Any] | None = None) -> Receipt:
    """Step 4: the registry change of a journal entry whose card command is done (``recovered``: how
    :func:`sscard.window.resolve_pending` established it, for the audit entry's ``recovered_from``).

    The card has changed already, so a conflict with another window's transaction here (a row version moved
    on, a deadlock) is not the caller's to resolve: the change is re-applied on fresh rows a few times before
    the entry is left for :func:`sscard.window.resolve_pending`."""
    for attempt in range(EFFECT_ATTEMPTS):
        try:
            return _apply_effect_once(window, journal_id, recovered=recovered)
        except ConflictError:
            if attempt == EFFECT_ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0.005, 0.02) * 2 ** attempt)
    raise AssertionError("unreachable")


def _apply_effect_once(window: Window, journal_id: int, *, recovered: Mapping[str, Any] | None) -> Receipt:
    with window.registry.transaction() as s:
        entry = s.get(JournalEntry, journal_id)
        if entry is None:
            raise NotFound(f"no journal entry #{journal_id}")
        if entry.state == JournalState.SUPERSEDED:
            # a loss report came while the command ran: its effect would undo the report's state, so it
            # waits, superseded, for the card to be found (the card's evidence then shows it done)
            entry.last_error = _short(f"{entry.last_error or 'superseded'}; the card answered the command after "
                                      "the loss report")
            raise SupersededMeanwhile(entry.operation, journal_id)
        return _apply_in(s, window, entry, recovered)


def _apply_in(s: Session, window: Window, entry: JournalEntry, recovered: Mapping[str, Any] | None) -> Receipt:
    payload = json.loads(entry.payload)
    payload.pop(BEFORE, None)
    if recovered is not None:
        payload["recovered_from"] = {"operator": entry.operator, "window_id": entry.window_id, **recovered}
    receipt = EFFECTS[entry.effect](s, window, entry, payload)
    entry.state = JournalState.DONE.value
    entry.inflight_card_id = None
    entry.updated_at = window.now()
    return receipt


def supersede_open_operations(s: Session, window: Window, card: Card, because: str) -> list[str]:
    """Art. 14 (SSC-WIN-28): a loss report is always possible, so the card operation in flight on the card
    gives way. One the card answered (``card_done``) is recorded first (its effect comes before the report);
    one whose outcome is unknown (``pending``, ``needs_holder``) becomes ``superseded``: it no longer locks the
    card, and is resolved with the card once no loss report is left. Returns notes for the receipt."""
    notes = []
    for entry in s.scalars(select(JournalEntry).where(JournalEntry.inflight_card_id == card.id)):
        if entry.state == JournalState.CARD_DONE:
            _apply_in(s, window, entry, {"evidence": f"the card answered the command (card_done); recorded before "
                                                     f"{because}"})
            notes.append(f"journal #{entry.id} ({entry.operation}): the card had done it; recorded first")
            continue
        entry.state = JournalState.SUPERSEDED.value
        entry.inflight_card_id = None
        entry.updated_at = window.now()
        entry.last_error = f"superseded by {because}; resolve with the card once the loss report is cancelled"
        notes.append(f"journal #{entry.id} ({entry.operation}, outcome unknown) superseded by {because}: resolved "
                     "with the card if it is found and the loss report cancelled (art. 15)")
    s.flush()
    return notes


def record_done(window: Window, journal_id: int, operation: CardOp, *,
                recovered: Mapping[str, Any] | None = None) -> Receipt:
    """The card did the command: apply the registry change; if that fails the entry is kept ``card_done``
    (:class:`RegistryPending`) and :func:`sscard.window.resolve_pending` applies it later."""
    try:
        return apply_effect(window, journal_id, recovered=recovered)
    except SupersededMeanwhile:
        raise
    except Exception as exc:  # any failure here is kept for retry, then re-raised
        mark(window, journal_id, JournalState.CARD_DONE, exc)
        raise RegistryPending(operation.value, journal_id, exc) from exc


def run_card_step(window: Window, card_ops: CardOperations | None,
                  plan: Callable[[Session], CardStep | Receipt], *, new_pin: str | None = None,
                  old_pin: str | None = None) -> Receipt:
    """Run a workflow: ``plan`` validates in one transaction and either finishes (returns a Receipt: no card
    command needed) or asks for a card command; then the steps described in this module.

    Between the journal entry and the command the card's evidence (:meth:`CardOperations.read_evidence`) is
    read, under the entry's lock, and stored in the entry: recovery compares the card with it."""
    with window.registry.transaction() as s:
        decided = plan(s)
        if isinstance(decided, Receipt):
            return decided
        if card_ops is None:
            raise WindowError(f"{decided.operation.value}: this needs the card in a reader (card_ops)")
        require_operator(s, window)  # before the card is touched
        ensure_not_inflight(s, decided.card)
        payload = dict(decided.payload)
        payload.setdefault("today", window.today().isoformat())
        _check_detail(payload, "payload")
        payload[BEFORE] = None  # not read yet: no command has been sent
        now = window.now()
        entry = JournalEntry(card_id=decided.card.id, inflight_card_id=decided.card.id,
                             operation=decided.operation.value,
                             function=decided.function.value if decided.function else None,
                             effect=decided.effect, payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
                             state=JournalState.PENDING.value, operator=window.operator, window_id=window.window_id,
                             created_at=now, updated_at=now, attempts=1)
        s.add(entry)
        s.flush()
        journal_id = entry.id
        operation, function, items = decided.operation, decided.function, decided.items
    try:
        before = read_evidence(card_ops, operation, function, payload)
    except SscardError as exc:  # nothing sent yet: the command certainly did not run
        mark(window, journal_id, JournalState.FAILED, exc)
        raise CardOperationFailed(operation.value, journal_id, exc) from exc
    try:
        record_evidence(window, journal_id, before)
    except SscardError as exc:  # nothing sent: an entry without evidence is resolved as not done
        mark(window, journal_id, JournalState.FAILED, exc)
        raise
    try:
        execute(card_ops, operation, function, new_pin, old_pin=old_pin, items=items)
    except CardConnectionError as exc:
        mark(window, journal_id, JournalState.PENDING, exc)
        raise CardOutcomeUnknown(operation.value, journal_id, exc) from exc
    except SscardError as exc:
        mark(window, journal_id, JournalState.FAILED, exc)
        raise CardOperationFailed(operation.value, journal_id, exc) from exc
    return record_done(window, journal_id, operation)
