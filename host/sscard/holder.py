"""Holder and card data for personalisation, validated before anything reaches a card.

Each dataclass checks itself on construction and refuses a bad value with a :class:`HolderDataError`
naming the field the way the holder file spells it::

    HolderDataError: holder.name: 31 bytes in GBK, at most 30

:func:`load_personalisation_file` reads the JSON holder file (``sscard/examples/holder.json``, format in
``docs/cli.md``). Rules:

- social security number: 18 characters, GB 11643-1999: a 6-digit division code, a real birth date
  (YYYYMMDD), a 3-digit sequence, and the ISO 7064 MOD 11-2 check character (0-9 or X); the birth date and
  the sex it encodes (sequence odd: male) must agree with ``birth_date`` and ``sex``. A holder who is not a
  mainland resident (art. 9) has the number of their residence permit (810000, 820000, 830000) or 2023
  permanent-residence ID (beginning with 9) instead, checked by its own rules (:mod:`sscard.id_numbers`);
  its birth date agrees the same way (and its sex, for a residence permit);
- names: GBK-encodable, within the record's bytes (name 30, name extension 20), no control characters;
- dates: real calendar dates (``2023-02-30`` is refused), ISO ``YYYY-MM-DD`` or ``YYYYMMDD``;
- codes: sex ``1``/``2`` (GB/T 2261.1), ethnicity GB 3304 ``01``-``56`` plus ``97`` (other) and ``98``
  (naturalised foreigner), division codes 6 digits with a GB/T 2260 province prefix;
- card: type ``1`` (regular) or ``2`` (temporary: valid 90 days counting the issue day, art. 19, and has no
  financial application), specification version matching the access profile, card number 8 characters
  and a check character (digits and capital letters), expiry after issue;
- PIN 4-12 digits, try limit 1-15.

Repr of these classes masks personal data, so that a logged object leaks nothing.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Collection, Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from sscard import spec_tables as t
from sscard.errors import HolderDataError
from sscard.id_numbers import (
    PROVINCE_CODES,
    IdKind,
    IdNumberError,
    check_date_and_character,
    detect_kind,
    mod11_2_check,
    parse_id,
)
from sscard.keys import _read_json, _shown, _Unreadable
from sscard_core.layout import Item

__all__ = [
    "ETHNICITY_CODES",
    "PROVINCE_CODES",
    "CardData",
    "FinanceData",
    "HolderData",
    "PersonalisationData",
    "SocialData",
    "check_personalisation_data",
    "check_personalisation_file",
    "gb11643_check_character",
    "load_personalisation_file",
    "parse_personalisation_data",
    "validate_holder_item",
    "validate_social_security_number",
]

ETHNICITY_CODES = frozenset({f"{n:02d}" for n in range(1, 57)} | {"97", "98"})
"""GB 3304-1991 codes: the 56 nationalities, 97 other, 98 foreign-born naturalised citizens."""

TEMPORARY_CARD_DAYS = 90
"""Art. 19: a temporary card is valid 90 days."""


def temporary_card_expiry(issue: _dt.date) -> _dt.date:
    """The expiry date of a temporary card issued on ``issue`` (art. 19): an expiry date is the last day the card
    is valid, and the issue day is the first of the 90, so it is 89 days after issue (on day 91 the card is
    refused)."""
    return issue + _dt.timedelta(days=TEMPORARY_CARD_DAYS - 1)
_SEX = {"1": "male", "2": "female"}
_SEX_PROBLEM = "not 1 (male) or 2 (female)"
_ETHNICITY_PROBLEM = "not a GB 3304 code (01-56, 97, 98)"


def _item(file: str, number: int) -> Item:
    return next(r for r in t.FILES[file].records if r.number == number).items[0]


def _fail(field_name: str, problem: str) -> HolderDataError:
    return HolderDataError(field_name, problem)


def _bad(field_name: str, value: Any, problem: str) -> HolderDataError:
    """``'x' is <problem>`` for the issuer's fields; just ``<problem>`` for personal ones (no echo, art. 24)."""
    if field_name.startswith(_PUBLIC_FIELDS):
        return _fail(field_name, f"{_show(value, field_name)} is {problem}")
    return _fail(field_name, problem)


