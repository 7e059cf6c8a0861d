"""Recovery records only what the card did (SSC-WIN-15, issue #13).

Every journalled card operation (each workflow effect that sends a card command), on reference-model cards
through :class:`SessionCardOperations`, with the window's process killed at each point between the journal
entry and the registry change:

- ``journalled``: the journal entry is written, the card not read yet;
- ``before_apdu``: the card's evidence is stored, the command has not reached the card;
- ``after_apdu``: the card ran the command, its answer never reached the host;
- ``after_response``: the host handled the answer, the registry change and the journal's completion not done.

Then another process resolves the entry with the card in a reader, and the registry, the audit log and the
card must agree: the operation is recorded (once, ``recovered_from``) exactly when the card did it. Where the
card cannot show it (a PIN that was not blocked) the outcome is "needs the holder", nothing is recorded, and
with the holder present the command is sent again (idempotent) and then recorded.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select
from window_helpers import (
    FINANCE_PIN,
    HOLDER,
    SOCIAL_PIN,
    SSN,
    Keys,
    World,
    example_keys,
    model_card,
    model_ops,
    produce_model_card,
)
from wrapped_connection import WrappedConnection

from sscard import Connection, FinanceSession, ModelConnection, SocialSecuritySession, examples
from sscard.cli import main
from sscard.errors import CardConnectionError, PinBlocked, WrongPin
from sscard.spec_tables import Lifecycle
from sscard.window import (
    CancellationReason,
    CardEvidence,
    CardOp,
    CardOutcomeUnknown,
    ConflictError,
    ExchangeReason,
    FakeCardOperations,
    Function,
    OutcomeNeedsHolder,
    PersonalData,
    SessionCardOperations,
    Side,
    activate_financial,
    apply_for_card,
    apply_for_exchange,
    apply_for_replacement,
    audit_entries,
    block_returned_card,
    cancel_loss,
    card_status,
    change_personal_data,
    change_pin,
    close_bank_account,
    collect_card,
    issue_temporary_card,
    pending_operations,
    present_card,
    register_person,
    report_loss,
    reset_pin,
    resolve_pending,
    restore_application,
    return_temporary_card,
    settle_medical_account,
    unblock_pin,
)
from sscard.window.journal import Verdict, judge
from sscard.window.models import Person

HOLDER_NAME = HOLDER["holder"]["name"]
KILL_POINTS = ("journalled", "before_apdu", "after_apdu", "after_response")
NEW_SOCIAL_PIN = "975310"
NEW_FINANCE_PIN = "8642"

# ACTIVATE, APPLICATION BLOCK, APPLICATION UNBLOCK, CARD BLOCK, PIN UNBLOCK (and PBOC RELOAD PIN), SSSE RELOAD PIN
_MAC_INS = frozenset({0x44, 0x1E, 0x18, 0x16, 0x24, 0x5E})
# the holder's CHANGE PIN (80 5E) and UPDATE RECORD with secure messaging (04 DC), art. 20 and 6
_OTHER_CMDS = frozenset({(0x80, 0x5E), (0x04, 0xDC)})


class Killed(BaseException):
    """The window's process dies here: nothing after it runs (no except clause, no journal update)."""


class DyingConnection(WrappedConnection):
    """The card in the reader; the host dies just before the journalled command reaches the card
    (``before_apdu``) or just after the card ran it (``after_apdu``)."""

    def __init__(self, inner: Connection, at: str) -> None:
        super().__init__(inner)
        self.at, self.died = at, False

    def transmit(self, apdu: bytes) -> bytes:
        command = len(apdu) > 1 and ((apdu[0] == 0x84 and apdu[1] in _MAC_INS) or (apdu[0], apdu[1]) in _OTHER_CMDS)
        if command and not self.died and self.at in ("before_apdu", "after_apdu"):
            self.died = True
            if self.at == "before_apdu":
                raise Killed("before the command reached the card")
            self.inner.transmit(apdu)
            raise Killed("the card ran the command; its answer never reached the host")
        return self.inner.transmit(apdu)


