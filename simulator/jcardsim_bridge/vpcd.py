"""The jCardSim card as a PC/SC reader: our vpcd client (Java) in front of pcscd's vsmartcard driver.

vpcd listens on TCP 35963 (reader ``Virtual PCD 00 00``) and 35964 (``Virtual PCD 00 01``) on all
interfaces; the card is a TCP client of it and connects to 127.0.0.1 only.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from jcardsim_bridge._process import LineTail, cmdline, kill_pid, spawn, stop_process
from jcardsim_bridge.errors import PcscdError, ReaderError
from jcardsim_bridge.gateway import (
    VPCD_MAIN,
    AppletSpec,
    CardControl,
    gateway_token_env,
    java_command,
    read_port_line,
)
from jcardsim_bridge.pcscd import Pcscd, pcsc_readers

VPCD_PORTS: dict[int, str] = {35963: "Virtual PCD 00 00", 35964: "Virtual PCD 00 01"}


def reader_name_for_port(port: int) -> str:
    try:
        return VPCD_PORTS[port]
    except KeyError:
        raise ReaderError(f"port {port} is not a vpcd port (use one of {', '.join(map(str, VPCD_PORTS))})") from None


def card_present(reader: str) -> bool:
    """Whether pcscd sees a card in ``reader``, asked without connecting (so without resetting it)."""
    from smartcard import scard

    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if result != scard.SCARD_S_SUCCESS:
        return False
    try:
        result, states = scard.SCardGetStatusChange(context, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        if result != scard.SCARD_S_SUCCESS:
            return False
        return bool(states[0][1] & scard.SCARD_STATE_PRESENT)
    finally:
        scard.SCardReleaseContext(context)


def is_vpcd_card(pid: int) -> bool:
    return VPCD_MAIN in cmdline(pid)


class VirtualReader:
    """A jCardSim card in a vpcd reader, with pcscd started if none runs.

    ``port=None`` takes the first vpcd port whose reader holds no card. Attached (the default), the
    card JVM and any pcscd started here end with ``stop()`` or this process; detached
    (``sscard sim start``) they run on until stopped by pid. ``control=True`` (attached only) also
    opens the card's py4j gateway as :attr:`control`, e.g. for a fresh card between tests. ``fault`` seeds
    one of the simulator's faults (``jcardsim_bridge.faults()``) into the card.
    """

    def __init__(self, applets: Sequence[AppletSpec] = (), *, port: int | None = None, detach: bool = False,
                 log: Path | None = None, timeout: float = 20.0, jar: Path | None = None,
                 control: bool = False, fault: str | None = None) -> None:
        if port is not None:
            reader_name_for_port(port)
        if control and detach:
            raise ValueError("a detached virtual card has no control gateway")
        self._want_control = control
        self.control: CardControl | None = None
        self._stdout: LineTail | None = None
        self._applets = tuple(applets)
        self.fault = fault
        self._port = port
        self._detach = detach
        self._log = log
        self._timeout = timeout
        self._jar = jar
        self.pcscd = Pcscd(detach=detach, log=log)
        self._card: subprocess.Popen[bytes] | None = None
        self._stderr: LineTail | None = None
        self.port: int | None = None

    def __enter__(self) -> VirtualReader:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def reader(self) -> str:
        if self.port is None:
            raise ReaderError("virtual reader not started")
        return VPCD_PORTS[self.port]

    @property
    def card_pid(self) -> int | None:
        return self._card.pid if self._card is not None else None

    def start(self) -> None:
        # Fails early when the jar is missing. A detached card (`sscard sim start`) is for interactive use:
        # the client compiler alone starts it sooner, and its APDUs are few.
        quick = ("-XX:TieredStopAtLevel=1",) if self._detach else ()
        argv = java_command(VPCD_MAIN, self._applets, jar=self._jar, jvm_options=quick)
        self.pcscd.start()
        try:
            self.port = self._choose_port()
            argv += ["--host", "127.0.0.1", "--port", str(self.port)]
            token, env = gateway_token_env()
            if self._want_control:
                argv += ["--control-port", "0"]
            if self.fault:
                argv += ["--fault", self.fault]
            self._card = spawn(argv, detach=self._detach, log=self._log, stderr_pipe=self._log is None,
                               stdout_pipe=self._want_control, env=env)
            if self._card.stderr is not None:
                self._stderr = LineTail(self._card.stderr)
            if self._want_control:
                port = read_port_line(self._card, self._stderr, self._timeout)
                assert self._card.stdout is not None
                self._stdout = LineTail(self._card.stdout)  # keep draining what it prints later
                self.control = CardControl(port, token)
            self._wait_for_card()
        except BaseException:
            self.stop()
            raise

    def _choose_port(self) -> int:
        offered = pcsc_readers()
        candidates = [self._port] if self._port is not None else list(VPCD_PORTS)
        for port in candidates:
            name = VPCD_PORTS[port]
            if name not in offered:
                raise PcscdError(f"pcscd offers no reader {name!r}: is vsmartcard-vpcd installed "
                                 "(and was pcscd started after it)?")
            if not card_present(name):
                return port
        if self._port is not None:
            raise ReaderError(f"port {self._port} is taken: reader {VPCD_PORTS[self._port]!r} already holds a card")
        raise ReaderError("every vpcd port is taken: both virtual readers already hold a card")

    def _wait_for_card(self) -> None:
        assert self._card is not None
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            if self._card.poll() is not None:
                why = self._stderr.text() if self._stderr else f"see {self._log}"
                raise ReaderError(f"virtual card exited with {self._card.returncode}: {why}")
            if card_present(self.reader):
                return
            time.sleep(0.02)
        raise ReaderError(f"no card appeared in {self.reader!r} within {self._timeout:g} s")

    def stop(self) -> None:
        """Stop the card and wait until pcscd shows the reader empty, so it can be taken again at once."""
        if self.control is not None:
            self.control.close(shutdown=False)
            self.control = None
        if self._card is not None:
            stop_process(self._card)
            self._card = None
            if self.pcscd.started_pid is None and self.port is not None:
                wait_until_empty(self.reader)
        self.pcscd.stop()

    @staticmethod
    def stop_pid(pid: int, reader: str | None = None) -> None:
        """Stop a card that an earlier process started (``sscard sim stop``)."""
        kill_pid(pid, is_ours=is_vpcd_card)
        if reader is not None:
            wait_until_empty(reader)


def wait_until_empty(reader: str, timeout: float = 5.0) -> None:
    """pcscd polls vpcd for the card's presence: wait for it to notice the card left."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and card_present(reader):
        time.sleep(0.02)
