"""Card fees (卡工本费) as a pure function of the case (art. 17, 19; SSC-WIN-11).

- The first card is free (art. 17).
- A replacement (补卡) and an exchange (换卡) pay the provincial fee, except an exchange within the quality
  warranty (质保期). Outside the warranty (art. 17): the holder asked for the exchange on their own
  initiative, human damage (scratches, dents, folds, holes, breaks, stains, lifted film, corroded or
  detached chip), or more than two years after the issue date. [choice] The warranty covers quality defects
  only, so an exchange for changed face data or a changed appearance (art. 22) pays the fee.
- A temporary card is free; a lost or damaged temporary card costs 20 yuan (art. 19).

Amounts are in fen (1 yuan = 100 fen) so that no float is ever involved. The regulation sets one amount only:
20 yuan for a lost or damaged temporary card (art. 19). The card fee of a replacement or exchange is the
provincial price authority's and the regulation does not state it: it is configuration
(:class:`FeeSchedule`, :meth:`FeeSchedule.load`), and until configured a placeholder of 20 yuan that every
:class:`Fee` marks as our assumption (``assumed``, ``basis``), so that receipts and the command line say so
(SSC-WIN-29).
"""

from __future__ import annotations

import datetime as _dt
import enum
import tomllib
from dataclasses import dataclass
from pathlib import Path

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


REGULATION_TEMPORARY_CARD_FEE = 2000
"""Art. 19: a lost or damaged temporary card costs 20 yuan (the only amount the regulation sets)."""
PLACEHOLDER_CARD_FEE = 2000
"""[assumption] The card fee charged while none is configured: not from the regulation (see the module)."""


@dataclass(frozen=True)
class FeeSchedule:
    """The amounts, in fen. ``card_fee``: the provincial card fee for replacement and exchange (art. 17), None
    while not configured (then :data:`PLACEHOLDER_CARD_FEE`, marked assumed); ``temporary_card_fee``: a lost
    or damaged temporary card (art. 19: 20 yuan); ``source``: where configured amounts come from (a price
    list, a file), shown with every fee they give."""

    card_fee: int | None = None
    temporary_card_fee: int = REGULATION_TEMPORARY_CARD_FEE
    source: str | None = None

    def __post_init__(self) -> None:
        for name in ("card_fee", "temporary_card_fee"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise ValueError(f"{name}: an amount in fen, a whole number not below 0 (got {value!r})")

    @classmethod
    def load(cls, path: Path) -> FeeSchedule:
        """Read a TOML file: ``card_fee_fen`` (the provincial card fee), optional ``temporary_card_fee_fen``
        and ``source`` (default: the file's name)."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"{path}: cannot read the fee schedule: {exc}") from exc
        unknown = set(data) - {"card_fee_fen", "temporary_card_fee_fen", "source"}
        if unknown:
            raise ValueError(f"{path}: unknown keys {', '.join(sorted(unknown))} (card_fee_fen, "
                             "temporary_card_fee_fen, source)")
        if "card_fee_fen" not in data:
            raise ValueError(f"{path}: card_fee_fen is required (the provincial card fee, in fen)")
        return cls(card_fee=data["card_fee_fen"],
                   temporary_card_fee=data.get("temporary_card_fee_fen", REGULATION_TEMPORARY_CARD_FEE),
                   source=str(data.get("source", path.name)))

    def _configured(self) -> str:
        return f"configured ({self.source or 'FeeSchedule'})"

    def card_fee_basis(self) -> tuple[int, str, bool]:
        """(amount, basis, assumed) of the provincial card fee."""
        if self.card_fee is None:
            return (PLACEHOLDER_CARD_FEE, "ASSUMED: placeholder amount, not set by the regulation (the provincial "
                    "price authority sets it); configure the card fee", True)
        return self.card_fee, self._configured(), False

    def temporary_fee_basis(self) -> tuple[int, str]:
        if self.temporary_card_fee == REGULATION_TEMPORARY_CARD_FEE:
            return self.temporary_card_fee, "regulation, art. 19 (20 yuan)"
        return self.temporary_card_fee, f"{self._configured()}, differs from the 20 yuan of art. 19"


@dataclass(frozen=True)
class Fee:
    """What to charge (``amount`` in fen), the article it follows and why; ``basis`` says where the amount comes
    from (the regulation, configuration, or our assumption) and ``assumed`` is True for an assumed amount."""

    amount: int
    article: int
    reason: str
    basis: str = "regulation"
    assumed: bool = False

    @property
    def yuan(self) -> str:
        return f"{self.amount // 100}.{self.amount % 100:02d}"

    def describe(self) -> str:
        """One line for a receipt: amount, article, reason and basis (an assumed amount says so)."""
        return f"{self.yuan} yuan (art. {self.article}: {self.reason}; {self.basis})"


def within_warranty(issue_date: _dt.date, today: _dt.date) -> bool:
    """The two-year quality warranty from the issue date (art. 17: "发卡日期已超两年" is outside it)."""
    return today <= add_years(issue_date, 2)


def card_fee(case: FeeCase, *, damage: Damage | None = None, issue_date: _dt.date | None = None,
             today: _dt.date, schedule: FeeSchedule = FeeSchedule()) -> Fee:
    """The fee for ``case`` (art. 17, 19). ``issue_date`` is the issue date of the card being exchanged and
    ``damage`` how it was damaged (needed for :attr:`FeeCase.EXCHANGE_DAMAGE`)."""
    if case is FeeCase.FIRST:
        return Fee(0, 17, "first card: free", "regulation, art. 17")
    if case is FeeCase.TEMPORARY_ISSUE:
        return Fee(0, 19, "temporary card: free", "regulation, art. 19")
    if case is FeeCase.TEMPORARY_LOST:
        amount, basis = schedule.temporary_fee_basis()
        return Fee(amount, 19, "temporary card lost or damaged", basis)
    paid, basis, assumed = schedule.card_fee_basis()

    def card(article: int, reason: str) -> Fee:
        return Fee(paid, article, reason, basis, assumed)

    if case is FeeCase.REPLACEMENT:
        return card(17, "replacement: provincial card fee")
    if case is FeeCase.EXCHANGE_HOLDER_REQUEST:
        return card(17, "exchange on the holder's own request: outside the warranty")
    if case in (FeeCase.EXCHANGE_DATA_CHANGE, FeeCase.EXCHANGE_APPEARANCE):
        return card(22 if case is FeeCase.EXCHANGE_APPEARANCE else 17,
                    "exchange for changed data or appearance: not a quality defect (our reading: the warranty "
                    "covers quality defects only)")
    # exchange for damage
    if damage is None:
        raise ValueError("an exchange for damage needs the kind of damage")
    if issue_date is None:
        raise ValueError("an exchange for damage needs the card's issue date")
    if damage.human:
        return card(17, f"human damage ({damage.value}): outside the warranty")
    if not within_warranty(issue_date, today):
        return card(17, f"issued {issue_date.isoformat()}, more than two years ago: outside the warranty")
    return Fee(0, 17, "quality defect within the two-year warranty: free", "regulation, art. 17")
