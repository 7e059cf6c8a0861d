"""Identity numbers of people who hold a card (art. 9): the mainland citizen number and the numbers of
holders who are not mainland residents, each checked by its own rules.

==================================  =======================================================================
kind                                rules checked
==================================  =======================================================================
``resident`` (居民身份证)             GB 11643: 18 characters, a GB/T 2260 province, a real birth date, the
                                    ISO 7064 MOD 11-2 check character
``hmt_residence_permit``            Hong Kong, Macao and Taiwan residents' residence permits (港澳台居民居住证):
(港澳台居民居住证)                      built like a citizen number, with the fixed area codes 810000 (Hong
                                    Kong), 820000 (Macao) or 830000 (Taiwan) in place of a division code
``foreign_permanent_residence``     the 2023 permanent-residence ID (外国人永久居留身份证): 18 characters,
(外国人永久居留身份证)                  the first ``9`` (no province begins with 9), 17 digits with a real birth
                                    date in digits 7-14, and the MOD 11-2 check character; or the older
                                    15-character format: three capital letters (the nationality) and 12
                                    digits (no check character: only the shape is checked)
``passport``                        a passport where none of the above exists: the issuing country
                                    (ISO 3166-1 alpha-3, three capital letters) and a number of 5-15 capital
                                    letters and digits
==================================  =======================================================================

What the numbers encode beyond this (the nationality code of the 2023 format, the place and date in the
older one) is not checked: our sources do not give those tables. Birth date and sex are taken from a number
only where the citizen-number layout gives them (resident and residence-permit numbers; the birth date of a
2023 permanent-residence number).
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from dataclasses import dataclass

__all__ = ["HMT_AREAS", "PROVINCE_CODES", "IdKind", "IdNumberError", "IdentityNumber", "check_date_and_character",
           "detect_kind", "mod11_2_check", "parse_id"]

PROVINCE_CODES = frozenset({
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
})
"""GB/T 2260 province-level prefixes (the first two digits of a division code)."""

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

HMT_AREAS = {"810000": "Hong Kong", "820000": "Macao", "830000": "Taiwan"}
"""The area codes that open a Hong Kong, Macao or Taiwan residence-permit number."""

_OLD_PERMANENT = re.compile(r"[A-Z]{3}[0-9]{12}")
_COUNTRY = re.compile(r"[A-Z]{3}")
_PASSPORT = re.compile(r"[A-Z0-9]{5,15}")


class IdNumberError(ValueError):
    """An identity number that breaks the rules of its kind; the message names the kind (``label``) and the
    rule (``problem``)."""

    def __init__(self, label: str, problem: str) -> None:
        super().__init__(f"{label}: {problem}")
        self.label, self.problem = label, problem


class IdKind(enum.StrEnum):
    """The identity document a holder registers with (art. 9, 10)."""

    RESIDENT = "resident"
    HMT_RESIDENCE_PERMIT = "hmt_residence_permit"
    FOREIGN_PERMANENT_RESIDENCE = "foreign_permanent_residence"
    PASSPORT = "passport"


@dataclass(frozen=True)
class IdentityNumber:
    """A checked identity number. ``key`` is how the registry files the person: the number itself, or for a
    passport the issuing country followed by the number (passport numbers are unique per country only)."""

    kind: IdKind
    number: str
    nationality: str | None = None
    birth_date: _dt.date | None = None
    sex: str | None = None
    """``1`` male, ``2`` female (GB/T 2261.1), from the sequence number's parity where the layout has it."""

    @property
    def key(self) -> str:
        return f"{self.nationality}{self.number}" if self.kind is IdKind.PASSPORT else self.number

    def __repr__(self) -> str:  # never the number in clear (art. 24)
        return f"IdentityNumber(kind={self.kind.value}, number=…{self.number[-4:]})"


