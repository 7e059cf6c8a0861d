"""Card and registry stay consistent (SSC-WIN-15): fault injection on both sides of a card operation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from window_helpers import World

from sscard.errors import CardConnectionError
from sscard.spec_tables import Lifecycle
from sscard.window import (
    CancellationReason,
    CardOperationFailed,
    CardOutcomeUnknown,
    ConflictError,
    FakeCardOperations,
    Function,
    RegistryPending,
    Side,
    WindowError,
    apply_for_card,
    audit_entries,
    card_status,
    collect_card,
    pending_operations,
    present_card,
    report_loss,
    resolve_pending,
    settle_medical_account,
)


class Fault:
    """SQL statements starting with ``match`` fail (``times`` of them) as if the database went away, from
    the moment the fault is armed."""

    def __init__(self, match: str, times: int, armed: bool) -> None:
        self.match, self.times, self.armed = match.upper(), times, armed
        self.hits: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.armed and len(self.hits) < self.times and statement.lstrip().upper().startswith(self.match):
            self.hits.append(statement)
            raise OperationalError(statement, None, Exception("injected fault: server closed the connection"))


@contextmanager
def registry_fault(world: World, match: str, times: int = 1, *, armed: bool = True) -> Iterator[Fault]:
    fault = Fault(match, times, armed)
    event.listen(world.registry.engine, "before_cursor_execute", fault)
    try:
        yield fault
    finally:
        event.remove(world.registry.engine, "before_cursor_execute", fault)


def _awaiting(world: World) -> tuple[str, Any]:
    ssn = world.person()
    app = apply_for_card(world.social, ssn, bank="ICBC").application
    assert app is not None
    return ssn, world.produce(app.id)


@pytest.mark.clause("SSC-WIN-15")
def test_card_refuses_registry_records_no_success(world: World) -> None:
    _, card = _awaiting(world)
    ops = world.ops(card)
    ops.fail_next("activate")  # the card answers 6985
    with pytest.raises(CardOperationFailed) as e:
        collect_card(world.social, card.card_number, ops)
    assert e.value.__cause__ is not None and "6985" in str(e.value)
    view = card_status(world.social, card.card_number)
    assert (view.status, view.social) == ("awaiting_pickup", "issued")
    assert card.social is Lifecycle.ISSUED
    assert not [a for a in audit_entries(world.social) if a.action == "collect_card"]
    assert pending_operations(world.social) == []  # failed, not in flight: the window may simply try again
    collect_card(world.social, card.card_number, ops)
    assert card_status(world.social, card.card_number).status == "active"


@pytest.mark.clause("SSC-WIN-15")
def test_registry_fails_after_card_changed_kept_for_retry(world: World) -> None:
    _, card = _awaiting(world)
    ops = world.ops(card)
    with registry_fault(world, "INSERT INTO audit_log") as fault, pytest.raises(RegistryPending) as e:
        collect_card(world.social, card.card_number, ops)
    assert fault.hits and card.social is Lifecycle.ACTIVE  # the card did change
    assert card_status(world.social, card.card_number).status == "awaiting_pickup"  # the registry did not, yet
    [pending] = pending_operations(world.social)
    assert (pending.id, pending.state, pending.operation) == (e.value.journal_id, "card_done", "activate")
    assert "injected fault" in (pending.last_error or "")
    # meanwhile no other window can act on the card
    with pytest.raises(ConflictError, match="in flight"):
        settle_medical_account(world.social2, card.card_number, CancellationReason.EMIGRATION)
    receipt = resolve_pending(world.social2, pending.id)
    assert receipt is not None and receipt.action == "collect_card"
    view = card_status(world.social, card.card_number)
    assert (view.status, view.social) == ("active", "active")
    entry = audit_entries(world.social, action="collect_card")[-1]
    assert entry.journal_id == pending.id and entry.detail["recovered_from"]["window_id"] == "SG-SOCIAL-1"
    assert pending_operations(world.social) == []
    with pytest.raises(WindowError, match="nothing to resolve"):
        resolve_pending(world.social, pending.id)


@pytest.mark.clause("SSC-WIN-15")
def test_registry_unreachable_after_card_changed_needs_the_card(world: World) -> None:
    issued = world.issued()
    report_loss(world.social_platform, issued.card_number, Function.SOCIAL, formal=False)
    terminal_ops = world.ops(issued.card, Side.SOCIAL)
    with registry_fault(world, "", times=10**6, armed=False) as fault:

        class DatabaseGoesAway(FakeCardOperations):
            def block_application(self, function: Function) -> None:
                super().block_application(function)
                fault.armed = True  # gone for the rest: neither the effect nor the journal update lands

        with pytest.raises(RegistryPending) as e:
            present_card(world.terminal, DatabaseGoesAway(issued.card, frozenset({Function.SOCIAL})))
    assert issued.card.social is Lifecycle.BLOCKED
    [pending] = pending_operations(world.social)
    assert pending.id == e.value.journal_id and pending.state == "pending"  # outcome unknown to the registry
    with pytest.raises(WindowError, match="present the card"):
        resolve_pending(world.social, pending.id)
    receipt = resolve_pending(world.social, pending.id, terminal_ops)
    assert receipt is not None and receipt.action == "terminal_block_application"
    assert pending_operations(world.social) == []


@pytest.mark.clause("SSC-WIN-15")
def test_card_lost_mid_command_unchanged_resolves_to_failed(world: World) -> None:
    _, card = _awaiting(world)
    ops = world.ops(card)
    ops.fail_next("activate", CardConnectionError("reader: card removed"))
    with pytest.raises(CardOutcomeUnknown) as e:
        collect_card(world.social, card.card_number, ops)
    [pending] = pending_operations(world.social)
    assert pending.state == "pending" and pending.id == e.value.journal_id
    assert resolve_pending(world.social, pending.id, ops) is None  # the card shows no change: nothing recorded
    assert card_status(world.social, card.card_number).status == "awaiting_pickup"
    assert pending_operations(world.social) == []
    collect_card(world.social, card.card_number, ops)
    assert card.social is Lifecycle.ACTIVE


@pytest.mark.clause("SSC-WIN-15")
def test_card_changed_then_connection_lost_resolves_to_done(world: World) -> None:
    _, card = _awaiting(world)

    class DropsAfter(FakeCardOperations):
        def activate(self, function: Function) -> None:
            super().activate(function)
            raise CardConnectionError("reader: card removed after the command")

    ops = DropsAfter(card, frozenset({Function.SOCIAL}))
    with pytest.raises(CardOutcomeUnknown) as e:
        collect_card(world.social, card.card_number, ops)
    receipt = resolve_pending(world.social, e.value.journal_id, world.ops(card))
    assert receipt is not None and card_status(world.social, card.card_number).status == "active"


@pytest.mark.clause("SSC-WIN-15", "SSC-WIN-16")
def test_second_window_during_a_card_operation_gets_a_conflict(world: World) -> None:
    _, card = _awaiting(world)
    seen: list[BaseException] = []
    other = world

    class SlowCard(FakeCardOperations):
        def activate(self, function: Function) -> None:
            try:  # another window acts on the same card while the command runs
                settle_medical_account(other.social2, card.card_number, CancellationReason.EMIGRATION)
            except ConflictError as exc:
                seen.append(exc)
            super().activate(function)

    collect_card(world.social, card.card_number, SlowCard(card, frozenset({Function.SOCIAL})))
    assert len(seen) == 1 and "in flight" in str(seen[0]) and card.card_number in str(seen[0])
    assert card_status(world.social, card.card_number).status == "active"
