"""Shared fixtures: the card kinds every host test can run against, and a guard that nothing the tests
start (JVMs, pcscd) outlives them.

Parallel runs (pytest-xdist, ``-n 2``): each worker has a vpcd reader of its own (gw0 "Virtual PCD 00 00",
gw1 "Virtual PCD 00 01"), the controller keeps one pcscd running for all of them (a worker that started it
would stop it after its module, under the other's feet) and checks for leftovers once every worker is done.
Tests marked ``serial`` need the machine alone: a worker skips them; run them without ``-n``
(``make test`` runs ``-m "not serial"`` in parallel, then ``-m serial``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cards import (
    REAL_DESTRUCTIVE_ENV,
    REAL_READER_ENV,
    SM4_SUFFIX,
    CardFactory,
    base_kind,
    card_kinds,
    control_factory,
    model_factory,
    real_factory,
)

from jcardsim_bridge import VPCD_PORTS, Pcscd, PcscdError, Simulator, VirtualReader, pcscd_pids
from jcardsim_bridge._process import cmdline
from sscard import Connection, PcscConnection, SimulatorConnection
from sscard.connection import default_applets

# A real card is one card in one reader: two workers must never drive it at once.
KIND_MARKS = {"simulator": pytest.mark.simulator, "pcsc": pytest.mark.pcsc,
              "real": (pytest.mark.real_card, pytest.mark.serial)}
KIND_MARKS.update({kind + SM4_SUFFIX: (mark, pytest.mark.sm4) for kind, mark in list(KIND_MARKS.items())
                   if kind != "real"})
KIND_MARKS["model" + SM4_SUFFIX] = pytest.mark.sm4

ROOT = Path(__file__).resolve().parents[1]


def xdist_worker(config: pytest.Config) -> str | None:
    """The pytest-xdist worker this process is ("gw0", "gw1", ...), None outside a worker."""
    workerinput: dict[str, object] = getattr(config, "workerinput", {})
    worker = workerinput.get("workerid")
    return str(worker) if worker is not None else None


def xdist_controller(config: pytest.Config) -> bool:
    """Whether this process hands the tests out to xdist workers (and runs none itself)."""
    return xdist_worker(config) is None and getattr(config.option, "dist", "no") != "no"


def reader_port(config: pytest.Config) -> int | None:
    """The vpcd port of this process's virtual readers: run alone, the first free one; under xdist one per
    worker, so that two workers never take the same reader (both would see it free, then collide)."""
    worker = xdist_worker(config)
    if worker is None:
        return None
    ports = sorted(VPCD_PORTS)
    index = int(worker.removeprefix("gw"))
    if index >= len(ports):
        pytest.fail(f"xdist worker {worker}: there are only {len(ports)} virtual readers "
                    f"({', '.join(map(str, ports))}), so the pcsc tests run with -n {len(ports)} at most")
    return ports[index]


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
_SHARED_PCSCD: list[Pcscd] = []


# Every process this run starts inherits the marker; the leak check counts only those, so that another
# session's JVMs or pcscd on the same machine are not taken for this run's leftovers.
RUN_MARKER_ENV = "SSCARD_TEST_RUN"


def started_by_this_run(pid: int) -> bool:
    marker = os.environ.get(RUN_MARKER_ENV)
    if not marker:
        return True
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:  # gone, or not ours to read: not this run's
        return False
    return f"{RUN_MARKER_ENV}={marker}".encode() in environ.split(b"\0")


@pytest.hookimpl(tryfirst=True)  # before xdist starts the workers
def pytest_sessionstart(session: pytest.Session) -> None:
    os.environ.setdefault(RUN_MARKER_ENV, uuid.uuid4().hex)
    _BEFORE["jvm"] = simulator_jvm_pids()
    _BEFORE["pcscd"] = set(pcscd_pids())
    if xdist_controller(session.config) and not _BEFORE["pcscd"]:
        pcscd = Pcscd()
        try:
            pcscd.start()
        except PcscdError:  # not installed or no vpcd: the pcsc tests say so themselves
            pcscd.stop()
        else:
            _SHARED_PCSCD.append(pcscd)


# Tests that need the machine alone, by file (and test): they take both virtual readers, the first reader
# that holds a card, or start pcscd and count the machine's pcscd, so another worker's reader breaks them.
MACHINE_ALONE: dict[str, set[str] | None] = {
    "test_cli_sim.py": None,  # `sscard sim start` takes the first free reader; pcscd started and stopped
    "test_leftovers.py": None,  # a pytest run of its own in a subprocess, with its reader and its pcscd
    "test_packaging.py": None,  # setuptools stages every build of the checkout in its one build/ folder
    "test_pcsc.py": {"test_default_reader_is_first_with_a_card", "test_second_card_gets_the_other_reader"},
}


# Tests that do not run on the SM4 card kinds, by directory and file: what they check is of a 2nd-generation card
# only. Deselected there, not skipped: they say nothing about an SM4 card. The SM4 card's own raw-APDU
# behaviour is tests/applet/test_ssse_sm4.py, which runs on the SM4 kinds only (files named *sm4*).
NOT_ON_SM4: dict[str, dict[str, set[str] | None]] = {
    # 3DES known answers, 8-byte blocks and the 2.0 challenge lengths spelt out in raw APDUs; each has its SM4
    # counterpart in test_ssse_sm4.py (named there). The rest of tests/applet follows the card's generation
    # (applet_helpers.CARD).
    "applet": {
        # test_personalisation_of_an_sm4_card: SM4 PUT KEY (KAT-SM4PUTKEY-1, lengths, check value), profile 30 only
        "test_ssse_perso.py": {"test_put_key", "test_set_access_profile"},
        "test_ssse_pin.py": {"test_reload_refuses_bad_padding"},  # test_reload_refuses_bad_padding_in_an_sm4_block
        "test_ssse_secure_messaging.py": {
            "test_get_challenge",  # test_sm4_mac_with_every_challenge_length, test_a_3des_card_has_no_sm4_lengths
            "test_known_answer_mac",  # test_known_answer_sm4_mac (KAT-SM4MAC-2)
            "test_internal_authenticate"},  # test_internal_authenticate_answers_the_spec_vector (KAT-SM4INT-1)
    },
    "host": {
        # its parameters already make both generations' cards (2.0: 3DES, 3.0: SM4) on every kind
        "test_sm_hardening.py": {"test_the_access_profile_sets_the_challenge_length"},
    },
}


def not_on_sm4(item: pytest.Item) -> bool:
    """Whether ``item`` runs on a card kind of the other generation than it is written for: an SM4 kind and
    one of NOT_ON_SM4, or a 2nd-generation kind and a file for SM4 cards."""
    callspec = getattr(item, "callspec", None)
    kind = None if callspec is None else callspec.params.get("card_factory", callspec.params.get("applet_factory"))
    if not isinstance(kind, str):
        return False
    if "sm4" in item.path.name:
        return not kind.endswith(SM4_SUFFIX)
    if not kind.endswith(SM4_SUFFIX):
        return False
    files = NOT_ON_SM4.get(item.path.parent.name, {})
    names = files.get("*", files.get(item.path.name, set()))
    return names is None or getattr(item, "originalname", item.name) in names


# (Not xdist_group with --dist loadgroup, which would put all of them on one worker: with pytest 9.2 it
# silently stops grouping, pytest-dev/pytest-xdist#1386.)
@pytest.hookimpl(tryfirst=True)  # before `-m serial` / `-m "not serial"` selects
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    deselected = [item for item in items if not_on_sm4(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not not_on_sm4(item)]
    here = Path(__file__).parent
    for item in items:
        names = MACHINE_ALONE.get(item.path.name, set()) if item.path.parent == here else set()
        if names is None or getattr(item, "originalname", item.name) in names:
            item.add_marker(pytest.mark.serial)
    if xdist_worker(config) is None:
        return
    alone = pytest.mark.skip(reason="needs the machine alone (marked serial): run it without -n, e.g. "
                             "`pytest -m serial` after the parallel run, as `make test` does")
    for item in items:
        if item.get_closest_marker("serial"):
            item.add_marker(alone)


@pytest.hookimpl(tryfirst=True)  # on the controller: while the finished workers (and anything they leaked) live
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Belt and braces beside tests/test_leftovers.py: a fixture that leaks a process fails the run.
    # A worker cannot tell its leftovers from the other workers' running processes: the controller
    # checks, once all of them are done.
    while _SHARED_PCSCD:
        _SHARED_PCSCD.pop().stop()
    if os.environ.get("SSCARD_LEFTOVER_PROBE") or xdist_worker(session.config) is not None:
        return
    leaked_jvm = {pid for pid in simulator_jvm_pids() - _BEFORE.get("jvm", set()) if started_by_this_run(pid)}
    leaked_pcscd = {pid for pid in set(pcscd_pids()) - _BEFORE.get("pcscd", set()) if started_by_this_run(pid)}
    if leaked_jvm or leaked_pcscd:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\nLEAKED PROCESSES: simulator JVMs {sorted(leaked_jvm)}, pcscd {sorted(leaked_pcscd)}")


@pytest.fixture(scope="session")
def simulator_jvm() -> Iterator[Simulator]:
    """One JVM for the session (starting one costs ~0.3 s); its card is whatever the last test left."""
    with Simulator() as sim:
        yield sim


@pytest.fixture
def simulator(simulator_jvm: Simulator) -> Simulator:
    """The session's JVM with a brand-new card of the default applets, as a new ``Simulator`` holds: not the
    card an earlier test blocked or terminated (which tests ran earlier depends on the order and, under
    xdist, on the worker)."""
    simulator_jvm.fresh_card(default_applets())
    return simulator_jvm


@pytest.fixture(scope="module")
def virtual_reader(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[VirtualReader]:
    """The virtual PC/SC reader with our card; pcscd started when none runs, stopped after the module."""
    log = tmp_path_factory.mktemp("vpcd") / "vpcd.log"
    with VirtualReader(log=log, port=reader_port(request.config)) as reader:
        yield reader


@pytest.fixture(scope="module")
def controlled_reader(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                      ) -> Iterator[VirtualReader]:
    """The virtual PC/SC reader whose card the tests can swap for a fresh one (control gateway)."""
    log = tmp_path_factory.mktemp("vpcd") / "vpcd.log"
    with VirtualReader(log=log, control=True, port=reader_port(request.config)) as reader:
        yield reader


def _kinds(kinds: list[str]) -> list[object]:
    return [pytest.param(kind, marks=KIND_MARKS.get(kind, ()), id=kind) for kind in kinds]


@pytest.fixture(params=_kinds(card_kinds()))
def card_factory(request: pytest.FixtureRequest) -> Iterator[CardFactory]:
    """Makes cards of each kind in turn: ``card_factory(profile=None, state="ACTIVE")``.

    Connections it made are closed after the test."""
    yield from _factory(request, request.param)


@pytest.fixture(params=_kinds([kind for kind in card_kinds() if base_kind(kind) != "model"]))
def applet_factory(request: pytest.FixtureRequest) -> Iterator[CardFactory]:
    """Like ``card_factory``, but only the kinds that run the applets (simulator, pcsc, real): for the suites
    that check a card against the reference model. The model is their oracle; on the model kind they would
    compare the model with itself, and such a test cannot fail."""
    yield from _factory(request, request.param)


def _factory(request: pytest.FixtureRequest, kind: str) -> Iterator[CardFactory]:
    if base_kind(kind) == "model":
        factory = model_factory(kind)
    elif base_kind(kind) == "simulator":
        sim: Simulator = request.getfixturevalue("simulator_jvm")
        factory = control_factory(kind, sim.control, lambda: SimulatorConnection(sim))
    elif base_kind(kind) == "pcsc":
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
