"""Alembic environment of the personalisation journal: run by :class:`sscard.batch.Journal` on its own
connection, or from the alembic command line with ``-x url=…``."""

from __future__ import annotations

from sscard.batch.journal import Base
from sscard.database import run_migrations

run_migrations(Base.metadata)
