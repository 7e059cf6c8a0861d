"""The social security application (SSSE, 社会保障应用): typed reads, the holder's PIN, issuer operations.

>>> session = SocialSecuritySession(connection)          # nothing sent yet
>>> info = session.read_card_info()                       # SELECT + READ RECORD EF05 (all records)
>>> holder = session.read_holder()                        # READ RECORD EF06 (all records)
>>> session.verify_pin(pin)                               # WrongPin(tries_left) / PinBlocked on refusal

Issuer operations (unblock, reset, activate, block, unblock, card block, update with MAC, external and
internal authentication) need the issuer's key store: ``SocialSecuritySession(connection, keys=...)``.
"""

from __future__ import annotations

import datetime as _dt
import hmac
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sscard import crypto
from sscard import spec_tables as t
from sscard.connection import Connection
from sscard.errors import (
    CardAuthenticationFailed,
    CardDataError,
    PinBlocked,
    PinFormatError,
    SecurityConditionNotSatisfied,
    SscardError,
    WrongPin,
)
from sscard.holder import masked_repr, validate_holder_item
from sscard.keys import CardIdentity, IssuerKeys
from sscard.protocol import CardProtocol
from sscard.records import (
    READ_ALL_FROM,
    READ_BY_NUMBER,
    READ_BY_TAG,
    decode_date,
    decode_records,
    decode_value,
    encode_item,
    encode_record,
    record_p2,
)
from sscard.session import ApplicationSession, PinStatus
from sscard.tracing import Tracer
from sscard_core.layout import Item

__all__ = ["CardInfo", "Holder", "SocialSecuritySession", "check_profile_algorithm", "social_pin_data"]

_EF05 = t.FILES["EF05"]
_EF06 = t.FILES["EF06"]
_PIN_SEPARATOR = b"\xff"


def _items(file: t.FileDef) -> dict[int, Item]:
    return {r.number: r.items[0] for r in file.records}


def social_pin_data(pin: str) -> bytes:
    """A social PIN as VERIFY data (packed BCD, odd counts closed by F; SSC-PIN-10), checked host-side so a
    malformed PIN never reaches the card."""
    try:
        return crypto.social_pin_bcd(pin)
    except ValueError as exc:
        raise PinFormatError(f"social security PIN: {exc}") from None


def check_profile_algorithm(profile: str, algorithm: crypto.Algorithm) -> None:
    """Raise ValueError unless keys of ``algorithm`` are those of access profile ``profile``: a 2.0 card is a
    3DES card, a 3.0 card an SM4 one (SSC-KEY-5, SSC-PERSO-5)."""
    if profile not in t.ACCESS_PROFILES:
        raise ValueError(f"access profile {profile!r} is not one of {', '.join(t.ACCESS_PROFILES)}")
    wanted = crypto.Algorithm.SM4 if t.PROFILE_ALGORITHMS[profile] == "SM4" else crypto.Algorithm.TDES
    if algorithm is not wanted:
        raise ValueError(f"access profile {profile} needs {t.PROFILE_ALGORITHMS[profile]} keys, these are "
                         f"{algorithm.value} (SSC-PERSO-5: a card takes only the profile of its algorithm)")


@dataclass(frozen=True, repr=False)
class CardInfo:
    """EF05, issuer data (发卡机构数据). ``card_number`` is None when the card did not let us read it
    (profile 3.0 without external authentication, SSC-ACC-2); dates are None when not personalised."""

    card_id: bytes
    card_type: str
    spec_version: str
    issuer_org: str
    issue_date: _dt.date | None
    expiry_date: _dt.date | None
    card_number: str | None

    @property
    def area_code(self) -> str:
        """The 6-digit area code the card identification code starts with (000000 before personalisation)."""
        return self.card_id[:3].hex().upper()

    @property
    def card_unique(self) -> bytes:
        """The 8 card-unique bytes ending the card identification code (the card diversification factor)."""
        return self.card_id[8:]

    @property
    def temporary(self) -> bool:
        """A temporary card (card type 2, art. 19)."""
        return self.card_type == "2"

    def __repr__(self) -> str:
        return masked_repr(self, ("card_id", "card_type", "spec_version", "issuer_org", "issue_date", "expiry_date"))

    def to_json(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id.hex().upper(),
            "area_code": self.area_code,
            "card_unique": self.card_unique.hex().upper(),
            "card_type": self.card_type,
            "spec_version": self.spec_version,
            "issuer_org": self.issuer_org,
            "issue_date": self.issue_date.isoformat() if self.issue_date else None,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "card_number": self.card_number,
        }


