"""The check order of protocol.toml (SSC-APDU-2): which status word wins when several checks fail."""

from __future__ import annotations

import pytest
from applet_helpers import challenge, open_reads, select, send, ssse_challenge, sw, verify


@pytest.mark.clause("SSC-APDU-4", "SSC-APP-6")
@pytest.mark.parametrize(("apdu", "status"), [
    ("A0B2010C00", 0x6E00),    # CLA no command uses
    ("01B2010C00", 0x6881),    # logical channel 1: the runtime refuses it (SSC-APP-6)
    ("C0B2010C00", 0x6881),    # logical channel 4
    ("FF000000", 0x6E00),      # CLA FF names no channel: the application refuses the class
    ("10B2010C00", 0x6E00),    # command chaining
    ("00B0000000", 0x6D00),    # INS no command uses (READ BINARY)
    ("00CA9F1700", 0x6D00),    # GET DATA is the financial application's
    ("8020000003123456", 0x6E00),   # known CLA and INS, no such pair
    ("04B2010C00", 0x6E00),
    ("84DE0000", 0x6E00),
])
def test_unknown_class_or_instruction(card_factory, apdu, status):
    card = card_factory()
    select(card)
    assert send(card, apdu) == (b"", status)


@pytest.mark.clause("SSC-APDU-2", "SSC-LC-2", "SSC-APDU-5", "SSC-APDU-1")
def test_lifecycle_before_p1p2_before_length(card_factory):
    card = card_factory(state="ISSUED")
    select(card)
    assert sw(card, "0020008001") == 0x6985            # wrong P1-P2 and length, wrong state: 6985
    card = card_factory()
    select(card)
    assert sw(card, "0020008001") == 0x6A86            # then P1-P2
    assert sw(card, "00200000" + "0712345678901234") == 0x6700   # then the length


@pytest.mark.clause("SSC-APDU-2", "SSC-SM-3")
def test_length_before_challenge_before_key_before_access(card_factory):
    card = card_factory()
    select(card)
    assert sw(card, "841E00000300000000") == 0x6700   # length before the challenge
    assert sw(card, "841E00000400000000") == 0x6984   # no challenge
    ssse_challenge(card)
    assert sw(card, "841E00000400000000") == 0x6988   # wrong MAC
    # access (step 8) after the MAC: EF05 cannot be updated, but a wrong MAC answers first
    ssse_challenge(card)
    assert sw(card, "04DC0724" + "0F" + "07094B3132333435363738" + "00000000") == 0x6988


@pytest.mark.clause("SSC-APDU-2", "SSC-ACC-3", "SSC-FILE-2")
def test_file_resolution_before_access_before_records(card_factory):
    card = card_factory()
    select(card)
    open_reads(card)  # a 3.0 card: with RK (SSC-ACC-2), so that the checks below are the others
    assert sw(card, "00A4040006D15600000503") == 0x9000
    assert sw(card, "00B2090C00") == 0x6A82            # no SFI 1 in DF04
    assert sw(card, "00B2092C00") == 0x6982            # DF04's file: the PIN first
    assert verify(card) == 0x9000
    assert sw(card, "00B2092C00") == 0x6A83            # then the record


@pytest.mark.clause("SSC-APDU-3", "SSC-APDU-2")
def test_wrong_le_comes_last(card_factory):
    card = card_factory()
    select(card)
    open_reads(card)  # a 3.0 card: with RK (SSC-ACC-2), so that the checks below are the others
    assert sw(card, "00B2082C01") == 0x6A83            # no record: 6A83, not 6CXX
    assert sw(card, "00B2072C01") == 0x6C0B


@pytest.mark.clause("SSC-APDU-2", "SSC-SM-1")
def test_nothing_changes_before_the_semantics(card_factory):
    card = card_factory()
    select(card)
    for apdu in ("0020000003111111", "00200000" + "0711111111111111", "0020000103111111"):
        challenge(card)
        sw(card, apdu)
    assert sw(card, "00200000") == 0x63C5              # only the well-formed VERIFY spent a try
    assert verify(card) == 0x9000
