"""The financial application (PBOC debit, 金融应用): account records, the financial PIN, bank operations.

Separate from the social application in every respect (art. 20, 21): its own PIN and counter, its own
activation at the bank, and the bank's keys (:class:`sscard.keys.BankKeys`), diversified by PAN
(SSC-KEY-2). The holder cannot change the financial PIN on the card: the bank resets it
(:meth:`FinanceSession.reset_pin`, EMV PIN CHANGE/UNBLOCK P2 02).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sscard import crypto
from sscard import spec_tables as t
from sscard.connection import Connection
from sscard.errors import (
    CardDataError,
    PinBlocked,
    PinFormatError,
    UnsupportedOperation,
    WrongPin,
)
from sscard.keys import BankCardIdentity, BankKeys
from sscard.protocol import CardProtocol
from sscard.records import READ_BY_NUMBER, decode_date, decode_records, decode_value, parse_ber, record_p2
from sscard.session import ApplicationSession, PinStatus
from sscard.tracing import Tracer
from sscard_core.layout import Item

__all__ = ["FinanceAccount", "FinanceSession", "financial_pin_block"]

_FILE = t.FILES["FIN_SFI1"]


def financial_pin_block(pin: str) -> bytes:
    """The financial PIN as an ISO 9564 format-2 plaintext PIN block (SSC-PIN-11), checked host-side."""
    try:
        return crypto.iso9564_format2_block(pin)
    except ValueError as exc:
        raise PinFormatError(f"financial PIN: {exc}") from None


@dataclass(frozen=True, repr=False)
class FinanceAccount:
    """The financial records (SFI 1): PAN, PAN sequence number, dates, cardholder name (masked in repr)."""

    pan: str
    pan_sequence: str
    effective_date: _dt.date | None
    expiry_date: _dt.date | None
    cardholder_name: str

    def __repr__(self) -> str:
        return (f"FinanceAccount(pan=<masked>, pan_sequence={self.pan_sequence!r}, "
                f"effective_date={self.effective_date!r}, expiry_date={self.expiry_date!r}, cardholder_name=<masked>)")

    def identity(self) -> BankCardIdentity:
        return BankCardIdentity(self.pan, self.pan_sequence)

    def to_json(self) -> dict[str, Any]:
        return {
            "pan": self.pan,
            "pan_sequence": self.pan_sequence,
            "effective_date": self.effective_date.isoformat() if self.effective_date else None,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "cardholder_name": self.cardholder_name,
        }


def account_from_records(records: dict[int, dict[bytes, bytes]]) -> FinanceAccount:
    items = {i.tag: (r.number, i) for r in _FILE.records for i in r.items}

    def raw(tag: str) -> tuple[Item, bytes]:
        number, item = items[bytes.fromhex(tag)]
        return item, records[number][item.tag]

    def text(tag: str) -> str:
        value = decode_value(*raw(tag))
        assert isinstance(value, str)
        return value

    return FinanceAccount(
        pan=text("5A"),
        pan_sequence=text("5F34"),
        effective_date=decode_date(*raw("5F25"), short_year=True),
        expiry_date=decode_date(*raw("5F24"), short_year=True),
        cardholder_name=text("5F20"),
    )


class FinanceSession(ApplicationSession[BankCardIdentity]):
    """The financial application of one card."""

    application = "PBOC"
    aid = t.PBOC_AID

    def __init__(self, connection: Connection | CardProtocol, *, keys: BankKeys | None = None,
                 tracers: Iterable[Tracer] = ()) -> None:
        """``keys``: the bank's key store, needed for the bank operations only."""
        super().__init__(connection, keys=keys, tracers=tracers)
        self._identity: BankCardIdentity | None = None

    def read_record(self, sfi: int, number: int) -> bytes:
        """READ RECORD by number: the whole record (template 70)."""
        return self._send("READ_RECORD", p1=number, p2=record_p2(sfi, READ_BY_NUMBER), le=256)

    def read_account(self) -> FinanceAccount:
        """The account records of SFI 1 (one READ RECORD per record: EMV has no read-all mode)."""
        records = {r.number: decode_records("FIN_SFI1", self.read_record(_FILE.sfi, r.number), r.number, 1)[r.number]
                   for r in _FILE.records}
        account = account_from_records(records)
        if account.pan:
            self._identity = account.identity()
        return account

    def card_identity(self) -> BankCardIdentity:
        """PAN and PAN sequence number from SFI 1 record 1 (read once per session)."""
        if self._identity is None:
            first = _FILE.records[0]
            values = decode_records("FIN_SFI1", self.read_record(_FILE.sfi, first.number), first.number, 1)
            items = {i.tag: i for i in first.items}
            pan = decode_value(items[b"\x5a"], values[first.number][b"\x5a"])
            psn = decode_value(items[b"\x5f\x34"], values[first.number][b"\x5f\x34"])
            assert isinstance(pan, str) and isinstance(psn, str)
            self._identity = BankCardIdentity(pan, psn)
        return self._identity

    def pin_tries_left(self) -> int:
        """GET DATA 9F17: the PIN try counter (ISSUED, ACTIVE, BLOCKED)."""
        return self._data_object("PIN_TRY_COUNTER", 1)

    def transaction_counter(self) -> int:
        """GET DATA 9F36: the ATC, how many MAC'd commands the application accepted (SSC-FIN-3; ISSUED,
        ACTIVE, BLOCKED). Unchanged across a command: the card did not accept that command."""
        return self._data_object("ATC", 2)

    def _data_object(self, name: str, length: int) -> int:
        tag = t.DATA_OBJECTS[name]
        data = self._send("GET_DATA", p1=tag >> 8, p2=tag & 0xFF, le=256)
        objects = dict(parse_ber(data))
        value = objects.get(tag.to_bytes(2, "big"))
        if value is None or len(value) != length:
            raise CardDataError(f"GET DATA {tag:04X} answered {data.hex().upper()}")
        return int.from_bytes(value, "big")

    def pin_status(self) -> PinStatus:
        """An empty VERIFY (spends nothing: tries left, or verified), then GET DATA 9F17 for the tries of a
        verified PIN.

        Raises :class:`~sscard.errors.ConditionsNotSatisfied` when the application is not ACTIVE.
        """
        try:
            self._send("VERIFY")
        except PinBlocked:
            return PinStatus(tries_left=0, verified=False, blocked=True)
        except WrongPin as exc:
            return PinStatus(tries_left=exc.tries_left, verified=False, blocked=exc.tries_left == 0)
        return PinStatus(tries_left=self.pin_tries_left(), verified=True, blocked=False)

    def verify_pin(self, pin: str) -> None:
        """Offline plaintext PIN VERIFY (00 20 00 80, format-2 block)."""
        self._send("VERIFY", financial_pin_block(pin))

    def change_pin(self, old_pin: str, new_pin: str) -> None:
        """Not offered: the financial PIN changes at the bank (art. 20), see :meth:`reset_pin`."""
        raise UnsupportedOperation("the financial PIN is changed at the bank (art. 20): a bank resets it with "
                                   "its keys (pin reset --app finance)")

    def reset_pin(self, new_pin: str) -> None:
        """PIN CHANGE/UNBLOCK P2 02: a new PIN, enciphered under the bank's ENC key and MAC'd (SSC-PIN-9)."""
        keys = self._require_keys("RELOAD_PIN")
        role = t.COMMANDS[self.application]["RELOAD_PIN"].encipher_key
        assert role is not None
        cryptogram = keys.encipher(role, self.card_identity(), financial_pin_block(new_pin))
        self._send_mac("RELOAD_PIN", cryptogram)