@dataclass(frozen=True, repr=False)
class Holder:
    """EF06, holder data (持卡人基本信息), as the card holds it (not re-validated: see
    :class:`sscard.holder.HolderData` for the rules personalisation applies). Masked in repr."""

    social_security_number: str
    name: str
    name_extension: str
    sex: str
    ethnicity: str
    birthplace: str
    birth_date: _dt.date | None

    def __repr__(self) -> str:
        return masked_repr(self, ())

    @property
    def full_name(self) -> str:
        return self.name + self.name_extension

    def to_json(self) -> dict[str, Any]:
        return {
            "social_security_number": self.social_security_number,
            "name": self.name,
            "name_extension": self.name_extension,
            "sex": self.sex,
            "ethnicity": self.ethnicity,
            "birthplace": self.birthplace,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
        }


def _text(item: Item, value: bytes) -> str:
    decoded = decode_value(item, value)
    assert isinstance(decoded, str)
    return decoded


def card_info_from_records(records: dict[int, dict[bytes, bytes]]) -> CardInfo:
    """:class:`CardInfo` from decoded EF05 records (record 7 may be missing)."""
    items = _items(_EF05)

    def value(n: int) -> bytes:
        return records[n][items[n].tag]

    number = _text(items[7], value(7)) if 7 in records else None
    return CardInfo(
        card_id=value(1),
        card_type=_text(items[2], value(2)),
        spec_version=_text(items[3], value(3)),
        issuer_org=_text(items[4], value(4)),
        issue_date=decode_date(items[5], value(5)),
        expiry_date=decode_date(items[6], value(6)),
        card_number=number,
    )


def holder_from_records(records: dict[int, dict[bytes, bytes]]) -> Holder:
    """:class:`Holder` from decoded EF06 records."""
    items = _items(_EF06)

    def text(n: int) -> str:
        return _text(items[n], records[n][items[n].tag])

    return Holder(
        social_security_number=text(1),
        name=text(2),
        name_extension=text(3),
        sex=text(4),
        ethnicity=text(5),
        birthplace=text(6),
        birth_date=decode_date(items[7], records[7][items[7].tag]),
    )


