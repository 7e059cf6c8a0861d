"""Shared fixtures: the card kinds every host test can run against, and a guard that nothing the tests
start (JVMs, pcscd) outlives them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cards import (
    REAL_DESTRUCTIVE_ENV,
    REAL_READER_ENV,
    CardFactory,
    card_kinds,
    control_factory,
    model_factory,
    real_factory,
)

from jcardsim_bridge import Simulator, VirtualReader, pcscd_pids
from jcardsim_bridge._process import cmdline
from sscard import Connection, PcscConnection, SimulatorConnection

KIND_MARKS = {"simulator": pytest.mark.simulator, "pcsc": pytest.mark.pcsc, "real": pytest.mark.real_card}

ROOT = Path(__file__).resolve().parents[1]


def simulator_jvm_pids() -> set[int]:
    """Live JVMs running the simulator jar (gateway or vpcd card)."""
    pids = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and any("sscard-simulator.jar" in arg for arg in cmdline(int(proc.name))):
            from jcardsim_bridge._process import pid_alive

            if pid_alive(int(proc.name)):
                pids.add(int(proc.name))
    return pids


_BEFORE: dict[str, set[int]] = {}


def pytest_sessionstart(session: pytest.Session) -> None:
    _BEFORE["jvm"] = simulator_jvm_pids()
    _BEFORE["pcscd"] = set(pcscd_pids())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Belt and braces beside tests/test_leftovers.py: a fixture that leaks a process fails the run.
    if os.environ.get("SSCARD_LEFTOVER_PROBE"):
        return
    leaked_jvm = simulator_jvm_pids() - _BEFORE.get("jvm", set())
    leaked_pcscd = set(pcscd_pids()) - _BEFORE.get("pcscd", set())
    if leaked_jvm or leaked_pcscd:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\nLEAKED PROCESSES: simulator JVMs {sorted(leaked_jvm)}, pcscd {sorted(leaked_pcscd)}")


@pytest.fixture(scope="session")
def simulator() -> Iterator[Simulator]:
    """One JVM for the session (starting one costs ~0.3 s)."""
    with Simulator() as sim:
        yield sim


@pytest.fixture(scope="module")
def virtual_reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtualReader]:
    """The virtual PC/SC reader with our card; pcscd started when none runs, stopped after the module."""
    log = tmp_path_factory.mktemp("vpcd") / "vpcd.log"
    with VirtualReader(log=log) as reader:
        yield reader


@pytest.fixture(scope="module")
def controlled_reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtualReader]:
    """The virtual PC/SC reader whose card the tests can swap for a fresh one (control gateway)."""
    log = tmp_path_factory.mktemp("vpcd") / "vpcd.log"
    with VirtualReader(log=log, control=True) as reader:
        yield reader


@pytest.fixture(params=[pytest.param(kind, marks=KIND_MARKS.get(kind, ())) for kind in card_kinds()])
def card_factory(request: pytest.FixtureRequest) -> Iterator[CardFactory]:
    """Makes cards of each kind in turn: ``card_factory(profile=None, state="ACTIVE")``.

    Connections it made are closed after the test."""
    kind: str = request.param
    if kind == "model":
        factory = model_factory()
    elif kind == "simulator":
        sim: Simulator = request.getfixturevalue("simulator")
        factory = control_factory(kind, sim.control, lambda: SimulatorConnection(sim))
    elif kind == "pcsc":
        reader: VirtualReader = request.getfixturevalue("controlled_reader")
        assert reader.control is not None
        factory = control_factory(kind, reader.control, lambda: PcscConnection(reader.reader))
    else:
        if request.node.get_closest_marker("fresh_card"):
            pytest.skip("needs a fresh card: it changes or counts state a real card cannot be brought back from")
        # A real card is never changed by accident: only tests marked read_only run on it unless the
        # tester says the card in the reader is a test card that may be changed (and locked).
        if not request.node.get_closest_marker("read_only") and os.environ.get(REAL_DESTRUCTIVE_ENV) != "yes":
            pytest.skip(f"may change the card: set {REAL_DESTRUCTIVE_ENV}=yes to run it on a real test card")
        factory = real_factory(os.environ[REAL_READER_ENV])
    opened: list[Connection] = []
    original = factory._new
    factory._new = lambda profile: _remember(opened, original(profile))
    yield factory
    for connection in opened:
        connection.close()


def _remember(opened: list[Connection], connection: Connection) -> Connection:
    opened.append(connection)
    return connection


@pytest.fixture
def card(card_factory: CardFactory) -> Connection:
    """A card of each kind, personalised from the example profile and ACTIVE."""
    return card_factory()