def gb11643_check_character(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) of the first 17 digits of a citizen number."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("need the first 17 digits")
    return mod11_2_check(first17)


def _check_division(field_name: str, code: str) -> str:
    if not isinstance(code, str) or len(code) != 6 or not (code.isascii() and code.isdigit()):
        raise _bad(field_name, code, "not a 6-digit division code")
    if int(code[:2]) not in PROVINCE_CODES:
        shown = f" {code[:2]}" if field_name.startswith(_PUBLIC_FIELDS) else ""
        raise _fail(field_name, f"province code{shown} (the first two digits) is not a GB/T 2260 one")
    return code


def validate_social_security_number(number: str, field_name: str = "holder.social_security_number") -> str:
    """Check a GB 11643 citizen number: length, division code, birth date, check character."""
    if not isinstance(number, str) or len(number) != 18:
        length = len(number) if isinstance(number, str) else 0
        raise _fail(field_name, f"{length} characters, a social security number has 18")
    body, check = number[:17], number[17]
    if not (body.isascii() and body.isdigit()) or check not in "0123456789X":
        raise _fail(field_name, "17 digits and a check character 0-9 or X expected")
    _check_division(field_name, number[:6])
    try:
        check_date_and_character(number, field_name, "GB 11643")
    except IdNumberError as exc:
        raise _fail(field_name, exc.problem) from None
    return number


def _check_text(field_name: str, value: Any, max_bytes: int, *, required: bool, encoding: str = "gbk") -> str:
    if not isinstance(value, str):
        raise _fail(field_name, "text expected")
    if required and not value.strip():
        raise _fail(field_name, "must not be empty")
    if value != value.strip():
        raise _fail(field_name, "leading or trailing blanks")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise _fail(field_name, "control characters are not allowed")
    try:
        raw = value.encode(encoding)
    except UnicodeEncodeError as exc:
        raise _fail(field_name, f"character {exc.start + 1} cannot be written in {encoding.upper()}") from None
    if len(raw) > max_bytes:
        raise _fail(field_name, f"{len(raw)} bytes in {encoding.upper()}, at most {max_bytes}")
    return value


def _check_date(field_name: str, value: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        for fmt in ("%Y-%m-%d", "%Y%m%d"):
            try:
                return _dt.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
        raise _bad(field_name, value, "not a real date (YYYY-MM-DD)")
    raise _fail(field_name, "a date YYYY-MM-DD expected")


def _check_code(field_name: str, value: Any, codes: Collection[str], problem: str) -> str:
    """A value from a code list (sex, ethnicity, card type, ...): text, and one of ``codes``."""
    if not isinstance(value, str) or value not in codes:
        raise _bad(field_name, value, problem)
    return value


def _check_digits(field_name: str, value: Any, min_len: int, max_len: int) -> str:
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()) or not min_len <= len(value) <= max_len:
        want = f"{min_len}" if min_len == max_len else f"{min_len}-{max_len}"
        raise _bad(field_name, value, f"not {want} digits")
    return value


def _check_pin(field_name: str, value: Any) -> str:
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()) or not 4 <= len(value) <= 12:
        raise _fail(field_name, "a PIN is 4-12 digits")
    return value


_PUBLIC_FIELDS = ("card.", "social.access_profile")


def _show(value: Any, field_name: str = "card.") -> str:
    """A value for an error message: shown for the issuer's fields, never for personal ones (art. 24)."""
    if not field_name.startswith(_PUBLIC_FIELDS):
        return "the value"
    return repr(value) if isinstance(value, str) and len(value) <= 40 else type(value).__name__


