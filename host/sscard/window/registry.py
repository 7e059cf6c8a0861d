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
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import StaticPool

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


class Registry:
    """A registry database. ``migrate`` brings the schema to the newest migration on opening."""

    def __init__(self, url: str | URL = "sqlite://", *, migrate: bool = True, busy_timeout: float = 30.0,
                 echo: bool = False) -> None:
        self.url = make_url(url)
        self.dialect = self.url.get_backend_name()
        options: dict[str, Any] = {"echo": echo, "future": True}
        self._lock: threading.RLock | None = None
        if self.dialect == "sqlite":
            memory = self.url.database in (None, "", ":memory:")
            options["connect_args"] = {"check_same_thread": False, "timeout": busy_timeout}
            if memory:
                # One shared connection: every session sees the same in-memory database; a lock keeps
                # threads from interleaving their transactions on it.
                options["poolclass"] = StaticPool
                self._lock = threading.RLock()
            self.engine: Engine = create_engine(self.url, **options)
            _sqlite_setup(self.engine, busy_timeout, wal=not memory)
        elif self.dialect == "postgresql":
            options["pool_pre_ping"] = True
            self.engine = create_engine(self.url, **options)
        else:
            raise RegistryError(f"unsupported registry database {self.dialect!r}: use sqlite:// or postgresql://")
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        if migrate:
            self.upgrade()

    def __repr__(self) -> str:
        return f"Registry({self.url.render_as_string(hide_password=True)!r})"

    @property
    def display_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    # ------------------------------------------------------------------ migrations
    def _alembic_config(self) -> Config:
        config = Config()
        location = resources.files("sscard.window") / "migrations"
        config.set_main_option("script_location", str(location))
        return config

    def upgrade(self, revision: str = "head") -> None:
        """Run the Alembic migrations up to ``revision`` (idempotent)."""
        config = self._alembic_config()
        try:
            with self._guard(), self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        except SQLAlchemyError as exc:
            raise RegistryError(f"migrating {self.display_url}: {exc}") from exc

    def current_revision(self) -> str | None:
        with self._guard(), self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    # ------------------------------------------------------------------ transactions
    def _guard(self) -> threading.RLock | nullcontext[None]:
        return self._lock if self._lock is not None else nullcontext()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error. Database conflicts
        come out as :class:`ConflictError`, other database errors as :class:`RegistryError`."""
        with self._guard():
            session = self._sessions()
            try:
                with session.begin():
                    yield session
            except SQLAlchemyError as exc:
                conflict = conflict_from(exc)
                if conflict is not None:
                    raise conflict from exc
                raise RegistryError(f"registry {self.display_url}: {type(exc).__name__}: "
                                    f"{str(exc).splitlines()[0]}") from exc
            finally:
                session.close()

    def dispose(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()


def _sqlite_setup(engine: Engine, busy_timeout: float, *, wal: bool) -> None:
    """pysqlite's own transaction handling is switched off and each transaction begins IMMEDIATE (the
    writer lock first), so that two windows never both read and then both try to write."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
