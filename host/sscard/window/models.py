"""The registry's tables (SQLAlchemy ORM). The schema itself is created and changed only by the Alembic
migrations in ``sscard/window/migrations`` (a test checks that these models and the migrated database agree).

Invariants the database itself enforces, so that they hold under any race between windows:

- one live regular card per person (art. 9): ``cards.live_person_id`` is unique, set only while the card is
  the holder's valid card; one open application per person: ``applications.open_person_id`` is unique;
  one live temporary card per person: ``cards.live_temp_person_id`` is unique;
- one active blacklist entry per card and function: ``blacklist.active_key`` is unique, cleared when lifted;
- one card operation in flight per card: ``card_journal.inflight_card_id`` is unique, cleared when the
  operation completes or fails;
- rows that windows change carry a ``version`` (optimistic locking: an UPDATE that finds another version
  fails with a conflict);
- the audit log is append-only: database triggers refuse UPDATE and DELETE on ``audit_log``.
"""

from __future__ import annotations

import datetime as _dt
import enum
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Application",
    "AuditEntry",
    "Base",
    "BlacklistEntry",
    "Card",
    "CardStatus",
    "FeeCharge",
    "FunctionStatus",
    "HolderChange",
    "JournalEntry",
    "JournalState",
    "Operator",
    "Person",
]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[_dt.datetime]):
    """An instant, stored as naive UTC (SQLite has no time zones) and returned timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: _dt.datetime | None, dialect: Dialect) -> _dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the registry: use an aware one (the window clock's)")
        return value.astimezone(_dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> _dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, _dt.datetime)
        return value.replace(tzinfo=_dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class CardStatus(enum.StrEnum):
    """Where a card is in its life in the registry."""

    AWAITING_PICKUP = "awaiting_pickup"  # produced, at the service point (art. 11, 12)
    ACTIVE = "active"                    # collected: the holder's card
    REPLACED = "replaced"                # a replacement was applied for (art. 16): never valid again
    EXCHANGED = "exchanged"              # the exchange card was collected (art. 17)
    CANCELLED = "cancelled"              # cancellation (art. 18) or a temporary card returned (art. 19)
    ABANDONED = "abandoned"              # not collected for 12 months (art. 12)
    EXPIRED = "expired"                  # a temporary card past its 90 days (art. 19)


LIVE_STATUSES = frozenset({CardStatus.ACTIVE})
ENDED_STATUSES = frozenset({CardStatus.REPLACED, CardStatus.EXCHANGED, CardStatus.CANCELLED,
                            CardStatus.ABANDONED, CardStatus.EXPIRED})


class FunctionStatus(enum.StrEnum):
    """State of one function (social or financial) of a card in the registry."""

    NONE = "none"                        # the card has no such function (temporary card: no financial)
    ISSUED = "issued"                    # not activated yet (art. 13)
    ACTIVE = "active"
    TEMPORARY_LOSS = "temporary_loss"    # 临时挂失 (art. 14)
    FORMAL_LOSS = "formal_loss"          # 正式挂失 (art. 14)
    SETTLED = "settled"                  # account settled for cancellation (art. 18)
    CLOSED = "closed"                    # card ended


LOSS_STATUSES = frozenset({FunctionStatus.TEMPORARY_LOSS, FunctionStatus.FORMAL_LOSS})


class JournalState(enum.StrEnum):
    PENDING = "pending"        # written before the card command; outcome not yet known to the registry
    CARD_DONE = "card_done"    # the card command succeeded; the registry write is still to do
    DONE = "done"              # card and registry both changed
    FAILED = "failed"          # the card refused (or did not change): the registry recorded no success
    NEEDS_HOLDER = "needs_holder"  # outcome unknown and the card cannot show it: resolved with the holder only
    SUPERSEDED = "superseded"  # open when the card was reported lost: no longer locks the card; resolved with
    #                            the card once no loss report is left (SSC-WIN-28)


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # revision 0003 (art. 9, SSC-WIN-30): the identity document; ``ssn`` holds its number (passport: the
    # issuing country then the number); the birth date is kept because not every number carries one.
    id_kind: Mapped[str] = mapped_column(String(32), default="resident", server_default="resident")
    nationality: Mapped[str | None] = mapped_column(String(3))
    birth_date: Mapped[_dt.date | None] = mapped_column(Date)
    ssn: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    insured: Mapped[bool] = mapped_column(Boolean, default=True)
    photo_on_file: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[_dt.datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # revision 0003 (art. 10, SSC-WIN-31): why an agent applied (elderly | disabled | living_elsewhere)
    agent_ground: Mapped[str | None] = mapped_column(String(20))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))              # first | replacement | exchange
    exchange_reason: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))              # accepted | produced | collected | abandoned
    open_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), unique=True)
    replaces_card_id: Mapped[int | None] = mapped_column(Integer)  # cards.id (no FK: the tables refer to each other)
    bank: Mapped[str] = mapped_column(String(40))
    applicant_role: Mapped[str] = mapped_column(String(12))
    relationship: Mapped[str | None] = mapped_column(String(24))
    agent_ref: Mapped[str | None] = mapped_column(String(24))
    photo_source: Mapped[str] = mapped_column(String(16))
    accepted_on: Mapped[_dt.date] = mapped_column(Date)
    deadline: Mapped[_dt.date] = mapped_column(Date)
    produced_on: Mapped[_dt.date | None] = mapped_column(Date)
    closed_on: Mapped[_dt.date | None] = mapped_column(Date)
    fee: Mapped[int] = mapped_column(Integer)
    window_id: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012


class Card(Base):
    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # revision 0003 (art. 12, 20; SSC-WIN-32, -33): who collected the card; PIN changes done at a window
    collector_role: Mapped[str | None] = mapped_column(String(12))
    social_pin_changed_on: Mapped[_dt.date | None] = mapped_column(Date)
    financial_pin_changed_on: Mapped[_dt.date | None] = mapped_column(Date)
    card_number: Mapped[str] = mapped_column(String(9), unique=True)
    card_id: Mapped[str] = mapped_column(String(32), unique=True)  # identification code, hex
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    kind: Mapped[str] = mapped_column(String(12))               # regular | temporary
    bank: Mapped[str | None] = mapped_column(String(40))
    issue_date: Mapped[_dt.date] = mapped_column(Date)
    expiry_date: Mapped[_dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    social: Mapped[str] = mapped_column(String(16))
    financial: Mapped[str] = mapped_column(String(16))
    live_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), unique=True)
    live_temp_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), unique=True)
    ready_on: Mapped[_dt.date | None] = mapped_column(Date)
    collected_on: Mapped[_dt.date | None] = mapped_column(Date)
    ended_on: Mapped[_dt.date | None] = mapped_column(Date)
    cancellation_reason: Mapped[str | None] = mapped_column(String(24))
    medical_settled_on: Mapped[_dt.date | None] = mapped_column(Date)  # art. 18: kept when a loss report follows
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012


class BlacklistEntry(Base):
    __tablename__ = "blacklist"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    function: Mapped[str] = mapped_column(String(12))           # social | financial | card
    reason: Mapped[str] = mapped_column(String(24))
    action: Mapped[str] = mapped_column(String(24))             # block_application | block_card
    listed_at: Mapped[_dt.datetime] = mapped_column(UtcDateTime)
    lifted_at: Mapped[_dt.datetime | None] = mapped_column(UtcDateTime)
    active_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    prior_status: Mapped[str | None] = mapped_column(String(16))  # the function's state before the loss report


class FeeCharge(Base):
    __tablename__ = "fees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    fee_case: Mapped[str] = mapped_column(String(32))
    amount: Mapped[int] = mapped_column(Integer)                # fen
    article: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(120))
    charged_at: Mapped[_dt.datetime] = mapped_column(UtcDateTime)
    window_id: Mapped[str] = mapped_column(String(40))


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[_dt.datetime] = mapped_column(UtcDateTime)
    operator: Mapped[str] = mapped_column(String(40))
    window_id: Mapped[str] = mapped_column(String(40))
    side: Mapped[str] = mapped_column(String(20))               # social | bank | platform | terminal
    action: Mapped[str] = mapped_column(String(40), index=True)
    article: Mapped[int | None] = mapped_column(Integer)
    clause: Mapped[str | None] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    card_id: Mapped[int | None] = mapped_column(Integer, index=True)
    application_id: Mapped[int | None] = mapped_column(Integer)
    journal_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(200))
    actor_role: Mapped[str | None] = mapped_column(String(12))  # holder | agent | guardian | household
    relationship: Mapped[str | None] = mapped_column(String(24))
    agent_ref: Mapped[str | None] = mapped_column(String(24))   # masked ID number of the agent/guardian
    detail: Mapped[str | None] = mapped_column(Text)            # JSON; never a PIN (checked on write)


class JournalEntry(Base):
    __tablename__ = "card_journal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    inflight_card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"), unique=True)
    operation: Mapped[str] = mapped_column(String(24))
    function: Mapped[str | None] = mapped_column(String(12))
    effect: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)                  # JSON; never a PIN
    state: Mapped[str] = mapped_column(String(12), index=True)
    operator: Mapped[str] = mapped_column(String(40))
    window_id: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[_dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[_dt.datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300))


class Operator(Base):
    """A window operator (art. 24): who may act, where, and the scrypt hash of their secret (never the secret).
    ``session_hash``: the SHA-256 of the current sign-in's token (one session per operator)."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operator: Mapped[str] = mapped_column(String(40), unique=True)
    side: Mapped[str] = mapped_column(String(20))
    bank: Mapped[str | None] = mapped_column(String(40))
    secret: Mapped[str] = mapped_column(String(200))             # scrypt$n$r$p$salt$hash (hex)
    active: Mapped[bool] = mapped_column(Boolean)
    session_hash: Mapped[str | None] = mapped_column(String(64))
    signed_in_at: Mapped[_dt.datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[_dt.datetime] = mapped_column(UtcDateTime)

# ------------------------------------------------------------------------------------------ revision 0003


class HolderChange(Base):
    """A change of the holder's personal data (art. 6, SSC-WIN-34): the registry's record of what changes,
    kept here (like ``persons``) and referenced by key from the journal and the audit log, which hold no
    personal data. ``status``: pending (the card command is journalled), applied, failed."""

    __tablename__ = "holder_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    status: Mapped[str] = mapped_column(String(12))
    changes: Mapped[str] = mapped_column(Text)                  # JSON: EF06 record number -> new value
    previous: Mapped[str] = mapped_column(Text)                 # JSON: the registry's values before
    proof: Mapped[str] = mapped_column(String(120))             # the document seen (reference)
    requested_at: Mapped[_dt.datetime] = mapped_column(UtcDateTime)
    applied_at: Mapped[_dt.datetime | None] = mapped_column(UtcDateTime)
    window_id: Mapped[str] = mapped_column(String(40))