class DyingOps(SessionCardOperations):
    """A window's card operations in a process that dies at ``at``."""

    def __init__(self, connection: Connection, at: str, keys: Keys, side: Side) -> None:
        self.connection = DyingConnection(connection, at)
        self.at = at
        super().__init__(self.connection, issuer_keys=keys[0] if side in (Side.SOCIAL, Side.TERMINAL) else None,
                         bank_keys=keys[1] if side in (Side.BANK, Side.TERMINAL) else None)

    def read_evidence(self, function: Function | None) -> CardEvidence:
        if self.at == "journalled":
            raise Killed("journal entry written, the card not read yet")
        return super().read_evidence(function)

    def _answered(self) -> None:
        if self.at == "after_response":
            raise Killed("the card's answer handled, the registry not written")

    def activate(self, function: Function) -> None:
        super().activate(function)
        self._answered()

    def block_application(self, function: Function) -> None:
        super().block_application(function)
        self._answered()

    def unblock_application(self, function: Function) -> None:
        super().unblock_application(function)
        self._answered()

    def block_card(self) -> None:
        super().block_card()
        self._answered()

    def unblock_pin(self, function: Function) -> None:
        super().unblock_pin(function)
        self._answered()

    def reset_pin(self, function: Function, new_pin: str) -> None:
        super().reset_pin(function, new_pin)
        self._answered()

    def change_pin(self, function: Function, old_pin: str, new_pin: str) -> None:
        super().change_pin(function, old_pin, new_pin)
        self._answered()

    def update_holder_data(self, items: Mapping[int, str]) -> None:
        super().update_holder_data(items)
        self._answered()


# ------------------------------------------------------------------------------------------ the card's own view


def lifecycle(card: ModelConnection, function: Function) -> Lifecycle | None:
    identity = SessionCardOperations(card).read_card_identity()
    card.reset()
    return identity.lifecycle(function) if not identity.terminated else Lifecycle.TERMINATED


def pin_session(card: ModelConnection, function: Function) -> SocialSecuritySession | FinanceSession:
    card.reset()
    return SocialSecuritySession(card) if function is Function.SOCIAL else FinanceSession(card)


def pin_holds(card: ModelConnection, function: Function, pin: str) -> bool:
    """Whether the card's PIN is ``pin`` (a correct VERIFY; a wrong one spends a try, so ask only for the
    PIN expected)."""
    try:
        pin_session(card, function).verify_pin(pin)
    except WrongPin:
        return False
    return True


def pin_blocked(card: ModelConnection, function: Function) -> bool:
    return pin_session(card, function).pin_status().blocked


def spend_tries(card: ModelConnection, function: Function, count: int) -> None:
    session = pin_session(card, function)
    wrong = "000000" if function is Function.SOCIAL else "0000"
    for _ in range(count):
        with pytest.raises((WrongPin, PinBlocked)):
            session.verify_pin(wrong)


# ------------------------------------------------------------------------------------------ scenarios


@dataclass
class Ctx:
    number: str
    card: ModelConnection
    keys: Keys
    extra: dict[str, Any] = field(default_factory=dict)


def _produced(world: World, keys: Keys) -> Ctx:
    card = model_card(1, keys)
    produce_model_card(world, card, keys, "K00000001")
    return Ctx("K00000001", card, keys)


def _collected(world: World, keys: Keys, *, financial: bool = True) -> Ctx:
    ctx = _produced(world, keys)
    collect_card(world.social, ctx.number, model_ops(ctx.card, keys, Side.SOCIAL))
    if financial:
        activate_financial(world.bank, ctx.number, model_ops(ctx.card, keys, Side.BANK))
    return ctx


def _replaced(world: World, keys: Keys) -> Ctx:
    ctx = _collected(world, keys)
    report_loss(world.social, ctx.number, Function.SOCIAL, formal=True)
    report_loss(world.bank, ctx.number, Function.FINANCIAL, formal=True)
    apply_for_replacement(world.social, ctx.number, bank_loss_receipt="ICBC-LR-1")
    return ctx


def _waiting_for_temporary(world: World, keys: Keys) -> Ctx:
    register_person(world.social, SSN, "张三", photo_on_file=True)
    apply_for_card(world.social, SSN, bank="ICBC")
    return Ctx("K00000002", model_card(2, keys, temporary=True), keys)


def _temporary_issued(world: World, keys: Keys) -> Ctx:
    ctx = _waiting_for_temporary(world, keys)
    issue_temporary_card(world.social, SSN, model_ops(ctx.card, keys, Side.SOCIAL), card_number=ctx.number,
                         hospital_certificate="H-7")
    return ctx


def _terminal_blocked(world: World, keys: Keys) -> Ctx:
    ctx = _collected(world, keys)
    report_loss(world.social_platform, ctx.number, Function.SOCIAL, formal=False)
    verdict = present_card(world.terminal, model_ops(ctx.card, keys, Side.TERMINAL))
    assert verdict.actions == ("block_application:social", "block_application:financial")
    return ctx


def _temporary_loss(function: Function) -> Callable[[World, Keys], Ctx]:
    def prepare(world: World, keys: Keys) -> Ctx:
        ctx = _collected(world, keys)
        platform = world.social_platform if function is Function.SOCIAL else world.bank_platform
        report_loss(platform, ctx.number, function, formal=False)
        return ctx

    return prepare


