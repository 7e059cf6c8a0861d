"""``sscard window …`` end to end (in process), on a SQLite file and, when reachable, PostgreSQL."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from window_helpers import card_id_for, make_ssn

from sscard.cli import main

SSN = make_ssn(__import__("datetime").date(1990, 5, 17), 11)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["window", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.clause("SSC-WIN-9")
def test_cli_workflows_and_refusals(capsys: pytest.CaptureFixture[str], registry_url: str) -> None:
    db = ["--db", registry_url, "--today", "2025-03-03"]
    assert run(capsys, "init", *db)[0] == 0
    assert run(capsys, "register", SSN, "李四", "--photo-on-file", *db)[0] == 0
    code, out, _ = run(capsys, "apply", SSN, "--bank", "ICBC", "--json", *db)
    receipt = json.loads(out)
    assert code == 0 and receipt["application"]["deadline"] == "2025-04-14"
    app_id = str(receipt["application"]["id"])
    assert run(capsys, "produce", app_id, "--card-number", "K00000077", "--card-id", card_id_for(77), *db)[0] == 0
    code, _, err = run(capsys, "report-loss", "K00000077", "--function", "social", "--formal", *db)
    assert code == 1 and "art. 14" in err  # not collected yet: nothing to report lost
    code, _, err = run(capsys, "replace", "K00000077", "--bank-receipt", "R1", *db)
    assert code == 1 and err.startswith("sscard: error: art. 16") and len(err.strip().splitlines()) == 1
    code, out, _ = run(capsys, "status", "K00000077", "--json", *db)
    assert json.loads(out)["status"] == "awaiting_pickup"
    code, out, _ = run(capsys, "audit", "--json", *db)
    assert [e["action"] for e in json.loads(out)] == ["register_person", "apply_card", "record_production"]
    code, _, err = run(capsys, "collect", "K00000077", *db)
    assert code == 1 and "--keys" in err
    code, out, _ = run(capsys, "pending", *db)
    assert code == 0


def test_cli_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo")
    assert code == 0
    assert "blacklist hit" in out and "old card on the card itself: TERMINATED" in out
    assert "terminal_block_card" in out


@pytest.mark.clause("SSC-WIN-26", "SSC-WIN-29")
def test_cli_sign_in_and_assumed_fees(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                      registry_url: str, tmp_path: Path) -> None:
    db = ["--db", registry_url, "--today", "2025-03-03"]
    monkeypatch.setattr("sys.stdin", io.StringIO("a long secret\n"))
    assert run(capsys, "operator-add", "op-wang", "--works-at", "social", *db)[0] == 0
    ssn = make_ssn(__import__("datetime").date(1991, 6, 1), 12)
    code, _, err = run(capsys, "register", ssn, "王五", "--photo-on-file", "--operator", "op-wang", *db)
    assert code == 1 and "art. 24" in err and "sign" in err
    monkeypatch.setenv("SSCARD_OPERATOR_SECRET", "wrong secret")
    code, _, err = run(capsys, "register", ssn, "王五", "--operator", "op-wang", "--sign-in", *db)
    assert code == 1 and "sign-in refused" in err
    monkeypatch.setenv("SSCARD_OPERATOR_SECRET", "a long secret")
    signed = ["--operator", "op-wang", "--sign-in", *db]
    assert run(capsys, "register", ssn, "王五", "--photo-on-file", *signed)[0] == 0
    code, out, _ = run(capsys, "audit", "--json", *signed)
    assert [e["operator"] for e in json.loads(out)] == ["op-wang"]
    code, out, _ = run(capsys, "apply", ssn, "--bank", "ICBC", *signed)
    assert code == 0 and "regulation, art. 17" in out  # the first card is free by the regulation
    # the card fee the regulation does not set is marked as our assumption on the receipt, until configured
    code, out, _ = run(capsys, "demo")
    assert code == 0 and "fee 20.00 yuan" in out and "ASSUMED" in out
    fees = tmp_path / "fees.toml"
    fees.write_text('card_fee_fen = 2500\nsource = "Guangdong price list"\n', encoding="utf-8")
    code, out, _ = run(capsys, "demo", "--fees", str(fees))
    assert code == 0 and "fee 25.00 yuan" in out and "Guangdong price list" in out and "ASSUMED" not in out
    fees.write_text("card_fee = 2500\n", encoding="utf-8")
    code, _, err = run(capsys, "demo", "--fees", str(fees))
    assert code == 1 and "card_fee_fen" in err