class _Fields:
    """The values of one section under check. Each :meth:`check` validates one field; a rule across fields
    (:meth:`across`) runs only when every field it reads passed. Constructing a dataclass stops at the first
    problem (``collect=False``); batch validation collects every problem of a record (``collect=True``)."""

    def __init__(self, section: str, values: Mapping[str, Any], *, collect: bool) -> None:
        self.section = section
        self.values: dict[str, Any] = dict(values)
        self.collect = collect
        self.failed: set[str] = set()
        self.errors: list[HolderDataError] = []

    def _problem(self, name: str, exc: HolderDataError) -> None:
        if not self.collect:
            raise exc
        self.failed.add(name)
        self.errors.append(exc)

    def check(self, name: str, rule: Any) -> None:
        """``rule(value)`` returns the normalised value or raises :class:`HolderDataError`."""
        if name in self.failed or name not in self.values:
            return
        try:
            self.values[name] = rule(self.values[name])
        except HolderDataError as exc:
            self._problem(name, exc)

    def across(self, names: tuple[str, ...], rule: Any, blame: str) -> None:
        """``rule(*values)`` of fields that each passed; its problem is reported on ``blame``."""
        if any(n in self.failed or n not in self.values for n in names):
            return
        try:
            rule(*(self.values[n] for n in names))
        except HolderDataError as exc:
            self._problem(blame, exc)


def _validated(obj: Any, rules: Any) -> None:
    """Run ``rules`` on a dataclass instance (first problem raised) and keep the normalised values."""
    values = _Fields("", {f.name: getattr(obj, f.name) for f in fields(obj)}, collect=False)
    rules(values)
    for name, value in values.values.items():
        object.__setattr__(obj, name, value)


def masked_repr(obj: Any, public: tuple[str, ...]) -> str:
    """A dataclass's repr with every field not in ``public`` shown as ``<masked>`` (personal data stays out
    of logs and tracebacks)."""
    parts = [f"{f.name}={getattr(obj, f.name)!r}" if f.name in public else f"{f.name}=<masked>" for f in fields(obj)]
    return f"{type(obj).__name__}({', '.join(parts)})"


@dataclass(frozen=True, repr=False)
class HolderData:
    """EF06 as personalisation writes it."""

    social_security_number: str
    name: str
    sex: str
    ethnicity: str
    birthplace: str
    birth_date: _dt.date
    name_extension: str = ""

    def __post_init__(self) -> None:
        _validated(self, _holder_rules)

    def __repr__(self) -> str:
        return masked_repr(self, ())

    def items(self) -> dict[int, str]:
        """Record number -> value to write (cn digits or text)."""
        return {1: self.social_security_number, 2: self.name, 3: self.name_extension, 4: self.sex,
                5: self.ethnicity, 6: self.birthplace, 7: self.birth_date.strftime("%Y%m%d")}


def _plausible_birth(birth: _dt.date) -> _dt.date:
    if birth.year < 1900 or birth > _dt.date.today():
        raise _fail("holder.birth_date", "not a plausible birth date (1900 to today)")
    return birth


def _birth_in_number(number: str, birth: _dt.date) -> None:
    if number[6:14] != birth.strftime("%Y%m%d"):
        raise _fail("holder.birth_date", "differs from the birth date in the social security number")


def _sex_in_number(number: str, sex: str) -> None:
    if detect_kind(number) is IdKind.FOREIGN_PERMANENT_RESIDENCE:
        return  # our sources do not say that its sequence encodes the sex
    if sex != ("1" if int(number[16]) % 2 else "2"):
        raise _fail("holder.sex", "differs from the sex the social security number encodes (digit 17)")


