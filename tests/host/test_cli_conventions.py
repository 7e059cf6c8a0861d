"""The ``sscard`` command's conventions (issue 15): ``--version`` and ``python -m sscard``, ``SSCARD_READER``,
``--trace`` (every APDU, masked), ``--log-level``, shell completion, ``sscard examples``, Ctrl-C as one line
and exit 130, and a ``--help`` that imports none of the card, simulator or window layers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cards import model_factory
from host_helpers import INITIAL_PIN, personalised_card
from test_cli_commands import Cli

import sscard
from sscard import examples
from sscard.cli import EXIT_INTERRUPTED, build_parser, command_word, main, readers

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("host", "simulator", "."))}


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(monkeypatch, capsys)


def run_sscard(*argv: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sscard", *argv], env=ENV, capture_output=True, text=True,
                          check=False, timeout=60, **kwargs)  # type: ignore[call-overload]


def test_version_from_the_one_version_source(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"sscard {sscard.__version__}\n"
    done = run_sscard("--version")  # python -m sscard is the same command
    assert done.returncode == 0 and done.stdout == f"sscard {sscard.__version__}\n"


def test_help_imports_no_card_simulator_or_window_layer() -> None:
    heavy = ["cryptography", "smartcard", "py4j", "jcardsim_bridge", "sqlalchemy", "alembic", "construct",
             "sscard.window", "sscard.connection", "sscard.cli.window"]
    probe = ("import sys\nfrom sscard.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             f"print('LOADED', [m for m in {heavy!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], env=ENV, capture_output=True, text=True, check=True)
    assert "window" in done.stdout  # listed, though its parser was not built
    assert done.stdout.strip().splitlines()[-1] == "LOADED []"


def test_the_window_parser_is_built_when_named() -> None:
    assert command_word(["--log-level", "debug", "--trace", "window", "demo"]) == "window"
    assert command_word(["--version"]) is None
    args = build_parser(full=False, command="window").parse_args(["window", "status", "K00000001"])
    assert args.window_command == "status"


def test_sscard_reader_is_the_default_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSCARD_READER", "Virtual PCD 00 01")
    parser = build_parser()
    assert parser.parse_args(["info"]).reader == "Virtual PCD 00 01"
    assert parser.parse_args(["pin", "status", "--reader", "R2"]).reader == "R2"
    assert parser.parse_args(["window", "status", "K1"]).reader == "Virtual PCD 00 01"
    monkeypatch.delenv("SSCARD_READER")
    assert build_parser().parse_args(["info"]).reader is None


@pytest.mark.clause("SSC-PIN-2")
def test_trace_shows_every_apdu_with_the_pin_masked(cli: Cli) -> None:
    cli.insert(personalised_card(model_factory()))
    code, out, err = cli("--trace", "pin", "verify", stdin=f"{INITIAL_PIN}\n")
    assert code == 0 and "PIN correct" in out
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("APDU ") for line in lines), err
    verify = [line for line in lines if "masked" in line]
    assert verify, "the VERIFY exchange shows with its data masked"
    assert INITIAL_PIN.encode().hex() not in err.lower() and INITIAL_PIN not in err
    code, out, err = cli("pin", "status")  # without --trace: no APDU lines
    assert code == 0 and err == ""


def test_log_level_shows_the_library_logs(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'registry.db'}"
    quiet = run_sscard("window", "init", "--db", db)
    assert quiet.returncode == 0 and "INFO" not in quiet.stderr
    loud = run_sscard("--log-level", "info", "window", "init", "--db", f"sqlite:///{tmp_path / 'other.db'}")
    assert loud.returncode == 0 and "sscard: INFO: alembic" in loud.stderr


def test_examples_writes_the_packaged_files(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli("examples", str(tmp_path / "ex"))
    assert code == 0 and "TEST keys" in err
    written = [Path(line) for line in out.splitlines()]
    assert [p.name for p in written] == list(examples.NAMES)
    for path in written:
        assert path.read_text(encoding="utf-8") == examples.read_text(path.name)
        json.loads(path.read_text(encoding="utf-8"))
    assert "--force" in cli.error("examples", str(tmp_path / "ex"))
    (tmp_path / "ex" / examples.HOLDER).write_text("{}", encoding="utf-8")
    code, _, _ = cli("examples", str(tmp_path / "ex"), "--force")
    assert code == 0 and (tmp_path / "ex" / examples.HOLDER).read_text(encoding="utf-8") == examples.read_text(
        examples.HOLDER)


def test_completion_covers_every_command(cli: Cli) -> None:
    pytest.importorskip("shtab")
    code, out, _ = cli("completion", "bash")
    assert code == 0
    for word in ("personalise", "readers", "examples", "report-loss", "--trace", "--reader"):
        assert word in out, word


def test_ctrl_c_in_a_command_is_one_line_and_130(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    before = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(readers, "run", interrupted)
    code, out, err = cli("readers")
    assert (code, out, err) == (EXIT_INTERRUPTED, "", "sscard: error: interrupted\n")
    assert signal.getsignal(signal.SIGINT) == before


def test_ctrl_c_in_a_running_process_leaves_no_traceback() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "sscard", "window", "demo"], env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.readline()  # the scenario has begun
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the demo finished before the interrupt arrived")
    assert (proc.returncode, err) == (EXIT_INTERRUPTED, "sscard: error: interrupted\n")


def test_the_trace_logger_is_the_tracing_one() -> None:
    from sscard.cli import TRACE_LOGGER
    from sscard.tracing import LOGGER_NAME

    assert TRACE_LOGGER == LOGGER_NAME


def test_the_examples_library_refuses_bad_requests(tmp_path: Path) -> None:
    with pytest.raises(sscard.SscardError, match="no example file 'card.json'"):
        examples.path("card.json")
    with pytest.raises(sscard.SscardError, match="no example file"):
        examples.read_text("../pyproject.toml")
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(sscard.SscardError, match="is not a directory"):
        examples.write_examples(tmp_path / "file")
    (tmp_path / "ex").mkdir()
    (tmp_path / "ex" / examples.BANK_KEYS).write_text("mine", encoding="utf-8")
    with pytest.raises(examples.ExamplesExist, match=examples.BANK_KEYS):
        examples.write_examples(tmp_path / "ex")
    assert not (tmp_path / "ex" / examples.HOLDER).exists()  # nothing written when one clashes
    assert (tmp_path / "ex" / examples.BANK_KEYS).read_text(encoding="utf-8") == "mine"
