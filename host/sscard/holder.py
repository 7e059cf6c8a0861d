"""Holder and card data for personalisation, validated before anything reaches a card.

Each dataclass checks itself on construction and refuses a bad value with a :class:`HolderDataError`
naming the field the way the holder file spells it::

    HolderDataError: holder.name: 31 bytes in GBK, at most 30

:func:`load_personalisation_file` reads the JSON holder file (``examples/holder.json``, format in
``docs/cli.md``). Rules:

- social security number: 18 characters, GB 11643-1999: a 6-digit division code, a real birth date
  (YYYYMMDD), a 3-digit sequence, and the ISO 7064 MOD 11-2 check character (0-9 or X); the birth date and
  the sex it encodes (sequence odd: male) must agree with ``birth_date`` and ``sex``;
- names: GBK-encodable, within the record's bytes (name 30, name extension 20), no control characters;
- dates: real calendar dates (``2023-02-30`` is refused), ISO ``YYYY-MM-DD`` or ``YYYYMMDD``;
- codes: sex ``1``/``2`` (GB/T 2261.1), ethnicity GB 3304 ``01``-``56`` plus ``97`` (other) and ``98``
  (naturalised foreigner), division codes 6 digits with a GB/T 2260 province prefix;
- card: type ``1`` (regular) or ``2`` (temporary: expires 90 days after issue, art. 19, and has no
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
    "gb11643_check_character",
    "load_personalisation_file",
    "parse_personalisation_data",
    "validate_holder_item",
    "validate_social_security_number",
]

PROVINCE_CODES = frozenset({
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
})
"""GB/T 2260 province-level prefixes (the first two digits of a division code)."""

ETHNICITY_CODES = frozenset({f"{n:02d}" for n in range(1, 57)} | {"97", "98"})
"""GB 3304-1991 codes: the 56 nationalities, 97 other, 98 foreign-born naturalised citizens."""

_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB11643_CHECK = "10X98765432"
TEMPORARY_CARD_DAYS = 90
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
    return _GB11643_CHECK[sum(int(c) * w for c, w in zip(first17, _GB11643_WEIGHTS, strict=True)) % 11]


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
        _dt.datetime.strptime(number[6:14], "%Y%m%d")
    except ValueError:
        raise _fail(field_name, "the birth date it encodes (digits 7-14) is not a real date") from None
    expected = gb11643_check_character(body)
    if check != expected:
        raise _fail(field_name, f"check character {check} is wrong (GB 11643 gives {expected})")
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
        validate_social_security_number(self.social_security_number)
        _check_text("holder.name", self.name, _item("EF06", 2).length, required=True)
        _check_text("holder.name_extension", self.name_extension, _item("EF06", 3).length, required=False)
        _check_code("holder.sex", self.sex, _SEX, _SEX_PROBLEM)
        _check_code("holder.ethnicity", self.ethnicity, ETHNICITY_CODES, _ETHNICITY_PROBLEM)
        _check_division("holder.birthplace", self.birthplace)
        birth = _check_date("holder.birth_date", self.birth_date)
        object.__setattr__(self, "birth_date", birth)
        if birth.year < 1900 or birth > _dt.date.today():
            raise _fail("holder.birth_date", "not a plausible birth date (1900 to today)")
        encoded = self.social_security_number[6:14]
        if encoded != birth.strftime("%Y%m%d"):
            raise _fail("holder.birth_date", "differs from the birth date in the social security number")
        parity = "1" if int(self.social_security_number[16]) % 2 else "2"
        if self.sex != parity:
            raise _fail("holder.sex", "differs from the sex the social security number encodes (digit 17)")

    def __repr__(self) -> str:
        return masked_repr(self, ())

    def items(self) -> dict[int, str]:
        """Record number -> value to write (cn digits or text)."""
        return {1: self.social_security_number, 2: self.name, 3: self.name_extension, 4: self.sex,
                5: self.ethnicity, 6: self.birthplace, 7: self.birth_date.strftime("%Y%m%d")}


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
        _check_code("card.card_type", self.card_type, ("1", "2"), "not 1 (regular) or 2 (temporary)")
        _check_code("card.spec_version", self.spec_version, ("2.00", "3.00"), "not 2.00 or 3.00")
        _check_digits("card.issuer_org", self.issuer_org, 1, 2 * _item("EF05", 4).length)
        issue = _check_date("card.issue_date", self.issue_date)
        expiry = _check_date("card.expiry_date", self.expiry_date)
        object.__setattr__(self, "issue_date", issue)
        object.__setattr__(self, "expiry_date", expiry)
        if expiry <= issue:
            raise _fail("card.expiry_date", f"{expiry.isoformat()} is not after the issue date {issue.isoformat()}")
        if self.card_type == "2" and expiry != issue + _dt.timedelta(days=TEMPORARY_CARD_DAYS):
            raise _fail("card.expiry_date", f"a temporary card expires {TEMPORARY_CARD_DAYS} days after issue "
                                            f"({(issue + _dt.timedelta(days=TEMPORARY_CARD_DAYS)).isoformat()})")
        n = _item("EF05", 7).length
        number = self.card_number
        if not isinstance(number, str) or len(number) != n \
                or not all("0" <= c <= "9" or "A" <= c <= "Z" for c in number):
            raise _fail("card.card_number", f"{n} characters (digits, capital letters) expected")
        if self.area_code is not None:
            _check_division("card.area_code", self.area_code)

    @property
    def temporary(self) -> bool:
        return self.card_type == "2"

    def __repr__(self) -> str:
        return masked_repr(self, ("issuer_org", "issue_date", "expiry_date", "card_type", "spec_version",
                                   "area_code"))


@dataclass(frozen=True, repr=False)
class SocialData:
    """What the social security application gets besides files: initial PIN, try limit, access profile."""

    initial_pin: str
    pin_try_limit: int = t.DEFAULT_PIN_TRY_LIMIT["SSSE"]
    access_profile: str = "2.0"

    def __post_init__(self) -> None:
        _check_pin("social.initial_pin", self.initial_pin)
        if not isinstance(self.pin_try_limit, int) or isinstance(self.pin_try_limit, bool) \
                or not 1 <= self.pin_try_limit <= 15:
            raise _fail("social.pin_try_limit", "1-15 expected")
        _check_code("social.access_profile", self.access_profile, t.ACCESS_PROFILES,
                    f"not one of {', '.join(t.ACCESS_PROFILES)}")

    def __repr__(self) -> str:
        return masked_repr(self, ("pin_try_limit", "access_profile"))


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
        pan_item = next(i for r in t.FILES["FIN_SFI1"].records for i in r.items if i.tag == b"\x5a")
        _check_digits("finance.pan", self.pan, 12, min(19, 2 * pan_item.length))
        if not _luhn_ok(self.pan):
            raise _fail("finance.pan", "Luhn check digit is wrong")
        _check_digits("finance.pan_sequence", self.pan_sequence, 2, 2)
        effective = _check_date("finance.effective_date", self.effective_date)
        expiry = _check_date("finance.expiry_date", self.expiry_date)
        object.__setattr__(self, "effective_date", effective)
        object.__setattr__(self, "expiry_date", expiry)
        for name, d in (("finance.effective_date", effective), ("finance.expiry_date", expiry)):
            if not 2000 <= d.year <= 2099:
                raise _fail(name, "EMV dates (YYMMDD) cover 2000-2099")
        if expiry <= effective:
            raise _fail("finance.expiry_date", "not after the effective date")
        name_item = next(i for r in t.FILES["FIN_SFI1"].records for i in r.items if i.tag == b"\x5f\x20")
        _check_text("finance.cardholder_name", self.cardholder_name, name_item.length, required=True,
                    encoding="ascii")
        _check_pin("finance.initial_pin", self.initial_pin)
        if not isinstance(self.pin_try_limit, int) or isinstance(self.pin_try_limit, bool) \
                or not 1 <= self.pin_try_limit <= 15:
            raise _fail("finance.pin_try_limit", "1-15 expected")

    def __repr__(self) -> str:
        return masked_repr(self, ("pan_sequence", "effective_date", "expiry_date", "pin_try_limit"))


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
        profile_version = {"2.0": "2.00", "3.0": "3.00"}[self.social.access_profile]
        if self.card.spec_version != profile_version:
            raise _fail("card.spec_version", f"{self.card.spec_version} does not match access profile "
                                             f"{self.social.access_profile}")
        if self.card.temporary and self.finance is not None:
            raise _fail("finance", "a temporary card has no financial application (art. 19)")
        for file, values in self.sub_applications.items():
            self._check_sub_application(file, values)

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


def validate_holder_item(record: int, value: str) -> None:
    """The rule of one EF06 item (by record number) for a later change of holder data; the field is named
    as in the holder file. Cross-field rules (birth date and sex in the social security number) are not
    checked here: they need the whole record."""
    if record == 1:
        validate_social_security_number(value)
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


def _section(obj: Mapping[str, Any], name: str, required: bool = True) -> Mapping[str, Any] | None:
    value = obj.get(name)
    if value is None:
        if required:
            raise _fail(name, "missing")
        return None
    if not isinstance(value, Mapping):
        raise _fail(name, "an object expected")
    return value


def _build(cls: type[Any], section: str, values: Mapping[str, Any], conversions: Mapping[str, str] = {}) -> Any:
    known = {f.name for f in fields(cls)}
    _check_names(f"{section}.", values, known, f"unknown field (known: {', '.join(sorted(known))})")
    kwargs: dict[str, Any] = {k: v for k, v in values.items() if k in known}
    missing = sorted(f.name for f in fields(cls)
                     if f.default is MISSING and f.default_factory is MISSING and f.name not in kwargs)
    if missing:
        raise _fail(f"{section}.{missing[0]}", "missing")
    for key, kind in conversions.items():
        if key in kwargs and kind == "date":
            kwargs[key] = _check_date(f"{section}.{key}", kwargs[key])
    return cls(**kwargs)


def _check_names(prefix: str, obj: Mapping[Any, Any], known: Collection[str], problem: str) -> None:
    """Every name of ``obj`` is ``known`` or a comment (``_…``); an unknown one is shown safely (one line)."""
    for name in obj:
        if name not in known and not (isinstance(name, str) and name.startswith("_")):
            raise _fail(f"{prefix}{_shown(name)}", problem)


def parse_personalisation_data(obj: Any, source: str | None = None) -> PersonalisationData:
    """:class:`PersonalisationData` from the parsed holder JSON (see ``docs/cli.md``); errors name
    ``source`` (the file) when given."""
    try:
        return _parse(obj)
    except HolderDataError as exc:
        if source is None or exc.source is not None:
            raise
        raise HolderDataError(exc.field, exc.problem, source=source) from None


def _parse(obj: Any) -> PersonalisationData:
    if not isinstance(obj, Mapping):
        raise _fail("(file)", "a JSON object expected")
    _check_names("", obj, ("card", "holder", "social", "sub_applications", "finance"), "unknown section")
    card_s, holder_s, social_s = (_section(obj, n) for n in ("card", "holder", "social"))
    assert card_s is not None and holder_s is not None and social_s is not None
    card = _build(CardData, "card", card_s, {"issue_date": "date", "expiry_date": "date"})
    holder = _build(HolderData, "holder", holder_s, {"birth_date": "date"})
    social = _build(SocialData, "social", social_s)
    finance_s = _section(obj, "finance", required=False)
    finance = None if finance_s is None else _build(FinanceData, "finance", finance_s,
                                                    {"effective_date": "date", "expiry_date": "date"})
    sub = _section(obj, "sub_applications", required=False) or {}
    return PersonalisationData(card, holder, social, dict(sub), finance)


def load_personalisation_file(path: str | Path) -> PersonalisationData:
    """Read and validate a holder JSON file; errors name the file and the field (``holder.json: holder.name:
    …``), or the file when it cannot be read at all (not UTF-8, not JSON, nested too deeply, ...)."""
    p = Path(path)
    try:
        obj = _read_json(p)
    except _Unreadable as exc:
        raise HolderDataError("(file)", f"{p}: {exc}") from None
    return parse_personalisation_data(obj, p.name)
