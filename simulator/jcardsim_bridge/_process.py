"""Child-process plumbing shared by the gateway JVM, the vpcd card JVM and pcscd."""

from __future__ import annotations

import collections
import contextlib
import ctypes
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: the kernel sends SIGTERM when the parent dies, so a
    # crashed or SIGKILLed Python leaves no JVM or pcscd behind.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(argv: list[str], *, detach: bool, log: Path | None = None, stdin_pipe: bool = False,
          stdout_pipe: bool = False, stderr_pipe: bool = False,
          env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start ``argv``.

    Attached children die with this process (parent-death signal); detached ones get a session of
    their own and outlive it (``sscard sim start``). Output goes to ``log`` (or nowhere); a piped
    stream must be drained by the caller.
    """
    out: int | IO[bytes]
    log_file: IO[bytes] | None = None
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        log_file = open(log, "ab")  # noqa: SIM115 - handed to the child, closed below
        out = log_file
    else:
        out = subprocess.DEVNULL
    try:
        return subprocess.Popen(
            argv,
            stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL,
            stdout=subprocess.PIPE if stdout_pipe else out,
            stderr=subprocess.PIPE if stderr_pipe else out,
            start_new_session=detach,
            preexec_fn=None if detach else _die_with_parent,  # noqa: PLW1509 - no threads forked here
            close_fds=True,
            env=env,
        )
    finally:
        if log_file is not None:
            log_file.close()


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """SIGTERM, then SIGKILL after ``timeout``; always reaps."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def pid_alive(pid: int) -> bool:
    """True when ``pid`` is a live (not zombie) process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # The state letter follows the parenthesised command name, which may itself hold spaces.
    state = stat.rsplit(")", 1)[1].split()[0]
    return state not in ("Z", "X")


def kill_pid(pid: int, timeout: float = 5.0, *, is_ours: Callable[[int], bool]) -> None:
    """Terminate a process that another invocation started (known only by pid).

    ``is_ours`` guards against pid reuse: the pid is signalled only while it still is the process we
    started.
    """
    if not pid_alive(pid) or not is_ours(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            _reap(pid)
            return
        time.sleep(0.01)  # a JVM or pcscd ends within tens of ms: `sim stop` returns as soon as it has
    os.kill(pid, signal.SIGKILL)
    _reap(pid)


def cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


class LineTail:
    """Drains a child's pipe in a thread, keeping the last lines for error messages."""

    def __init__(self, stream: IO[bytes], keep: int = 20) -> None:
        self.lines: collections.deque[str] = collections.deque(maxlen=keep)
        self._thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self._thread.start()

    def _run(self, stream: IO[bytes]) -> None:
        try:
            for raw in stream:
                self.lines.append(raw.decode(errors="replace").rstrip())
        except (OSError, ValueError):
            pass

    def text(self) -> str:
        return " | ".join(line for line in self.lines if line)
