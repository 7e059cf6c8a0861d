"""PostgreSQL for the database tests (window registry, personalisation journal): the server named by
``SSCARD_TEST_POSTGRES_URL`` (see scripts/start-postgres.sh), a fresh schema per test; skipped, saying why,
where there is none."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "SSCARD_TEST_POSTGRES_URL"

_pg_state: dict[str, str | None] = {}


def postgres_url() -> str:
    """The PostgreSQL URL to test on, or skip with the reason (unset, or unreachable)."""
    if "url" not in _pg_state:
        url = os.environ.get(POSTGRES_ENV)
        if not url:
            _pg_state.update(url=None, reason=f"PostgreSQL: {POSTGRES_ENV} is not set "
                             "(`bash scripts/start-postgres.sh` starts a server and prints one)")
        else:
            try:
                engine = create_engine(url)
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                engine.dispose()
                _pg_state.update(url=url, reason=None)
            except Exception as exc:  # noqa: BLE001 - any failure means: skip, saying why
                _pg_state.update(url=None, reason=f"PostgreSQL at {make_url(url).render_as_string()} is not "
                                 f"reachable: {str(exc).strip().splitlines()[0]}")
    if _pg_state["url"] is None:
        pytest.skip(str(_pg_state["reason"]))
    return str(_pg_state["url"])


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema on the test server; yields a URL whose connections use it; dropped afterwards."""
    base = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextmanager
def database_url(kind: str, tmp_path: Path, name: str) -> Iterator[str]:
    """The URL of an empty database of ``kind``: a SQLite file ``name``.db in ``tmp_path``, or a fresh
    PostgreSQL schema (skipped, saying why, where there is no server)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / name}.db"
    else:
        with postgres_schema() as url:
            yield url
