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
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sscard.errors import FieldError

__all__ = ["WorkingDayCalendar"]

SATURDAY = 5
MAX_RANGE_DAYS = 366
"""Longest ``A..B`` range (a holiday period is days long; a range over years is a typo, and would be held
day by day)."""
_SHOWN = 40


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
        except UnicodeDecodeError as exc:
            raise FieldError("calendar", f"not UTF-8 text (byte {exc.start + 1} of the file)", source=source) from None
        except tomllib.TOMLDecodeError as exc:
            raise FieldError("calendar", f"not TOML: {exc}", source=source) from None
        except RecursionError:
            raise FieldError("calendar", "not readable: nested too deeply", source=source) from None
        except ValueError:  # int(): the digit limit of integers read from text
            raise FieldError("calendar", f"not readable: a number has more than {sys.get_int_max_str_digits()} "
                             "digits", source=source) from None
        return cls.from_mapping(doc, source)

    @classmethod
    def from_mapping(cls, doc: Mapping[str, Any], source: str | None = None) -> WorkingDayCalendar:
        if not isinstance(doc, Mapping):
            raise FieldError("calendar", "a table of holidays and workdays expected", source=source)
        unknown = sorted(_key(key) for key in doc if key not in ("holidays", "workdays"))
        if unknown:
            raise FieldError(f"calendar.{unknown[0]}", "unknown key (holidays, workdays)", source=source)
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
            raise FieldError(f"{name}[{i}]", f"{_shown(value)} is not a date", source=source)
        first, _, last = value.partition("..")
        try:
            a = _dt.date.fromisoformat(first.strip())
            b = _dt.date.fromisoformat(last.strip()) if last else a
        except ValueError:
            raise FieldError(f"{name}[{i}]", f"{_shown(value)} is not YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD",
                             source=source) from None
        if b < a:
            raise FieldError(f"{name}[{i}]", f"{_shown(value)} ends before it begins", source=source)
        days = (b - a).days + 1
        if days > MAX_RANGE_DAYS:
            raise FieldError(f"{name}[{i}]", f"{_shown(value)} spans {days} days, at most {MAX_RANGE_DAYS}",
                             source=source)
        for n in range(days):  # not a += 1 day: date.max has no next day
            yield a + _dt.timedelta(days=n)


def _key(name: object) -> str:
    """A key from the file for a message: as written when short and printable, else escaped (one line)."""
    if isinstance(name, str) and name.isprintable() and len(name) <= _SHOWN:
        return name
    return _shown(name)


def _shown(value: object) -> str:
    """A value from the file for a message: short text as it is written (escaped, one line), else its type."""
    if isinstance(value, str) and len(value) <= _SHOWN:
        return repr(value)
    return type(value).__name__