def _holder_rules(v: _Fields) -> None:
    v.check("social_security_number", _check_card_id_number)
    v.check("name", lambda x: _check_text("holder.name", x, _item("EF06", 2).length, required=True))
    v.check("name_extension",
            lambda x: _check_text("holder.name_extension", x, _item("EF06", 3).length, required=False))
    v.check("sex", lambda x: _check_code("holder.sex", x, _SEX, _SEX_PROBLEM))
    v.check("ethnicity", lambda x: _check_code("holder.ethnicity", x, ETHNICITY_CODES, _ETHNICITY_PROBLEM))
    v.check("birthplace", lambda x: _check_division("holder.birthplace", x))
    v.check("birth_date", lambda x: _plausible_birth(_check_date("holder.birth_date", x)))
    v.across(("social_security_number", "birth_date"), _birth_in_number, "birth_date")
    v.across(("social_security_number", "sex"), _sex_in_number, "sex")


@dataclass(frozen=True, repr=False)
class CardData:
    """EF05 as personalisation writes it (record 1, the card identification code, is built from the area
    code and the card's own unique bytes; the card number is masked in repr)."""

    issuer_org: str
    issue_date: _dt.date
    expiry_date: _dt.date
    card_number: str
    card_type: str = "1"
    spec_version: str = "2.00"
    area_code: str | None = None

    def __post_init__(self) -> None:
        _validated(self, _card_rules)

    @property
    def temporary(self) -> bool:
        return self.card_type == "2"

    def __repr__(self) -> str:
        return masked_repr(self, ("issuer_org", "issue_date", "expiry_date", "card_type", "spec_version",
                                   "area_code"))


def _check_card_number(number: Any) -> str:
    n = _item("EF05", 7).length
    if not isinstance(number, str) or len(number) != n \
            or not all("0" <= c <= "9" or "A" <= c <= "Z" for c in number):
        raise _fail("card.card_number", f"{n} characters (digits, capital letters) expected")
    return number


def _card_dates(issue: _dt.date, expiry: _dt.date, card_type: str) -> None:
    if expiry <= issue:
        raise _fail("card.expiry_date", f"{expiry.isoformat()} is not after the issue date {issue.isoformat()}")
    if card_type == "2" and expiry != temporary_card_expiry(issue):
        raise _fail("card.expiry_date", f"a temporary card is valid {TEMPORARY_CARD_DAYS} days counting the issue "
                                        f"day: its expiry date is {temporary_card_expiry(issue).isoformat()}")


def _card_rules(v: _Fields) -> None:
    v.check("card_type", lambda x: _check_code("card.card_type", x, ("1", "2"), "not 1 (regular) or 2 (temporary)"))
    v.check("spec_version", lambda x: _check_code("card.spec_version", x, ("2.00", "3.00"), "not 2.00 or 3.00"))
    v.check("issuer_org", lambda x: _check_digits("card.issuer_org", x, 1, 2 * _item("EF05", 4).length))
    v.check("issue_date", lambda x: _check_date("card.issue_date", x))
    v.check("expiry_date", lambda x: _check_date("card.expiry_date", x))
    v.check("card_number", _check_card_number)
    v.check("area_code", lambda x: x if x is None else _check_division("card.area_code", x))
    v.across(("issue_date", "expiry_date", "card_type"), _card_dates, "expiry_date")


@dataclass(frozen=True, repr=False)
class SocialData:
    """What the social security application gets besides files: initial PIN, try limit, access profile."""

    initial_pin: str
    pin_try_limit: int = t.DEFAULT_PIN_TRY_LIMIT["SSSE"]
    access_profile: str = "2.0"

    def __post_init__(self) -> None:
        _validated(self, _social_rules)

    def __repr__(self) -> str:
        return masked_repr(self, ("pin_try_limit", "access_profile"))


