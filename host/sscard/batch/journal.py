"""The personalisation journal (SSC-HOST-7): which holder went on which card, surviving a power cut.

One row per holder: pending → in progress (on a reader, bound to the card identification code in the same
transaction that claims it, before the first write to the card) → done (with what the read-back checked) or
failed (with the reason). A SQLite file by default, PostgreSQL by URL — several processes and machines share
one journal there and claim holders with ``FOR UPDATE SKIP LOCKED``, so no holder is taken twice.

The journal holds no personal data: the holder's social security number, card number and PAN are kept only
as HMAC-SHA256 digests under a key drawn once per journal (so one journal's digests say nothing about
another's), enough to tell the same holder again and a duplicate.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from hashlib import sha256

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text, func, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sscard.batch.input import BatchProblem, BatchReport, unique_values
from sscard.database import Database
from sscard.errors import SscardError
from sscard.holder import PersonalisationData

__all__ = ["DEFAULT_JOURNAL_URL", "Journal", "JournalEntry", "JournalError", "JournalState", "Taken"]

DEFAULT_JOURNAL_URL = "sqlite:///sscard-perso-journal.db"


class JournalError(SscardError):
    """The journal cannot be opened or written, or refuses what was asked (one line saying why)."""


class JournalState(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    FAILED = "failed"


class Base(DeclarativeBase):
    pass


class _Meta(Base):
    __tablename__ = "perso_journal_meta"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class _Holder(Base):
    __tablename__ = "perso_holders"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'in_progress', 'done', 'failed')", name="perso_holder_state"),
        Index("perso_holders_claim", "batch", "state", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch: Mapped[str] = mapped_column(String(200))
    record: Mapped[int] = mapped_column(Integer)
    holder_key: Mapped[str] = mapped_column(String(64), unique=True)
    card_number_key: Mapped[str] = mapped_column(String(64), unique=True)
    pan_key: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    state: Mapped[str] = mapped_column(String(16))
    reader: Mapped[str | None] = mapped_column(String(200), nullable=True)
    station: Mapped[str | None] = mapped_column(String(200), nullable=True)
    card_unique: Mapped[str | None] = mapped_column(String(16), unique=True, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    checked: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class _Spoiled(Base):
    __tablename__ = "perso_spoiled_cards"
    card_unique: Mapped[str] = mapped_column(String(16), primary_key=True)
    batch: Mapped[str] = mapped_column(String(200))
    record: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    spoiled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class JournalEntry:
    """One holder's row as it stood when read."""

    id: int
    batch: str
    record: int
    holder_key: str
    state: JournalState
    reader: str | None
    station: str | None
    card_unique: str | None
    """The card's 8 card-unique bytes (hex): EF05 record 1 after the area code, installed by the vendor."""
    started_at: datetime | None
    finished_at: datetime | None
    checked: tuple[str, ...]
    reason: str | None
    attempts: int

    @staticmethod
    def of(row: _Holder) -> JournalEntry:
        return JournalEntry(row.id, row.batch, row.record, row.holder_key, JournalState(row.state), row.reader,
                            row.station, row.card_unique, row.started_at, row.finished_at,
                            tuple(json.loads(row.checked)) if row.checked else (), row.reason, row.attempts)


@dataclass(frozen=True)
class Taken:
    """What :meth:`Journal.take` found for a card: the holder ``entry`` (None: none), whether the card was
    ``bound`` to it before (True) or has just been claimed for it (False), or ``spoiled`` (the reason) for a
    card given up, which is never to be used."""

    entry: JournalEntry | None
    bound: bool = False
    spoiled: str | None = None


def _station() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _now() -> datetime:
    return datetime.now(UTC)