def mod11_2_check(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of 17 digits (as GB 11643 uses it)."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def detect_kind(number: str) -> IdKind:
    """The kind a number's shape shows (a passport is never guessed: it needs its country)."""
    if len(number) == 18 and number[:6] in HMT_AREAS:
        return IdKind.HMT_RESIDENCE_PERMIT
    if number.startswith("9") or _OLD_PERMANENT.fullmatch(number):
        return IdKind.FOREIGN_PERMANENT_RESIDENCE
    return IdKind.RESIDENT


def check_date_and_character(number: str, label: str, standard: str = "ISO 7064 MOD 11-2") -> _dt.date:
    """Of 17 digits and a check character (shape already checked): the birth date in digits 7-14 is a real
    date, and the check character is right. Returns the birth date."""
    try:
        born = _dt.datetime.strptime(number[6:14], "%Y%m%d").date()
    except ValueError:
        raise IdNumberError(label, "the birth date it encodes (digits 7-14) is not a real date") from None
    expected = mod11_2_check(number[:17])
    if number[17] != expected:
        raise IdNumberError(label, f"check character {number[17]} is wrong ({standard} gives {expected})")
    return born


def _eighteen(number: str, what: str, standard: str = "ISO 7064 MOD 11-2") -> tuple[_dt.date, str]:
    """The rules shared by the 18-character numbers: 17 digits, a real birth date in digits 7-14, the check
    character. Returns the birth date and the sex the sequence's parity gives."""
    if len(number) != 18:
        raise IdNumberError(what, f"{len(number)} characters, 18 expected")
    body, check = number[:17], number[17]
    if not (body.isascii() and body.isdigit()) or check not in "0123456789X":
        raise IdNumberError(what, "17 digits and a check character 0-9 or X expected")
    born = check_date_and_character(number, what, standard)
    return born, "1" if int(number[16]) % 2 else "2"


def parse_id(number: str, kind: IdKind | str | None = None, *, nationality: str | None = None) -> IdentityNumber:
    """Check ``number`` by the rules of ``kind`` (None: the kind its shape shows, see :func:`detect_kind`;
    a passport needs ``kind="passport"`` and ``nationality``). Raises :class:`IdNumberError` naming the kind
    and what is wrong."""
    if not isinstance(number, str) or not number.strip():
        raise IdNumberError("identity number", "required")
    number = number.strip().upper()
    try:
        if kind is not None:
            kind = IdKind(kind)
        else:  # a passport's number has no shape of its own: the country given says it is one
            shown = detect_kind(number)
            kind = IdKind.PASSPORT if nationality and shown is IdKind.RESIDENT else shown
    except ValueError:
        raise IdNumberError("identity document kind", f"{kind!r} is not one of "
                            f"{', '.join(k.value for k in IdKind)}") from None
    if kind is not IdKind.PASSPORT and nationality is not None and kind is not IdKind.FOREIGN_PERMANENT_RESIDENCE:
        raise IdNumberError(kind.value, "a nationality is given only with a passport or a permanent-residence ID")
    if kind is IdKind.RESIDENT:
        label = "resident ID"
        if number.startswith("9") or number[:6] in HMT_AREAS:
            raise IdNumberError(label, "this number has the shape of a non-mainland number; give its kind")
        born, sex = _eighteen(number, label, "GB 11643")
        if int(number[:2]) not in PROVINCE_CODES:
            raise IdNumberError(label, "province code (the first two digits) is not a GB/T 2260 one")
        return IdentityNumber(kind, number, "CHN", born, sex)
    if kind is IdKind.HMT_RESIDENCE_PERMIT:
        what = "Hong Kong/Macao/Taiwan residence permit"
        if number[:6] not in HMT_AREAS:
            raise IdNumberError(what, "begins with 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan), "
                                f"not {number[:6]}")
        born, sex = _eighteen(number, what)
        return IdentityNumber(kind, number, None, born, sex)
    if kind is IdKind.FOREIGN_PERMANENT_RESIDENCE:
        what = "foreign permanent-residence ID"
        if len(number) == 15:
            if not _OLD_PERMANENT.fullmatch(number):
                raise IdNumberError(f"{what} (15-character format)", "three capital letters (the nationality) "
                                    "and 12 digits expected")
            if nationality is not None and nationality != number[:3]:
                raise IdNumberError(what, f"the number's nationality {number[:3]} is not the one given "
                                    f"({nationality})")
            return IdentityNumber(kind, number, number[:3])
        if len(number) == 18 and not number.startswith("9"):
            raise IdNumberError(f"{what} (2023 format)", f"the first character is 9, not {number[0]}")
        if len(number) != 18:
            raise IdNumberError(what, f"{len(number)} characters; 18 (2023 format, beginning with 9) or 15 "
                                "(three letters and 12 digits) expected")
        born, _ = _eighteen(number, f"{what} (2023 format)")
        return IdentityNumber(kind, number, nationality, born)
    if nationality is None or not _COUNTRY.fullmatch(nationality):
        raise IdNumberError("passport", "the issuing country as three capital letters (ISO 3166-1 alpha-3) is "
                            f"required, got {nationality!r}")
    if not _PASSPORT.fullmatch(number):
        raise IdNumberError("passport", "the number is 5-15 capital letters and digits")
    return IdentityNumber(kind, number, nationality)
