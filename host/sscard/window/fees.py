"""Card fees (卡工本费) as a pure function of the case (art. 17, 19; SSC-WIN-11).

- The first card is free (art. 17).
- A replacement (补卡) and an exchange (换卡) pay the provincial fee, except an exchange within the quality
  warranty (质保期). Outside the warranty (art. 17): the holder asked for the exchange on their own
  initiative, human damage (scratches, dents, folds, holes, breaks, stains, lifted film, corroded or
  detached chip), or more than two years after the issue date. [choice] The warranty covers quality defects
  only, so an exchange for changed face data or a changed appearance (art. 22) pays the fee.
- A temporary card is free; a lost or damaged temporary card costs 20 yuan (art. 19).

Amounts are in fen (1 yuan = 100 fen) so that no float is ever involved. The provincial fee is set by the
provincial price authority and changes: it is a :class:`FeeSchedule` parameter (default 20 yuan, a
placeholder [thin]).
"""

from __future__ import annotations

import datetime as _dt
import enum
from dataclasses import dataclass

from sscard.window.clock import add_years

__all__ = ["Damage", "Fee", "FeeCase", "FeeSchedule", "card_fee", "within_warranty"]


class FeeCase(enum.StrEnum):
    """What the fee is for."""

    FIRST = "first"                              # first application (art. 17: free)
    REPLACEMENT = "replacement"                  # 补卡 after a formal loss report (art. 16, 17)
    EXCHANGE_DAMAGE = "exchange_damage"          # 换卡: damaged card (art. 17)
    EXCHANGE_DATA_CHANGE = "exchange_data_change"  # 换卡: face data changed (art. 17)
    EXCHANGE_APPEARANCE = "exchange_appearance"  # 换卡: appearance differs from the photo (art. 22)
    EXCHANGE_HOLDER_REQUEST = "exchange_holder_request"  # 换卡 on the holder's own initiative (art. 17)
    TEMPORARY_ISSUE = "temporary_issue"          # temporary card issued (art. 19: free)
    TEMPORARY_LOST = "temporary_lost"            # temporary card lost or damaged (art. 19: 20 yuan)


class Damage(enum.StrEnum):
    """How a card was damaged: human damage voids the warranty (art. 17's list), a quality defect does not."""

    QUALITY_DEFECT = "quality_defect"   # the card or chip failed in normal use
    SCRATCH = "scratch"                 # 划痕
    DENT = "dent"                       # 压痕
    FOLD = "fold"                       # 折痕
    HOLE = "hole"                       # 打孔
    BREAK = "break"                     # 断裂
    STAIN = "stain"                     # 污渍
    FILM_LIFTED = "film_lifted"         # 薄膜翘起
    CHIP_CORRODED = "chip_corroded"     # 芯片腐蚀
    CHIP_DETACHED = "chip_detached"     # 芯片脱落

    @property
    def human(self) -> bool:
        return self is not Damage.QUALITY_DEFECT


@dataclass(frozen=True)
class FeeSchedule:
    """The amounts, in fen. ``card_fee``: the provincial card fee for replacement and exchange (art. 17);
    ``temporary_card_fee``: a lost or damaged temporary card (art. 19 says 20 yuan)."""

    card_fee: int = 2000
    temporary_card_fee: int = 2000

    def __post_init__(self) -> None:
        if self.card_fee < 0 or self.temporary_card_fee < 0:
            raise ValueError("fees are not negative")


@dataclass(frozen=True)
class Fee:
    """What to charge (``amount`` in fen), the article it follows and why."""

    amount: int
    article: int
    reason: str

    @property
    def yuan(self) -> str:
        return f"{self.amount // 100}.{self.amount % 100:02d}"


def within_warranty(issue_date: _dt.date, today: _dt.date) -> bool:
    """The two-year quality warranty from the issue date (art. 17: "发卡日期已超两年" is outside it)."""
    return today <= add_years(issue_date, 2)


def card_fee(case: FeeCase, *, damage: Damage | None = None, issue_date: _dt.date | None = None,
             today: _dt.date, schedule: FeeSchedule = FeeSchedule()) -> Fee:
    """The fee for ``case`` (art. 17, 19). ``issue_date`` is the issue date of the card being exchanged and
    ``damage`` how it was damaged (needed for :attr:`FeeCase.EXCHANGE_DAMAGE`)."""
    if case is FeeCase.FIRST:
        return Fee(0, 17, "first card: free")
    if case is FeeCase.TEMPORARY_ISSUE:
        return Fee(0, 19, "temporary card: free")
    if case is FeeCase.TEMPORARY_LOST:
        return Fee(schedule.temporary_card_fee, 19, "temporary card lost or damaged")
    if case is FeeCase.REPLACEMENT:
        return Fee(schedule.card_fee, 17, "replacement: provincial card fee")
    if case is FeeCase.EXCHANGE_HOLDER_REQUEST:
        return Fee(schedule.card_fee, 17, "exchange on the holder's own request: outside the warranty")
    if case in (FeeCase.EXCHANGE_DATA_CHANGE, FeeCase.EXCHANGE_APPEARANCE):
        return Fee(schedule.card_fee, 22 if case is FeeCase.EXCHANGE_APPEARANCE else 17,
                   "exchange for changed data or appearance: not a quality defect")
    # exchange for damage
    if damage is None:
        raise ValueError("an exchange for damage needs the kind of damage")
    if issue_date is None:
        raise ValueError("an exchange for damage needs the card's issue date")
    if damage.human:
        return Fee(schedule.card_fee, 17, f"human damage ({damage.value}): outside the warranty")
    if not within_warranty(issue_date, today):
        return Fee(schedule.card_fee, 17, f"issued {issue_date.isoformat()}, more than two years ago: "
                   "outside the warranty")
    return Fee(0, 17, "quality defect within the two-year warranty: free")
