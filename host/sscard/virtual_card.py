"""The virtual card that outlives one command: ``sscard sim start`` / ``stop`` / ``status``.

The card (a JVM running our vpcd client around jCardSim) and, when none was running, pcscd are started
detached; their pids go into a state file so that ``stop`` ends exactly what ``start`` started and
nothing else. The card's state lives as long as that JVM.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sscard.errors import SimulatorError

STATE_ENV = "SSCARD_SIM_DIR"


def state_dir() -> Path:
    env = os.environ.get(STATE_ENV)
    if env:
        return Path(env)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return Path(runtime) / "sscard-sim" if runtime else Path(f"/tmp/sscard-sim-{os.getuid()}")


@dataclass(frozen=True)
class VirtualCardState:
    """What ``sim start`` started."""

    reader: str
    port: int
    card_pid: int
    pcscd_pid: int | None  # set only when start had to start pcscd itself
    log: str
    started_at: float
    # the card's key algorithm (SSC-KEY-5): "3DES-16", a 2nd-generation card, or "SM4", a 3rd-generation one;
    # state files of earlier versions name none, and their cards were 3DES ones
    algorithm: str = "3DES-16"
    # the simulator fault seeded into the card (jcardsim_bridge.faults()), None for a correct card
    fault: str | None = None

    @property
    def running(self) -> bool:
        from jcardsim_bridge.vpcd import is_vpcd_card

        return is_vpcd_card(self.card_pid)


def _state_file() -> Path:
    return state_dir() / "state.json"


def load_state() -> VirtualCardState | None:
    path = _state_file()
    try:
        raw = json.loads(path.read_text())
        return VirtualCardState(**raw)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as exc:
        raise SimulatorError(f"{path} is corrupt ({exc}): remove it and stop any stray card by hand") from None


def start(port: int | None = None, timeout: float = 20.0, *, algorithm: str = "3DES-16",
          fault: str | None = None) -> VirtualCardState:
    """Start the virtual card behind a PC/SC reader; returns once pcscd shows the card. ``algorithm="SM4"``
    installs a 3rd-generation card (its social security keys SM4, SSC-KEY-5), to be personalised with
    access profile 3.0 and SM4 issuer keys; the default is a 2nd-generation 3DES card. ``fault`` seeds one
    of the simulator's faults (``jcardsim_bridge.faults()``): a faulty reference card."""
    from jcardsim_bridge import BridgeError, VirtualReader, check_fault
    from sscard.connection import default_applets

    applets = default_applets(algorithm=algorithm)  # an unknown algorithm: ValueError, before anything starts
    if fault is not None:
        try:
            check_fault(fault)  # before anything starts
        except BridgeError as exc:
            raise SimulatorError(str(exc)) from None

    previous = load_state()
    if previous is not None:
        if previous.running:
            raise SimulatorError(f"the virtual card is already running in {previous.reader!r} "
                                 f"(pid {previous.card_pid}): `sscard sim stop` first")
        _forget()  # left over from a card that died; its pcscd may still serve others, so keep it
    log = state_dir() / "sim.log"
    reader = VirtualReader(applets, port=port, detach=True, log=log, timeout=timeout, fault=fault)
    try:
        reader.start()
    except BridgeError as exc:
        raise SimulatorError(str(exc)) from None
    assert reader.port is not None and reader.card_pid is not None
    state = VirtualCardState(reader=reader.reader, port=reader.port, card_pid=reader.card_pid,
                             pcscd_pid=reader.pcscd.started_pid, log=str(log), started_at=time.time(),
                             algorithm=algorithm, fault=fault)
    try:
        state_dir().mkdir(parents=True, exist_ok=True)
        tmp = _state_file().with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(state), indent=2) + "\n")
        tmp.replace(_state_file())
    except BaseException:  # Ctrl-C or a full disk: a card nobody could `sim stop` must not stay behind
        reader.stop()
        raise
    return state


def stop() -> VirtualCardState:
    """Stop the card, and pcscd if ``start`` started it."""
    from jcardsim_bridge import Pcscd, VirtualReader

    state = load_state()
    if state is None:
        raise SimulatorError("no virtual card is running: nothing to stop")
    if state.pcscd_pid is not None:
        VirtualReader.stop_pid(state.card_pid)
        Pcscd.stop_pid(state.pcscd_pid)
    else:  # pcscd stays for others: return once it shows the reader empty
        VirtualReader.stop_pid(state.card_pid, state.reader)
    _forget()
    return state


def status() -> VirtualCardState | None:
    """The running virtual card, or None."""
    state = load_state()
    return state if state is not None and state.running else None


def _forget() -> None:
    _state_file().unlink(missing_ok=True)
