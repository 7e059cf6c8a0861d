"""The back-office registry behind the windows: a database selected by URL, migrated by Alembic.

- ``sqlite://`` (memory, for tests) or ``sqlite:///path/registry.db`` (a file): the embedded default. Each
  transaction begins with ``BEGIN IMMEDIATE``, so writers queue on the database lock (with a busy
  timeout) instead of failing half-way; file databases run in WAL mode.
- ``postgresql+psycopg://user@host/db``: one registry shared by a city's windows and banks. Transactions
  run at READ COMMITTED; rows carry a version (optimistic locking) and the invariants are unique
  constraints, so a race ends with one winner and a :class:`~sscard.window.errors.ConflictError` for the
  other.

:meth:`Registry.transaction` maps database errors to the window layer's: a unique-constraint or version
conflict is a ``ConflictError`` naming the record and the rule; anything else is a ``RegistryError``.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from sscard.database import Database
from sscard.window.errors import ConflictError, RegistryError

__all__ = ["DEFAULT_URL", "Registry"]

DEFAULT_URL = "sqlite:///sscard-window.db"

# What each unique constraint protects, for the conflict message.
_CONSTRAINTS: dict[str, tuple[str, str]] = {
    "live_person_id": ("person", "the person already has a live card (one person one card, art. 9)"),
    "open_person_id": ("person", "the person already has an open application (one person one card, art. 9)"),
    "live_temp_person_id": ("person", "the person already has a live temporary card (art. 19)"),
    "inflight_card_id": ("card", "another window's card operation on this card is in flight"),
    "active_key": ("card", "the card already has this blacklist entry"),
    "card_number": ("card", "the card number is already registered"),
    "card_id": ("card", "the card identification code is already registered"),
    "ssn": ("person", "the person is already registered"),
}
# PostgreSQL SQLSTATEs that mean "another transaction got there first".
_PG_CONFLICT_STATES = {"40001": "serialization failure", "40P01": "deadlock", "55P03": "lock not available"}


def _constraint_column(exc: IntegrityError) -> str | None:
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    name = getattr(diag, "constraint_name", None) if diag is not None else None
    text = str(orig)
    if name:
        for column in _CONSTRAINTS:
            if name.endswith("_" + column):
                return column
    match = re.search(r"UNIQUE constraint failed: \w+\.(\w+)", text)
    if match:
        return match.group(1)
    return None


def conflict_from(exc: SQLAlchemyError) -> ConflictError | None:
    """The :class:`ConflictError` a database error means, or None when it is not a conflict."""
    if isinstance(exc, StaleDataError):
        return ConflictError("record", f"changed by another window meanwhile ({exc})")
    if isinstance(exc, IntegrityError):
        column = _constraint_column(exc)
        if column in _CONSTRAINTS:
            what, rule = _CONSTRAINTS[column]
            return ConflictError(what, rule)
        return None
    if isinstance(exc, DBAPIError):
        state = getattr(exc.orig, "sqlstate", None)
        if state in _PG_CONFLICT_STATES:
            return ConflictError("record", f"{_PG_CONFLICT_STATES[state]} with another window's transaction")
        if "database is locked" in str(exc.orig):
            return ConflictError("registry", "the database stayed locked by another window past the busy timeout")
    return None


class Registry(Database):
    """A registry database. ``migrate`` brings the schema to the newest migration on opening."""

    def __init__(self, url: str | URL = "sqlite://", *, migrate: bool = True, busy_timeout: float = 30.0,
                 echo: bool = False) -> None:
        super().__init__(url, migrations="sscard.window.migrations", version_table="alembic_version",
                         what="registry", error=RegistryError, conflict=conflict_from, migrate=migrate,
                         busy_timeout=busy_timeout, echo=echo)

    def __repr__(self) -> str:
        return f"Registry({self.display_url!r})"

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()
