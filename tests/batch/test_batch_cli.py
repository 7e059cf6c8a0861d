"""``sscard perso batch`` on reference-model cards: the batch checked whole first, the line, the report, a
second run that finds everything done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from batch_helpers import EXAMPLE_KEYS_FILES, holder, write_jsonl

from sscard.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["perso", "batch", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.clause("SSC-HOST-5")
def test_a_batch_with_problems_is_reported_whole_and_nothing_is_personalised(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = [holder(i) for i in range(1, 5)]
    records[0]["holder"]["birth_date"] = "1990-02-30"
    records[2]["card"]["card_number"] = records[1]["card"]["card_number"]
    path = write_jsonl(tmp_path / "b.jsonl", records)
    issuer, bank = EXAMPLE_KEYS_FILES
    code, out, _ = run(capsys, str(path), "--keys", str(issuer), "--bank-keys", str(bank), "--model-cards", "4",
                       "--journal", f"sqlite:///{tmp_path / 'j.db'}")
    assert code == 1
    assert "record 1 (line 1): holder.birth_date" in out and "record 3 (line 3): card.card_number" in out
    assert "4 record(s), 2 valid, 2 problem(s); nothing was personalised" in out
    assert not (tmp_path / "j.db").exists()  # stopped before the journal
    assert records[0]["holder"]["social_security_number"] not in out
    code, out, _ = run(capsys, str(path), "--check-only", "--json")
    report = json.loads(out)
    assert code == 1 and report["valid"] == 2 and [p["record"] for p in report["problems"]] == [1, 3]


@pytest.mark.clause("SSC-HOST-7")
def test_the_line_reports_and_a_second_run_touches_no_card(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "b.jsonl", [holder(i) for i in range(1, 4)])
    issuer, bank = EXAMPLE_KEYS_FILES
    journal = f"sqlite:///{tmp_path / 'j.db'}"
    common = (str(path), "--keys", str(issuer), "--bank-keys", str(bank), "--journal", journal)
    code, out, _ = run(capsys, *common, "--model-cards", "3", "--cards-csv", str(tmp_path / "cards.csv"))
    assert code == 0
    assert out.count(" done\n") == 3 and "[3/3" in out and "0 pending, 0 in progress, 3 done, 0 failed" in out
    rows = (tmp_path / "cards.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "batch,record,state,card_unique,reason" and len(rows) == 4
    code, out, _ = run(capsys, *common, "--model-cards", "1", "--json")
    assert code == 0 and json.loads(out)["counts"] == {"pending": 0, "in_progress": 0, "done": 3, "failed": 0}


def test_no_reader_and_no_keys_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "b.jsonl", [holder(1)])
    code, _, err = run(capsys, str(path), "--model-cards", "1")
    assert code == 1 and err.strip() == "sscard: error: --keys FILE is needed to personalise (only --check-only " \
                                        "goes without)"
    issuer, _ = EXAMPLE_KEYS_FILES
    code, _, err = run(capsys, str(path), "--keys", str(issuer), "--journal", f"sqlite:///{tmp_path / 'j.db'}")
    assert code == 1 and "no reader for the line" in err and len(err.strip().splitlines()) == 1


def test_progress_bars_on_a_terminal_show_the_batch_and_each_reader(capsys: pytest.CaptureFixture[str]) -> None:
    from sscard.batch import LineEvent
    from sscard.cli.perso import _Progress

    with _Progress(3, 1, quiet=False, bars=True) as progress:
        progress._live.console.width = 120  # the captured output is no terminal: give the bar room
        for record, reader in ((2, "reader-A"), (3, "reader-B")):
            progress(LineEvent(reader, "done", record, f"{record:016X}"))
        progress(LineEvent("reader-A", "rejected", None, "00000000000000FF", "not blank"))
    out = capsys.readouterr().out
    assert "3/3" in out and "reader-A" in out and "reader-B" in out and "cards/min" in out
    assert "reader-A: card 00000000000000FF rejected: not blank" in out  # what needs the operator stays
