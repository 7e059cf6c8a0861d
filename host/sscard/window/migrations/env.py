"""Alembic environment of the window registry.

The registry runs the migrations itself (:meth:`sscard.window.Registry.upgrade`) and hands its own
connection in ``config.attributes["connection"]``; there is no ``alembic.ini`` to maintain. For the alembic
command line, set ``sqlalchemy.url`` with ``-x url=…`` instead.
"""

from __future__ import annotations

from sscard.database import run_migrations
from sscard.window.models import Base

run_migrations(Base.metadata)
