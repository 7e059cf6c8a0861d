"""SSSE SELECT: the application (FCI, lifecycle byte), its sub-applications by AID, EFs by FID, back
to the root; what each refuses."""

from __future__ import annotations

import pytest
from applet_helpers import SSSE, fci, h, open_reads, read, select, send, sw, verify

from apdu_spec.model import CardProfile

DF01 = "D15600000500"
DF04 = "D15600000503"


@pytest.mark.clause("SSC-APP-3", "SSC-LC-1")
@pytest.mark.parametrize(("state", "code"), [("PERSONALISATION", 0x03), ("ISSUED", 0x04), ("ACTIVE", 0x05),
                                             ("BLOCKED", 0x06)])
def test_select_answers_fci_with_lifecycle(card_factory, state, code):
    card = card_factory(state=state)
    assert send(card, "00A404000F" + SSSE.aid.hex()) == (fci("SSSE", code), 0x9000)
    # with Le 00 as well
    assert send(card, "00A404000F" + SSSE.aid.hex() + "00") == (fci("SSSE", code), 0x9000)


@pytest.mark.clause("SSC-APP-4")
def test_select_sub_applications_by_aid(card_factory):
    card = card_factory()
    select(card)
    for df in ("D15600000500", "D15600000501", "D15600000502", "D15600000503"):
        assert send(card, "00A4040006" + df) == (h("6F0884") + bytes([6]) + h(df), 0x9000)
    assert sw(card, "00A4040006D15600000509") == 0x6A82
    assert sw(card, "00A4040005D156000005") == 0x6A82
    assert sw(card, "00A4040003D15600") == 0x6700        # P1 04 needs 5-16 bytes
    assert sw(card, "00A4040011" + "00" * 17) == 0x6700  # more than 16 bytes


@pytest.mark.clause("SSC-APP-4", "SSC-FILE-2")
def test_select_ef_by_fid_and_back_to_root(card_factory):
    card = card_factory()
    select(card)
    open_reads(card)  # a 3.0 card: EF06 and DF01 with RK (SSC-ACC-2)
    assert send(card, "00A4020002EF06") == (b"", 0x9000)
    data, status = read(card, 0, 1)   # SFI 0: the current EF
    assert status == 0x9000 and data[:2] == h("0812")
    assert sw(card, "00A4020002DF01") == 0x6A82  # a DF is not an EF
    assert sw(card, "00A4020002EF07") == 0x6A82
    assert sw(card, "00A4020003EF0500") == 0x6700
    assert sw(card, "00A4020000") == 0x6700
    # inside DF01 the FID EF05 is the DF's own EF
    assert sw(card, "00A4040006" + DF01) == 0x9000
    assert read(card, 0, 1)[1] == 0x6986          # selecting a DF leaves no current EF
    assert send(card, "00A4020002EF05") == (b"", 0x9000)
    data, status = read(card, 0, 1)
    assert status == 0x9000 and data[0] == 0xA0
    assert sw(card, "00A4020002EF06") == 0x6A82   # EF06 lives in the root
    # back to the root: no data, and then no current EF
    assert send(card, "00A40300") == (b"", 0x9000)
    assert read(card, 0, 1)[1] == 0x6986
    assert sw(card, "00A4030001EF") == 0x6700
    data, status = read(card, 5, 1)
    assert status == 0x9000 and data[0] == 0x01


@pytest.mark.clause("SSC-APDU-5")
@pytest.mark.parametrize("apdu", ["00A4040C06D15600000500", "00A4000002EF05", "00A4080002EF05", "00A4020402EF05"])
def test_select_other_p1p2(card_factory, apdu):
    card = card_factory()
    select(card)
    assert sw(card, apdu) == 0x6A86


@pytest.mark.clause("SSC-PIN-6", "SSC-APP-3", "SSC-APP-4")
def test_selection_inside_keeps_session_application_select_ends_it(card_factory):
    card = card_factory()
    select(card)
    assert verify(card) == 0x9000
    assert sw(card, "00A4040006" + DF04) == 0x9000
    assert sw(card, "00A4020002EF05") == 0x9000
    assert sw(card, "00A40300") == 0x9000
    assert sw(card, "00200000") == 0x9000          # still verified
    select(card)
    assert sw(card, "00200000") == 0x63C6          # SELECT of the application ends the session


@pytest.mark.clause("SSC-APP-5", "SSC-APP-4")
def test_temporary_card_has_no_financial_application(card_factory):
    card = card_factory(CardProfile.example(temporary=True))
    select(card)
    assert sw(card, "00A4040008A000000333010101") == 0x6A82   # forwarded to the SSSE: no such DF
    assert sw(card, "00200000") == 0x63C6                    # the SSSE is still selected