def _medical_settled(world: World, keys: Keys) -> Ctx:
    ctx = _collected(world, keys)
    settle_medical_account(world.social, ctx.number, CancellationReason.TRANSFER)
    return ctx


def _loss_cancelled_financial_blocked(world: World, keys: Keys) -> Ctx:
    ctx = _terminal_blocked(world, keys)
    cancel_loss(world.social, ctx.number, Function.SOCIAL, model_ops(ctx.card, keys, Side.SOCIAL))
    return ctx


def _pin_state(function: Function, wrong: int) -> Callable[[World, Keys], Ctx]:
    def prepare(world: World, keys: Keys) -> Ctx:
        ctx = _collected(world, keys)
        spend_tries(ctx.card, function, wrong)
        return ctx

    return prepare


def _registry_and_card(function: Function, when_done: tuple[str, str, Lifecycle],
                       when_not: tuple[str, str, Lifecycle]) -> Callable[[World, Ctx, bool], None]:
    """(registry card status, registry function status, card lifecycle) after, done or not."""

    def check(world: World, ctx: Ctx, done: bool) -> None:
        view = card_status(world.social, ctx.number)
        status, state, on_card = when_done if done else when_not
        assert (view.status, view.social if function is Function.SOCIAL else view.financial) == (status, state)
        assert lifecycle(ctx.card, function) is on_card

    return check


def _pin_check(function: Function, *, new_pin: str | None, blocked_before: bool) -> Callable[[World, Ctx, bool],
                                                                                               None]:
    old = SOCIAL_PIN if function is Function.SOCIAL else FINANCE_PIN

    def check(world: World, ctx: Ctx, done: bool) -> None:
        view = card_status(world.social, ctx.number)
        assert (view.status, view.social, view.financial) == ("active", "active", "active")
        if not done and blocked_before:
            assert pin_blocked(ctx.card, function)  # the card did nothing, and nothing is recorded
            return
        assert not pin_blocked(ctx.card, function)
        assert pin_holds(ctx.card, function, new_pin if done and new_pin is not None else old)

    return check


@dataclass(frozen=True)
class Scenario:
    name: str
    operation: CardOp
    function: Function | None
    side: Side                                  # whose keys the window holds
    action: str                                 # the audit entry of the operation
    prepare: Callable[[World, Keys], Ctx]
    run: Callable[[World, Ctx, SessionCardOperations], object]
    check: Callable[[World, Ctx, bool], None]   # registry and card agree, done or not
    redo: str | None = None                     # the card cannot show it: "holder" / "new_pin" resolves it


