"""The core's record codec against known answers written from the layouts (ISO/IEC 7816-4 SIMPLE-TLV, the
spec's cn/an/b formats), not against another implementation: each vector is the bytes a card holds."""

from __future__ import annotations

import datetime as _dt

import pytest

from sscard import spec_tables as t
from sscard_core.codec import (
    CodecError,
    decode_date,
    decode_record,
    decode_records,
    decode_value,
    encode_record,
    encode_value,
    parse_ber,
)

H = bytes.fromhex


def record(file: str, number: int):  # type: ignore[no-untyped-def]
    return next(r for r in t.FILES[file].records if r.number == number)


# (file, record, item values, the record's bytes)
VECTORS = [
    # an, GBK, padded with 00 to 30 bytes: 张 = D5C5, 三 = C8FD
    ("EF06", 2, {b"\x09": "张三"}, H("091E") + H("D5C5C8FD") + bytes(26)),
    # cn date: packed BCD, 4 bytes
    ("EF06", 7, {b"\x0d": "19900101"}, H("0D04") + H("19900101")),
    # cn shorter than the item: F nibbles fill it (ethnicity 1 byte, birthplace 3 bytes)
    ("EF06", 5, {b"\x0b": "1"}, H("0B01") + H("1F")),
    ("EF06", 6, {b"\x0c": "440203"}, H("0C03") + H("440203")),
    # b, given as bytes: the card identification code
    ("EF05", 1, {b"\x01": H("440200D1560000051122334455667788")}, H("0110") + H("440200D1560000051122334455667788")),
    # an, ASCII, padded with 00
    ("EF05", 7, {b"\x07": "K12345678"}, H("0709") + b"K12345678"),
    # nothing given: all padding (FF for cn)
    ("EF05", 5, {}, H("0504") + H("FFFFFFFF")),
]


@pytest.mark.clause("SSC-FILE-1")
@pytest.mark.parametrize(("file", "number", "values", "expected"), VECTORS)
def test_record_vectors(file: str, number: int, values: dict[bytes, str | bytes], expected: bytes) -> None:
    rec = record(file, number)
    encoded = encode_record(rec, {i.tag: encode_value(i, values[i.tag]) for i in rec.items if i.tag in values})
    assert encoded == expected
    decoded = decode_record(rec, expected)
    for item in rec.items:
        if item.tag in values:
            want = values[item.tag]
            assert decode_value(item, decoded[item.tag]) == want


@pytest.mark.clause("SSC-FILE-1")
def test_template_record_of_the_financial_application() -> None:
    rec = record("FIN_SFI1", 1)
    raw = encode_record(rec)
    assert raw[0] == 0x70 and raw[1] == len(raw) - 2 == rec.size - 2
    assert decode_record(rec, raw).keys() == {i.tag for i in rec.items}
    with pytest.raises(CodecError, match="template 70"):
        decode_record(rec, H("71") + raw[1:])


@pytest.mark.clause("SSC-FILE-1")
@pytest.mark.parametrize(
    ("raw", "fault"),
    [
        (H("0905") + b"ABCDE", "expected tag 09 with 30 bytes"),  # wrong length
        (H("0A1E") + bytes(30), "expected tag 09"),  # wrong tag
        (H("091E") + bytes(31), "1 bytes after the last item"),
    ],
)
def test_malformed_records_name_the_fault(raw: bytes, fault: str) -> None:
    with pytest.raises(CodecError, match=fault):
        decode_record(record("EF06", 2), raw, where="EF06")


def test_values_that_do_not_fit_are_refused() -> None:
    name = record("EF06", 2).items[0]
    with pytest.raises(CodecError, match="31 bytes, at most 30"):
        encode_value(name, "A" * 31)
    with pytest.raises(CodecError, match="no GBK encoding"):
        encode_value(name, "\U0001F600")
    birth = record("EF06", 7).items[0]
    with pytest.raises(CodecError, match="at most 8 digits"):
        encode_value(birth, "199001011")
    with pytest.raises(CodecError, match="is not BCD"):
        decode_record(record("EF06", 7), H("0D04") + H("1990A101"))


def test_dates_and_several_records() -> None:
    birth = record("EF06", 7).items[0]
    assert decode_date(birth, H("19900101")) == _dt.date(1990, 1, 1)
    assert decode_date(birth, H("FFFFFFFF")) is None
    with pytest.raises(CodecError, match="not a date"):
        decode_date(birth, H("19901301"))
    both = VECTORS[5][3] + VECTORS[6][3][:2] + H("20240101")
    records = [record("EF05", 7)]
    assert decode_records(records, VECTORS[5][3], where="EF05") == {7: {b"\x07": b"K12345678"}}
    with pytest.raises(CodecError, match="bytes after record 7"):
        decode_records(records, both, where="EF05")


def test_ber_tlv() -> None:
    assert parse_ber(H("6F07840500112233449F1701") + H("06")) == [(H("6F"), H("84050011223344")), (H("9F17"), H("06"))]
    assert parse_ber(H("5A8103") + H("010203")) == [(H("5A"), H("010203"))]
    with pytest.raises(CodecError, match="runs past"):
        parse_ber(H("5A05") + H("0102"))
