"""How long the ``sscard`` command takes to start, side by side with a bare Python, in one run.

    python -c pass        the floor: the interpreter alone
    sscard --help         parser only (no card layers, no window layer)
    sscard --version
    sscard readers        with no pcscd running: pyscard loads and finds no service
    sscard sim start      pcscd and the card JVM up, the card present in the reader
    sscard sim stop       card JVM and pcscd gone

Each is run ``--runs`` times (start and stop alternate); the median wall time is printed next to its
target (issue 15: --help 0.2 s, sim start 0.5 s, sim stop 0.2 s). Not a test: numbers vary with the
machine and its load. Best run with pcscd stopped (then `readers` runs without it and `sim start` starts
its own); a pcscd already running is used, and the output says so.
Usage: python benchmarks/cli_start.py [--runs N] [--sscard PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jcardsim_bridge import pcscd_pids

TARGETS = {"sscard --help": 0.2, "sscard sim start": 0.5, "sscard sim stop": 0.2}


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"`{' '.join(argv)}` failed ({done.returncode}): {done.stderr.decode().strip()}")
    return elapsed


def sscard_command(given: str | None) -> list[str]:
    if given:
        return [given]
    beside = Path(sys.executable).with_name("sscard")  # the console script of this environment
    return [str(beside)] if beside.is_file() else [sys.executable, "-m", "sscard"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sscard", help="the sscard executable (default: the one beside this Python)")
    args = parser.parse_args()
    shared = bool(pcscd_pids())  # someone else's pcscd: measured with it, and `sim start` reuses it
    sscard = sscard_command(args.sscard)
    with tempfile.TemporaryDirectory() as state:
        env = {**os.environ, "SSCARD_SIM_DIR": state}
        samples: dict[str, list[float]] = {name: [] for name in (
            "python -c pass", "sscard --help", "sscard --version", "sscard readers", "sscard sim start",
            "sscard sim stop")}
        for _ in range(args.runs):
            samples["python -c pass"].append(timed([sys.executable, "-c", "pass"], env))
            samples["sscard --help"].append(timed([*sscard, "--help"], env))
            samples["sscard --version"].append(timed([*sscard, "--version"], env))
            samples["sscard readers"].append(timed([*sscard, "readers"], env))
            samples["sscard sim start"].append(timed([*sscard, "sim", "start"], env))
            samples["sscard sim stop"].append(timed([*sscard, "sim", "stop"], env))
    print(f"sscard start-up, median of {args.runs} runs ({' '.join(sscard)}; java: {shutil.which('java')})")
    if shared:
        print("  note: pcscd was already running (not started here): `readers` ran with it, `sim start` reused it")
    for name, values in samples.items():
        median = statistics.median(values)
        target = TARGETS.get(name)
        verdict = "" if target is None else f"  target {target:.2f} s: {'met' if median <= target else 'MISSED'}"
        print(f"  {name:<18} {median:6.3f} s  (min {min(values):.3f}, max {max(values):.3f}){verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
