"""The working-day calendar of art. 11 (card production within 30 working days, SSC-WIN-3).

Saturdays and Sundays are rest days, public holidays are rest days, and the adjusted working days of the
Chinese holiday arrangement (调休: a Saturday or Sunday worked to lengthen a holiday) are working days. The
holidays change every year by State Council notice, so they come from a file or from the caller:

.. code-block:: toml

    # holidays.toml
    holidays = ["2025-01-01", "2025-10-01..2025-10-08"]
    workdays = ["2025-09-28", "2025-10-11"]      # adjusted working days (调休)

A range ``A..B`` includes both ends.
"""

from __future__ import annotations

import datetime as _dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sscard.errors import FieldError

__all__ = ["WorkingDayCalendar"]

SATURDAY = 5


@dataclass(frozen=True)
class WorkingDayCalendar:
    """Weekends, public holidays and adjusted working days."""

    holidays: frozenset[_dt.date] = field(default_factory=frozenset)
    workdays: frozenset[_dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        both = self.holidays & self.workdays
        if both:
            raise FieldError("calendar", f"{min(both).isoformat()} is both a holiday and an adjusted working day")

    @classmethod
    def of(cls, holidays: Iterable[_dt.date] = (), workdays: Iterable[_dt.date] = ()) -> WorkingDayCalendar:
        return cls(frozenset(holidays), frozenset(workdays))

    @classmethod
    def load(cls, path: str | Path) -> WorkingDayCalendar:
        """From a TOML file with ``holidays`` and ``workdays`` lists of dates or ``A..B`` ranges."""
        source = str(path)
        try:
            with open(path, "rb") as f:
                doc = tomllib.load(f)
        except OSError as exc:
            raise FieldError("calendar", f"cannot read: {exc.strerror}", source=source) from None
        except tomllib.TOMLDecodeError as exc:
            raise FieldError("calendar", f"not TOML: {exc}", source=source) from None
        return cls.from_mapping(doc, source)

    @classmethod
    def from_mapping(cls, doc: dict[str, Any], source: str | None = None) -> WorkingDayCalendar:
        unknown = set(doc) - {"holidays", "workdays"}
        if unknown:
            raise FieldError(f"calendar.{sorted(unknown)[0]}", "unknown key (holidays, workdays)", source=source)
        return cls(frozenset(_dates(doc.get("holidays", []), "calendar.holidays", source)),
                   frozenset(_dates(doc.get("workdays", []), "calendar.workdays", source)))

    def is_working_day(self, day: _dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < SATURDAY

    def add_working_days(self, start: _dt.date, count: int) -> _dt.date:
        """The ``count``-th working day after ``start`` (``start`` itself does not count): the last day of
        a period of ``count`` working days beginning the day after ``start``."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        left = count
        while left:
            day += _dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: _dt.date, end: _dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
        count = 0
        day = start
        while day < end:
            day += _dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def _dates(values: Any, name: str, source: str | None) -> Iterable[_dt.date]:
    if not isinstance(values, list):
        raise FieldError(name, "a list of dates expected", source=source)
    for i, value in enumerate(values):
        if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
            yield value
            continue
        if not isinstance(value, str):
            raise FieldError(f"{name}[{i}]", f"{value!r} is not a date", source=source)
        first, _, last = value.partition("..")
        try:
            a = _dt.date.fromisoformat(first.strip())
            b = _dt.date.fromisoformat(last.strip()) if last else a
        except ValueError:
            raise FieldError(f"{name}[{i}]", f"{value!r} is not YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD",
                             source=source) from None
        if b < a:
            raise FieldError(f"{name}[{i}]", f"{value!r} ends before it begins", source=source)
        while a <= b:
            yield a
            a += _dt.timedelta(days=1)