SCENARIOS = [
    Scenario("collect", CardOp.ACTIVATE, Function.SOCIAL, Side.SOCIAL, "collect_card", _produced,
             lambda w, c, ops: collect_card(w.social, c.number, ops),
             _registry_and_card(Function.SOCIAL, ("active", "active", Lifecycle.ACTIVE),
                                ("awaiting_pickup", "issued", Lifecycle.ISSUED))),
    Scenario("activate_financial", CardOp.ACTIVATE, Function.FINANCIAL, Side.BANK, "activate_financial",
             lambda w, k: _collected(w, k, financial=False),
             lambda w, c, ops: activate_financial(w.bank, c.number, ops),
             _registry_and_card(Function.FINANCIAL, ("active", "active", Lifecycle.ACTIVE),
                                ("active", "issued", Lifecycle.ISSUED))),
    Scenario("issue_temporary", CardOp.ACTIVATE, Function.SOCIAL, Side.SOCIAL, "issue_temporary_card",
             _waiting_for_temporary,
             lambda w, c, ops: issue_temporary_card(w.social, SSN, ops, card_number=c.number, hospital_certificate="H"),
             _registry_and_card(Function.SOCIAL, ("active", "active", Lifecycle.ACTIVE),
                                ("cancelled", "closed", Lifecycle.ISSUED))),
    Scenario("terminal_block_social", CardOp.BLOCK_APPLICATION, Function.SOCIAL, Side.SOCIAL,
             "terminal_block_application",
             _temporary_loss(Function.SOCIAL),
             lambda w, c, ops: present_card(w.terminal, ops),
             _registry_and_card(Function.SOCIAL, ("active", "temporary_loss", Lifecycle.BLOCKED),
                                ("active", "temporary_loss", Lifecycle.ACTIVE))),
    Scenario("terminal_block_financial", CardOp.BLOCK_APPLICATION, Function.FINANCIAL, Side.BANK,
             "terminal_block_application",
             _temporary_loss(Function.FINANCIAL),
             lambda w, c, ops: present_card(w.terminal, ops),
             _registry_and_card(Function.FINANCIAL, ("active", "temporary_loss", Lifecycle.BLOCKED),
                                ("active", "temporary_loss", Lifecycle.ACTIVE))),
    Scenario("terminal_block_card", CardOp.BLOCK_CARD, None, Side.SOCIAL, "terminal_block_card", _replaced,
             lambda w, c, ops: present_card(w.terminal, ops),
             _registry_and_card(Function.SOCIAL, ("replaced", "closed", Lifecycle.TERMINATED),
                                ("replaced", "closed", Lifecycle.ACTIVE))),
    Scenario("block_returned_card", CardOp.BLOCK_CARD, None, Side.SOCIAL, "block_returned_card", _replaced,
             lambda w, c, ops: block_returned_card(w.social, c.number, ops),
             _registry_and_card(Function.SOCIAL, ("replaced", "closed", Lifecycle.TERMINATED),
                                ("replaced", "closed", Lifecycle.ACTIVE))),
    Scenario("close_bank_account", CardOp.BLOCK_CARD, None, Side.BANK, "close_bank_account",
             _medical_settled,
             lambda w, c, ops: close_bank_account(w.bank, c.number, ops),
             _registry_and_card(Function.FINANCIAL, ("cancelled", "closed", Lifecycle.TERMINATED),
                                ("active", "active", Lifecycle.ACTIVE))),
    Scenario("return_temporary", CardOp.BLOCK_CARD, None, Side.SOCIAL, "return_temporary_card", _temporary_issued,
             lambda w, c, ops: return_temporary_card(w.social, c.number, ops),
             _registry_and_card(Function.SOCIAL, ("cancelled", "closed", Lifecycle.TERMINATED),
                                ("active", "active", Lifecycle.ACTIVE))),
    Scenario("cancel_loss", CardOp.UNBLOCK_APPLICATION, Function.SOCIAL, Side.SOCIAL, "cancel_loss",
             _terminal_blocked, lambda w, c, ops: cancel_loss(w.social, c.number, Function.SOCIAL, ops),
             _registry_and_card(Function.SOCIAL, ("active", "active", Lifecycle.ACTIVE),
                                ("active", "temporary_loss", Lifecycle.BLOCKED))),
    Scenario("restore_application", CardOp.UNBLOCK_APPLICATION, Function.FINANCIAL, Side.BANK, "restore_application",
             _loss_cancelled_financial_blocked, lambda w, c, ops: restore_application(w.bank, c.number, ops),
             _registry_and_card(Function.FINANCIAL, ("active", "active", Lifecycle.ACTIVE),
                                ("active", "active", Lifecycle.BLOCKED))),
    Scenario("unblock_blocked_social_pin", CardOp.UNBLOCK_PIN, Function.SOCIAL, Side.SOCIAL, "unblock_pin",
             _pin_state(Function.SOCIAL, 6), lambda w, c, ops: unblock_pin(w.social, c.number, ops),
             _pin_check(Function.SOCIAL, new_pin=None, blocked_before=True)),
    Scenario("unblock_unblocked_social_pin", CardOp.UNBLOCK_PIN, Function.SOCIAL, Side.SOCIAL, "unblock_pin",
             _pin_state(Function.SOCIAL, 2), lambda w, c, ops: unblock_pin(w.social, c.number, ops),
             _pin_check(Function.SOCIAL, new_pin=None, blocked_before=False), redo="holder"),
    Scenario("unblock_blocked_financial_pin", CardOp.UNBLOCK_PIN, Function.FINANCIAL, Side.BANK, "unblock_pin",
             _pin_state(Function.FINANCIAL, 3),
             lambda w, c, ops: unblock_pin(w.bank, c.number, ops, Function.FINANCIAL),
             _pin_check(Function.FINANCIAL, new_pin=None, blocked_before=True)),
    Scenario("unblock_unblocked_financial_pin", CardOp.UNBLOCK_PIN, Function.FINANCIAL, Side.BANK, "unblock_pin",
             _pin_state(Function.FINANCIAL, 1),
             lambda w, c, ops: unblock_pin(w.bank, c.number, ops, Function.FINANCIAL),
             _pin_check(Function.FINANCIAL, new_pin=None, blocked_before=False)),  # the ATC shows it (SSC-FIN-3)
    Scenario("reset_social_pin", CardOp.RESET_PIN, Function.SOCIAL, Side.SOCIAL, "reset_pin",
             _pin_state(Function.SOCIAL, 0),
             lambda w, c, ops: reset_pin(w.social, c.number, ops, Function.SOCIAL, NEW_SOCIAL_PIN),
             _pin_check(Function.SOCIAL, new_pin=NEW_SOCIAL_PIN, blocked_before=False), redo="new_pin"),
    Scenario("reset_blocked_social_pin", CardOp.RESET_PIN, Function.SOCIAL, Side.SOCIAL, "reset_pin",
             _pin_state(Function.SOCIAL, 6),
             lambda w, c, ops: reset_pin(w.social, c.number, ops, Function.SOCIAL, NEW_SOCIAL_PIN),
             _pin_check(Function.SOCIAL, new_pin=NEW_SOCIAL_PIN, blocked_before=True)),
    Scenario("reset_financial_pin", CardOp.RESET_PIN, Function.FINANCIAL, Side.BANK, "reset_pin",
             _pin_state(Function.FINANCIAL, 0),
             lambda w, c, ops: reset_pin(w.bank, c.number, ops, Function.FINANCIAL, NEW_FINANCE_PIN),
             _pin_check(Function.FINANCIAL, new_pin=NEW_FINANCE_PIN, blocked_before=False)),  # the ATC shows it
    Scenario("reset_blocked_financial_pin", CardOp.RESET_PIN, Function.FINANCIAL, Side.BANK, "reset_pin",
             _pin_state(Function.FINANCIAL, 3),
             lambda w, c, ops: reset_pin(w.bank, c.number, ops, Function.FINANCIAL, NEW_FINANCE_PIN),
             _pin_check(Function.FINANCIAL, new_pin=NEW_FINANCE_PIN, blocked_before=True)),
]


