"""Injectable clocks: every deadline, warranty and expiry of the window layer reads the time from one.

Dates of the regulation (acceptance day, 30 working days, 12 months, 2 years, 90 days) are local dates in
China Standard Time (UTC+8, no daylight saving), so :meth:`Clock.today` is the date there.
"""

from __future__ import annotations

import datetime as _dt
import threading
from typing import Protocol, runtime_checkable

__all__ = ["CHINA", "Clock", "FixedClock", "SystemClock", "add_months", "add_years"]

CHINA = _dt.timezone(_dt.timedelta(hours=8), "CST")
"""China Standard Time: the zone of the regulation's dates."""


@runtime_checkable
class Clock(Protocol):
    def now(self) -> _dt.datetime:
        """The current instant, timezone-aware."""
        ...

    def today(self) -> _dt.date:
        """The current date in China Standard Time."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> _dt.datetime:
        return _dt.datetime.now(_dt.UTC)

    def today(self) -> _dt.date:
        return self.now().astimezone(CHINA).date()


class FixedClock:
    """A clock that stands still until moved (tests, demos, ``--today``); thread-safe."""

    def __init__(self, start: _dt.datetime | _dt.date) -> None:
        if not isinstance(start, _dt.datetime):
            start = _dt.datetime.combine(start, _dt.time(9, 0), CHINA)
        elif start.tzinfo is None:
            start = start.replace(tzinfo=CHINA)
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> _dt.datetime:
        with self._lock:
            return self._now

    def today(self) -> _dt.date:
        return self.now().astimezone(CHINA).date()

    def advance(self, *, days: int = 0, seconds: float = 0) -> None:
        with self._lock:
            self._now += _dt.timedelta(days=days, seconds=seconds)

    def set(self, when: _dt.datetime | _dt.date) -> None:
        moved = FixedClock(when)
        with self._lock:
            self._now = moved._now


def add_months(day: _dt.date, months: int) -> _dt.date:
    """The same day ``months`` calendar months later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = _dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (following - _dt.timedelta(days=1)).day
    return _dt.date(year, month, min(day.day, last))


def add_years(day: _dt.date, years: int) -> _dt.date:
    """The same day ``years`` years later (29 February becomes 28 February)."""
    return add_months(day, 12 * years)
