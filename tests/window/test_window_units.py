"""Pure parts of the window layer: the working-day calendar, the clock's date arithmetic, the fee rule."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest

from sscard.errors import FieldError
from sscard.window import (
    Damage,
    FeeCase,
    FeeSchedule,
    FixedClock,
    WorkingDayCalendar,
    add_months,
    add_years,
    card_fee,
    mask_id,
    within_warranty,
)

D = _dt.date


@pytest.mark.clause("SSC-WIN-3")
def test_calendar_weekends_holidays_and_adjusted_workdays(tmp_path: Path) -> None:
    plain = WorkingDayCalendar()
    assert plain.add_working_days(D(2025, 3, 7), 1) == D(2025, 3, 10)  # Friday -> Monday
    assert plain.add_working_days(D(2025, 3, 3), 30) == D(2025, 4, 14)
    assert plain.add_working_days(D(2025, 3, 3), 0) == D(2025, 3, 3)
    path = tmp_path / "holidays.toml"
    path.write_text('holidays = ["2025-05-01..2025-05-05"]\nworkdays = ["2025-04-27"]\n', encoding="utf-8")
    may = WorkingDayCalendar.load(path)
    assert may.is_working_day(D(2025, 4, 27))  # a Sunday worked (调休)
    assert not may.is_working_day(D(2025, 5, 2))
    assert may.add_working_days(D(2025, 4, 25), 2) == D(2025, 4, 28)
    assert may.add_working_days(D(2025, 4, 30), 1) == D(2025, 5, 6)
    assert may.working_days_between(D(2025, 4, 25), D(2025, 5, 6)) == 5


@pytest.mark.clause("SSC-WIN-3")
@pytest.mark.parametrize(("text", "field"), [
    ('holidays = ["2025-02-30"]', "calendar.holidays[0]"),
    ('holidays = ["2025-05-05..2025-05-01"]', "calendar.holidays[0]"),
    ('holiday = []', "calendar.holiday"),
    ('holidays = "2025-01-01"', "calendar.holidays"),
])
def test_calendar_file_errors_name_the_field(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FieldError) as e:
        WorkingDayCalendar.load(path)
    assert e.value.field == field and e.value.source == str(path)


def test_calendar_day_both_holiday_and_workday() -> None:
    with pytest.raises(FieldError):
        WorkingDayCalendar.of([D(2025, 1, 1)], [D(2025, 1, 1)])


def test_date_arithmetic_and_fixed_clock() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2025, 11, 15), 2) == D(2026, 1, 15)
    assert add_months(D(2025, 1, 15), -1) == D(2024, 12, 15)
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    clock = FixedClock(D(2025, 3, 3))
    assert clock.today() == D(2025, 3, 3) and clock.now().tzinfo is not None
    clock.advance(days=2)
    assert clock.today() == D(2025, 3, 5)
    # 23:30 UTC is already the next day in China
    clock.set(_dt.datetime(2025, 3, 5, 23, 30, tzinfo=_dt.UTC))
    assert clock.today() == D(2025, 3, 6)


@pytest.mark.clause("SSC-WIN-11")
def test_warranty_is_two_years_from_the_issue_date() -> None:
    assert within_warranty(D(2023, 3, 3), D(2025, 3, 3))
    assert not within_warranty(D(2023, 3, 3), D(2025, 3, 4))


@pytest.mark.clause("SSC-WIN-11")
@pytest.mark.parametrize(("case", "damage", "issued", "today", "amount", "article"), [
    (FeeCase.FIRST, None, None, D(2025, 1, 1), 0, 17),
    (FeeCase.REPLACEMENT, None, None, D(2025, 1, 1), 3500, 17),
    (FeeCase.EXCHANGE_DAMAGE, Damage.QUALITY_DEFECT, D(2024, 1, 1), D(2025, 12, 31), 0, 17),
    (FeeCase.EXCHANGE_DAMAGE, Damage.QUALITY_DEFECT, D(2024, 1, 1), D(2026, 1, 2), 3500, 17),
    (FeeCase.EXCHANGE_DAMAGE, Damage.CHIP_CORRODED, D(2024, 1, 1), D(2024, 2, 1), 3500, 17),
    (FeeCase.EXCHANGE_DAMAGE, Damage.SCRATCH, D(2024, 1, 1), D(2024, 2, 1), 3500, 17),
    (FeeCase.EXCHANGE_HOLDER_REQUEST, None, D(2024, 1, 1), D(2024, 2, 1), 3500, 17),
    (FeeCase.EXCHANGE_DATA_CHANGE, None, D(2024, 1, 1), D(2024, 2, 1), 3500, 17),
    (FeeCase.EXCHANGE_APPEARANCE, None, D(2024, 1, 1), D(2024, 2, 1), 3500, 22),
    (FeeCase.TEMPORARY_ISSUE, None, None, D(2025, 1, 1), 0, 19),
    (FeeCase.TEMPORARY_LOST, None, None, D(2025, 1, 1), 2000, 19),
])
def test_fee_rule(case: FeeCase, damage: Damage | None, issued: D | None, today: D, amount: int,
                  article: int) -> None:
    schedule = FeeSchedule(card_fee=3500)  # the provincial fee is configurable; the temporary one stays 20 yuan
    fee = card_fee(case, damage=damage, issue_date=issued, today=today, schedule=schedule)
    assert (fee.amount, fee.article) == (amount, article)
    assert fee.reason


def test_fee_needs_the_damage_and_issue_date() -> None:
    with pytest.raises(ValueError, match="kind of damage"):
        card_fee(FeeCase.EXCHANGE_DAMAGE, issue_date=D(2024, 1, 1), today=D(2024, 2, 1))
    with pytest.raises(ValueError, match="issue date"):
        card_fee(FeeCase.EXCHANGE_DAMAGE, damage=Damage.FOLD, today=D(2024, 2, 1))
    assert card_fee(FeeCase.REPLACEMENT, today=D(2025, 1, 1)).yuan == "20.00"


@pytest.mark.clause("SSC-WIN-17")
def test_mask_id_keeps_four_characters() -> None:
    assert mask_id("44020319900101123X") == "**************123X"
    assert mask_id(None) is None
