"""A batch of holders checked before any card: every problem of every record in one report (record, line,
field, reason, never the value), duplicates inside the batch, CSV and JSON Lines alike."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from sscard import examples
from sscard.batch import CSV_COLUMNS, BatchInputError, read_batch
from sscard.batch.input import duplicates_against
from sscard.holder import gb11643_check_character

EXAMPLE = json.loads(examples.read_text(examples.HOLDER))


def _ssn(n: int) -> str:
    body = f"440203199001{n % 28 + 1:02d}{n % 1000:03d}"
    return body + gb11643_check_character(body)


def _luhn_complete(body: str) -> str:
    for d in "0123456789":
        digits = body + d
        total = sum((int(c) * 2 - 9 if int(c) > 4 else int(c) * 2) if i % 2 else int(c)
                    for i, c in enumerate(reversed(digits)))
        if total % 10 == 0:
            return digits
    raise AssertionError


def holder(n: int) -> dict[str, Any]:
    """Holder ``n`` of a batch: the example holder with its own number, card number and PAN."""
    record = json.loads(json.dumps(EXAMPLE))
    record.pop("_comment")
    ssn = _ssn(n)
    record["holder"]["social_security_number"] = ssn
    record["holder"]["birth_date"] = f"{ssn[6:10]}-{ssn[10:12]}-{ssn[12:14]}"
    record["holder"]["sex"] = "1" if int(ssn[16]) % 2 else "2"
    record["card"]["card_number"] = f"K{n:08d}"
    record["finance"]["pan"] = _luhn_complete(f"621700{n:012d}")
    return record


def flat(record: dict[str, Any]) -> dict[str, str]:
    row: dict[str, str] = {}
    for section, values in record.items():
        for key, value in values.items():
            if isinstance(value, dict):
                for tag, text in value.items():
                    row[f"{section}.{key}.{tag}"] = str(text)
            else:
                row[f"{section}.{key}"] = str(value)
    return row


def write_csv(path: Path, records: list[dict[str, Any]]) -> Path:
    rows = [flat(r) for r in records]
    columns = [c for c in CSV_COLUMNS if any(c in row for row in rows)]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


BROKEN = {  # record number -> how it is broken -> the (field, reason fragment) problems expected
    3: ({"holder.name": "  ", "card.card_number": "k1", "social.pin_try_limit": 99},
        {("holder.name", "must not be empty"), ("card.card_number", "9 characters"),
         ("social.pin_try_limit", "1-15 expected")}),
    17: ({"holder.social_security_number": "440203199001011234", "finance.pan": "6217001234567890123"},
         {("holder.social_security_number", "check character"), ("finance.pan", "Luhn")}),
    29: ({"holder.sex": "3", "holder.ethnicity": "77", "card.expiry_date": "2023-02-30"},
         {("holder.sex", "not 1 (male) or 2 (female)"), ("holder.ethnicity", "GB 3304"),
          ("card.expiry_date", "not a real date")}),
    41: ({"holder.birth_date": "1991-01-01"}, {("holder.birth_date", "differs from the birth date")}),
}


def _break(record: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    for path, value in changes.items():
        section, key = path.split(".")
        record[section][key] = value
    return record


def fifty_with_broken_ones() -> list[dict[str, Any]]:
    return [_break(holder(n), BROKEN[n][0]) if n in BROKEN else holder(n) for n in range(1, 51)]


@pytest.mark.clause("SSC-HOST-5")
@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_fifty_holders_every_problem_in_one_report(tmp_path: Path, kind: str) -> None:
    records = fifty_with_broken_ones()
    path = (write_csv if kind == "csv" else write_jsonl)(tmp_path / f"batch.{kind}", records)
    report = read_batch(path)
    assert len(report.records) == 50 and not report.ok
    found = {(p.record, p.field) for p in report.problems}
    expected = {(n, f) for n, (_, problems) in BROKEN.items() for f, _ in problems}
    assert found == expected, "every problem of every record, and nothing else"
    for p in report.problems:
        reason = next(r for f, r in BROKEN[p.record][1] if f == p.field)
        assert reason in p.problem
        assert p.line == p.record + (1 if kind == "csv" else 0)  # the CSV header is line 1
    assert [r.record for r in report.valid] == [n for n in range(1, 51) if n not in BROKEN]
    shown = "\n".join(str(p) for p in report.problems)
    for n in BROKEN:  # the batch is personal data: no value is repeated
        for value in (records[n - 1]["holder"]["social_security_number"], records[n - 1]["finance"]["pan"]):
            assert value not in shown


@pytest.mark.clause("SSC-HOST-5", "SSC-WIN-1")
def test_duplicates_inside_the_batch_and_against_the_journal(tmp_path: Path) -> None:
    records = [holder(1), holder(2), holder(3), holder(4)]
    records[2]["holder"] = json.loads(json.dumps(records[0]["holder"]))  # the same person twice
    records[3]["card"]["card_number"] = records[1]["card"]["card_number"]
    report = read_batch(write_jsonl(tmp_path / "b.jsonl", records))
    assert [(p.record, p.field) for p in report.problems] == [(3, "holder.social_security_number"),
                                                             (4, "card.card_number")]
    assert "as record 1" in report.problems[0].problem and "as record 2" in report.problems[1].problem
    assert [r.record for r in report.valid] == [1, 2]
    known = {"finance.pan": [records[1]["finance"]["pan"]]}
    assert [(p.record, p.field) for p in duplicates_against(report, known)] == [(2, "finance.pan")]


@pytest.mark.clause("SSC-HOST-5")
def test_unreadable_records_are_problems_of_their_record(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text(json.dumps(holder(1)) + "\n{not json\n\n[1, 2]\n" + "[" * 100_000 + "\n", encoding="utf-8")
    report = read_batch(path)
    assert [(p.record, p.line, p.field) for p in report.problems] == [(2, 2, "(record)"), (3, 4, "(file)"),
                                                                     (4, 5, "(record)")]
    assert report.problems[0].problem.startswith("not JSON")
    assert "nested too deeply" in report.problems[2].problem
    csv_path = tmp_path / "b.csv"
    write_csv(csv_path, [holder(1), holder(2)])
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    csv_path.write_text("\n".join([*lines, "a,b"]) + "\n", encoding="utf-8")
    report = read_batch(csv_path)
    assert [(p.record, p.line) for p in report.problems] == [(3, 4)]
    assert "cells, the header has" in report.problems[0].problem


@pytest.mark.clause("SSC-HOST-5")
def test_a_file_that_is_not_a_batch_fails_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(BatchInputError, match=r"^x\.txt: a batch is a \.csv or a \.jsonl"):
        read_batch(tmp_path / "x.txt")
    with pytest.raises(BatchInputError, match="no such file"):
        read_batch(tmp_path / "none.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("holder.name,holder.shoe_size\n", encoding="utf-8")
    with pytest.raises(BatchInputError, match="column 2 is not a holder field"):
        read_batch(bad)
    bad.write_text("holder.name,holder.name\n", encoding="utf-8")
    with pytest.raises(BatchInputError, match="appears twice"):
        read_batch(bad)
    bad.write_bytes(b"holder.name\n\xff\n")
    with pytest.raises(BatchInputError, match="not UTF-8"):
        read_batch(bad)


@pytest.mark.clause("SSC-HOST-5")
def test_a_csv_record_without_financial_cells_has_no_financial_data(tmp_path: Path) -> None:
    with_finance, without = holder(1), holder(2)
    without.pop("finance")
    report = read_batch(write_csv(tmp_path / "b.csv", [with_finance, without]))
    assert report.ok
    first, second = (r.data for r in report.records)
    assert first is not None and first.finance is not None
    assert second is not None and second.finance is None