def _check_try_limit(field_name: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 15:
        raise _fail(field_name, "1-15 expected")
    return value


def _social_rules(v: _Fields) -> None:
    v.check("initial_pin", lambda x: _check_pin("social.initial_pin", x))
    v.check("pin_try_limit", lambda x: _check_try_limit("social.pin_try_limit", x))
    v.check("access_profile", lambda x: _check_code("social.access_profile", x, t.ACCESS_PROFILES,
                                                    f"not one of {', '.join(t.ACCESS_PROFILES)}"))


@dataclass(frozen=True, repr=False)
class FinanceData:
    """The financial application's records and PIN (written with the bank's keys)."""

    pan: str
    pan_sequence: str
    effective_date: _dt.date
    expiry_date: _dt.date
    cardholder_name: str
    initial_pin: str
    pin_try_limit: int = t.DEFAULT_PIN_TRY_LIMIT["PBOC"]

    def __post_init__(self) -> None:
        _validated(self, _finance_rules)

    def __repr__(self) -> str:
        return masked_repr(self, ("pan_sequence", "effective_date", "expiry_date", "pin_try_limit"))


def _check_pan(value: Any) -> str:
    pan_item = next(i for r in t.FILES["FIN_SFI1"].records for i in r.items if i.tag == b"\x5a")
    pan = _check_digits("finance.pan", value, 12, min(19, 2 * pan_item.length))
    if not _luhn_ok(pan):
        raise _fail("finance.pan", "Luhn check digit is wrong")
    return pan


def _emv_date(field_name: str, value: Any) -> _dt.date:
    d = _check_date(field_name, value)
    if not 2000 <= d.year <= 2099:
        raise _fail(field_name, "EMV dates (YYMMDD) cover 2000-2099")
    return d


def _finance_dates(effective: _dt.date, expiry: _dt.date) -> None:
    if expiry <= effective:
        raise _fail("finance.expiry_date", "not after the effective date")


def _finance_rules(v: _Fields) -> None:
    name_item = next(i for r in t.FILES["FIN_SFI1"].records for i in r.items if i.tag == b"\x5f\x20")
    v.check("pan", _check_pan)
    v.check("pan_sequence", lambda x: _check_digits("finance.pan_sequence", x, 2, 2))
    v.check("effective_date", lambda x: _emv_date("finance.effective_date", x))
    v.check("expiry_date", lambda x: _emv_date("finance.expiry_date", x))
    v.check("cardholder_name", lambda x: _check_text("finance.cardholder_name", x, name_item.length,
                                                     required=True, encoding="ascii"))
    v.check("initial_pin", lambda x: _check_pin("finance.initial_pin", x))
    v.check("pin_try_limit", lambda x: _check_try_limit("finance.pin_try_limit", x))
    v.across(("effective_date", "expiry_date"), _finance_dates, "expiry_date")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@dataclass(frozen=True, repr=False)
class PersonalisationData:
    """Everything personalisation writes: card (EF05), holder (EF06), the social application's PIN and
    profile, optional sub-application records (file name -> tag -> value) and optional financial data."""

    card: CardData
    holder: HolderData
    social: SocialData
    sub_applications: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    finance: FinanceData | None = None

    def __repr__(self) -> str:
        files = ", ".join(sorted(self.sub_applications))
        return (f"PersonalisationData(card={self.card!r}, holder={self.holder!r}, social={self.social!r}, "
                f"sub_applications=<{files or 'none'}: masked>, finance={self.finance!r})")

    def __post_init__(self) -> None:
        for problem in _record_problems(self.card, self.social, self.finance, self.sub_applications):
            raise problem

    @staticmethod
    def _check_sub_application(file: str, values: Mapping[str, str]) -> None:
        from sscard.records import encode_item

        spec = t.FILES.get(file) if isinstance(file, str) else None
        if spec is None or spec.application != "SSSE" or not spec.df:
            known = ", ".join(n for n, f in t.FILES.items() if f.application == "SSSE" and f.df)
            raise _fail(f"sub_applications.{_shown(file)}", f"not a sub-application file ({known})")
        items = {i.tag.hex().upper(): i for r in spec.records for i in r.items}
        if not isinstance(values, Mapping):
            raise _fail(f"sub_applications.{file}", "an object of tag -> value expected")
        for tag, value in values.items():
            name = f"sub_applications.{file}.{_shown(tag)}"
            item = items.get(tag.upper()) if isinstance(tag, str) else None
            if item is None:
                raise _fail(name, f"no such tag in {file} ({', '.join(items)})")
            if not isinstance(value, str):
                raise _fail(name, "text expected")
            if item.format == "cn" and len(value) == 6 and item.length == 3:
                _check_division(name, value)
            try:
                encode_item(item, value)
            except ValueError as exc:
                raise _fail(name, str(exc).split(": ", 1)[-1]) from None


def _check_card_id_number(value: str) -> str:
    """EF06 record 1 (art. 9): a citizen number, or the 18-character number of a holder who is not a mainland
    resident (residence permit, 2023 permanent-residence ID), each by its own rules (:mod:`sscard.id_numbers`);
    never a residence permit refused as a bad province."""
    kind = detect_kind(value) if isinstance(value, str) else IdKind.RESIDENT
    if kind is IdKind.RESIDENT:
        return validate_social_security_number(value)
    if len(value) != 18:
        raise _fail("holder.social_security_number", f"a {kind.value} number of {len(value)} characters does not "
                    "fit the card's 18-character number")
    try:
        parse_id(value, kind)
    except IdNumberError as exc:
        raise _fail("holder.social_security_number", f"{exc.label}: {exc.problem}") from None
    return value


def validate_holder_item(record: int, value: str) -> None:
    """The rule of one EF06 item (by record number) for a later change of holder data; the field is named
    as in the holder file. Cross-field rules (birth date and sex in the social security number) are not
    checked here: they need the whole record."""
    if record == 1:
        _check_card_id_number(value)
    elif record == 2:
        _check_text("holder.name", value, _item("EF06", 2).length, required=True)
    elif record == 3:
        _check_text("holder.name_extension", value, _item("EF06", 3).length, required=False)
    elif record == 4:
        _check_code("holder.sex", value, _SEX, _SEX_PROBLEM)
    elif record == 5:
        _check_code("holder.ethnicity", value, ETHNICITY_CODES, _ETHNICITY_PROBLEM)
    elif record == 6:
        _check_division("holder.birthplace", value)
    elif record == 7:
        _check_date("holder.birth_date", value)


# ------------------------------------------------------------------------------------ JSON file


_SECTIONS: dict[str, tuple[type[Any], Any]] = {
    "card": (CardData, _card_rules), "holder": (HolderData, _holder_rules), "social": (SocialData, _social_rules),
    "finance": (FinanceData, _finance_rules)}
_REQUIRED_SECTIONS = ("card", "holder", "social")


def _unknown_names(prefix: str, obj: Mapping[Any, Any], known: Collection[str], problem: str) -> list[HolderDataError]:
    """Names of ``obj`` that are neither ``known`` nor comments (``_…``), shown safely (one line each)."""
    return [_fail(f"{prefix}{_shown(name)}", problem) for name in obj
            if name not in known and not (isinstance(name, str) and name.startswith("_"))]


def _section(obj: Mapping[str, Any], name: str, collect: bool, problems: list[HolderDataError]) -> Any:
    """The dataclass of section ``name`` (None when absent or wrong), its problems added to ``problems``."""
    cls, rules = _SECTIONS[name]
    values = obj.get(name)
    if values is None:
        if name in _REQUIRED_SECTIONS:
            problems.append(_fail(name, "missing"))
        return None
    if not isinstance(values, Mapping):
        problems.append(_fail(name, "an object expected"))
        return None
    known = [f.name for f in fields(cls)]
    found = _unknown_names(f"{name}.", values, known, f"unknown field (known: {', '.join(sorted(known))})")
    found += [_fail(f"{name}.{f.name}", "missing") for f in fields(cls)
              if f.default is MISSING and f.default_factory is MISSING and f.name not in values]
    if found and not collect:
        raise found[0]
    checked = _Fields(name, {k: v for k, v in values.items() if k in known}, collect=collect)
    rules(checked)
    found += checked.errors
    problems.extend(found)
    return None if found else cls(**checked.values)


def _record_problems(card: CardData | None, social: SocialData | None, finance: FinanceData | None,
                     sub_applications: Mapping[Any, Any]) -> list[HolderDataError]:
    """The rules across sections, on the sections that passed their own."""
    found: list[HolderDataError] = []
    if card is not None and social is not None:
        profile_version = {"2.0": "2.00", "3.0": "3.00"}[social.access_profile]
        if card.spec_version != profile_version:
            found.append(_fail("card.spec_version", f"{card.spec_version} does not match access profile "
                                                    f"{social.access_profile}"))
    if card is not None and card.temporary and finance is not None:
        found.append(_fail("finance", "a temporary card has no financial application (art. 19)"))
    for file, values in sub_applications.items():
        try:
            PersonalisationData._check_sub_application(file, values)
        except HolderDataError as exc:
            found.append(exc)
    return found


def check_personalisation_data(obj: Any, source: str | None = None) -> tuple[PersonalisationData | None,
                                                                           list[HolderDataError]]:
    """Every problem of one holder record (parsed holder JSON, see ``docs/cli.md``), not just the first: a
    batch report needs them all. Returns the data when there is none, else None and the problems (each names
    the field, and ``source`` when given; never the personal value itself)."""
    data, problems = _read(obj, collect=True)
    if source is not None:
        problems = [p if p.source is not None else HolderDataError(p.field, p.problem, source=source)
                    for p in problems]
    return data, problems


def parse_personalisation_data(obj: Any, source: str | None = None) -> PersonalisationData:
    """:class:`PersonalisationData` from the parsed holder JSON (see ``docs/cli.md``); the first problem is
    raised, naming ``source`` (the file) when given."""
    try:
        data, _ = _read(obj, collect=False)
    except HolderDataError as exc:
        if source is None or exc.source is not None:
            raise
        raise HolderDataError(exc.field, exc.problem, source=source) from None
    assert data is not None
    return data


def _read(obj: Any, *, collect: bool) -> tuple[PersonalisationData | None, list[HolderDataError]]:
    problems: list[HolderDataError] = []
    if not isinstance(obj, Mapping):
        problems.append(_fail("(file)", "a JSON object expected"))
    else:
        problems += _unknown_names("", obj, (*_SECTIONS, "sub_applications"), "unknown section")
        if problems and not collect:
            raise problems[0]
        card, holder, social, finance = (_section(obj, n, collect, problems) for n in _SECTIONS)
        sub = obj.get("sub_applications")
        if sub is None:
            sub = {}
        elif not isinstance(sub, Mapping):
            problems.append(_fail("sub_applications", "an object expected"))
            sub = {}
        problems += _record_problems(card, social, finance, sub)
        if not problems:
            assert card is not None and holder is not None and social is not None
            return PersonalisationData(card, holder, social, dict(sub), finance), []
    if not collect:
        raise problems[0]
    return None, problems


def check_personalisation_file(path: str | Path) -> tuple[PersonalisationData | None, list[HolderDataError]]:
    """Every problem of a holder JSON file (:func:`check_personalisation_data`), or the one saying it cannot be
    read at all."""
    p = Path(path)
    try:
        obj = _read_json(p)
    except _Unreadable as exc:
        return None, [HolderDataError("(file)", f"{p}: {exc}")]
    return check_personalisation_data(obj, p.name)


def load_personalisation_file(path: str | Path) -> PersonalisationData:
    """Read and validate a holder JSON file; errors name the file and the field (``holder.json: holder.name:
    …``), or the file when it cannot be read at all (not UTF-8, not JSON, nested too deeply, ...)."""
    p = Path(path)
    try:
        obj = _read_json(p)
    except _Unreadable as exc:
        raise HolderDataError("(file)", f"{p}: {exc}") from None
    return parse_personalisation_data(obj, p.name)
