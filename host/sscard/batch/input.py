"""Reading and checking a batch of holders: CSV or JSON Lines, every problem of every record at once.

A record is what one holder file holds (``docs/cli.md``). In JSON Lines each non-empty line is one such
object. In CSV the header names the fields the way the holder file does, dotted (``card.card_number``,
``holder.name``, ``social.pin_try_limit``, ``finance.pan``, ``sub_applications.DF01_EF05.A0``); an empty
cell is a field left out, and a record whose ``finance.*`` cells are all empty has no financial data.

Problems name the record (its number in the batch, from 1, and the line of the file), the field and the
reason, never the value: the batch is personal data (art. 24).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sscard import spec_tables as t
from sscard.errors import SscardError
from sscard.holder import (
    CardData,
    FinanceData,
    HolderData,
    PersonalisationData,
    SocialData,
    check_personalisation_data,
)

__all__ = ["CSV_COLUMNS", "BatchInputError", "BatchProblem", "BatchRecord", "BatchReport", "check_batch",
           "read_batch", "unique_values"]

_SECTIONS = {"card": CardData, "holder": HolderData, "social": SocialData, "finance": FinanceData}
_INTEGERS = frozenset({"social.pin_try_limit", "finance.pin_try_limit"})


def _sub_application_columns() -> list[str]:
    return [f"sub_applications.{name}.{item.tag.hex().upper()}"
            for name, spec in t.FILES.items() if spec.application == "SSSE" and spec.df
            for record in spec.records for item in record.items]


CSV_COLUMNS: tuple[str, ...] = (
    *(f"{section}.{f.name}" for section, cls in _SECTIONS.items() for f in fields(cls)),
    *_sub_application_columns(),
)
"""Every column a batch CSV may have (any subset, in any order; each at most once)."""


class BatchInputError(SscardError):
    """The batch file as a whole cannot be read (no such file, not UTF-8, an unknown CSV column …): one line
    naming the file and the reason."""


@dataclass(frozen=True)
class BatchProblem:
    """One problem of one record (``record`` from 1; ``line`` of the file), never showing the value."""

    record: int
    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"record {self.record} (line {self.line}): {self.field}: {self.problem}"

    def to_json(self) -> dict[str, Any]:
        return {"record": self.record, "line": self.line, "field": self.field, "problem": self.problem}


@dataclass(frozen=True, repr=False)
class BatchRecord:
    """One holder of the batch: ``data`` when it passed every check, else None (see the report's problems)."""

    record: int
    line: int
    data: PersonalisationData | None

    def __repr__(self) -> str:
        return f"BatchRecord(record={self.record}, line={self.line}, valid={self.data is not None})"


@dataclass(frozen=True)
class BatchReport:
    """The batch checked: its records and every problem found (records' own, then duplicates)."""

    source: str
    records: tuple[BatchRecord, ...]
    problems: tuple[BatchProblem, ...] = field(default=())

    @property
    def valid(self) -> tuple[BatchRecord, ...]:
        """Records with no problem of their own and not a duplicate of an earlier one."""
        bad = {p.record for p in self.problems}
        return tuple(r for r in self.records if r.data is not None and r.record not in bad)

    @property
    def ok(self) -> bool:
        return not self.problems

    def with_problems(self, problems: Iterable[BatchProblem]) -> BatchReport:
        """The same batch with more problems (e.g. duplicates against a journal), in record order."""
        merged = sorted((*self.problems, *problems), key=lambda p: p.record)
        return BatchReport(self.source, self.records, tuple(merged))

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "records": len(self.records), "valid": len(self.valid),
                "problems": [p.to_json() for p in self.problems]}