# Art. 6 and 20 (issue 14): the change of holder data and the bank's PIN change; the social CHANGE PIN, whose
# counter cannot always show its outcome, is covered in test_window_articles_partial.py.
NEW_NAME = "李四"


def _name_check(world: World, ctx: Ctx, done: bool) -> None:
    with world.social.registry.transaction() as s:
        name = s.scalars(select(Person.name).where(Person.ssn == SSN)).one()
    ctx.card.reset()
    on_card = model_ops(ctx.card, ctx.keys, Side.SOCIAL).read_holder_items((2,))[2]
    ctx.card.reset()
    assert (name, on_card) == ((NEW_NAME, NEW_NAME) if done else ("张三", HOLDER_NAME))


SCENARIOS += [
    Scenario("change_name", CardOp.UPDATE_HOLDER_DATA, Function.SOCIAL, Side.SOCIAL, "change_personal_data",
             _collected, lambda w, c, ops: change_personal_data(w.social, SSN, PersonalData(name=NEW_NAME),
                                                                proof="household register", card_ops=ops),
             _name_check),
    Scenario("change_financial_pin", CardOp.CHANGE_PIN, Function.FINANCIAL, Side.BANK, "change_pin",
             _collected, lambda w, c, ops: change_pin(w.bank, c.number, ops, Function.FINANCIAL, FINANCE_PIN,
                                                      NEW_FINANCE_PIN),
             _pin_check(Function.FINANCIAL, new_pin=NEW_FINANCE_PIN, blocked_before=False)),  # the ATC shows it
]


@pytest.mark.clause("SSC-WIN-15")
def test_every_journalled_operation_has_a_scenario() -> None:
    from sscard.window._core import EFFECTS

    assert {s.operation for s in SCENARIOS} == set(CardOp)
    covered = {"collect", "activate_financial", "issue_temporary", "terminal_block_application", "block_card",
               "close_bank_account", "return_temporary", "cancel_loss", "restore_application", "pin",
               "holder_data", "change_pin"}
    assert set(EFFECTS) == covered


def _expected(scenario: Scenario, at: str) -> Verdict:
    if at == "journalled":
        return Verdict.NOT_DONE  # nothing was sent: no evidence stored
    if at == "before_apdu" and scenario.function is Function.FINANCIAL:
        return Verdict.NOT_DONE  # the ATC did not move (and the lifecycle, where it shows it)
    if scenario.redo is not None:
        return Verdict.REDO  # the card cannot show it: needs the holder, then sent again
    return Verdict.NOT_DONE if at == "before_apdu" else Verdict.DONE


