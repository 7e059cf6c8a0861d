"""The record codec and the other byte layouts of the card's data (ISO/IEC 7816-4 SIMPLE-TLV and BER-TLV).

One codec for every part: the reference model checks UPDATE RECORD data with :func:`decode_record`, the
host writes records with :func:`encode_record` and reads them with :func:`decode_records`. Values:

- ``cn``: packed BCD digits, right-padded with ``F`` nibbles;
- ``an``: text in GBK (ASCII is a subset), right-padded with the layout's padding byte;
- ``b``: bytes as they are, padded likewise.

Malformed input raises :class:`CodecError` (a ``ValueError``) naming the item or record and the fault.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence

from .layout import Item, Record

__all__ = [
    "BerTlv",
    "CodecError",
    "decode_date",
    "decode_record",
    "decode_records",
    "decode_value",
    "empty_value",
    "encode_date",
    "encode_record",
    "encode_value",
    "parse_ber",
    "tlv",
]

BerTlv = tuple[bytes, bytes]


class CodecError(ValueError):
    """Bytes or values that do not follow the layout; the message names where and what."""


# ------------------------------------------------------------------------------------ values


def encode_value(item: Item, value: str | bytes) -> bytes:
    """One item's value at its layout length: cn from a digit string (F-padded), an from text (GBK) or
    bytes, b from bytes; short values padded with the layout's padding."""
    if item.format == "cn":
        digits = value if isinstance(value, str) else value.hex().upper()
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 2 * item.length:
            raise CodecError(f"{item.name}: {len(digits)} characters, need at most {2 * item.length} digits")
        return bytes.fromhex(digits.ljust(2 * item.length, "F"))
    if isinstance(value, str):
        try:
            raw = value.encode("gbk")
        except UnicodeEncodeError as exc:
            raise CodecError(f"{item.name}: {value[exc.start:exc.end]!r} has no GBK encoding") from None
    else:
        raw = bytes(value)
    if len(raw) > item.length:
        raise CodecError(f"{item.name}: {len(raw)} bytes, at most {item.length}")
    return raw + item.padding * (item.length - len(raw))


def empty_value(item: Item) -> bytes:
    """An item that holds nothing: all padding (``FF`` for cn)."""
    return (b"\xff" if item.format == "cn" else item.padding) * item.length


def decode_value(item: Item, value: bytes) -> str | bytes:
    """The value of an item: cn -> digit string (F padding dropped), an -> text (padding dropped, GBK),
    b -> bytes as they are."""
    if item.format == "cn":
        digits = value.hex().upper().rstrip("F")
        if not (digits.isdigit() or digits == ""):
            raise CodecError(f"{item.name}: {value.hex().upper()} is not BCD")
        return digits
    if item.format == "an":
        text = value.rstrip(item.padding)
        try:
            return text.decode("gbk")
        except UnicodeDecodeError:
            raise CodecError(f"{item.name}: not GBK text") from None
    return bytes(value)


def encode_date(value: _dt.date) -> str:
    """A date as the digit string of a cn YYYYMMDD item."""
    return value.strftime("%Y%m%d")


def decode_date(item: Item, value: bytes, *, short_year: bool = False) -> _dt.date | None:
    """A cn date item (YYYYMMDD, or YYMMDD for EMV dates as 20YY); None when it is all padding."""
    digits = decode_value(item, value)
    assert isinstance(digits, str)
    if not digits:
        return None
    if short_year:
        digits = "20" + digits
    try:  # int() of the fixed fields: strptime costs ten times as much, on every card read
        if len(digits) != 8 or not digits.isdigit():
            raise ValueError(digits)
        return _dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise CodecError(f"{item.name}: {digits!r} is not a date") from None


# ------------------------------------------------------------------------------------ records


def tlv(tag: bytes, value: bytes) -> bytes:
    """A TLV with a one-byte length (SIMPLE-TLV, and BER-TLV up to 127 bytes)."""
    return tag + bytes([len(value)]) + value


def encode_record(record: Record, values: Mapping[bytes, bytes] | None = None) -> bytes:
    """A complete record from encoded item values (:func:`encode_value`); missing items are all padding.

    SIMPLE-TLV: ``tag len value`` per item; template records: ``70 L {items}``."""
    values = values or {}
    inner = b"".join(tlv(i.tag, values.get(i.tag, empty_value(i))) for i in record.items)
    return inner if record.template is None else tlv(record.template, inner)


def decode_record(record: Record, raw: bytes, *, where: str = "") -> dict[bytes, bytes]:
    """The item values of one complete record; :class:`CodecError` when ``raw`` does not follow the
    layout (tags, lengths, template, cn nibbles, nothing after the last item)."""
    label = f"{where} record {record.number}" if where else f"record {record.number}"
    body = raw
    if record.template is not None:
        t = record.template
        if raw[: len(t)] != t or len(raw) < len(t) + 1 or raw[len(t)] != len(raw) - len(t) - 1:
            raise CodecError(f"{label}: not a template {t.hex().upper()} of {len(raw)} bytes")
        body = raw[len(t) + 1 :]
    out: dict[bytes, bytes] = {}
    pos = 0
    for item in record.items:
        tag_end = pos + len(item.tag)
        end = tag_end + 1 + item.length
        if body[pos:tag_end] != item.tag or end > len(body) or body[tag_end] != item.length:
            raise CodecError(f"{label}: expected tag {item.tag.hex().upper()} with {item.length} bytes")
        value = body[tag_end + 1 : end]
        if item.format == "cn":
            decode_value(item, value)  # the nibbles must be digits, then F padding
        out[item.tag] = value
        pos = end
    if pos != len(body):
        raise CodecError(f"{label}: {len(body) - pos} bytes after the last item")
    return out


def decode_records(records: Sequence[Record], data: bytes, *, where: str = "") -> dict[int, dict[bytes, bytes]]:
    """Split the concatenation of ``records`` (what READ RECORD answers for one record or for records
    P1..last) into each record's item values."""
    out: dict[int, dict[bytes, bytes]] = {}
    pos = 0
    for record in records:
        size = record.size
        if pos + size > len(data):
            raise CodecError(f"{where}: the card answered {len(data)} bytes, record {record.number} ends at "
                             f"{pos + size}")
        out[record.number] = decode_record(record, data[pos : pos + size], where=where)
        pos += size
    if pos != len(data):
        last = records[-1].number if records else 0
        raise CodecError(f"{where}: {len(data) - pos} bytes after record {last}")
    return out


# ------------------------------------------------------------------------------------ BER-TLV


def parse_ber(data: bytes) -> list[BerTlv]:
    """The top-level BER-TLV objects of ``data`` as (tag, value) pairs (FCI, GET DATA answers)."""
    out: list[BerTlv] = []
    pos = 0
    while pos < len(data):
        start = pos
        pos += 1
        if data[start] & 0x1F == 0x1F:
            while pos < len(data) and data[pos] & 0x80:
                pos += 1
            pos += 1
        if pos >= len(data):
            raise CodecError(f"BER-TLV: truncated at byte {start}")
        tag = data[start:pos]
        length = data[pos]
        pos += 1
        if length & 0x80:
            n = length & 0x7F
            if n == 0 or n > 2 or pos + n > len(data):
                raise CodecError(f"BER-TLV: bad length at byte {pos - 1}")
            length = int.from_bytes(data[pos : pos + n], "big")
            pos += n
        if pos + length > len(data):
            raise CodecError(f"BER-TLV: tag {tag.hex().upper()} runs past the data")
        out.append((tag, data[pos : pos + length]))
        pos += length
    return out
