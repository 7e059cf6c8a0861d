"""`sscard sim start|stop|status` and `sscard readers` as a user runs them: separate processes, one-line
errors, and stop ends exactly what start started."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from jcardsim_bridge import VirtualReader, pcscd_pids
from jcardsim_bridge._process import pid_alive
from sscard import spec_tables as t

pytestmark = pytest.mark.pcsc
SSCARD = str(Path(sys.executable).with_name("sscard"))


def sscard(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SSCARD, *args], env=env, capture_output=True, text=True, timeout=60)


def assert_one_line_error(run: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("sscard: error: ") and fragment in lines[0], lines[0]
    assert "Traceback" not in run.stderr


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    environment = {**os.environ, "SSCARD_SIM_DIR": str(tmp_path / "state")}
    yield environment
    sscard("sim", "stop", env=environment)  # whatever a failed test left running


PLAIN_PYSCARD = f'''
from smartcard.System import readers
reader = [r for r in readers() if str(r) == {{reader!r}}][0]
connection = reader.createConnection(); connection.connect()
data, sw1, sw2 = connection.transmit(list(bytes.fromhex("00A404000F{t.SSSE_AID.hex()}")))
print("%02X%02X" % (sw1, sw2))
'''


def test_start_status_stop(env: dict[str, str]) -> None:
    pcscd_before = pcscd_pids()
    start = sscard("sim", "start", "--json", env=env)
    assert start.returncode == 0, start.stderr
    state = json.loads(start.stdout)
    assert pid_alive(state["card_pid"]) and state["algorithm"] == "3DES-16"  # a 2nd-generation card by default
    assert state["pcscd_pid"] is None if pcscd_before else pid_alive(state["pcscd_pid"])

    # Another process, plain pyscard, no sscard code: the card is there and answers.
    probe = subprocess.run([sys.executable, "-c", PLAIN_PYSCARD.format(reader=state["reader"])],
                           capture_output=True, text=True, timeout=30)
    assert probe.stdout.strip() == "9000", probe.stderr

    listed = sscard("readers", "--json", env=env)
    assert {"reader": state["reader"], "card": True} .items() <= next(
        r for r in json.loads(listed.stdout) if r["reader"] == state["reader"]).items()

    status = sscard("sim", "status", "--json", env=env)
    assert status.returncode == 0 and json.loads(status.stdout)["running"] is True

    assert_one_line_error(sscard("sim", "start", env=env), "already running")

    stop = sscard("sim", "stop", env=env)
    assert stop.returncode == 0, stop.stderr
    assert not pid_alive(state["card_pid"])
    if state["pcscd_pid"] is not None:
        assert not pid_alive(state["pcscd_pid"])
    assert pcscd_pids() == pcscd_before, "stop must end only what start started"

    status = sscard("sim", "status", env=env)
    assert status.returncode == 3 and status.stdout.strip() == "not running"


def test_stop_without_start(env: dict[str, str]) -> None:
    assert_one_line_error(sscard("sim", "stop", env=env), "no virtual card is running")


def test_no_pcscd_binary(env: dict[str, str]) -> None:
    if pcscd_pids():
        pytest.skip("a pcscd is already running, so start would not look for the binary")
    env["SSCARD_PCSCD"] = "/nonexistent/pcscd"
    assert_one_line_error(sscard("sim", "start", env=env), "pcscd not found at /nonexistent/pcscd")


def test_port_taken(env: dict[str, str], tmp_path: Path) -> None:
    with VirtualReader(port=35963, log=tmp_path / "other.log"):
        assert_one_line_error(sscard("sim", "start", "--port", "35963", env=env), "port 35963 is taken")


def test_stale_state_is_replaced(env: dict[str, str]) -> None:
    state_dir = Path(env["SSCARD_SIM_DIR"])
    state_dir.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (state_dir / "state.json").write_text(json.dumps({
        "reader": "Virtual PCD 00 00", "port": 35963, "card_pid": dead.pid, "pcscd_pid": None,
        "log": "x", "started_at": 0.0}))
    assert sscard("sim", "status", env=env).returncode == 3
    start = sscard("sim", "start", env=env)
    assert start.returncode == 0, start.stderr
    assert sscard("sim", "stop", env=env).returncode == 0


def test_corrupt_state_is_reported(env: dict[str, str]) -> None:
    state_dir = Path(env["SSCARD_SIM_DIR"])
    state_dir.mkdir(parents=True)
    (state_dir / "state.json").write_text("{not json")
    assert_one_line_error(sscard("sim", "status", env=env), "corrupt")


def test_bad_usage_exits_2(env: dict[str, str]) -> None:
    run = sscard("sim", "start", "--port", "1234", env=env)
    assert run.returncode == 2 and "invalid choice" in run.stderr


@pytest.mark.clause("SSC-KEY-5", "SSC-PERSO-5", "SSC-ACC-2")
def test_a_3rd_generation_virtual_card(env: dict[str, str], tmp_path: Path) -> None:
    """`sim start --sm4`: an SM4 card. `sscard personalise` takes it with the 3.0 holder record and the SM4
    issuer keys (3DES keys are refused before any APDU), `sscard info` shows its holder data with those keys
    only, and the issuer commands work on it unchanged."""
    examples = tmp_path / "examples"
    assert sscard("examples", str(examples), env=env).returncode == 0
    start = sscard("sim", "start", "--sm4", "--json", env=env)
    assert start.returncode == 0, start.stderr
    state = json.loads(start.stdout)
    assert state["algorithm"] == "SM4"
    status = sscard("sim", "status", env=env)
    assert status.returncode == 0 and "3rd-generation SM4 card" in status.stdout
    reader = ["--reader", state["reader"]]
    holder, keys = str(examples / "holder-sm4.json"), str(examples / "issuer-keys-sm4.json")
    assert_one_line_error(sscard("personalise", "--holder", holder, "--keys", str(examples / "issuer-keys.json"),
                                 *reader, env=env), "access profile 3.0 needs SM4 keys")
    perso = sscard("personalise", "--holder", holder, "--keys", keys, "--bank-keys", str(examples / "bank-keys.json"),
                   "--json", *reader, env=env)
    assert perso.returncode == 0, perso.stderr
    assert json.loads(perso.stdout)["applications"] == {"social": "ISSUED", "finance": "ISSUED"}
    restricted = json.loads(sscard("info", "--json", *reader, env=env).stdout)
    assert restricted["restricted"] == ["card_number", "holder"] and restricted["card"]["spec_version"] == "3.00"
    info = json.loads(sscard("info", "--json", "--keys", keys, *reader, env=env).stdout)
    assert info["restricted"] == [] and info["holder"]["name"] == "张三"
    assert info["card"]["card_number"] == "K12345678"
    activate = sscard("app", "activate", "--keys", keys, "--json", *reader, env=env)
    assert activate.returncode == 0 and json.loads(activate.stdout)["lifecycle"] == "ACTIVE", activate.stderr
    assert sscard("sim", "stop", env=env).returncode == 0
