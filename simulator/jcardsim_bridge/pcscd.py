"""Finding, starting and stopping pcscd (there is one per machine, and no systemd here to start it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from types import TracebackType

from jcardsim_bridge._process import cmdline, kill_pid, pid_alive, spawn, stop_process
from jcardsim_bridge.errors import PcscdError

PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")


def pcscd_pids() -> list[int]:
    """Pids of the live pcscd processes on this machine."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if (proc / "comm").read_text().strip() != "pcscd":
                continue
        except OSError:
            continue
        if pid_alive(int(proc.name)):
            pids.append(int(proc.name))
    return sorted(pids)


def find_pcscd() -> str:
    """The pcscd binary: ``$SSCARD_PCSCD``, else PATH, else /usr/sbin (often not on a user's PATH)."""
    override = os.environ.get("SSCARD_PCSCD")
    if override is not None:
        if not Path(override).is_file():
            raise PcscdError(f"pcscd not found at {override} (SSCARD_PCSCD)")
        return override
    for candidate in (shutil.which("pcscd"), "/usr/sbin/pcscd"):
        if candidate and Path(candidate).is_file():
            return candidate
    raise PcscdError("pcscd not found: install the Debian packages pcscd and vsmartcard-vpcd (`make setup`)")


def is_pcscd(pid: int) -> bool:
    args = cmdline(pid)
    return bool(args) and Path(args[0]).name == "pcscd"


def pcsc_readers() -> list[str]:
    """Reader names pcscd offers now (empty when it is not answering)."""
    from smartcard.Exceptions import ListReadersException
    from smartcard.pcsc.PCSCExceptions import BaseSCardException
    from smartcard.System import readers

    try:
        return [str(reader) for reader in readers()]
    except (ListReadersException, BaseSCardException):
        return []


class Pcscd:
    """pcscd for as long as it is needed.

    ``start()`` reuses a running pcscd, or starts one (in the foreground mode, so that its pid is known)
    and remembers that it did; ``stop()`` ends only a pcscd this object started.
    """

    def __init__(self, *, detach: bool = False, log: Path | None = None, timeout: float = 10.0) -> None:
        self._detach = detach
        self._log = log
        self._timeout = timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self.started_pid: int | None = None

    def __enter__(self) -> Pcscd:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        if not pcscd_pids():
            self._proc = spawn([find_pcscd(), "--foreground"], detach=self._detach, log=self._log)
            self.started_pid = self._proc.pid
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                where = self._log or "its output"
                raise PcscdError(f"pcscd exited with {self._proc.returncode} at start (see {where})")
            if PCSCD_SOCKET.exists() and pcsc_readers():
                return
            time.sleep(0.01)  # its socket and readers appear within tens of ms: `sim start` waits no longer
        if not pcscd_pids():
            raise PcscdError("pcscd is not running and did not start")
        raise PcscdError(f"pcscd offers no reader after {self._timeout:g} s: is vsmartcard-vpcd installed?")

    def stop(self) -> None:
        if self._proc is not None:
            stop_process(self._proc)
            self._proc = None
        self.started_pid = None

    @staticmethod
    def stop_pid(pid: int) -> None:
        """Stop a pcscd that an earlier process started (``sscard sim stop``)."""
        kill_pid(pid, is_ours=is_pcscd)
