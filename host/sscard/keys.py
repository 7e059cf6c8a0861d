"""Issuer and bank key stores: what an HSM or PSAM adapter implements, and a software one for tests.

The card keys are diversified per card (SSC-KEY-1, SSC-KEY-2) from master keys that never leave the key
store: a session asks it to MAC, encipher or authenticate *for a card*, and personalisation asks it for a
card key already enciphered under the card's transport key (PUT KEY data). :class:`IssuerKeys` (the social
security issuer) and :class:`BankKeys` (the partner bank) are separate interfaces with separate key files:
no social key acts on the financial application and no bank key on the social one.

Key roles are the spec's (``apdu_spec/ssse.toml`` / ``pboc.toml`` [keys]): SSSE ``RK`` ``IK`` ``MAINT``
``UNBLOCK`` ``RELOAD``, PBOC ``MAINT`` ``ENC``; ``PERSO`` is the vendor's transport (personalisation) key
the applet was installed with, the same for a batch, not diversified.

The key file (JSON, see ``docs/cli.md`` and ``sscard/examples/issuer-keys.json``)::

    {"format": "sscard-keys/1", "application": "SSSE", "test_keys": true, "algorithm": "3DES",
     "city_code": "440200",
     "transport_key": {"value": "5051…5F", "kcv": "…"},
     "master_keys": {"RK": {"value": "…", "version": 1, "kcv": "…"}, …}}

A malformed file fails with :class:`~sscard.errors.KeyFileError` naming the file and the field.
"""

from __future__ import annotations

import hmac
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

from sscard import crypto
from sscard import spec_tables as t
from sscard.errors import KeyFileError, SscardError

__all__ = [
    "KEY_FILE_FORMAT",
    "PERSO",
    "BankCardIdentity",
    "BankKeys",
    "CardIdentity",
    "CardKeys",
    "KeyMismatch",
    "PreparedBankKeys",
    "PreparedIssuerKeys",
    "SoftwareBankKeys",
    "SoftwareIssuerKeys",
    "load_key_file",
]

KEY_FILE_FORMAT = "sscard-keys/1"
PERSO = "PERSO"
"""Role of the transport (personalisation) key in both applications."""
_IDENTIFICATION_MARK = bytes.fromhex("D156000005")


class KeyMismatch(SscardError):
    """The keys do not belong to this card (another city, another application)."""


@dataclass(frozen=True)
class CardIdentity:
    """What SSSE key diversification needs from a card: the area (city) code and the 8 card-unique bytes,
    both in the card identification code (EF05 record 1)."""

    area_code: str
    card_unique: bytes

    def __post_init__(self) -> None:
        if len(self.area_code) != 6 or not (self.area_code.isascii() and self.area_code.isdigit()):
            raise ValueError(f"area code must be 6 digits, got {self.area_code!r}")
        if len(self.card_unique) != 8:
            raise ValueError(f"card-unique data must be 8 bytes, got {len(self.card_unique)}")

    @classmethod
    def from_identification_code(cls, code: bytes) -> CardIdentity:
        """From EF05 record 1: area code (3 bytes BCD) || D156000005 || 8 card-unique bytes."""
        if len(code) != 16 or code[3:8] != _IDENTIFICATION_MARK:
            raise ValueError(f"not a card identification code: {code.hex().upper()}")
        area = code[:3].hex()
        if not area.isdigit():
            raise ValueError(f"card identification code: area {code[:3].hex().upper()} is not BCD")
        return cls(area, bytes(code[8:]))

    def identification_code(self) -> bytes:
        return bytes.fromhex(self.area_code) + _IDENTIFICATION_MARK + self.card_unique


@dataclass(frozen=True, repr=False)
class BankCardIdentity:
    """What PBOC key diversification needs: the PAN and PAN sequence number (masked in repr)."""

    pan: str
    pan_sequence: str

    def factor(self) -> bytes:
        return crypto.pan_factor(self.pan, self.pan_sequence)

    def __repr__(self) -> str:
        return f"BankCardIdentity(pan='{self.pan[:6]}…{self.pan[-4:]}', pan_sequence={self.pan_sequence!r})"


