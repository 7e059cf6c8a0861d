"""Many windows at once on the same people and cards (SSC-WIN-16): one wins, the others get a clear refusal
or conflict, and afterwards every rule holds and the audit log accounts for every accepted operation."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from window_helpers import World

from sscard.spec_tables import Lifecycle
from sscard.window import (
    CardOperationFailed,
    ConflictError,
    ExchangeReason,
    FakeCard,
    Function,
    NotFound,
    Receipt,
    RuleViolation,
    Side,
    SupersededMeanwhile,
    TerminalVerdict,
    Window,
    apply_for_card,
    apply_for_exchange,
    apply_for_replacement,
    audit_entries,
    cancel_loss,
    card_status,
    collect_card,
    pending_operations,
    person_applications,
    person_cards,
    present_card,
    record_production,
    report_loss,
    resolve_pending,
    unblock_pin,
)
from sscard.window.models import ENDED_STATUSES, LOSS_STATUSES, Application, BlacklistEntry, Card, CardStatus

THREADS = 8
OPS_PER_THREAD = 30
PEOPLE = 5
JOIN_TIMEOUT = 300
"""Seconds the workers of one test have, all together, before a worker still running fails the test."""
EXPECTED = (RuleViolation, ConflictError, NotFound, CardOperationFailed, SupersededMeanwhile)


def _run_threads(count: int, body: Callable[[int], None]) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            barrier.wait()
            body(i)
        except BaseException as exc:  # noqa: BLE001 - collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,), name=f"window-worker-{i}", daemon=True)
               for i in range(count)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + JOIN_TIMEOUT
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    stuck = [t.name for t in threads if t.is_alive()]
    assert not stuck, (f"worker thread(s) {', '.join(stuck)} still running {JOIN_TIMEOUT} s after the start: hung"
                       + (f" (another worker failed: {errors[0]!r})" if errors else ""))
    if errors:
        raise errors[0]


@pytest.mark.clause("SSC-WIN-1", "SSC-WIN-16")
def test_one_person_one_card_under_a_race(world: World, make_world: Callable[[], World]) -> None:
    people = [world.person() for _ in range(PEOPLE)]
    worlds = [make_world() for _ in range(2)]  # two registry handles: two machines' connection pools
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def body(i: int) -> None:
        w = worlds[i % 2]
        window = w.window(Side.SOCIAL if i % 2 else Side.BANK, f"W-{i}")
        for ssn in people:
            try:
                apply_for_card(window, ssn, bank="ICBC")
                result = "accepted"
            except (RuleViolation, ConflictError) as exc:
                result = type(exc).__name__
            with lock:
                outcomes.append((ssn, result))

    _run_threads(THREADS, body)
    for ssn in people:
        results = Counter(r for s, r in outcomes if s == ssn)
        assert results["accepted"] == 1, results
        assert sum(results.values()) == THREADS
        assert len(person_applications(world.social, ssn)) == 1
    assert len(audit_entries(world.social, action="apply_card")) == PEOPLE


class Fleet:
    """The fake cards of the test, by card number (shared by the threads)."""

    def __init__(self) -> None:
        self.cards: dict[str, FakeCard] = {}
        self.lock = threading.Lock()

    def add(self, card: FakeCard) -> None:
        with self.lock:
            self.cards[card.card_number] = card

    def get(self, number: str) -> FakeCard:
        with self.lock:
            return self.cards[number]


@pytest.mark.clause("SSC-WIN-16", "SSC-WIN-15", "SSC-WIN-8", "SSC-WIN-9")
def test_conflicting_operations_keep_every_rule(world: World, make_world: Callable[[], World]) -> None:
    fleet = Fleet()
    people = []
    for _ in range(PEOPLE):
        issued = world.issued(financial=True)
        fleet.add(issued.card)
        people.append(issued.ssn)
    setup_ids = {a.id for a in audit_entries(world.social)}
    worlds = [world, make_world()]
    accepted: list[tuple[str, int]] = []
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    def body(i: int) -> None:
        rng = random.Random(1000 + i)
        w = worlds[i % 2]
        windows = {side: w.window(side, f"{side.value}-{i}", bank="ICBC" if side is Side.BANK else None)
                   for side in (Side.SOCIAL, Side.BANK, Side.SOCIAL_PLATFORM, Side.BANK_PLATFORM, Side.TERMINAL)}
        for _ in range(OPS_PER_THREAD):
            ssn = rng.choice(people)
            cards = person_cards(windows[Side.SOCIAL], ssn)
            live = [c.card_number for c in cards if c.status == "active" and c.kind == "regular"]
            number = live[0] if live else rng.choice(cards).card_number
            op = rng.choice(OPERATIONS)
            try:
                result = op(windows, fleet, ssn, number, rng)
            except EXPECTED as exc:
                with lock:
                    counts[f"{op.__name__}:{type(exc).__name__}"] += 1
                continue
            receipts = result.receipts if isinstance(result, TerminalVerdict) else (result,) if result else ()
            with lock:
                counts[f"{op.__name__}:accepted"] += 1
                accepted.extend((r.action, r.audit_id) for r in receipts)

    _run_threads(THREADS, body)
    print("\noutcomes:", dict(sorted(counts.items())))

    # only operations a loss report superseded are left open (SSC-WIN-28); those on a card no longer reported
    # lost are resolved with the card now, the others wait for it
    for entry in pending_operations(world.social):
        assert entry.state == "superseded", entry
        ops = _ops({}, fleet, entry.card_number, Side.TERMINAL)
        try:
            receipt = resolve_pending(world.social, entry.id, ops, holder_present=True)
        except RuleViolation as exc:
            assert exc.clause == "SSC-WIN-28"
            continue
        if receipt is not None:
            accepted.append((receipt.action, receipt.audit_id))
    # the audit log accounts for every accepted operation, and for nothing else
    logged = {a.id: a.action for a in audit_entries(world.social) if a.id not in setup_ids}
    assert sorted(logged.items()) == sorted((audit_id, action) for action, audit_id in accepted)
    for entry in pending_operations(world.social):  # still waiting: the card is reported lost or left use
        view = card_status(world.social, entry.card_number)
        assert entry.state == "superseded" and (view.status != "active" or view.blacklist), (entry, view)
    assert sum(v for k, v in counts.items() if k.endswith(":accepted")) > OPS_PER_THREAD
    _check_rules(world, fleet, people)


# ------------------------------------------------------------------------------------------ operations


Op = Callable[[dict[Side, Window], Fleet, str, str, random.Random], "Receipt | TerminalVerdict | None"]


def _ops(windows: dict[Side, Window], fleet: Fleet, number: str, side: Side) -> Any:
    from sscard.window import FakeCardOperations

    authorities = {Side.SOCIAL: {Function.SOCIAL}, Side.BANK: {Function.FINANCIAL}}.get(
        side, {Function.SOCIAL, Function.FINANCIAL})
    return FakeCardOperations(fleet.get(number), frozenset(authorities))


def loss_temporary(windows: dict[Side, Window], fleet: Fleet, ssn: str, number: str, rng: random.Random) -> Receipt:
    function = rng.choice(list(Function))
    side = Side.SOCIAL_PLATFORM if function is Function.SOCIAL else Side.BANK_PLATFORM
    return report_loss(windows[side], number, function, formal=False)


def loss_formal(windows: dict[Side, Window], fleet: Fleet, ssn: str, number: str, rng: random.Random) -> Receipt:
    function = rng.choice(list(Function))
    return report_loss(windows[Side.SOCIAL if function is Function.SOCIAL else Side.BANK], number, function,
                       formal=True)


def unreport(windows: dict[Side, Window], fleet: Fleet, ssn: str, number: str, rng: random.Random) -> Receipt:
    function = rng.choice(list(Function))
    side = Side.SOCIAL if function is Function.SOCIAL else Side.BANK
    return cancel_loss(windows[side], number, function, _ops(windows, fleet, number, side))


def replace(windows: dict[Side, Window], fleet: Fleet, ssn: str, number: str, rng: random.Random) -> Receipt:
    return apply_for_replacement(windows[Side.SOCIAL], number, bank_loss_receipt="LR")


def exchange(windows: dict[Side, Window], fleet: Fleet, ssn: str, number: str, rng: random.Random) -> Receipt:
    return apply_for_exchange(windows[Side.SOCIAL], number, ExchangeReason.HOLDER_REQUEST)


def produce_and_collect(windows: dict[Side, Window], fleet: Fleet, ssn: str, number: str,
                        rng: random.Random) -> Receipt | None:
    window = windows[Side.SOCIAL]
    apps = [a for a in person_applications(window, ssn) if a.status in ("accepted", "produced")]
    if not apps:
        raise NotFound("no open application")
    app = apps[0]
    if app.status == "accepted":
        n = rng.randrange(1 << 40)
        card = FakeCard(f"440200D156000005{n:016X}", f"C{n % 10**8:08d}")
        fleet.add(card)
        return record_production(window, app.id, card_number=card.card_number, card_id=card.card_id)
    waiting = [c for c in person_cards(window, ssn) if c.status == "awaiting_pickup"]
    if not waiting:
        raise NotFound("nothing to collect")
    return collect_card(window, waiting[0].card_number, _ops(windows, fleet, waiting[0].card_number, Side.SOCIAL))


def terminal(windows: dict[Side, Window], fleet: Fleet, ssn: str, number: str, rng: random.Random) -> TerminalVerdict:
    cards = person_cards(windows[Side.SOCIAL], ssn)
    chosen = rng.choice([c.card_number for c in cards if c.status != "awaiting_pickup"] or [number])
    return present_card(windows[Side.TERMINAL], _ops(windows, fleet, chosen, Side.TERMINAL))


def pin(windows: dict[Side, Window], fleet: Fleet, ssn: str, number: str, rng: random.Random) -> Receipt:
    return unblock_pin(windows[Side.SOCIAL], number, _ops(windows, fleet, number, Side.SOCIAL))


OPERATIONS: list[Op] = [loss_temporary, loss_formal, loss_formal, unreport, unreport, replace, replace, exchange,
                        produce_and_collect, produce_and_collect, produce_and_collect, terminal, terminal, pin]


# ------------------------------------------------------------------------------------------ the rules afterwards


def _check_rules(world: World, fleet: Fleet, people: list[str]) -> None:
    with world.registry.transaction() as s:
        cards = list(s.scalars(select(Card)))
        apps = list(s.scalars(select(Application)))
        blacklist = list(s.scalars(select(BlacklistEntry).where(BlacklistEntry.active_key.is_not(None))))
    by_person: dict[int, list[Card]] = {}
    for card in cards:
        by_person.setdefault(card.person_id, []).append(card)
    listed = {(e.card_id, e.function) for e in blacklist}
    for person_id, owned in by_person.items():
        live = [c for c in owned if c.kind == "regular" and c.status == CardStatus.ACTIVE]
        assert len(live) <= 1, f"person #{person_id} has {len(live)} live cards (art. 9)"
        assert all((c.live_person_id == c.person_id) == (c in live) for c in owned)
        open_apps = [a for a in apps if a.person_id == person_id and a.status in ("accepted", "produced")]
        assert len(open_apps) <= 1
        assert all((a.open_person_id is not None) == (a in open_apps) for a in apps if a.person_id == person_id)
    for card in cards:
        ended = CardStatus(card.status) in ENDED_STATUSES
        assert ((card.id, "card") in listed) == ended, f"card {card.card_number}: {card.status}"
        if card.status == CardStatus.ACTIVE:
            for function, state in (("social", card.social), ("financial", card.financial)):
                assert ((card.id, function) in listed) == (state in LOSS_STATUSES), (card.card_number, function)
        fake = fleet.cards.get(card.card_number)
        if fake is not None and fake.social is Lifecycle.TERMINATED:
            assert ended, f"card {card.card_number} blocked on the card but {card.status} in the registry"
    # replay the audit log card by card: art. 15 and art. 16 held at every step
    for card in cards:
        lost = {"social": False, "financial": False}
        replaced = False
        for entry in audit_entries(world.social, card_number=card.card_number):
            function = entry.detail.get("function")
            if entry.action == "report_loss" and entry.detail.get("formal"):
                lost[function] = True
            elif entry.action == "cancel_loss":
                assert not replaced, f"card {card.card_number}: loss cancelled after a replacement (art. 15)"
                lost[function] = False
            elif entry.action == "apply_replacement":
                assert all(lost.values()), f"card {card.card_number}: replaced without formal loss (art. 16)"
                replaced = True
