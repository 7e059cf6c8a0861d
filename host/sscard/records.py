"""Command builders and the record codec, both driven by the generated tables (:mod:`sscard.spec_tables`).

Nothing here knows a CLA, an INS, a tag or a length of its own: a change of ``apdu_spec/`` regenerates the
tables and changes what these functions build and parse.

- :func:`command` builds a command of an application by its spec name (``command("SSSE", "VERIFY", pin)``);
- :func:`encode_item` / :func:`encode_record` write record values in the layout's format, length and
  padding (SSC-FILE-1): ``cn`` packed BCD padded with F, ``an`` GBK/ASCII text padded with the layout's
  byte, ``b`` raw bytes;
- :func:`decode_records` splits what READ RECORD answered (one record, or records P1..last) along the
  layout and :func:`decode_value` turns each value back into text or bytes.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Mapping

from sscard import spec_tables as t
from sscard.apdu import CommandApdu
from sscard.errors import CardDataError

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
]

READ_BY_TAG = 0b000
"""READ RECORD P2 b3-b1: P1 is the tag of the record (SSSE, SIMPLE-TLV)."""
READ_BY_NUMBER = 0b100
"""READ RECORD P2 b3-b1: P1 is a record number."""
READ_ALL_FROM = 0b101
"""READ RECORD P2 b3-b1: records P1 to the last, concatenated (SSSE)."""

BerTlv = tuple[bytes, bytes]


def command(app: str, name: str, data: bytes = b"", *, p1: int | None = None, p2: int | None = None,
            le: int | None = None) -> CommandApdu:
    """Command ``name`` of application ``app`` ("SSSE" / "PBOC") as the spec declares it.

    P1-P2 default to the command's only allowed pair; commands with several (or a range) need them given.
    """
    spec = t.COMMANDS[app][name]
    if p1 is None or p2 is None:
        if spec.p1p2 is None or len(spec.p1p2) != 1:
            raise ValueError(f"{app} {name}: P1 and P2 must be given")
        p1, p2 = spec.p1p2[0] >> 8, spec.p1p2[0] & 0xFF
    return CommandApdu(spec.cla, spec.ins, p1, p2, data, le)


def record_p2(sfi: int, mode: int) -> int:
    """P2 of READ/UPDATE RECORD: SFI in b8-b4 (0: the current EF), mode in b3-b1."""
    if not 0 <= sfi <= 30:
        raise ValueError(f"SFI {sfi} is not 0-30")
    return sfi << 3 | mode


# ------------------------------------------------------------------------------------ encoding


def encode_date(value: _dt.date) -> str:
    """A date as the digit string of a cn YYYYMMDD item."""
    return value.strftime("%Y%m%d")


def encode_item(item: t.ItemDef, value: str | bytes) -> bytes:
    """One item's value at its layout length: cn from a digit string (F-padded), an from text (GBK) or
    bytes, b from bytes; short values padded with the layout's padding."""
    if item.format == "cn":
        digits = value if isinstance(value, str) else value.hex().upper()
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 2 * item.length:
            raise ValueError(f"{item.name}: {len(digits)} characters, need at most {2 * item.length} digits")
        return bytes.fromhex(digits.ljust(2 * item.length, "F"))
    if isinstance(value, str):
        try:
            raw = value.encode("gbk")
        except UnicodeEncodeError as exc:
            raise ValueError(f"{item.name}: {value[exc.start:exc.end]!r} has no GBK encoding") from None
    else:
        raw = bytes(value)
    if len(raw) > item.length:
        raise ValueError(f"{item.name}: {len(raw)} bytes, at most {item.length}")
    return raw + item.padding * (item.length - len(raw))


def _tlv(tag: bytes, value: bytes) -> bytes:
    return tag + bytes([len(value)]) + value


def encode_record(record: t.RecordDef, values: Mapping[bytes, bytes]) -> bytes:
    """A complete record from encoded item values (:func:`encode_item`); missing items are all padding.

    SSSE: ``tag len value``; financial records: ``70 L {items}``.
    """
    inner = b"".join(_tlv(i.tag, values.get(i.tag, _empty(i))) for i in record.items)
    return inner if record.template is None else _tlv(record.template, inner)


