"""Rehearsal batches: ``n`` fictitious holders made from one holder record, each with its own social security
number, card number and PAN (valid check characters), for trying a line, a demo or a benchmark without real
holders' data."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from sscard.holder import gb11643_check_character

__all__ = ["numbered_records"]


def _luhn_complete(body: str) -> str:
    for digit in "0123456789":
        candidate = body + digit
        total = 0
        for i, c in enumerate(reversed(candidate)):
            d = int(c) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable: one digit always completes a Luhn number")


def numbered_records(base: Mapping[str, Any], n: int, *, first: int = 1) -> list[dict[str, Any]]:
    """Holder records ``first`` .. ``first + n - 1`` made from ``base`` (a holder file's object): holder number
    ``k`` is born on day ``k % 28 + 1`` of January 1990 with sequence ``k % 1000``, has card number
    ``K{k:08d}`` and PAN ``621700{k:012d}`` plus its Luhn digit. Unique for up to 1000 consecutive ``k``."""
    records = []
    for k in range(first, first + n):
        record = copy.deepcopy(dict(base))
        record.pop("_comment", None)
        body = f"440203199001{k % 28 + 1:02d}{k % 1000:03d}"
        ssn = body + gb11643_check_character(body)
        record["holder"]["social_security_number"] = ssn
        record["holder"]["birth_date"] = f"{ssn[6:10]}-{ssn[10:12]}-{ssn[12:14]}"
        record["holder"]["sex"] = "1" if int(ssn[16]) % 2 else "2"
        record["card"]["card_number"] = f"K{k:08d}"
        if record.get("finance"):
            record["finance"]["pan"] = _luhn_complete(f"621700{k:012d}")
        records.append(record)
    return records
