"""Holders for batch tests: the example holder record, numbered (own social security number, card number, PAN),
written as CSV or JSON Lines."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sscard import CardProtocol, SocialSecuritySession, examples
from sscard.batch import CSV_COLUMNS, Journal, ModelCardLine, read_batch, run_line
from sscard.batch.rehearsal import numbered_records
from sscard.keys import SoftwareBankKeys, SoftwareIssuerKeys
from sscard.personalisation import card_identification
from sscard.spec_tables import Lifecycle

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads(examples.read_text(examples.HOLDER))


def holder(n: int) -> dict[str, Any]:
    """Holder ``n`` of a batch: the example holder with its own number, card number and PAN."""
    return numbered_records(EXAMPLE, 1, first=n)[0]


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


EXAMPLE_KEYS_FILES = (examples.path(examples.ISSUER_KEYS), examples.path(examples.BANK_KEYS))
KEYS = SoftwareIssuerKeys.load(EXAMPLE_KEYS_FILES[0])
BANK_KEYS = SoftwareBankKeys.load(EXAMPLE_KEYS_FILES[1])


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