def _empty(item: t.ItemDef) -> bytes:
    return (b"\xff" if item.format == "cn" else item.padding) * item.length


# ------------------------------------------------------------------------------------ decoding


@functools.cache
def _record_size(record: t.RecordDef) -> int:
    inner = sum(len(i.tag) + 1 + i.length for i in record.items)
    return inner if record.template is None else len(record.template) + 1 + inner


def _decode_one(file: str, record: t.RecordDef, raw: bytes) -> dict[bytes, bytes]:
    where = f"{file} record {{}}".format  # built only for an error: this runs for every record read
    body = raw
    if record.template is not None:
        tl = len(record.template)
        if raw[:tl] != record.template or len(raw) < tl + 1 or raw[tl] != len(raw) - tl - 1:
            raise CardDataError(f"{where(record.number)}: not a template {record.template.hex().upper()} of "
                                f"{len(raw)} bytes")
        body = raw[tl + 1 :]
    out: dict[bytes, bytes] = {}
    pos = 0
    for item in record.items:
        tag_end = pos + len(item.tag)
        end = tag_end + 1 + item.length
        if body[pos:tag_end] != item.tag or end > len(body) or body[tag_end] != item.length:
            raise CardDataError(f"{where(record.number)}: expected tag {item.tag.hex().upper()} with {item.length} "
                                "bytes")
        out[item.tag] = body[tag_end + 1 : end]
        pos = end
    if pos != len(body):
        raise CardDataError(f"{where(record.number)}: {len(body) - pos} bytes after the last item")
    return out


def decode_records(file: str, data: bytes, first: int = 1, count: int | None = None) -> dict[int, dict[bytes, bytes]]:
    """Split READ RECORD data of ``file`` (a spec file name) into records ``first``.. and their items.

    ``count`` None: every record from ``first`` to the last (READ RECORD mode 101); otherwise exactly
    ``count`` records. Raises :class:`CardDataError` when the data does not follow the layout.
    """
    records = [r for r in t.FILES[file].records if r.number >= first]
    if count is not None:
        records = records[:count]
    out: dict[int, dict[bytes, bytes]] = {}
    pos = 0
    for record in records:
        size = _record_size(record)
        if pos + size > len(data):
            raise CardDataError(f"{file}: the card answered {len(data)} bytes, record {record.number} ends at "
                                f"{pos + size}")
        out[record.number] = _decode_one(file, record, data[pos : pos + size])
        pos += size
    if pos != len(data):
        raise CardDataError(f"{file}: {len(data) - pos} bytes after record {records[-1].number if records else first}")
    return out


def decode_value(item: t.ItemDef, value: bytes) -> str | bytes:
    """The value of an item: cn -> digit string (F padding dropped), an -> text (padding dropped, GBK),
    b -> bytes as they are."""
    if item.format == "cn":
        digits = value.hex().upper().rstrip("F")
        if not (digits.isdigit() or digits == ""):
            raise CardDataError(f"{item.name}: {value.hex().upper()} is not BCD")
        return digits
    if item.format == "an":
        text = value.rstrip(item.padding)
        try:
            return text.decode("gbk")
        except UnicodeDecodeError:
            raise CardDataError(f"{item.name}: not GBK text") from None
    return bytes(value)


def decode_date(item: t.ItemDef, value: bytes, *, short_year: bool = False) -> _dt.date | None:
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
        raise CardDataError(f"{item.name}: {digits!r} is not a date") from None


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
            raise CardDataError(f"BER-TLV: truncated at byte {start}")
        tag = data[start:pos]
        length = data[pos]
        pos += 1
        if length & 0x80:
            n = length & 0x7F
            if n == 0 or n > 2 or pos + n > len(data):
                raise CardDataError(f"BER-TLV: bad length at byte {pos - 1}")
            length = int.from_bytes(data[pos : pos + n], "big")
            pos += n
        if pos + length > len(data):
            raise CardDataError(f"BER-TLV: tag {tag.hex().upper()} runs past the data")
        out.append((tag, data[pos : pos + length]))
        pos += length
    return out