def read_batch(path: str | Path) -> BatchReport:
    """Read and check the batch file ``path`` (``.csv``, ``.jsonl`` or ``.ndjson``): every record's problems and
    the duplicates inside the batch (:func:`check_batch`). Raises :class:`BatchInputError` only when the file as
    a whole cannot be read."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise BatchInputError(f"{p.name}: a batch is a .csv or a .jsonl (JSON Lines) file")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BatchInputError(f"{p.name}: no such file") from None
    except OSError as exc:
        raise BatchInputError(f"{p.name}: {exc.strerror or type(exc).__name__}") from None
    except UnicodeDecodeError as exc:
        raise BatchInputError(f"{p.name}: not UTF-8 text (byte {exc.start + 1} of the file)") from None
    rows = _csv_rows(p.name, text) if suffix == ".csv" else _json_lines(text)
    return check_batch(rows, source=p.name)


_Row = tuple[int, Any, "str | None"]  # line, parsed record (or None), why it could not be parsed


def _json_lines(text: str) -> Iterator[_Row]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line), None
        except json.JSONDecodeError as exc:
            yield number, None, f"not JSON ({exc.msg} at column {exc.colno})"
        except RecursionError:
            yield number, None, "not readable: nested too deeply"
        except ValueError:  # int(): the digit limit of integers read from text
            yield number, None, f"not readable: a number has more than {sys.get_int_max_str_digits()} digits"


def _csv_rows(name: str, text: str) -> Iterator[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BatchInputError(f"{name}: empty: a header line naming the columns is needed") from None
    except csv.Error as exc:
        raise BatchInputError(f"{name}: line 1: not CSV ({exc})") from None
    columns = [c.strip() for c in header]
    known = set(CSV_COLUMNS)
    for i, column in enumerate(columns, 1):
        if column not in known:
            raise BatchInputError(f"{name}: column {i} is not a holder field (columns are the holder file's "
                                  "fields, dotted: card.card_number, holder.name, … see docs/batch.md)")
        if columns.index(column) != i - 1:
            raise BatchInputError(f"{name}: column {column} appears twice")
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, None, f"not CSV ({exc})"
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            yield line, None, f"{len(cells)} cells, the header has {len(columns)}"
            continue
        yield line, _nested(columns, cells), None


def _nested(columns: Sequence[str], cells: Sequence[str]) -> dict[str, Any]:
    """A holder-file object from one CSV row: empty cells left out, try limits as numbers."""
    obj: dict[str, Any] = {}
    for column, cell in zip(columns, cells, strict=True):
        if cell == "":
            continue
        value: Any = cell
        if column in _INTEGERS and cell.isascii() and cell.isdigit():
            value = int(cell)
        *path, last = column.split(".")
        node = obj
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value
    return obj


_UNIQUE = (("holder.social_security_number", "the same social security number (one person, one card: art. 9)"),
           ("card.card_number", "the same card number"),
           ("finance.pan", "the same PAN"))


def unique_values(data: PersonalisationData) -> dict[str, str]:
    """The numbers that must be unique across a batch and a journal (one person, one card), by field."""
    values = {"holder.social_security_number": data.holder.social_security_number,
              "card.card_number": data.card.card_number}
    if data.finance is not None:
        values["finance.pan"] = data.finance.pan
    return values


def check_batch(rows: Iterable[tuple[int, Any, str | None]], *, source: str = "batch") -> BatchReport:
    """Check parsed records (``(line, holder object, why unreadable or None)``): every problem of each record,
    then the duplicates inside the batch (the later record of a pair is the one reported)."""
    records: list[BatchRecord] = []
    problems: list[BatchProblem] = []
    first_seen: dict[tuple[str, str], int] = {}
    for number, (line, obj, unreadable) in enumerate(rows, 1):
        if unreadable is not None:
            problems.append(BatchProblem(number, line, "(record)", unreadable))
            records.append(BatchRecord(number, line, None))
            continue
        data, found = check_personalisation_data(obj)
        problems += [BatchProblem(number, line, p.field, p.problem) for p in found]
        records.append(BatchRecord(number, line, data))
        if data is None:
            continue
        for key, value in unique_values(data).items():
            earlier = first_seen.setdefault((key, value), number)
            if earlier != number:
                why = next(text for k, text in _UNIQUE if k == key)
                problems.append(BatchProblem(number, line, key, f"{why} as record {earlier}"))
    return BatchReport(source, tuple(records), tuple(problems))
