"""Alembic environment of the window registry.

The registry runs the migrations itself (:meth:`sscard.window.Registry.upgrade`) and hands its own
connection in ``config.attributes["connection"]``; there is no ``alembic.ini`` to maintain. For the alembic
command line, set ``sqlalchemy.url`` with ``-x url=…`` instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from sscard.window.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("give the registry URL: alembic -x url=sqlite:///registry.db upgrade head")
    engine = create_engine(url)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
