"""The py4j bridge to jCardSim: the card answers, and the JVM never outlives its owner."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from jcardsim_bridge import AppletSpec, JvmStartError, Simulator
from jcardsim_bridge._process import pid_alive
from sscard import SimulatorConnection, send_and_receive
from sscard import spec_tables as t

pytestmark = pytest.mark.simulator


def select(aid: bytes) -> bytes:
    return bytes((0x00, 0xA4, 0x04, 0x00, len(aid))) + aid


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("aid", [t.SSSE_AID, t.PBOC_AID], ids=["ssse", "pboc"])
def test_select_both_applications(simulator: Simulator, aid: bytes) -> None:
    with SimulatorConnection(simulator) as card:
        card.reset()
        assert send_and_receive(card, select(aid))[1] == 0x9000


def test_unknown_aid_is_not_found(simulator: Simulator) -> None:
    simulator.power_cycle()
    assert simulator.transmit(select(bytes.fromhex("A0000000FFFFFF")))[-2:] == bytes.fromhex("6A82")


def test_atr_and_power_cycle(simulator: Simulator) -> None:
    atr = simulator.atr()
    assert atr[0] in (0x3B, 0x3F)
    simulator.power_cycle()
    assert simulator.transmit(select(t.SSSE_AID))[-2:] == b"\x90\x00"


def test_median_inside_jvm_is_measured(simulator: Simulator) -> None:
    assert simulator.median_transmit_nanos(select(t.SSSE_AID), 50) > 0


def test_connection_owns_its_jvm() -> None:
    card = SimulatorConnection()
    pid = card.simulator.pid
    assert pid is not None and pid_alive(pid)
    assert send_and_receive(card, select(t.PBOC_AID))[1] == 0x9000
    card.close()
    assert wait_gone(pid)


def test_jvm_gone_after_exception_in_block() -> None:
    pid = None
    with pytest.raises(RuntimeError), Simulator() as sim:
        pid = sim.pid
        raise RuntimeError("boom")
    assert pid is not None and wait_gone(pid)


def test_jvm_gone_after_keyboard_interrupt() -> None:
    pid = None
    with pytest.raises(KeyboardInterrupt), Simulator() as sim:
        pid = sim.pid
        raise KeyboardInterrupt
    assert pid is not None and wait_gone(pid)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["sigkill", "sigterm"])
def test_jvm_gone_when_python_parent_dies(how: signal.Signals) -> None:
    script = textwrap.dedent("""
        import sys, time
        from jcardsim_bridge import Simulator
        sim = Simulator(); sim.start()
        print(sim.pid, flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    jvm = int(parent.stdout.readline())
    assert pid_alive(jvm)
    os.kill(parent.pid, how)
    parent.wait(10)
    parent.stdout.close()
    assert wait_gone(jvm), f"JVM {jvm} outlived its parent"


def test_install_any_applet(simulator: Simulator) -> None:
    # The bridge is generic: a second instance of an applet class at another AID of the same RID.
    other = AppletSpec(t.PBOC_APPLET_CLASS, bytes.fromhex("A000000333010102"))
    simulator.install(other)
    simulator.power_cycle()
    assert simulator.transmit(select(other.aid))[-2:] == b"\x90\x00"


def test_unknown_applet_class_is_refused(simulator: Simulator) -> None:
    from py4j.protocol import Py4JJavaError

    with pytest.raises(Py4JJavaError, match="no.such.Applet"):
        simulator.install(AppletSpec("no.such.Applet", bytes.fromhex("A000000333FF0102")))


def test_bad_applet_spec() -> None:
    with pytest.raises(ValueError, match="5 to 16 bytes"):
        AppletSpec("a.B", b"\x01\x02")
    with pytest.raises(ValueError, match="not a Java class name"):
        AppletSpec("1nope", bytes(5))


def test_missing_jar_is_reported(tmp_path: os.PathLike[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from jcardsim_bridge import JarNotFound

    monkeypatch.setenv("SSCARD_SIM_JAR", str(tmp_path) + "/missing.jar")
    with pytest.raises(JarNotFound, match="missing.jar"):
        Simulator()


def test_jvm_failure_is_reported(tmp_path: os.PathLike[str], monkeypatch: pytest.MonkeyPatch) -> None:
    bogus = f"{tmp_path}/bogus.jar"
    with open(bogus, "wb") as fh:
        fh.write(b"not a jar")
    monkeypatch.setenv("SSCARD_SIM_JAR", bogus)
    with pytest.raises(JvmStartError, match="exited"):
        Simulator(start_timeout=20).start()


def test_class_data_archive_made_once_per_jdk_and_jar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The JVM's class-data-sharing archive (a faster card start) is made by one training run, then reused;
    ``SSCARD_SIM_CDS=0`` goes without it."""
    from jcardsim_bridge import find_jar, gateway

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    java, jar = gateway.find_java(), find_jar()
    archive = gateway.class_data_archive(java, jar)
    assert archive is not None and archive.parent == tmp_path / "sscard" and archive.stat().st_size > 0
    assert set(archive.parent.iterdir()) == {archive, archive.with_suffix(".id")}  # no partial dump left

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("a second training run")

    monkeypatch.setattr(gateway, "spawn", no_training)
    assert gateway.class_data_archive(java, jar) == archive
    archive.with_suffix(".id").write_text("another jar")  # the jar was rebuilt: the archive is made again
    with pytest.raises(AssertionError, match="a second training run"):
        gateway.class_data_archive(java, jar)
    monkeypatch.setenv("SSCARD_SIM_CDS", "0")
    assert gateway.class_data_archive(java, jar) is None
    assert not any("SharedArchiveFile" in arg for arg in gateway.java_command(gateway.GATEWAY_MAIN, []))


def test_a_damaged_archive_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jcardsim_bridge import find_jar, gateway

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    archive = gateway.class_data_archive(gateway.find_java(), find_jar())
    assert archive is not None
    archive.chmod(0o600)
    archive.write_bytes(b"not an archive")
    with Simulator() as sim:
        assert sim.transmit(select(t.SSSE_AID))[-2:] == b"\x90\x00"
