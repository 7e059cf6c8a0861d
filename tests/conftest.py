"""Shared fixtures: the card kinds every host test can run against, and a guard that nothing the tests
start (JVMs, pcscd) outlives them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from jcardsim_bridge import Simulator, VirtualReader, pcscd_pids
from jcardsim_bridge._process import cmdline

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
