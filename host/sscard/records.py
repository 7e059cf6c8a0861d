"""The card's records and commands as the host sees them: the core's codec and command builder
(:mod:`sscard_core`) bound to the generated tables (:mod:`sscard.spec_tables`), with malformed card data
raised as :class:`~sscard.errors.CardDataError`.

Nothing here knows a CLA, an INS, a tag or a length of its own: a change of ``apdu_spec/`` regenerates the
tables and changes what these functions build and parse.

- :func:`command` builds a command of an application by its spec name (``command("SSSE", "VERIFY", pin)``);
- :func:`encode_item` / :func:`encode_record` write record values in the layout's format, length and
  padding (SSC-FILE-1);
- :func:`decode_records` splits what READ RECORD answered (one record, or records P1..last) along the
  layout and :func:`decode_value` turns each value back into text or bytes.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping

from sscard import spec_tables as t
from sscard.errors import CardDataError
from sscard_core import codec
from sscard_core.apdu import CommandApdu, build_command
from sscard_core.codec import BerTlv, encode_date, encode_record
from sscard_core.codec import encode_value as encode_item
from sscard_core.layout import Item

__all__ = [
    "READ_ALL_FROM",
    "READ_BY_NUMBER",
    "READ_BY_TAG",
    "BerTlv",
    "command",
    "decode_date",
    "decode_records",
    "decode_value",
    "encode_date",
    "encode_item",
    "encode_record",
    "parse_ber",
    "record_p2",
    "record_values",
]

READ_BY_TAG = 0b000
"""READ RECORD P2 b3-b1: P1 is the tag of the record (SSSE, SIMPLE-TLV)."""
READ_BY_NUMBER = 0b100
"""READ RECORD P2 b3-b1: P1 is a record number."""
READ_ALL_FROM = 0b101
"""READ RECORD P2 b3-b1: records P1 to the last, concatenated (SSSE)."""


def command(app: str, name: str, data: bytes = b"", *, p1: int | None = None, p2: int | None = None,
            le: int | None = None) -> CommandApdu:
    """Command ``name`` of application ``app`` ("SSSE" / "PBOC") as the spec declares it.

    P1-P2 default to the command's only allowed pair; commands with several (or a range) need them given.
    """
    return build_command(t.COMMANDS[app][name], data, p1=p1, p2=p2, le=le)


def record_p2(sfi: int, mode: int) -> int:
    """P2 of READ/UPDATE RECORD: SFI in b8-b4 (0: the current EF), mode in b3-b1."""
    if not 0 <= sfi <= 30:
        raise ValueError(f"SFI {sfi} is not 0-30")
    return sfi << 3 | mode


def decode_records(file: str, data: bytes, first: int = 1, count: int | None = None) -> dict[int, dict[bytes, bytes]]:
    """Split READ RECORD data of ``file`` (a spec file name) into records ``first``.. and their items.

    ``count`` None: every record from ``first`` to the last (READ RECORD mode 101); otherwise exactly
    ``count`` records. Raises :class:`CardDataError` when the data does not follow the layout.
    """
    records = [r for r in t.FILES[file].records if r.number >= first]
    if count is not None:
        records = records[:count]
    try:
        return codec.decode_records(records, data, where=file)
    except codec.CodecError as exc:
        raise CardDataError(str(exc)) from None


def decode_value(item: Item, value: bytes) -> str | bytes:
    """:func:`sscard_core.codec.decode_value`, card data faults as :class:`CardDataError`."""
    try:
        return codec.decode_value(item, value)
    except codec.CodecError as exc:
        raise CardDataError(str(exc)) from None


def decode_date(item: Item, value: bytes, *, short_year: bool = False) -> _dt.date | None:
    """:func:`sscard_core.codec.decode_date`, card data faults as :class:`CardDataError`."""
    try:
        return codec.decode_date(item, value, short_year=short_year)
    except codec.CodecError as exc:
        raise CardDataError(str(exc)) from None


def parse_ber(data: bytes) -> list[BerTlv]:
    """:func:`sscard_core.codec.parse_ber`, card data faults as :class:`CardDataError`."""
    try:
        return codec.parse_ber(data)
    except codec.CodecError as exc:
        raise CardDataError(str(exc)) from None


def record_values(file: str, number: int, values: Mapping[bytes, str | bytes]) -> bytes:
    """Record ``number`` of ``file`` with the given item values (tag -> text/digits/bytes) encoded,
    padding elsewhere: what UPDATE RECORD writes."""
    record = next(r for r in t.FILES[file].records if r.number == number)
    return encode_record(record, {i.tag: encode_item(i, values[i.tag]) for i in record.items if i.tag in values})
