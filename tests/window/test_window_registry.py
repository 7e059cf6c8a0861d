"""The registry database: migrations, constraints, the append-only audit log, error mapping, URL handling."""

from __future__ import annotations

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from window_helpers import World

from sscard.window import (
    ConflictError,
    Function,
    Registry,
    RegistryError,
    audit_entries,
    card_status,
    report_loss,
)
from sscard.window.models import Base


def test_migrations_create_exactly_the_models(registry: Registry) -> None:
    assert registry.current_revision() == registry.head_revision() == "0003"
    with registry.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    registry.upgrade()  # idempotent
    assert registry.current_revision() == "0003"


def test_reopening_keeps_the_data(registry_url: str) -> None:
    first = Registry(registry_url)
    world = World(first)
    issued = world.issued()
    first.dispose()
    second = Registry(registry_url)
    try:
        assert card_status(World(second).social, issued.card_number).status == "active"
    finally:
        second.dispose()


@pytest.mark.clause("SSC-WIN-17")
def test_audit_log_is_append_only(world: World) -> None:
    world.issued()
    for statement in ("UPDATE audit_log SET operator = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(RegistryError, match="append-only"), world.registry.transaction() as s:
            s.execute(text(statement))
    assert len(audit_entries(world.social)) == 4


@pytest.mark.clause("SSC-WIN-17")
def test_audit_entries_carry_who_where_when_and_no_personal_data(world: World) -> None:
    issued = world.issued()
    report_loss(world.social, issued.card_number, Function.SOCIAL, formal=True)
    entry = audit_entries(world.social, card_number=issued.card_number)[-1]
    assert (entry.operator, entry.window_id, entry.side, entry.action, entry.article, entry.clause) == (
        "op-SG-SOCIAL-1", "SG-SOCIAL-1", "social", "report_loss", 14, "SSC-WIN-6")
    assert entry.at == world.clock.now()
    assert entry.actor_role == "holder"
    with world.registry.engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM audit_log")).all()
    assert issued.ssn not in json.dumps([list(map(str, r)) for r in rows], ensure_ascii=False)


def test_detail_with_a_pin_is_refused(world: World) -> None:
    from sscard.window import _core

    with pytest.raises(ValueError, match="PIN"), world.registry.transaction() as s:
        _core.audit(s, world.social, "x", article=None, clause=None, detail={"new_pin": "123456"})


@pytest.mark.clause("SSC-WIN-16")
def test_stale_version_is_a_conflict_naming_the_card(world: World) -> None:
    issued = world.issued()
    seen = card_status(world.social, issued.card_number)
    report_loss(world.social2, issued.card_number, Function.SOCIAL, formal=True)
    with pytest.raises(ConflictError) as e:
        report_loss(world.bank, issued.card_number, Function.FINANCIAL, formal=True, expected_version=seen.version)
    assert e.value.what == f"card {issued.card_number}"
    assert "another window" in str(e.value)


@pytest.mark.clause("SSC-WIN-1", "SSC-WIN-16")
def test_unique_constraint_backs_one_live_card(world: World) -> None:
    """Even a write that skips the workflow's checks cannot give a person two live cards."""
    issued = world.issued()
    other = world.issued()
    with pytest.raises(ConflictError) as e, world.registry.transaction() as s:
        person_id = card_status(world.social, issued.card_number).person_id
        s.execute(text("UPDATE cards SET live_person_id = :p WHERE card_number = :n"),
                  {"p": person_id, "n": other.card_number})
    assert "one person one card" in str(e.value)


def test_unsupported_url() -> None:
    with pytest.raises(RegistryError, match="unsupported"):
        Registry("mysql://x/y")


def test_memory_registry_is_shared_across_sessions() -> None:
    registry = Registry("sqlite://")
    world = World(registry)
    issued = world.issued()
    assert card_status(world.social, issued.card_number).status == "active"
    assert repr(registry) == "Registry('sqlite://')"