class Journal(Database):
    """A personalisation journal at ``url`` (migrated to the newest schema on opening)."""

    def __init__(self, url: str | URL = DEFAULT_JOURNAL_URL, *, migrate: bool = True,
                 busy_timeout: float = 30.0) -> None:
        super().__init__(url, migrations="sscard.batch.migrations", version_table="sscard_journal_version",
                         what="journal", error=JournalError, migrate=migrate, busy_timeout=busy_timeout)
        self._key = self._digest_key()

    def __repr__(self) -> str:
        return f"Journal({self.display_url!r})"

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()

    def _digest_key(self) -> bytes:
        """The journal's digest key, drawn by whichever process opens the new journal first."""
        for _ in range(2):
            try:
                with self.transaction() as session:
                    meta = session.get(_Meta, "digest_key")
                    if meta is not None:
                        return bytes.fromhex(meta.value)
                    value = secrets.token_bytes(32)
                    session.add(_Meta(name="digest_key", value=value.hex()))
                    return value
            except JournalError as exc:  # another process drew it at the same moment: read theirs
                if not isinstance(exc.__cause__, IntegrityError):
                    raise
        raise JournalError(f"journal {self.display_url}: no digest key could be read or drawn")

    # ------------------------------------------------------------------ digests
    def digest(self, value: str) -> str:
        return hmac.new(self._key, value.encode("utf-8"), sha256).hexdigest()

    def holder_key(self, data: PersonalisationData) -> str:
        return self.digest(data.holder.social_security_number)

    # ------------------------------------------------------------------ the batch in
    def enqueue(self, report: BatchReport, batch: str) -> BatchReport:
        """Add the valid records of ``report`` not in the journal yet, as pending holders of ``batch``.

        A record whose holder is already in the journal with the same card number (and PAN) is the same holder
        again (a resumed run) and keeps its row, whatever its state; the same social security number with
        another card number, or a card number or PAN already another holder's, is a duplicate: it comes back
        as a problem of the record (SSC-HOST-5) in the returned report, and nothing of it is added."""
        for _ in range(3):
            try:
                return self._enqueue(report, batch)
            except JournalError as exc:  # another station enqueued the same holders at the same moment: again
                if not isinstance(exc.__cause__, IntegrityError):
                    raise
        return self._enqueue(report, batch)

    def _enqueue(self, report: BatchReport, batch: str) -> BatchReport:
        problems: list[BatchProblem] = []
        with self.transaction() as session:
            for record in report.valid:
                assert record.data is not None
                numbers = unique_values(record.data)
                keys = {field: self.digest(value) for field, value in numbers.items()}
                row = _Holder(batch=batch, record=record.record, holder_key=keys["holder.social_security_number"],
                              card_number_key=keys["card.card_number"], pan_key=keys.get("finance.pan"),
                              state=JournalState.PENDING.value, attempts=0)
                clash = self._clash(session, row)
                if clash is None:
                    session.add(row)
                    session.flush()
                elif clash:
                    problems.append(BatchProblem(record.record, record.line, clash[0], clash[1]))
        return report.with_problems(problems)

    @staticmethod
    def _clash(session: Session, row: _Holder) -> tuple[str, str] | tuple[()] | None:
        """None: new holder; (): the same holder already journalled; (field, problem): a duplicate."""
        same = session.scalars(select(_Holder).where(_Holder.holder_key == row.holder_key)).first()
        if same is not None:
            if same.card_number_key == row.card_number_key and same.pan_key == row.pan_key:
                return ()
            return ("holder.social_security_number",
                    f"the same social security number is in the journal (batch {same.batch!r} record {same.record}) "
                    "with another card number or PAN (one person, one card: art. 9)")
        for field, column, value in (("card.card_number", _Holder.card_number_key, row.card_number_key),
                                     ("finance.pan", _Holder.pan_key, row.pan_key)):
            if value is None:
                continue
            other = session.scalars(select(_Holder).where(column == value)).first()
            if other is not None:
                what = "card number" if field == "card.card_number" else "PAN"
                return (field, f"the same {what} belongs to another holder in the journal (batch {other.batch!r} "
                               f"record {other.record})")
        return None

    # ------------------------------------------------------------------ claims
    def take(self, batch: str, reader: str, card_unique: bytes, holder_keys: Iterable[str] | None = None, *,
             blank: bool) -> Taken:
        """What the card ``card_unique`` in ``reader`` is for, in one transaction: the holder bound to it already
        (one in progress is taken up again on this reader), or a spoiled card's reason; else, for a ``blank``
        card, the first pending holder of ``batch`` (among ``holder_keys`` when given), now in progress and
        bound to the card — before anything is written to it —, or nothing when no holder is pending (or the
        card is not blank). Claims are exclusive across processes: on PostgreSQL the row is locked with SKIP
        LOCKED, on SQLite the transaction holds the writer lock."""
        with self.transaction() as session:
            row = self._bound(session, card_unique)
            if row is not None:
                if row.state == JournalState.IN_PROGRESS.value:
                    row.reader = reader
                    row.station = _station()
                    row.attempts += 1
                return Taken(JournalEntry.of(row), bound=True)
            spoiled = session.get(_Spoiled, card_unique.hex().upper())
            if spoiled is not None:
                return Taken(None, spoiled=spoiled.reason)
            if not blank:
                return Taken(None)
            query = (select(_Holder).where(_Holder.batch == batch, _Holder.state == JournalState.PENDING.value)
                     .order_by(_Holder.id).limit(1).with_for_update(skip_locked=True))
            if holder_keys is not None:
                query = query.where(_Holder.holder_key.in_(list(holder_keys)))
            row = session.scalars(query).first()
            if row is None:
                return Taken(None)
            row.state = JournalState.IN_PROGRESS.value
            row.reader = reader
            row.station = _station()
            row.card_unique = card_unique.hex().upper()
            row.started_at = _now()
            row.attempts += 1
            session.flush()
            return Taken(JournalEntry.of(row))

    def spoil(self, card_unique: bytes, reason: str) -> JournalEntry:
        """Give up the card ``card_unique``, in progress and not coming back (lost, broken): it is recorded as
        spoiled — a line that meets it again rejects it untouched — and its holder goes back to pending, for
        another card. Only a card in progress can be spoiled: a done card is its holder's (a loss is the
        window's business), a failed one is rejected anyway. ``reason`` is kept; never put personal data in it.
        The card itself, which may hold part of the holder's data, must be destroyed."""
        if not reason.strip():
            raise JournalError("say why the card is given up (--reason)")
        with self.transaction() as session:
            row = self._bound(session, card_unique)
            card = card_unique.hex().upper()
            if row is None:
                raise JournalError(f"card {card} is not in the journal")
            if row.state != JournalState.IN_PROGRESS.value:
                raise JournalError(f"card {card} is {row.state} (batch {row.batch!r} record {row.record}), not in "
                                   "progress: only a card cut off in its personalisation can be given up")
            session.add(_Spoiled(card_unique=card, batch=row.batch, record=row.record, reason=reason,
                                 spoiled_at=_now()))
            row.state = JournalState.PENDING.value
            row.card_unique = None
            row.reader = None
            row.reason = f"card {card} spoiled: {reason}"
            session.flush()
            return JournalEntry.of(row)

    @staticmethod
    def _bound(session: Session, card_unique: bytes) -> _Holder | None:
        return session.scalars(select(_Holder).where(_Holder.card_unique == card_unique.hex().upper())
                               .with_for_update()).first()

    def finish(self, entry_id: int, checked: Sequence[str]) -> JournalEntry:
        with self.transaction() as session:
            row = self._row(session, entry_id, JournalState.IN_PROGRESS)
            row.state = JournalState.DONE.value
            row.finished_at = _now()
            row.checked = json.dumps(list(checked), ensure_ascii=False)
            row.reason = None
            return JournalEntry.of(row)

    def batch_holder_keys(self, batch: str) -> set[str]:
        """The holder keys of every row of ``batch``."""
        with self.transaction() as session:
            return set(session.scalars(select(_Holder.holder_key).where(_Holder.batch == batch)))

    def fail(self, entry_id: int, reason: str) -> JournalEntry:
        """The card was written and is not right (e.g. the read-back differs): the holder is failed with the
        card, which must not be used; the reason never holds personal data."""
        with self.transaction() as session:
            row = self._row(session, entry_id, JournalState.IN_PROGRESS)
            row.state = JournalState.FAILED.value
            row.finished_at = _now()
            row.reason = reason
            return JournalEntry.of(row)

    def release(self, entry_id: int, reason: str) -> JournalEntry:
        """Nothing was written to the card (e.g. its transport key refused): the holder is pending again and
        the card unbound."""
        with self.transaction() as session:
            row = self._row(session, entry_id, JournalState.IN_PROGRESS)
            row.state = JournalState.PENDING.value
            row.card_unique = None
            row.reader = None
            row.reason = reason
            return JournalEntry.of(row)

    @staticmethod
    def _row(session: Session, entry_id: int, state: JournalState) -> _Holder:
        row = session.get(_Holder, entry_id, with_for_update=True)
        if row is None:
            raise JournalError(f"journal entry {entry_id} does not exist")
        if row.state != state.value:
            raise JournalError(f"journal entry {entry_id} (batch {row.batch!r} record {row.record}) is {row.state}, "
                               f"not {state.value}")
        return row

    # ------------------------------------------------------------------ reading
    def entries(self, batch: str | None = None) -> list[JournalEntry]:
        with self.transaction() as session:
            query = select(_Holder).order_by(_Holder.id)
            if batch is not None:
                query = query.where(_Holder.batch == batch)
            return [JournalEntry.of(row) for row in session.scalars(query)]

    def counts(self, batch: str | None = None, holder_keys: Iterable[str] | None = None) -> dict[JournalState, int]:
        """How many holders are in each state (of ``batch``, and among ``holder_keys``, when given)."""
        with self.transaction() as session:
            query = select(_Holder.state, func.count()).group_by(_Holder.state)
            if batch is not None:
                query = query.where(_Holder.batch == batch)
            if holder_keys is not None:
                query = query.where(_Holder.holder_key.in_(list(holder_keys)))
            found = {JournalState(state): int(n) for state, n in session.execute(query)}
        return {state: found.get(state, 0) for state in JournalState}

