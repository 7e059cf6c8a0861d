"""Fixtures of the window-layer tests: every registry test runs on SQLite and, when a server is reachable
(``SSCARD_TEST_POSTGRES_URL``, see scripts/start-postgres.sh), on PostgreSQL, each test in a schema of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from postgres_helpers import database_url
from window_helpers import World

from sscard.window import Registry


@pytest.fixture(params=["sqlite", "postgresql"])
def registry_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty registry database: a SQLite file, or a PostgreSQL schema."""
    with database_url(request.param, tmp_path, "registry") as url:
        yield url


@pytest.fixture
def registry(registry_url: str) -> Iterator[Registry]:
    reg = Registry(registry_url)
    yield reg
    reg.dispose()


@pytest.fixture
def world(registry: Registry) -> World:
    """Windows of every side over one registry, a fixed clock at a Monday, and helpers."""
    return World(registry)


@pytest.fixture
def make_world(registry_url: str) -> Iterator[Callable[[], World]]:
    """More handles on the same database (another process's or window's view)."""
    made: list[Registry] = []

    def make() -> World:
        reg = Registry(registry_url)
        made.append(reg)
        return World(reg)

    yield make
    for reg in made:
        reg.dispose()