C_contra = TypeVar("C_contra", contravariant=True)


@runtime_checkable
class CardKeys(Protocol[C_contra]):
    """Operations under one application's card keys. Master keys never leave the implementation.

    ``role`` is a key role of the spec; ``card`` says which card the key is diversified for (ignored for
    the transport key ``PERSO``).
    """

    @property
    def application(self) -> str:
        """``"SSSE"`` or ``"PBOC"``."""
        ...

    @property
    def algorithm(self) -> crypto.Algorithm: ...

    def key_version(self, role: str) -> int:
        """The version PUT KEY gives the key (P1)."""
        ...

    def mac(self, role: str, card: C_contra, data: bytes, iv: bytes) -> bytes:
        """ISO/IEC 9797-1 MAC (retail MAC for 3DES, CBC-MAC for SM4) of ``data`` with ``iv``, full length. An
        IV shorter than the algorithm's block is a challenge IV, followed by zeros up to the block (SSC-SM-2)."""
        ...

    def encipher(self, role: str, card: C_contra, data: bytes) -> bytes:
        """``LD || data`` enciphered (ECB, padded) as :func:`sscard.crypto.encipher_data`."""
        ...

    def authenticate(self, role: str, card: C_contra, block: bytes) -> bytes:
        """ECB encryption of one block: the EXTERNAL AUTHENTICATE cryptogram of a challenge block, or the
        INTERNAL AUTHENTICATE answer the card should give to a terminal challenge. A shorter challenge IV
        is followed by zeros up to the block (SSC-SM-2, SSC-KEY-3)."""
        ...

    def wrap_card_key(self, role: str, card: C_contra) -> bytes:
        """PUT KEY data: the card key enciphered under the transport key, then its 3-byte check value."""
        ...


@runtime_checkable
class IssuerKeys(CardKeys[CardIdentity], Protocol):
    """The social security issuer's key store (HSM / PSAM adapter, or :class:`SoftwareIssuerKeys`)."""

    @property
    def city_code(self) -> str:
        """The area code of the cards these keys serve (written into EF05 record 1 at personalisation)."""
        ...


@runtime_checkable
class BankKeys(CardKeys[BankCardIdentity], Protocol):
    """The partner bank's key store for the financial application."""


# ------------------------------------------------------------------------------ software keys


@dataclass(frozen=True)
class _Key:
    value: bytes
    version: int


C = TypeVar("C")


