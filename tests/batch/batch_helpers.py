"""Holders for batch tests: the example holder record, numbered (own social security number, card number, PAN),
written as CSV or JSON Lines."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sscard import CardProtocol, SocialSecuritySession
from sscard.batch import CSV_COLUMNS, Journal, ModelCardLine, read_batch, run_line
from sscard.holder import gb11643_check_character
from sscard.keys import SoftwareBankKeys, SoftwareIssuerKeys
from sscard.personalisation import card_identification
from sscard.spec_tables import Lifecycle

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "examples" / "holder.json").read_text(encoding="utf-8"))


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


KEYS = SoftwareIssuerKeys.load(ROOT / "examples" / "issuer-keys.json")
BANK_KEYS = SoftwareBankKeys.load(ROOT / "examples" / "bank-keys.json")


def holders_on(cards: ModelCardLine) -> dict[str, str]:
    """card-unique bytes (hex) -> social security number, read from every personalised card of ``cards``."""
    found: dict[str, str] = {}
    for connection in cards:
        protocol = CardProtocol.of(connection)
        social = SocialSecuritySession(protocol, keys=KEYS)
        if social.lifecycle(refresh=True) is Lifecycle.PERSONALISATION:
            continue
        social.external_authenticate("RK")
        found[card_identification(protocol).card_unique.hex().upper()] = social.read_holder().social_security_number
    return found


def station(url: str, batch: str, first_uniques: list[int], cards_each: int, start: Any) -> dict[str, str]:
    """One station of a line (run in a process of its own): a reader of ``cards_each`` blank model cards per
    entry of ``first_uniques``, on the shared journal at ``url``, starting at the ``start`` barrier; returns
    what went on its cards."""
    lines = [ModelCardLine(f"reader-{first}", cards_each, first_unique=first) for first in first_uniques]
    report = read_batch(batch)
    with Journal(url) as journal:
        start.wait(60)
        run_line(report, lines, journal, KEYS, bank_keys=BANK_KEYS)
    found: dict[str, str] = {}
    for line in lines:
        found.update(holders_on(line))
    return found