class SocialSecuritySession(ApplicationSession[CardIdentity]):
    """The social security application of one card."""

    application = "SSSE"
    aid = t.SSSE_AID

    def __init__(self, connection: Connection | CardProtocol, *, keys: IssuerKeys | None = None,
                 tracers: Iterable[Tracer] = ()) -> None:
        """``keys``: the issuer's key store, needed for the issuer operations only."""
        super().__init__(connection, keys=keys, tracers=tracers)
        self._identity: CardIdentity | None = None
        self._df = ""

    def _selected_application(self) -> None:
        self._df = ""

    # ------------------------------------------------------------------ raw records
    def read_record(self, sfi: int, number: int) -> bytes:
        """READ RECORD by number (P2 b3-b1 = 100) in the current DF; the whole record (tag, length, value)."""
        return self._send("READ_RECORD", p1=number, p2=record_p2(sfi, READ_BY_NUMBER), le=256)

    def read_record_by_tag(self, sfi: int, tag: int) -> bytes:
        """READ RECORD by tag (P2 b3-b1 = 000): the record whose item has this tag."""
        return self._send("READ_RECORD", p1=tag, p2=record_p2(sfi, READ_BY_TAG), le=256)

    def read_records(self, sfi: int, first: int = 1) -> bytes:
        """READ RECORD P1..last (P2 b3-b1 = 101): the records from ``first`` to the last, concatenated."""
        return self._send("READ_RECORD", p1=first, p2=record_p2(sfi, READ_ALL_FROM), le=256)

    def select_df(self, df: str) -> None:
        """SELECT a sub-application DF (``"DF01"``..``"DF04"``) by AID; the session state stays (SSC-APP-4)."""
        self._send("SELECT", t.DF_AIDS[df], p1=0x04, p2=0x00)
        self._df = df

    def select_root(self) -> None:
        """Back to the application root (SELECT P1 03)."""
        self._send("SELECT", p1=0x03, p2=0x00)
        self._df = ""

    def read_file(self, name: str) -> dict[str, str | bytes]:
        """Every item of a file (spec name: ``"EF05"``, ``"DF01_EF05"``, ...), decoded, by tag in hex.

        One READ RECORD (all records); a sub-application file is read inside its DF, then the session goes
        back to the application root.
        """
        spec = t.FILES[name]
        if spec.application != self.application:
            raise ValueError(f"{name} is not a file of the social security application")
        if spec.df:
            self.select_df(spec.df)
        try:
            records = decode_records(name, self.read_records(spec.sfi))
        finally:
            if spec.df:
                self.select_root()
        return {item.tag.hex().upper(): decode_value(item, values[item.tag])
                for rec in spec.records for item in rec.items for values in (records[rec.number],)}

    @contextmanager
    def _at_root(self) -> Iterator[None]:
        """EF05 and EF06 live at the application root (SFI 5 inside a DF is another file): go there for the
        read and come back to the DF the caller was in."""
        df = self._df
        if df:
            self.select_root()
        try:
            yield
        finally:
            if df:
                self.select_df(df)

    # ------------------------------------------------------------------ basic data
    def read_card_info(self) -> CardInfo:
        """EF05 in one READ RECORD of all its records.

        Under access profile 3.0 the card number needs an external authentication first (SSC-ACC-2): without
        it, records 1-6 are read one by one and ``card_number`` is None.
        """
        with self._at_root():
            try:
                records = decode_records("EF05", self.read_records(_EF05.sfi))
            except SecurityConditionNotSatisfied:
                numbers = [r.number for r in _EF05.records if r.number < 7]
                records = {n: decode_records("EF05", self.read_record(_EF05.sfi, n), n, 1)[n] for n in numbers}
        info = card_info_from_records(records)
        self._identity = self._identity_from(info.card_id)
        return info

    def read_holder(self) -> Holder:
        """EF06 in one READ RECORD of all its records (profile 3.0: needs :meth:`external_authenticate`)."""
        with self._at_root():
            return holder_from_records(decode_records("EF06", self.read_records(_EF06.sfi)))

    @staticmethod
    def _identity_from(card_id: bytes) -> CardIdentity | None:
        try:
            return CardIdentity.from_identification_code(card_id)
        except ValueError:
            return None

    def card_identity(self) -> CardIdentity:
        """Area code and card-unique bytes from EF05 record 1 (read once per session)."""
        if self._identity is None:
            with self._at_root():
                raw = self.read_record(_EF05.sfi, 1)
            card_id = decode_records("EF05", raw, 1, 1)[1][_EF05.records[0].items[0].tag]
            identity = self._identity_from(card_id)
            if identity is None:
                raise CardDataError(f"EF05 record 1 is not a card identification code: {card_id.hex().upper()}")
            self._identity = identity
        return self._identity

    # ------------------------------------------------------------------ the holder's PIN
    def pin_status(self) -> PinStatus:
        """Tries left, verified or blocked, from an empty VERIFY that spends nothing (SSC-PIN-5).

        Raises :class:`~sscard.errors.ConditionsNotSatisfied` when the application is not ACTIVE.
        """
        try:
            self._send("VERIFY")
        except PinBlocked:
            return PinStatus(tries_left=0, verified=False, blocked=True)
        except WrongPin as exc:
            return PinStatus(tries_left=exc.tries_left, verified=False, blocked=exc.tries_left == 0)
        return PinStatus(tries_left=None, verified=True, blocked=False)

    def verify_pin(self, pin: str) -> None:
        """VERIFY: :class:`~sscard.errors.WrongPin` (``tries_left``) or :class:`~sscard.errors.PinBlocked`
        when refused."""
        self._send("VERIFY", social_pin_data(pin))

    def change_pin(self, old_pin: str, new_pin: str) -> None:
        """CHANGE PIN by the holder (SSC-PIN-7): the old PIN is checked like a VERIFY."""
        data = social_pin_data(old_pin) + _PIN_SEPARATOR + social_pin_data(new_pin)
        self._send("CHANGE_PIN", data)

    # ------------------------------------------------------------------ issuer operations
    def reset_pin(self, new_pin: str) -> None:
        """RELOAD PIN with issuer authority: a new PIN, enciphered and MAC'd under the reload key, and the
        counter at its limit (SSC-PIN-9)."""
        keys = self._require_keys("RELOAD_PIN")
        role = t.COMMANDS[self.application]["RELOAD_PIN"].encipher_key
        assert role is not None
        cryptogram = keys.encipher(role, self.card_identity(), social_pin_data(new_pin))
        self._send_mac("RELOAD_PIN", cryptogram)

    def external_authenticate(self, role: str = "RK") -> None:
        """EXTERNAL AUTHENTICATE, by default with the terminal read key RKSSSE that profile 3.0 cards want
        before EF06 and the card number (SSC-ACC-2); ``PERSO`` during personalisation."""
        super().external_authenticate(role)

    def authenticate_card(self, challenge: bytes | None = None) -> None:
        """INTERNAL AUTHENTICATE: the card proves it holds its internal authentication key (SSC-KEY-4).

        Raises :class:`~sscard.errors.CardAuthenticationFailed` when the answer is not what the issuer keys
        give for this card.
        """
        keys = self._require_keys("INTERNAL_AUTHENTICATE")
        card = self.card_identity()
        challenge = os.urandom(keys.algorithm.block_size) if challenge is None else challenge
        answer = self._send("INTERNAL_AUTHENTICATE", challenge, p1=0x00, p2=t.KEYS[self.application]["IK"].id,
                            le=256)
        if not hmac.compare_digest(answer, keys.authenticate("IK", card, challenge)):
            raise CardAuthenticationFailed("INTERNAL AUTHENTICATE: the card's answer does not match the issuer "
                                           "keys: not a genuine card of this issuer")

    def set_access_profile(self, profile: str) -> None:
        """SET ACCESS PROFILE (PERSONALISATION only): which file access rules the card applies, "2.0" or
        "3.0" (SSC-ACC-1)."""
        check_profile_algorithm(profile, self._require_keys("SET_ACCESS_PROFILE").algorithm)
        self._send("SET_ACCESS_PROFILE", bytes([t.ACCESS_PROFILES[profile]]))

    def update_record(self, file: str, number: int, value: str | bytes | _dt.date) -> None:
        """UPDATE RECORD with a MAC under the maintenance key (04 DC, SSC-ACC-4): one item of an ACTIVE
        card, e.g. a changed name (EF06 record 2) or address (DF01_EF05 record 1).

        The value is checked against the layout (and, for the holder's items, against the rules of
        :mod:`sscard.holder`) before anything is sent. EF05 never changes after personalisation.
        """
        spec = t.FILES[file]
        if spec.application != self.application:
            raise ValueError(f"{file} is not a file of the social security application")
        record = next((r for r in spec.records if r.number == number), None)
        if record is None:
            raise ValueError(f"{file} has no record {number}")
        item = record.items[0]
        text = value.strftime("%Y%m%d") if isinstance(value, _dt.date) else value
        if file == "EF06" and isinstance(text, str):
            validate_holder_item(number, text)
        try:
            data = encode_record(record, {item.tag: encode_item(item, text)})
        except ValueError as exc:
            raise SscardError(f"{file} record {number}: {exc}") from None
        self.card_identity()
        if spec.df:
            self.select_df(spec.df)
        try:
            self._send_mac("UPDATE_RECORD_SM", data, p1=number, p2=record_p2(spec.sfi, READ_BY_NUMBER))
        finally:
            if spec.df:
                self.select_root()