class _SoftwareKeys:
    """Keys held in memory (from a key file). For tests and demos: real master keys belong in an HSM."""

    application_name: ClassVar[str]

    def __init__(self, *, transport_key: bytes, master_keys: Mapping[str, _Key],
                 algorithm: crypto.Algorithm = crypto.Algorithm.TDES, test_keys: bool = False,
                 source: str = "<memory>") -> None:
        self._transport = transport_key
        self._masters = dict(master_keys)
        self._algorithm = algorithm
        self.test_keys = test_keys
        self.source = source

    @property
    def application(self) -> str:
        return self.application_name

    @property
    def algorithm(self) -> crypto.Algorithm:
        return self._algorithm

    def __repr__(self) -> str:
        return f"{type(self).__name__}(source={self.source!r}, roles={sorted(self._masters)})"

    def key_version(self, role: str) -> int:
        return 1 if role == PERSO else self._master(role).version

    def _master(self, role: str) -> _Key:
        key = self._masters.get(role)
        if key is None:
            raise KeyMismatch(f"{self.source}: no {self.application} master key for role {role}")
        return key

    def _derive(self, master: bytes, card: Any) -> bytes:  # pragma: no cover - overridden
        raise NotImplementedError

    def _card_key(self, role: str, card: Any) -> bytes:
        if role == PERSO:
            return self._transport
        return self._derive(self._master(role).value, card)

    def mac(self, role: str, card: Any, data: bytes, iv: bytes) -> bytes:
        return crypto.compute_mac(self._card_key(role, card), data, self._algorithm, self._block(iv))

    def _block(self, challenge_iv: bytes) -> bytes:
        """A challenge IV followed by zeros up to the algorithm's block (SSC-SM-2); a longer one is refused."""
        size = self._algorithm.block_size
        if len(challenge_iv) > size:
            raise ValueError(f"a {len(challenge_iv)}-byte IV is longer than the {size}-byte block of "
                             f"{self._algorithm.value}")
        return challenge_iv.ljust(size, b"\x00")

    def encipher(self, role: str, card: Any, data: bytes) -> bytes:
        return crypto.encipher_data(self._card_key(role, card), data, self._algorithm)

    def authenticate(self, role: str, card: Any, block: bytes) -> bytes:
        return crypto.encrypt_ecb(self._card_key(role, card), self._block(block), self._algorithm)

    def wrap_card_key(self, role: str, card: Any) -> bytes:
        key = self._card_key(role, card)
        return (crypto.encipher_data(self._transport, key, self._algorithm)
                + crypto.key_check_value(key, self._algorithm))

    def key_check_value(self, role: str, card: Any) -> bytes:
        """Check value of a card key (for audits; the key itself stays here)."""
        return crypto.key_check_value(self._card_key(role, card), self._algorithm)


