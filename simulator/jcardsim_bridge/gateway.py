"""A jCardSim card in a JVM, reached through a py4j gateway on loopback."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import selectors
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from types import TracebackType
from typing import Any

from jcardsim_bridge._process import LineTail, spawn, stop_process
from jcardsim_bridge.errors import BridgeError, JarNotFound, JvmStartError

JAR_ENV = "SSCARD_SIM_JAR"
CDS_ENV = "SSCARD_SIM_CDS"
TOKEN_ENV = "SSCARD_GATEWAY_AUTH_TOKEN"
JAR_NAME = "sscard-simulator.jar"
GATEWAY_MAIN = "sscard.sim.GatewayMain"
VPCD_MAIN = "sscard.sim.VpcdMain"
_PORT_LINE = re.compile(rb"^SSCARD-GATEWAY-PORT (\d+)\s*$")
# A JVM for a card simulator needs little; serial GC starts fastest.
JVM_OPTIONS = ("-XX:+UseSerialGC", "-Xms16m", "-Xmx256m", "-XX:-UsePerfData")


@dataclass(frozen=True)
class AppletSpec:
    """An applet to install: its fully qualified Java class, its instance AID and its install data
    (the applet-specific part of the install parameters, GlobalPlatform's La field)."""

    class_name: str
    aid: bytes
    install_data: bytes = b""

    def __post_init__(self) -> None:
        if not 5 <= len(self.aid) <= 16:
            raise ValueError(f"AID {self.aid.hex().upper()} must be 5 to 16 bytes, not {len(self.aid)}")
        if not re.fullmatch(r"[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*", self.class_name):
            raise ValueError(f"{self.class_name!r} is not a Java class name")

    def argument(self) -> str:
        data = f":{self.install_data.hex().upper()}" if self.install_data else ""
        return f"{self.class_name}:{self.aid.hex().upper()}{data}"


def find_jar() -> Path:
    """The simulator jar: ``$SSCARD_SIM_JAR`` if set; else the one an installed wheel carries (package data
    of this package); else ``simulator/target/sscard-simulator.jar`` of the checkout this package runs from."""
    env = os.environ.get(JAR_ENV)
    if env:
        if not Path(env).is_file():
            raise JarNotFound(f"simulator jar not found at {env}: {JAR_ENV} points to a missing file")
        return Path(env)
    packaged = files(__package__ or "jcardsim_bridge") / JAR_NAME
    if isinstance(packaged, Path) and packaged.is_file():  # wheels install unzipped: a real file
        return packaged
    checkout = Path(__file__).resolve().parents[1] / "target" / JAR_NAME
    if not checkout.is_file():
        raise JarNotFound(f"simulator jar not found (not in the installed package, not at {checkout}): build it "
                          f"with `make build` (mvn package), or set {JAR_ENV}")
    return checkout


def find_java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise JvmStartError("no `java` on PATH and JAVA_HOME unset: install OpenJDK 17")
    return java


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sscard"


def class_data_archive(java: str, jar: Path) -> Path | None:
    """A class-data-sharing archive of the simulator's classes for this JVM and this jar, made on first use.

    Loading jCardSim and the applets from an archive instead of the jar cuts the card JVM's start by about a
    fifth. There is one archive per JDK and jar path (a rebuilt jar replaces it), stamped with the JDK's and
    the jar's size and time; one training run (a gateway JVM started and stopped, about a second) makes it.
    A stale or damaged archive only costs speed: the JVM checks it and loads from the jar instead. ``None``
    (load from the jar) when ``$SSCARD_SIM_CDS`` is ``0`` or making the archive failed.
    """
    if os.environ.get(CDS_ENV) == "0":
        return None
    java_path, jar_path = Path(java).resolve(), jar.resolve()
    try:
        identity = f"{java_path} {java_path.stat().st_mtime_ns} {jar_path} {jar_path.stat().st_size} " \
                   f"{jar_path.stat().st_mtime_ns}"
    except OSError:
        return None
    name = hashlib.sha256(f"{java_path}\0{jar_path}".encode()).hexdigest()[:16]
    archive = _cache_dir() / f"simulator-{name}.jsa"
    stamp = archive.with_suffix(".id")
    try:
        if archive.is_file() and stamp.read_text() == identity:
            return archive
    except OSError:
        pass
    partial = archive.with_suffix(f".{os.getpid()}.tmp")
    try:
        archive.parent.mkdir(parents=True, exist_ok=True)
        _, env = gateway_token_env()  # the gateway wants a token; nothing connects to this one
        proc = spawn([java, *JVM_OPTIONS, f"-XX:ArchiveClassesAtExit={partial}", "-cp", str(jar), GATEWAY_MAIN,
                      "--port", "0"], detach=False, stdin_pipe=True, stdout_pipe=True, env=env)
        try:
            read_port_line(proc, None, 30.0)
            assert proc.stdin is not None
            proc.stdin.close()  # EOF: the gateway exits, and the JVM dumps the archive on its way out
            proc.wait(30)
        finally:
            stop_process(proc)
        if proc.returncode != 0 or not partial.is_file():
            return None
        partial.replace(archive)
        stamp_partial = stamp.with_suffix(f".{os.getpid()}.tmp")
        stamp_partial.write_text(identity)
        stamp_partial.replace(stamp)
        return archive
    except (OSError, BridgeError, subprocess.SubprocessError):
        return None  # the card starts without the archive, only slower
    finally:
        partial.unlink(missing_ok=True)  # a failed or interrupted dump leaves nothing behind


def java_command(main: str, applets: Sequence[AppletSpec], extra: Sequence[str] = (),
                 jar: Path | None = None, jvm_options: Sequence[str] = ()) -> list[str]:
    java, jar = find_java(), jar or find_jar()
    archive = class_data_archive(java, jar)
    cds = [f"-XX:SharedArchiveFile={archive}", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"] if archive else []
    argv = [java, *JVM_OPTIONS, *cds, *jvm_options, "-cp", str(jar), main]
    for applet in applets:
        argv += ["--applet", applet.argument()]
    return argv + list(extra)


def read_port_line(proc: subprocess.Popen[bytes], stderr: LineTail | None, timeout: float) -> int:
    """Wait for the ``SSCARD-GATEWAY-PORT <port>`` line a card JVM prints once its gateway listens."""
    assert proc.stdout is not None
    stdout = proc.stdout
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = stdout.readline()
            if not line:
                proc.wait(5)
                why = stderr.text() if stderr else ""
                raise JvmStartError(f"simulator JVM exited with {proc.returncode}: {why}".rstrip(": "))
            match = _PORT_LINE.match(line)
            if match:
                return int(match.group(1))
    raise JvmStartError(f"simulator JVM did not report its gateway port within {timeout:g} s")


@dataclass(frozen=True)
class Fault:
    """A fault the simulator can seed into its card (sscard.sim.Fault, the one list of them)."""

    name: str
    clauses: frozenset[str]
    """The spec clauses a conformance run on a card with this fault fails, and no others."""
    description: str


def _parse_faults(table: str) -> list[Fault]:
    faults = []
    for line in table.splitlines():
        name, clauses, description = line.split("\t")
        faults.append(Fault(name, frozenset(clauses.split(",")), description))
    return faults


def faults(jar: Path | None = None) -> list[Fault]:
    """The faults the simulator jar offers (``GatewayMain --faults``: a short JVM run, no card)."""
    argv = [find_java(), *JVM_OPTIONS, "-cp", str(jar or find_jar()), GATEWAY_MAIN, "--faults"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise JvmStartError(f"cannot list the simulator's faults: {exc}") from None
    if done.returncode != 0:
        raise JvmStartError(f"listing the simulator's faults exited with {done.returncode}: {done.stderr.strip()}")
    return _parse_faults(done.stdout)


def check_fault(name: str, jar: Path | None = None) -> None:
    """Raise :class:`BridgeError` naming the faults when the simulator has no fault ``name``."""
    names = [f.name for f in faults(jar)]
    if name not in names:
        raise BridgeError(f"unknown fault {name!r}; the faults are: {', '.join(names)}")


def gateway_token_env() -> tuple[str, dict[str, str]]:
    """A fresh py4j auth token and the child environment carrying it: py4j hands the whole JVM to
    whoever reaches the port, and the token keeps other local users out."""
    token = secrets.token_hex(16)
    return token, {**os.environ, TOKEN_ENV: token}


class CardControl:
    """The py4j client of a card JVM's gateway: the card's own operations, without PC/SC."""

    def __init__(self, port: int, token: str) -> None:
        from py4j.java_gateway import GatewayParameters, JavaGateway

        self.port = port
        self.token = token  # with the port: what another process needs to reach the same card

        self._gateway: Any = JavaGateway(gateway_parameters=GatewayParameters(
            address="127.0.0.1", port=port, auth_token=token, auto_field=False, auto_close=True,
            eager_load=True))
        self._entry: Any = self._gateway.entry_point

    def _card(self) -> Any:
        if self._entry is None:
            raise BridgeError("the card's gateway is closed")
        return self._entry

    def transmit(self, apdu: bytes) -> bytes:
        """Send one command APDU; returns response data followed by SW1 SW2."""
        return bytes(self._card().transmit(bytes(apdu)))

    def power_cycle(self) -> None:
        """Power off and on: transient memory cleared, nothing selected, persistent state kept."""
        self._card().powerCycle()

    def atr(self) -> bytes:
        return bytes(self._card().atr())

    def install(self, applet: AppletSpec) -> None:
        """Install another applet instance on the current card."""
        self._card().install(applet.class_name, applet.aid.hex().upper(), bytes(applet.install_data))

    def fresh_card(self, applets: Sequence[AppletSpec] = ()) -> None:
        """Replace the card by a brand-new one holding ``applets`` (default: the same applets with the
        same install data as the current card), without restarting the JVM."""
        self._card().freshCard(" ".join(applet.argument() for applet in applets))

    def median_transmit_nanos(self, apdu: bytes, count: int) -> int:
        """Median time of ``count`` transmits measured inside the JVM (no bridge cost)."""
        return int(self._card().medianTransmitNanos(bytes(apdu), count))

    def set_fault(self, name: str | None) -> None:
        """Seed fault ``name`` into the card from the next command on (None: a correct card again); the
        applets' state is kept. An unknown name raises :class:`BridgeError` naming the faults."""
        from py4j.protocol import Py4JJavaError

        try:
            self._card().setFault(name or "")
        except Py4JJavaError as exc:
            raise BridgeError(str(exc.java_exception.getMessage())) from None

    def fault(self) -> str | None:
        """The seeded fault's name, None for a correct card."""
        return str(self._card().fault()) or None

    def faults(self) -> list[Fault]:
        """Every fault the simulator can seed."""
        return _parse_faults(str(self._card().faults()))

    def close(self, *, shutdown: bool) -> None:
        """Disconnect; with ``shutdown`` ask the JVM to exit first (idempotent)."""
        if self._entry is not None and shutdown:
            with contextlib.suppress(Exception):  # the JVM may exit before it answers
                self._entry.shutdown()
        self._entry = None
        with contextlib.suppress(Exception):
            self._gateway.close(keep_callback_server=False, close_callback_server_connections=True)


class Simulator:
    """A jCardSim card in a child JVM.

    Use as a context manager: the JVM is gone when the block exits, also on an exception or
    KeyboardInterrupt, and it exits by itself if this process dies (its stdin closes).
    With no applets given, the gateway installs the social security and financial applets. ``fault`` seeds
    one of the simulator's faults (:func:`faults`) into the card; an unknown one fails the start.
    """

    def __init__(self, applets: Sequence[AppletSpec] = (), *, jar: Path | None = None,
                 start_timeout: float = 30.0, fault: str | None = None) -> None:
        extra = ("--port", "0") + (("--fault", fault) if fault else ())
        self._argv = java_command(GATEWAY_MAIN, applets, extra, jar)
        self._start_timeout = start_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._control: CardControl | None = None

    def __enter__(self) -> Simulator:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def control(self) -> CardControl:
        if self._control is None:
            raise BridgeError("simulator is not running")
        return self._control

    def start(self) -> None:
        if self._proc is not None:
            raise BridgeError("simulator already started")
        token, env = gateway_token_env()
        self._proc = spawn(self._argv, detach=False, stdin_pipe=True, stdout_pipe=True, stderr_pipe=True, env=env)
        try:
            assert self._proc.stderr is not None
            port = read_port_line(self._proc, LineTail(self._proc.stderr), self._start_timeout)
            self._control = CardControl(port, token)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop the JVM (idempotent)."""
        if self._control is not None:
            self._control.close(shutdown=True)
            self._control = None
        if self._proc is not None:
            if self._proc.stdin is not None:
                with contextlib.suppress(OSError):
                    self._proc.stdin.close()  # EOF makes the JVM exit on its own
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(2)
            stop_process(self._proc)
            self._proc = None

    # The card's operations, for convenience.
    def transmit(self, apdu: bytes) -> bytes:
        return self.control.transmit(apdu)

    def power_cycle(self) -> None:
        self.control.power_cycle()

    def atr(self) -> bytes:
        return self.control.atr()

    def install(self, applet: AppletSpec) -> None:
        self.control.install(applet)

    def fresh_card(self, applets: Sequence[AppletSpec] = ()) -> None:
        self.control.fresh_card(applets)

    def set_fault(self, name: str | None) -> None:
        self.control.set_fault(name)

    def fault(self) -> str | None:
        return self.control.fault()

    def median_transmit_nanos(self, apdu: bytes, count: int) -> int:
        return self.control.median_transmit_nanos(apdu, count)
