"""Nothing the tests start outlives them: a pytest run that uses every process-starting fixture is
run in a subprocess, and afterwards none of the JVMs or the pcscd it started is alive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jcardsim_bridge import pcscd_pids
from jcardsim_bridge._process import pid_alive

PROBE = '''
import json, os
from jcardsim_bridge import pcscd_pids

def test_probe(simulator, virtual_reader):
    with open(os.environ["SSCARD_LEFTOVER_PROBE"], "w") as out:
        json.dump({"gateway": simulator.pid, "card": virtual_reader.card_pid,
                   "pcscd": virtual_reader.pcscd.started_pid, "all_pcscd": pcscd_pids()}, out)
'''


@pytest.mark.pcsc
def test_no_jvm_or_pcscd_outlives_the_tests(tmp_path: Path) -> None:
    tests = Path(__file__).resolve().parent
    for helper in ("conftest.py", "cards.py"):
        (tmp_path / helper).write_text((tests / helper).read_text())
    (tmp_path / "test_probe.py").write_text(PROBE)
    report = tmp_path / "pids.json"
    env = {**os.environ, "SSCARD_LEFTOVER_PROBE": str(report)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                         env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    pids = json.loads(report.read_text())
    assert pids["gateway"] and pids["card"]
    assert not pid_alive(pids["gateway"]), "gateway JVM outlived the tests"
    assert not pid_alive(pids["card"]), "vpcd card JVM outlived the tests"
    if pids["pcscd"] is not None:  # the probe had to start pcscd itself: it must be gone again
        assert not pid_alive(pids["pcscd"]), "pcscd outlived the tests"
        assert pids["pcscd"] not in pcscd_pids()
