"""A jCardSim card in a JVM, reached through a py4j gateway on loopback."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import selectors
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from jcardsim_bridge._process import LineTail, spawn, stop_process
from jcardsim_bridge.errors import BridgeError, JarNotFound, JvmStartError

JAR_ENV = "SSCARD_SIM_JAR"
TOKEN_ENV = "SSCARD_GATEWAY_AUTH_TOKEN"
JAR_NAME = "sscard-simulator.jar"
GATEWAY_MAIN = "sscard.sim.GatewayMain"
VPCD_MAIN = "sscard.sim.VpcdMain"
_PORT_LINE = re.compile(rb"^SSCARD-GATEWAY-PORT (\d+)\s*$")
# A JVM for a card simulator needs little; serial GC starts fastest.
JVM_OPTIONS = ("-XX:+UseSerialGC", "-Xms16m", "-Xmx256m")


@dataclass(frozen=True)
class AppletSpec:
    """An applet to install: its fully qualified Java class and its instance AID."""

    class_name: str
    aid: bytes

    def __post_init__(self) -> None:
        if not 5 <= len(self.aid) <= 16:
            raise ValueError(f"AID {self.aid.hex().upper()} must be 5 to 16 bytes, not {len(self.aid)}")
        if not re.fullmatch(r"[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*", self.class_name):
            raise ValueError(f"{self.class_name!r} is not a Java class name")

    def argument(self) -> str:
        return f"{self.class_name}:{self.aid.hex().upper()}"


def find_jar() -> Path:
    """The simulator jar: ``$SSCARD_SIM_JAR`` or ``simulator/target/sscard-simulator.jar`` of this checkout."""
    env = os.environ.get(JAR_ENV)
    jar = Path(env) if env else Path(__file__).resolve().parents[1] / "target" / JAR_NAME
    if not jar.is_file():
        hint = f"{JAR_ENV} points to a missing file" if env else "build it with `make build` (mvn package)"
        raise JarNotFound(f"simulator jar not found at {jar}: {hint}")
    return jar


def find_java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise JvmStartError("no `java` on PATH and JAVA_HOME unset: install OpenJDK 17")
    return java


def java_command(main: str, applets: Sequence[AppletSpec], extra: Sequence[str] = (),
                 jar: Path | None = None) -> list[str]:
    argv = [find_java(), *JVM_OPTIONS, "-cp", str(jar or find_jar()), main]
    for applet in applets:
        argv += ["--applet", applet.argument()]
    return argv + list(extra)


class Simulator:
    """A jCardSim card in a child JVM.

    Use as a context manager: the JVM is gone when the block exits, also on an exception or
    KeyboardInterrupt, and it exits by itself if this process dies (its stdin closes).
    With no applets given, the gateway installs the social security and financial applets.
    """

    def __init__(self, applets: Sequence[AppletSpec] = (), *, jar: Path | None = None,
                 start_timeout: float = 30.0) -> None:
        self._argv = java_command(GATEWAY_MAIN, applets, ("--port", "0"), jar)
        self._start_timeout = start_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._gateway: Any = None
        self._entry: Any = None
        self._stderr: LineTail | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> Simulator:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        if self._proc is not None:
            raise BridgeError("simulator already started")
        # py4j hands out the whole JVM to whoever reaches the port: a per-process token keeps other
        # local users out.
        token = secrets.token_hex(16)
        self._proc = spawn(self._argv, detach=False, stdin_pipe=True, stdout_pipe=True, stderr_pipe=True,
                           env={**os.environ, TOKEN_ENV: token})
        try:
            assert self._proc.stderr is not None
            self._stderr = LineTail(self._proc.stderr)
            port = self._read_port()
            from py4j.java_gateway import GatewayParameters, JavaGateway

            self._gateway = JavaGateway(gateway_parameters=GatewayParameters(
                address="127.0.0.1", port=port, auth_token=token, auto_field=False, auto_close=True,
                eager_load=True))
            self._entry = self._gateway.entry_point
        except BaseException:
            self.close()
            raise

    def _read_port(self) -> int:
        assert self._proc is not None and self._proc.stdout is not None
        stdout = self._proc.stdout
        deadline = time.monotonic() + self._start_timeout
        with selectors.DefaultSelector() as sel:
            sel.register(stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
                    break
                line = stdout.readline()
                if not line:
                    self._proc.wait(5)
                    why = self._stderr.text() if self._stderr else ""
                    raise JvmStartError(f"simulator JVM exited with {self._proc.returncode}: {why}".rstrip(": "))
                match = _PORT_LINE.match(line)
                if match:
                    return int(match.group(1))
        raise JvmStartError(f"simulator JVM did not report its gateway port within {self._start_timeout:g} s")

    def close(self) -> None:
        """Stop the JVM (idempotent)."""
        if self._entry is not None:
            try:
                self._entry.shutdown()
            except Exception:  # noqa: BLE001 - the JVM may exit before it answers
                pass
            self._entry = None
        if self._gateway is not None:
            try:
                self._gateway.close(keep_callback_server=False, close_callback_server_connections=True)
            except Exception:  # noqa: BLE001
                pass
            self._gateway = None
        if self._proc is not None:
            if self._proc.stdin is not None:
                try:
                    self._proc.stdin.close()  # EOF makes the JVM exit on its own
                except OSError:
                    pass
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(2)
            stop_process(self._proc)
            self._proc = None

    # -- the card --------------------------------------------------------------------------------
    def _card(self) -> Any:
        if self._entry is None:
            raise BridgeError("simulator is not running")
        return self._entry

    def transmit(self, apdu: bytes) -> bytes:
        """Send one command APDU; returns response data followed by SW1 SW2."""
        return bytes(self._card().transmit(bytes(apdu)))

    def power_cycle(self) -> None:
        """Power off and on: transient memory cleared, nothing selected, persistent state kept."""
        self._card().powerCycle()

    def atr(self) -> bytes:
        return bytes(self._card().atr())

    def install(self, applet: AppletSpec, params: bytes = b"") -> None:
        """Install another applet instance; ``params`` are its application install parameters."""
        self._card().install(applet.class_name, applet.aid.hex().upper(), bytes(params))

    def median_transmit_nanos(self, apdu: bytes, count: int) -> int:
        """Median time of ``count`` transmits measured inside the JVM (no bridge cost)."""
        return int(self._card().medianTransmitNanos(bytes(apdu), count))
