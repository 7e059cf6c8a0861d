"""The databases of the product (the window registry, the personalisation journal): one engine set-up, one
way to migrate, one way to run a transaction, for both SQLite and PostgreSQL.

- ``sqlite://`` (memory, for tests) or ``sqlite:///path/file.db``: each transaction begins with ``BEGIN
  IMMEDIATE``, so writers queue on the database lock (with a busy timeout) instead of failing half-way;
  file databases run in WAL mode.
- ``postgresql+psycopg://user@host/db``: shared by many processes and machines; READ COMMITTED, with row
  locks where a claim must be exclusive.

Each database keeps its Alembic migrations in a package of its own and its own version table, so the
registry and a journal can share one PostgreSQL database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from importlib import resources
from typing import Any

from sscard.errors import SscardError

try:
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import Engine, create_engine, event, text
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session, sessionmaker
    from sqlalchemy.pool import StaticPool
except ModuleNotFoundError as _missing:  # the core library runs without the database stack
    raise SscardError(f"the registry and the personalisation journal need {_missing.name}: "
                      "pip install 'sscard[window]' (and 'sscard[postgres]' for PostgreSQL)") from None

__all__ = ["Database", "run_migrations"]

_MIGRATION_LOCK = 0x5353_4341_5244  # "SSCARD": the advisory lock held while migrating a PostgreSQL database


class Database:
    """A SQLAlchemy engine for ``url`` with the migrations of ``migrations`` (a package holding an Alembic
    ``env.py`` and ``versions/``). Errors come out through ``error`` (message → exception) and ``conflict``
    (database error → the caller's conflict exception, or None)."""

    def __init__(self, url: str | URL, *, migrations: str, version_table: str, what: str,
                 error: Callable[[str], Exception],
                 conflict: Callable[[SQLAlchemyError], Exception | None] = lambda exc: None,
                 migrate: bool = True, busy_timeout: float = 30.0, echo: bool = False) -> None:
        self.url = make_url(url)
        self.dialect = self.url.get_backend_name()
        self._migrations = migrations
        self._version_table = version_table
        self._what = what
        self._error = error
        self._conflict = conflict
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
            raise error(f"unsupported {what} database {self.dialect!r}: use sqlite:// or postgresql://")
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        if migrate:
            self.upgrade()

    @property
    def display_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    # ------------------------------------------------------------------ migrations
    def _alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(resources.files(self._migrations)))
        config.attributes["version_table"] = self._version_table
        return config

    def upgrade(self, revision: str = "head") -> None:
        """Run the Alembic migrations up to ``revision`` (idempotent)."""
        config = self._alembic_config()
        try:
            with self._guard(), self.engine.begin() as connection:
                if self.dialect == "postgresql":
                    # Processes opening a new database at once migrate one after the other.
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        except SQLAlchemyError as exc:
            raise self._error(f"migrating {self.display_url}: {exc}") from exc

    def current_revision(self) -> str | None:
        with self._guard(), self.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": self._version_table})
            return context.get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    # ------------------------------------------------------------------ transactions
    def _guard(self) -> threading.RLock | nullcontext[None]:
        return self._lock if self._lock is not None else nullcontext()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error. Database errors
        come out as the caller's conflict exception where ``conflict`` recognises one, else as ``error``."""
        with self._guard():
            session = self._sessions()
            try:
                with session.begin():
                    yield session
            except SQLAlchemyError as exc:
                conflict = self._conflict(exc)
                if conflict is not None:
                    raise conflict from exc
                raise self._error(f"{self._what} {self.display_url}: {type(exc).__name__}: "
                                  f"{str(exc).splitlines()[0]}") from exc
            finally:
                session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_setup(engine: Engine, busy_timeout: float, *, wal: bool) -> None:
    """pysqlite's own transaction handling is switched off and each transaction begins IMMEDIATE (the
    writer lock first), so that two writers never both read and then both try to write."""

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


def run_migrations(metadata: Any) -> None:
    """The body of a migrations package's ``env.py``: run on the connection :meth:`Database.upgrade` hands
    over, or, from the alembic command line, on ``-x url=…``."""
    from alembic import context
    from sqlalchemy import create_engine

    config = context.config
    version_table = config.attributes.get("version_table", "alembic_version")
    options = {"target_metadata": metadata, "render_as_batch": True, "version_table": version_table}
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("give the database URL: alembic -x url=sqlite:///file.db upgrade head")
    engine = create_engine(url)
    with engine.connect() as conn:
        context.configure(connection=conn, **options)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
