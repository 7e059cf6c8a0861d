"""A personalisation line: one worker per reader, claiming holders from the journal, card after card.

Each worker waits for a card in its reader, reads the card identification code and asks the journal:

- a card bound to a holder in progress (cut off by a power cut, ``kill -9``, a card pulled out) is finished
  for that holder where it stopped (SSC-HOST-6); a card done or failed is left alone;
- a blank card (social security application in PERSONALISATION) claims the next pending holder, bound to the
  card in the same transaction (SSC-HOST-7), and is personalised, read back and journalled done;
- anything else (a card personalised elsewhere) is rejected untouched.

Then it waits for the card to be taken out and the next one put in, as on a real line. The line stops when
every holder of the batch is done or failed, when ``stop`` is set (Ctrl-C: the card in hand is finished
first), or when every reader has run out of cards. A transport key the card refuses stops the whole line:
every card of the batch would refuse it.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from sscard import spec_tables as t
from sscard.batch.input import BatchReport
from sscard.batch.journal import Journal, JournalEntry, JournalState
from sscard.connection import Connection, ModelConnection, PcscConnection, reader_status
from sscard.errors import CardConnectionError, SscardError
from sscard.holder import PersonalisationData
from sscard.keys import BankKeys, IssuerKeys
from sscard.personalisation import TransportKeyRefused, card_identification, check_keys_fit, personalise
from sscard.protocol import CardProtocol
from sscard.social import SocialSecuritySession
from sscard.spec_tables import Lifecycle

if TYPE_CHECKING:
    from jcardsim_bridge import CardControl, VirtualReader

__all__ = ["BatchIncomplete", "BatchRejected", "CardSlot", "LineEvent", "LineOutcome", "ModelCardLine", "PcscSlot",
           "VirtualCardStack", "run_line"]


class CardSlot(Protocol):
    """A reader of the line."""

    @property
    def name(self) -> str: ...

    def wait_for_card(self, timeout: float) -> Connection | None:
        """A connection to the card in the reader, or None when none came within ``timeout`` seconds."""
        ...

    def wait_for_removal(self, connection: Connection, stop: threading.Event) -> None:
        """Close ``connection`` and return once its card has left the reader (or ``stop`` is set)."""
        ...

    @property
    def exhausted(self) -> bool:
        """True when no card will ever come again (a finite stack of cards used up)."""
        ...


class BatchIncomplete(SscardError):
    """The line stopped with holders left: ``outcome`` says which and why."""

    def __init__(self, message: str, outcome: LineOutcome) -> None:
        super().__init__(message)
        self.outcome = outcome


@dataclass(frozen=True)
class LineEvent:
    """What a worker did with one card (or why it stopped). ``kind``: done, resumed-done, failed, interrupted,
    rejected, already-done, no-holder, out-of-cards, stopped. Never personal data."""

    reader: str
    kind: str
    record: int | None = None
    card_unique: str | None = None
    detail: str = ""
    seconds: float = 0.0

    def __str__(self) -> str:
        where = f"record {self.record} " if self.record is not None else ""
        card = f"card {self.card_unique} " if self.card_unique else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.reader}: {where}{card}{self.kind}{detail}"


@dataclass
class LineOutcome:
    """The line's result: the journal's counts for the batch, every event, and the journal rows."""

    batch: str
    counts: dict[JournalState, int]
    entries: list[JournalEntry]
    events: list[LineEvent] = field(default_factory=list)
    stopped_by: str = "complete"

    @property
    def complete(self) -> bool:
        return self.counts[JournalState.PENDING] == 0 and self.counts[JournalState.IN_PROGRESS] == 0

    def cards_csv(self) -> str:
        """The holder → card list (``batch,record,state,card_unique,reason``; a card by its card-unique bytes, the
        end of its identification code): no personal data."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["batch", "record", "state", "card_unique", "reason"])
        for entry in self.entries:
            writer.writerow([entry.batch, entry.record, entry.state.value, entry.card_unique or "", entry.reason or ""])
        return out.getvalue()

    def to_json(self) -> dict[str, Any]:
        return {"batch": self.batch, "complete": self.complete, "stopped_by": self.stopped_by,
                "counts": {state.value: n for state, n in self.counts.items()},
                "failed": [{"record": e.record, "card_unique": e.card_unique, "reason": e.reason}
                           for e in self.entries if e.state is JournalState.FAILED],
                "in_progress": [{"record": e.record, "card_unique": e.card_unique, "reader": e.reader}
                                for e in self.entries if e.state is JournalState.IN_PROGRESS]}