class _CityKeys:
    """The city an issuer key store serves (written into EF05 record 1 at personalisation)."""

    def __init__(self, *, city_code: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._city = city_code

    @property
    def city_code(self) -> str:
        return self._city


class SoftwareIssuerKeys(_CityKeys, _SoftwareKeys):
    """:class:`IssuerKeys` over a key file; diversification: city, then card (SSC-KEY-1)."""

    application_name = "SSSE"

    def _derive(self, master: bytes, card: Any) -> bytes:
        if not isinstance(card, CardIdentity):
            raise TypeError("social security keys are diversified for a CardIdentity")
        if card.area_code != self._city:
            raise KeyMismatch(f"the card belongs to area {card.area_code}; the keys of {self.source} serve city "
                              f"{self._city}")
        return crypto.derive_card_key(master, card.area_code, card.card_unique, self._algorithm)

    @classmethod
    def load(cls, path: str | Path) -> SoftwareIssuerKeys:
        keys = load_key_file(path)
        if not isinstance(keys, SoftwareIssuerKeys):
            raise KeyFileError("application", "this is a bank (PBOC) key file; the social security application "
                               "needs the issuer's", source=str(path))
        return keys


class SoftwareBankKeys(_SoftwareKeys):
    """:class:`BankKeys` over a key file; diversification by PAN and PAN sequence number (SSC-KEY-2)."""

    application_name = "PBOC"

    def _derive(self, master: bytes, card: Any) -> bytes:
        if not isinstance(card, BankCardIdentity):
            raise TypeError("bank keys are diversified for a BankCardIdentity")
        return crypto.diversify(master, card.factor(), self._algorithm)

    @classmethod
    def load(cls, path: str | Path) -> SoftwareBankKeys:
        keys = load_key_file(path)
        if not isinstance(keys, SoftwareBankKeys):
            raise KeyFileError("application", "this is a social security (SSSE) key file; the financial "
                               "application needs the bank's", source=str(path))
        return keys


class _PreparedKeys(_SoftwareKeys):
    """The keys of one card, already diversified for it, as a data-preparation system delivers them per card:
    no master key is involved, and whatever card the session names, these are its keys."""

    def __init__(self, *, transport_key: bytes, card_keys: Mapping[str, bytes], version: int = 1,
                 algorithm: crypto.Algorithm = crypto.Algorithm.TDES, source: str = "<prepared card keys>") -> None:
        super().__init__(transport_key=transport_key,
                         master_keys={role: _Key(value, version) for role, value in card_keys.items()},
                         algorithm=algorithm, source=source)

    def _derive(self, master: bytes, card: Any) -> bytes:
        return master


class PreparedIssuerKeys(_CityKeys, _PreparedKeys):
    """:class:`IssuerKeys` of one card whose social security keys were diversified beforehand."""

    application_name = "SSSE"


class PreparedBankKeys(_PreparedKeys):
    """:class:`BankKeys` of one card whose financial keys were diversified beforehand."""

    application_name = "PBOC"


# ------------------------------------------------------------------------------ key file


_ALGORITHMS = {"3DES": crypto.Algorithm.TDES, "SM4": crypto.Algorithm.SM4}
_NAME_SHOWN = 40  # longest name of a file's field echoed as it is


# The typed reads of the file's values: whatever JSON (or Python) value a field holds, each gives the field's
# value or a KeyFileError naming the field, never another exception.


def _is_comment(name: object) -> bool:
    return isinstance(name, str) and name.startswith("_")


def _shown(name: object) -> str:
    """A field name from the file for a message: as it is when short and printable, else escaped (one line)."""
    if isinstance(name, str) and name.isprintable() and len(name) <= _NAME_SHOWN:
        return name
    text = repr(name) if isinstance(name, str) else type(name).__name__
    return text if len(text) <= _NAME_SHOWN else f"{text[:_NAME_SHOWN]}…"


def _check_names(source: str, prefix: str, obj: Mapping[Any, Any], known: Iterable[str], problem: str) -> None:
    """Every name of ``obj`` is ``known`` or a comment (``_…``)."""
    allowed = set(known)
    for name in obj:
        if name not in allowed and not _is_comment(name):
            raise KeyFileError(f"{prefix}{_shown(name)}", problem, source=source)


def _choice(source: str, field: str, value: Any, choices: Iterable[str]) -> str:
    """A value that must be one of ``choices`` (a list, an object or a number is not)."""
    names = list(choices)
    if not isinstance(value, str) or value not in names:
        raise KeyFileError(field, f"must be one of {', '.join(names)}", source=source)
    return value


def _roles(app: str) -> list[str]:
    return [role for role in t.KEYS[app] if role != PERSO]


def _hex_key(source: str, field: str, value: Any, algorithm: crypto.Algorithm) -> bytes:
    if not isinstance(value, str):
        raise KeyFileError(field, "hex string expected", source=source)
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise KeyFileError(field, "not hexadecimal", source=source) from None
    if len(raw) != 16:
        raise KeyFileError(field, f"{len(raw)} bytes, a key has 16", source=source)
    if algorithm is crypto.Algorithm.TDES and raw[:8] == raw[8:]:
        raise KeyFileError(field, "K1 = K2: single DES strength, refused", source=source)
    return raw


def _key_entry(source: str, field: str, entry: Any, algorithm: crypto.Algorithm, *, versioned: bool) -> _Key:
    if isinstance(entry, str):
        entry = {"value": entry}
    if not isinstance(entry, Mapping):
        raise KeyFileError(field, "an object {value, version, kcv} expected", source=source)
    allowed = {"value", "kcv", "version"} if versioned else {"value", "kcv"}
    _check_names(source, f"{field}.", entry, allowed, f"unknown field (known: {', '.join(sorted(allowed))})")
    if "value" not in entry:
        raise KeyFileError(f"{field}.value", "missing", source=source)
    value = _hex_key(source, f"{field}.value", entry["value"], algorithm)
    version = entry.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or not 0 <= version <= 255:
        raise KeyFileError(f"{field}.version", "a key version is 0-255", source=source)
    if "kcv" in entry:
        kcv = entry["kcv"]
        actual = crypto.key_check_value(value, algorithm).hex().upper()
        # compare_digest takes ASCII text only: anything else cannot match anyway
        if not isinstance(kcv, str) or not kcv.isascii() or not hmac.compare_digest(kcv.upper(), actual):
            raise KeyFileError(f"{field}.kcv", "does not match the key (a typo in the value?)", source=source)
    return _Key(value, version)


def parse_key_file(obj: Any, source: str = "<key file>") -> SoftwareIssuerKeys | SoftwareBankKeys:
    """A software key store from the parsed JSON of a key file."""
    if not isinstance(obj, Mapping):
        raise KeyFileError("(file)", "a JSON object expected", source=source)
    known = {"format", "application", "test_keys", "algorithm", "city_code", "transport_key", "master_keys"}
    _check_names(source, "", obj, known, f"unknown field (known: {', '.join(sorted(known))})")
    if obj.get("format") != KEY_FILE_FORMAT:
        raise KeyFileError("format", f"must be {KEY_FILE_FORMAT!r}", source=source)
    app = _choice(source, "application", obj.get("application"), t.KEYS)
    test_keys = obj.get("test_keys", False)
    if not isinstance(test_keys, bool):
        raise KeyFileError("test_keys", "true or false expected", source=source)
    algorithm = _ALGORITHMS[_choice(source, "algorithm", obj.get("algorithm", "3DES"), _ALGORITHMS)]
    if "transport_key" not in obj:
        raise KeyFileError("transport_key", "missing", source=source)
    transport = _key_entry(source, "transport_key", obj["transport_key"], algorithm, versioned=False).value
    masters_obj = obj.get("master_keys")
    if not isinstance(masters_obj, Mapping):
        raise KeyFileError("master_keys", "an object role -> key expected", source=source)
    roles = _roles(app)
    _check_names(source, "master_keys.", masters_obj, roles, f"not a {app} key role (roles: {', '.join(roles)})")
    masters: dict[str, _Key] = {}
    for role in roles:
        if role not in masters_obj:
            raise KeyFileError(f"master_keys.{role}", "missing", source=source)
        masters[role] = _key_entry(source, f"master_keys.{role}", masters_obj[role], algorithm, versioned=True)
    common: dict[str, Any] = {"transport_key": transport, "master_keys": masters, "algorithm": algorithm,
                              "test_keys": test_keys, "source": source}
    if app == "SSSE":
        city = obj.get("city_code")
        if not isinstance(city, str) or len(city) != 6 or not (city.isascii() and city.isdigit()):
            raise KeyFileError("city_code", "6 digits expected (the area code of the cards these keys serve)",
                               source=source)
        return SoftwareIssuerKeys(city_code=city, **common)
    if "city_code" in obj:
        raise KeyFileError("city_code", "bank keys are diversified by PAN, not by city", source=source)
    return SoftwareBankKeys(**common)


def load_key_file(path: str | Path) -> SoftwareIssuerKeys | SoftwareBankKeys:
    """Read a key file (issuer or bank, by its ``application``); errors name the file and the field."""
    p = Path(path)
    try:
        obj = _read_json(p)
    except _Unreadable as exc:
        raise KeyFileError("(file)", str(exc), source=str(p)) from None
    return parse_key_file(obj, p.name)


class _Unreadable(Exception):
    """Why a JSON file could not be read at all (no such file, not UTF-8, not JSON, too deep, ...)."""


def _read_json(path: Path) -> Any:
    """The parsed JSON of ``path``; any reason it cannot be read is an :class:`_Unreadable` (the key and the
    holder file loaders both read through here and turn it into their file error)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _Unreadable("no such file") from None
    except OSError as exc:
        raise _Unreadable(exc.strerror or type(exc).__name__) from None
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"not UTF-8 text (byte {exc.start + 1} of the file)") from None
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise _Unreadable("not readable: nested too deeply") from None
    except ValueError:  # int(): the digit limit of integers read from text
        raise _Unreadable(f"not readable: a number has more than {sys.get_int_max_str_digits()} digits") from None