@pytest.mark.clause("SSC-WIN-15", "SSC-FIN-3")
@pytest.mark.parametrize("at", KILL_POINTS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_killed_window_recovery_records_what_the_card_did(world: World, make_world: Callable[[], World],
                                                          scenario: Scenario, at: str) -> None:
    keys = example_keys()
    ctx = scenario.prepare(world, keys)
    audited = len(audit_entries(world.social, ssn=SSN, action=scenario.action))
    ctx.card.reset()
    with pytest.raises(Killed):
        scenario.run(world, ctx, DyingOps(ctx.card, at, keys, scenario.side))
    ctx.card.reset()  # the process is gone; the card stays in the reader

    other = make_world()  # another process on the same registry
    [entry] = pending_operations(other.social)
    assert (entry.operation, entry.state) == (scenario.operation.value, "pending")
    with pytest.raises(ConflictError, match="in flight"):  # the card is locked meanwhile (a loss report is not:
        apply_for_exchange(other.social, ctx.number, ExchangeReason.HOLDER_REQUEST)  # SSC-WIN-28)
    window = other.bank if scenario.side is Side.BANK else other.social
    ops = model_ops(ctx.card, keys, Side.BANK if scenario.side is Side.BANK else Side.SOCIAL)
    expected = _expected(scenario, at)

    if expected is Verdict.REDO:
        with pytest.raises(OutcomeNeedsHolder) as needs:
            resolve_pending(window, entry.id, ops)
        assert needs.value.journal_id == entry.id and "holder" in needs.value.needs
        [waiting] = pending_operations(other.social)
        assert waiting.state == "needs_holder"
        assert len(audit_entries(other.social, ssn=SSN, action=scenario.action)) == audited
        holder = {"new_pin": NEW_SOCIAL_PIN if scenario.function is Function.SOCIAL else NEW_FINANCE_PIN} \
            if scenario.redo == "new_pin" else {"holder_present": True}
        receipt = resolve_pending(window, entry.id, ops, **holder)
    else:
        receipt = resolve_pending(window, entry.id, ops)
    ctx.card.reset()

    done = expected is not Verdict.NOT_DONE
    assert (receipt is not None) is done
    assert pending_operations(other.social) == []
    entries = audit_entries(other.social, ssn=SSN, action=scenario.action)
    assert len(entries) == audited + done
    if done:
        recovered = entries[-1].detail["recovered_from"]
        assert recovered["window_id"] == entry.window_id and recovered["evidence"]
        assert recovered.get("redone", False) is (expected is Verdict.REDO)
    scenario.check(other, ctx, done)


# ------------------------------------------------------------------------------------------ the issue's cases


@pytest.mark.clause("SSC-WIN-15")
def test_reset_pin_killed_before_the_card_is_not_recorded_as_done(world: World,
                                                                  make_world: Callable[[], World]) -> None:
    """Issue #13: the process died after the journal entry and before RELOAD PIN reached the card; recovery
    used to record the reset (the PIN is not blocked) although the card still held the old PIN."""
    keys = example_keys()
    ctx = _collected(world, keys)
    with pytest.raises(Killed):
        reset_pin(world.social, ctx.number, DyingOps(ctx.card, "before_apdu", keys, Side.SOCIAL), Function.SOCIAL,
                  NEW_SOCIAL_PIN)
    ctx.card.reset()
    other = make_world()
    [entry] = pending_operations(other.social)
    with pytest.raises(OutcomeNeedsHolder, match="outcome unknown, needs the holder"):
        resolve_pending(other.social, entry.id, model_ops(ctx.card, keys, Side.SOCIAL))
    assert audit_entries(other.social, action="reset_pin") == []
    assert pin_holds(ctx.card, Function.SOCIAL, SOCIAL_PIN)  # the card did nothing; nothing is recorded


class DropsAfterUnblock(FakeCardOperations):
    """The card runs PIN UNBLOCK, then the reader loses it: the outcome is unknown to the window."""

    def unblock_pin(self, function: Function) -> None:
        super().unblock_pin(function)
        raise CardConnectionError("reader: card removed after the command")


@pytest.mark.clause("SSC-WIN-15")
def test_redo_refused_leaves_the_entry_needing_the_holder(world: World) -> None:
    issued = world.issued()
    with pytest.raises(CardOutcomeUnknown) as e:
        unblock_pin(world.social, issued.card_number, DropsAfterUnblock(issued.card, frozenset({Function.SOCIAL})))
    ops = world.ops(issued.card)
    ops.fail_next("unblock_pin")  # the card answers 6985 to the command sent again
    with pytest.raises(OutcomeNeedsHolder, match="refused the command sent again"):
        resolve_pending(world.social, e.value.journal_id, ops, holder_present=True)
    [entry] = pending_operations(world.social)
    assert entry.state == "needs_holder"
    assert audit_entries(world.social, action="unblock_pin") == []
    receipt = resolve_pending(world.social, entry.id, ops, holder_present=True)  # accepted now: recorded once
    assert receipt is not None and issued.card.commands[-2:] == ["unblock_pin:social", "unblock_pin:social"]
    [audit] = audit_entries(world.social, action="unblock_pin")
    assert audit.detail["recovered_from"]["redone"] is True


@pytest.mark.clause("SSC-WIN-15")
def test_card_changed_outside_the_journal_is_never_guessed(world: World) -> None:
    issued = world.issued()
    with pytest.raises(CardOutcomeUnknown) as e:
        unblock_pin(world.social, issued.card_number, DropsAfterUnblock(issued.card, frozenset({Function.SOCIAL})))
    issued.card.social = Lifecycle.BLOCKED  # by something that is not this registry
    with pytest.raises(OutcomeNeedsHolder, match="changed outside this journal"):
        resolve_pending(world.social, e.value.journal_id, world.ops(issued.card), holder_present=True)
    [entry] = pending_operations(world.social)
    assert entry.state == "needs_holder" and "changed outside" in (entry.last_error or "")
    assert audit_entries(world.social, action="unblock_pin") == []
    with pytest.raises(ConflictError, match="needs_holder"):  # still locks the card (not a loss report: SSC-WIN-28)
        apply_for_exchange(world.social, issued.card_number, ExchangeReason.HOLDER_REQUEST)


# ------------------------------------------------------------------------------------------ the rules themselves


def _ev(state: Lifecycle | None, atc: int | None = None, tries: int | None = None) -> CardEvidence:
    return CardEvidence(state, atc, tries)


A, B, ISS, T = Lifecycle.ACTIVE, Lifecycle.BLOCKED, Lifecycle.ISSUED, Lifecycle.TERMINATED
S, F = Function.SOCIAL, Function.FINANCIAL


@pytest.mark.clause("SSC-WIN-15", "SSC-FIN-3")
@pytest.mark.parametrize(("operation", "function", "before", "now", "verdict"), [
    (CardOp.ACTIVATE, S, None, _ev(A), Verdict.NOT_DONE),                  # never sent
    (CardOp.ACTIVATE, S, _ev(ISS), _ev(ISS), Verdict.NOT_DONE),
    (CardOp.ACTIVATE, S, _ev(ISS), _ev(A), Verdict.DONE),
    (CardOp.ACTIVATE, S, _ev(A), _ev(A), Verdict.NOT_DONE),                # refused: already active
    (CardOp.ACTIVATE, S, _ev(ISS), _ev(T), Verdict.UNKNOWN),                 # changed outside the journal
    (CardOp.ACTIVATE, F, _ev(ISS, 4), _ev(A, 4), Verdict.NOT_DONE),          # the ATC did not move
    (CardOp.ACTIVATE, F, _ev(ISS, 4), _ev(A, 5), Verdict.DONE),
    (CardOp.BLOCK_APPLICATION, S, _ev(A), _ev(B), Verdict.DONE),
    (CardOp.BLOCK_APPLICATION, S, _ev(A), _ev(A), Verdict.NOT_DONE),
    (CardOp.BLOCK_APPLICATION, S, _ev(B), _ev(B), Verdict.REDO),           # idempotent
    (CardOp.BLOCK_APPLICATION, F, _ev(B, 7), _ev(B, 7), Verdict.NOT_DONE),
    (CardOp.UNBLOCK_APPLICATION, S, _ev(B), _ev(A), Verdict.DONE),
    (CardOp.UNBLOCK_APPLICATION, S, _ev(B), _ev(B), Verdict.NOT_DONE),
    (CardOp.BLOCK_CARD, None, _ev(A), _ev(T), Verdict.DONE),
    (CardOp.BLOCK_CARD, None, _ev(A), _ev(A), Verdict.NOT_DONE),
    (CardOp.BLOCK_CARD, None, _ev(T), _ev(T), Verdict.NOT_DONE),           # refused: terminated already
    (CardOp.UNBLOCK_PIN, S, _ev(A, tries=0), _ev(A, tries=6), Verdict.DONE),
    (CardOp.UNBLOCK_PIN, S, _ev(A, tries=0), _ev(A, tries=0), Verdict.NOT_DONE),
    (CardOp.UNBLOCK_PIN, S, _ev(A, tries=6), _ev(A, tries=6), Verdict.REDO),  # the issue's case
    (CardOp.UNBLOCK_PIN, S, _ev(B, tries=None), _ev(B), Verdict.NOT_DONE),
    (CardOp.RESET_PIN, S, _ev(A, tries=6), _ev(A, tries=6), Verdict.REDO),    # the issue's case
    (CardOp.RESET_PIN, S, _ev(A, tries=4), _ev(A, tries=6), Verdict.REDO),    # a correct VERIFY does that too
    (CardOp.RESET_PIN, S, _ev(A, tries=0), _ev(A, tries=6), Verdict.DONE),
    (CardOp.RESET_PIN, S, _ev(A, tries=6), _ev(B), Verdict.UNKNOWN),
    (CardOp.RESET_PIN, F, _ev(A, 9, 3), _ev(A, 9, 3), Verdict.NOT_DONE),      # the ATC did not move
    (CardOp.RESET_PIN, F, _ev(A, 9, 3), _ev(A, 10, 3), Verdict.DONE),          # moves only with the effect
    (CardOp.UNBLOCK_PIN, F, _ev(A, 9, 3), _ev(A, 10, 3), Verdict.DONE),
    (CardOp.RESET_PIN, F, _ev(A, 9, 3), _ev(A, 11, 3), Verdict.UNKNOWN),       # another MAC'd command too
    (CardOp.RESET_PIN, F, _ev(A, 0xFFFF, 3), _ev(A, 0xFFFF, 3), Verdict.REDO),  # the ATC stopped counting
])
def test_judge(operation: CardOp, function: Function | None, before: CardEvidence | None, now: CardEvidence,
               verdict: Verdict) -> None:
    finding = judge(operation, function, before, now)
    assert finding.verdict is verdict, finding.reason
    assert finding.reason


@pytest.mark.clause("SSC-WIN-15")
def test_the_evidence_is_stored_before_the_command_and_holds_no_pin(world: World) -> None:
    from sqlalchemy import text

    issued = world.issued(financial=True)
    issued.card.atc = 41
    stored: list[str] = []

    def payload() -> str:
        with world.registry.engine.connect() as conn:
            query = text("SELECT payload FROM card_journal WHERE operation = 'reset_pin'")
            return str(conn.execute(query).scalar_one())

    class Watch(FakeCardOperations):
        def reset_pin(self, function: Function, new_pin: str) -> None:
            stored.append(payload())  # committed before the command is sent
            super().reset_pin(function, new_pin)

    reset_pin(world.bank, issued.card_number, Watch(issued.card, frozenset({Function.FINANCIAL})),
              Function.FINANCIAL, "8642")
    assert '"before": {"atc": 41, "lifecycle": "ACTIVE", "pin_tries": 3}' in stored[0]
    assert issued.card.atc == 42 and issued.card.pins[Function.FINANCIAL] == "8642"
    assert "8642" not in stored[0] and "8642" not in payload()


@pytest.mark.clause("SSC-WIN-15")
def test_cli_resolve_needs_the_holder_then_takes_the_new_pin_again(
        world: World, registry_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``sscard window resolve``: without the holder the interrupted PIN reset stays open (one error line); with
    the new PIN given again on standard input it is redone on the card and recorded once."""
    keys = example_keys()
    ctx = _collected(world, keys)
    with pytest.raises(Killed):
        reset_pin(world.social, ctx.number, DyingOps(ctx.card, "before_apdu", keys, Side.SOCIAL), Function.SOCIAL,
                  NEW_SOCIAL_PIN)
    ctx.card.reset()
    [entry] = pending_operations(world.social)
    monkeypatch.setattr("sscard.connection.PcscConnection", lambda reader: ctx.card)
    args = ["window", "resolve", str(entry.id), "--db", registry_url, "--today", world.clock.today().isoformat(),
            "--keys", str(examples.path(examples.ISSUER_KEYS))]
    assert main(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "needs the holder" in err[0]
    assert pin_holds(ctx.card, Function.SOCIAL, SOCIAL_PIN)
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_SOCIAL_PIN + "\n"))
    assert main([*args, "--new-pin-stdin"]) == 0
    assert NEW_SOCIAL_PIN not in capsys.readouterr().out
    assert pin_holds(ctx.card, Function.SOCIAL, NEW_SOCIAL_PIN)
    assert len(audit_entries(world.social, action="reset_pin")) == 1


# ------------------------------------------------------------------------------------------ issue 14


@pytest.mark.clause("SSC-WIN-33", "SSC-WIN-15")
@pytest.mark.parametrize("at", ["before_apdu", "after_apdu"])
def test_killed_social_pin_change_is_settled_by_the_holders_new_pin(world: World, make_world: Callable[[], World],
                                                                    at: str) -> None:
    """CHANGE PIN with a full counter: the counter is full before and after either way, so recovery asks the
    holder for the new PIN and VERIFY decides (the card of a command never sent refuses it)."""
    keys = example_keys()
    ctx = _collected(world, keys)
    with pytest.raises(Killed):
        change_pin(world.social, ctx.number, DyingOps(ctx.card, at, keys, Side.SOCIAL), Function.SOCIAL,
                   SOCIAL_PIN, NEW_SOCIAL_PIN)
    ctx.card.reset()
    other = make_world()
    [entry] = pending_operations(other.social)
    ops = model_ops(ctx.card, keys, Side.SOCIAL)
    with pytest.raises(OutcomeNeedsHolder, match="enters the new PIN"):
        resolve_pending(other.social, entry.id, ops)
    receipt = resolve_pending(other.social, entry.id, ops, new_pin=NEW_SOCIAL_PIN)
    done = at == "after_apdu"
    assert (receipt is not None) is done and pending_operations(other.social) == []
    assert len(audit_entries(other.social, action="change_pin")) == done
    assert pin_holds(ctx.card, Function.SOCIAL, NEW_SOCIAL_PIN if done else SOCIAL_PIN)