class _LineStopped(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Line:
    journal: Journal
    batch: str
    holders: Mapping[str, PersonalisationData]
    keys: IssuerKeys
    bank_keys: BankKeys | None
    stop: threading.Event
    emit: Callable[[LineEvent], None]
    failure: list[str] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    idle: dict[str, str] = field(default_factory=dict)  # reader -> the blank card waiting there for a holder
    # The holders a claim may take: None when this input holds every holder of the batch (the usual case: no
    # list of keys in every claim, whose cost would grow with the batch).
    claim_among: Collection[str] | None = None

    def finished(self) -> bool:
        """No holder left that this line can take or is finishing (of those this input holds)."""
        counts = self.journal.counts(self.batch, self.claim_among)
        return counts[JournalState.PENDING] == 0 and counts[JournalState.IN_PROGRESS] == 0

    def work(self, slot: CardSlot) -> None:
        try:
            # The journal's counts are asked at the start and when the worker has nothing in hand, not per card.
            if self.finished():
                return
            while not self.stop.is_set():
                connection = slot.wait_for_card(0.2)
                if connection is None:
                    if self.finished():
                        return
                    if slot.exhausted:
                        self.emit(LineEvent(slot.name, "out-of-cards"))
                        return
                    continue
                removed = False
                try:
                    if self.card(slot.name, connection):
                        slot.wait_for_removal(connection, self.stop)
                        removed = True
                    elif self.finished():  # a blank card and no holder pending, none in progress: the end
                        return
                    else:  # a blank card and no holder pending: it waits in the reader for one freed
                        self.stop.wait(0.2)
                finally:
                    if not removed:
                        connection.close()  # the card stays in the reader
        except _LineStopped as exc:  # the card stays in the reader, untouched since
            self.failure.append(exc.reason)
            self.stop.set()
        except BaseException as exc:  # noqa: BLE001 - handed to run_line, which re-raises it in the caller
            self.failure.append(f"{slot.name}: {type(exc).__name__}: {exc}")
            self.errors.append(exc)
            self.stop.set()

    def card(self, reader: str, connection: Connection) -> bool:
        """Do what the card in ``reader`` needs; False when it is to stay there (blank, no holder pending)."""
        started = time.perf_counter()
        protocol = CardProtocol.of(connection)
        try:
            unique = card_identification(protocol).card_unique
        except SscardError as exc:
            self.emit(LineEvent(reader, "rejected", detail=f"no card identification code could be read ({exc})"))
            return True
        card = unique.hex().upper()
        try:
            state = SocialSecuritySession(protocol).lifecycle(refresh=True)
        except SscardError as exc:
            self.emit(LineEvent(reader, "rejected", card_unique=card, detail=str(exc)))
            return True
        blank = state is Lifecycle.PERSONALISATION
        taken = self.journal.take(self.batch, reader, unique, self.claim_among, blank=blank)
        entry, resumed = taken.entry, taken.bound
        if taken.spoiled is not None:
            self.emit(LineEvent(reader, "rejected", card_unique=card,
                                detail=f"a spoiled card ({taken.spoiled}): never to be used, destroy it"))
            return True
        if resumed:
            assert entry is not None
            if entry.state is not JournalState.IN_PROGRESS:
                kind = "already-done" if entry.state is JournalState.DONE else "rejected"
                detail = "" if entry.state is JournalState.DONE else f"this card failed: {entry.reason}"
                self.emit(LineEvent(reader, kind, entry.record, card, detail))
                return True
            if entry.holder_key not in self.holders:
                self.emit(LineEvent(reader, "rejected", entry.record, card,
                                    f"the card is in progress for batch {entry.batch!r}, record {entry.record}, "
                                    "which this input does not hold"))
                return True
        elif not blank:
            self.emit(LineEvent(reader, "rejected", card_unique=card,
                                detail=f"not blank (social security application {state.name}) and not in the "
                                       "journal: left untouched"))
            return True
        elif entry is None:
            if self.idle.get(reader) != card:
                self.idle[reader] = card
                self.emit(LineEvent(reader, "no-holder", card_unique=card,
                                    detail="no pending holder left: the card waits in the reader"))
            return False
        data = self.holders[entry.holder_key]
        try:
            report = personalise(protocol, data, self.keys, bank_keys=self.bank_keys, resume=True)
        except TransportKeyRefused as exc:
            if not resumed:  # nothing was written: the holder goes back to the queue
                self.journal.release(entry.id, str(exc))
            raise _LineStopped(str(exc)) from exc
        except CardConnectionError as exc:
            # The card went away mid-way: it stays bound to its holder, to be finished on re-insertion.
            self.emit(LineEvent(reader, "interrupted", entry.record, card, f"{exc}; put the card back to finish it",
                                time.perf_counter() - started))
            return True
        except SscardError as exc:
            self.journal.fail(entry.id, f"{type(exc).__name__}: {exc}")
            self.emit(LineEvent(reader, "failed", entry.record, card, str(exc), time.perf_counter() - started))
            return True
        self.journal.finish(entry.id, report.checked)
        self.emit(LineEvent(reader, "resumed-done" if resumed else "done", entry.record, card,
                            seconds=time.perf_counter() - started))
        return True


def run_line(report: BatchReport, slots: Sequence[CardSlot], journal: Journal, keys: IssuerKeys, *,
             bank_keys: BankKeys | None = None, batch: str | None = None, skip_invalid: bool = False,
             on_event: Callable[[LineEvent], None] | None = None,
             stop: threading.Event | None = None) -> LineOutcome:
    """Personalise the batch ``report`` (from :func:`~sscard.batch.read_batch`) on ``slots``, one worker thread
    per reader, journalled in ``journal`` under the name ``batch`` (default: the report's source).

    Before any card: a batch with problems (its own, or duplicates against the journal) raises
    :class:`BatchRejected` with nothing personalised unless ``skip_invalid`` (then only the valid records go
    on cards), and every holder's data must fit the keys. Running the same batch again resumes it. Returns
    the outcome when every holder is done or failed; raises :class:`BatchIncomplete` (with the outcome) when
    the line stopped with holders left. An error of a worker itself (not of a card) stops the line and is
    raised here."""
    name = batch or report.source
    for record in report.valid:
        assert record.data is not None
        check_keys_fit(record.data, keys, bank_keys)
    checked = journal.enqueue(report, name)
    if checked.problems and not skip_invalid:
        raise BatchRejected(checked)
    holders = {journal.holder_key(r.data): r.data for r in checked.valid if r.data is not None}
    events: list[LineEvent] = []
    lock = threading.Lock()

    def emit(event: LineEvent) -> None:
        with lock:
            events.append(event)
        if on_event is not None:
            on_event(event)

    claim_among = None if journal.batch_holder_keys(name) <= holders.keys() else set(holders)
    line = _Line(journal, name, holders, keys, bank_keys, stop or threading.Event(), emit, claim_among=claim_among)
    threads = [threading.Thread(target=line.work, args=(slot,), name=f"line-{slot.name}", daemon=True)
               for slot in slots]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    except BaseException:
        line.stop.set()  # Ctrl-C: the workers finish the card in hand, then stop
        for thread in threads:
            thread.join()
        raise
    if line.errors:
        raise line.errors[0]
    outcome = LineOutcome(name, journal.counts(name), journal.entries(name), events)
    if outcome.complete:
        return outcome
    if line.failure:
        why = line.failure[0]
    elif line.stop.is_set():
        why = "stopped"
    elif line.claim_among is not None and line.finished():
        why = "the rest of the batch's holders are not in this input"
    else:
        why = "every reader ran out of cards"
    outcome = replace(outcome, stopped_by=why)
    left = outcome.counts[JournalState.PENDING] + outcome.counts[JournalState.IN_PROGRESS]
    raise BatchIncomplete(f"the line stopped with {left} holder(s) of batch {name!r} left: {why}", outcome)


class BatchRejected(SscardError):
    """The batch has problems (``report.problems``: its records' own and duplicates against the journal) and
    nothing was personalised."""

    def __init__(self, report: BatchReport) -> None:
        n = len(report.problems)
        super().__init__(f"{report.source}: {n} problem{'s' if n != 1 else ''} in the batch; nothing was "
                         "personalised (fix them, or skip those records with --skip-invalid)")
        self.report = report


# ---------------------------------------------------------------------------------- readers


class PcscSlot:
    """A PC/SC reader of the line: a card is there when pcscd says so; a card is gone when pcscd says so."""

    def __init__(self, reader: str, *, poll: float = 0.02) -> None:
        self._name = reader
        self._poll = poll

    @property
    def name(self) -> str:
        return self._name

    @property
    def exhausted(self) -> bool:
        return False

    def wait_for_card(self, timeout: float) -> Connection | None:
        deadline = time.monotonic() + timeout
        while True:
            if reader_status(self._name)[0]:
                try:
                    return PcscConnection(self._name)
                except CardConnectionError:
                    pass  # taken out again while connecting
            if time.monotonic() >= deadline:
                return None
            time.sleep(self._poll)

    def wait_for_removal(self, connection: Connection, stop: threading.Event) -> None:
        connection.close()
        while not stop.is_set():
            try:
                if not reader_status(self._name)[0]:
                    return
            except CardConnectionError:
                return  # the reader itself went away
            time.sleep(self._poll)


class ModelCardLine:
    """A reader fed from a stack of ``count`` blank reference-model cards, each with its own card-unique
    bytes (``first_unique`` counting up), installed with ``transport_keys`` (default: the spec's TEST ones):
    the personalisation line without hardware. A card stays in the reader until the worker is done with it,
    so a line stopped half-way finds the same card when run again; ``pull()`` takes the card in the reader
    out unfinished and puts it at the bottom of the stack."""

    def __init__(self, name: str, count: int, *, first_unique: int = 1,
                 transport_keys: Mapping[str, bytes] | None = None, temporary: bool = False) -> None:
        from apdu_spec.model import AppProfile, CardModel, CardProfile

        keys = transport_keys if transport_keys is not None else t.EXAMPLE_TRANSPORT_KEYS
        self._name = name

        def blank(n: int) -> Connection:
            ssse = AppProfile(perso_key=keys["SSSE"], keys={}, pin="")
            pboc = None if temporary else AppProfile(perso_key=keys["PBOC"], keys={}, pin="")
            profile = CardProfile(card_unique=n.to_bytes(8, "big"), ssse=ssse, pboc=pboc)
            return ModelConnection(CardModel(profile))

        self._stack: list[Connection] = [blank(first_unique + i) for i in range(count)]
        self.taken_out: list[Connection] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def exhausted(self) -> bool:
        return not self._stack

    def wait_for_card(self, timeout: float) -> Connection | None:
        return self._stack[0] if self._stack else None

    def wait_for_removal(self, connection: Connection, stop: threading.Event) -> None:
        if self._stack and self._stack[0] is connection:
            self.taken_out.append(self._stack.pop(0))

    def pull(self) -> Connection:
        """Take the card in the reader out (unfinished) and put it at the bottom of the stack."""
        card = self._stack.pop(0)
        self._stack.append(card)
        return card

    def insert(self, card: Connection) -> None:
        """Put ``card`` into the reader, before the rest of the stack."""
        self._stack.insert(0, card)

    def __iter__(self) -> Iterator[Connection]:
        return iter([*self.taken_out, *self._stack])


class VirtualCardStack(PcscSlot):
    """The virtual PC/SC reader ``reader`` as a stack of ``count`` blank cards: the applets in jCardSim behind
    pcscd, every APDU through PC/SC as on a real line. Taking a finished card out and putting the next one in
    is the card's control gateway (``VirtualReader(control=True).control``) swapping in a brand-new card with
    the next card-unique bytes (from ``first_unique``), installed with ``transport_keys`` (default: the spec's
    TEST ones). ``card_in_reader``: the card already in the reader is the first of the stack (a line resumed
    after an interruption finds its half-done card there); else a blank one is swapped in first."""

    def __init__(self, reader: str, control: CardControl, count: int, *, first_unique: int = 1,
                 transport_keys: Mapping[str, bytes] | None = None, temporary: bool = False,
                 card_in_reader: bool = False) -> None:
        super().__init__(reader)
        self._control = control
        self._keys = transport_keys
        self._temporary = temporary
        self._next = first_unique
        self._left = count
        self._present = True
        if card_in_reader:
            self._left -= 1
        else:
            self._swap_in()

    @staticmethod
    def of(reader: VirtualReader, count: int, **options: Any) -> VirtualCardStack:
        """The stack on a :class:`~jcardsim_bridge.VirtualReader` started with ``control=True``."""
        if reader.control is None:
            raise ValueError("the virtual card stack needs the card's control gateway: VirtualReader(control=True)")
        return VirtualCardStack(reader.reader, reader.control, count, **options)

    def _swap_in(self) -> None:
        from sscard.connection import default_applets

        self._control.fresh_card(default_applets(card_unique=self._next.to_bytes(8, "big"),
                                                 transport_keys=self._keys, temporary=self._temporary))
        self._next += 1
        self._left -= 1

    @property
    def exhausted(self) -> bool:
        return not self._present

    def wait_for_card(self, timeout: float) -> Connection | None:
        return super().wait_for_card(timeout) if self._present else None

    def wait_for_removal(self, connection: Connection, stop: threading.Event) -> None:
        connection.close()
        if self._left > 0:
            self._swap_in()
        else:
            self._present = False
