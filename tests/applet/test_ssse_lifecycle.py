"""SSSE lifecycle: ACTIVATE, APPLICATION BLOCK / UNBLOCK, CARD BLOCK (ends both applications),
commands outside their states; UPDATE RECORD with the maintenance MAC."""

from __future__ import annotations

import pytest
from applet_helpers import (
    PBOC,
    SPEC,
    SSSE,
    SSSE_KEYS,
    fci,
    generation,
    h,
    mac_command,
    open_reads,
    personalised_record,
    read,
    record_bytes,
    select,
    send,
    ssse_challenge,
    ssse_mac,
    sw,
    verify,
)

from apdu_spec.model import CardProfile

MAINT = SSSE_KEYS["MAINT"]


def state_code(card, app: str = "SSSE") -> int:
    data, status = send(card, "00A40400" + f"{len(SPEC.applications[app].aid):02X}" + SPEC.applications[app].aid.hex())
    assert status == 0x9000
    return data[data.index(0x8A) + 2]


@pytest.mark.clause("SSC-LC-4")
def test_activate(card_factory):
    card = card_factory(state="ISSUED")
    select(card)
    assert mac_command(card, "SSSE", "ACTIVATE", MAINT, corrupt=True) == 0x6988
    assert state_code(card) == 0x04
    assert mac_command(card, "SSSE", "ACTIVATE", SSSE_KEYS["RELOAD"]) == 0x6988
    assert mac_command(card, "SSSE", "ACTIVATE", MAINT) == 0x9000
    assert state_code(card) == 0x05
    assert verify(card) == 0x9000
    assert mac_command(card, "SSSE", "ACTIVATE", MAINT) == 0x6985
    # the financial application is activated separately (SSC-LC-4)
    assert state_code(card, "PBOC") == 0x04


@pytest.mark.clause("SSC-LC-5", "SSC-LC-6", "SSC-PIN-12")
def test_block_and_unblock(card_factory):
    card = card_factory()
    select(card)
    assert mac_command(card, "SSSE", "APPLICATION_UNBLOCK", MAINT) == 0x6985
    assert mac_command(card, "SSSE", "APPLICATION_BLOCK", MAINT) == 0x9000
    assert state_code(card) == 0x06
    assert verify(card) == 0x6985
    assert mac_command(card, "SSSE", "APPLICATION_BLOCK", MAINT) == 0x9000   # blocked again: no change
    assert state_code(card) == 0x06
    assert read(card, 5, 1)[1] == 0x9000                                     # EF05 stays readable
    assert mac_command(card, "SSSE", "APPLICATION_UNBLOCK", MAINT, corrupt=True) == 0x6988
    assert mac_command(card, "SSSE", "APPLICATION_UNBLOCK", MAINT, n=8) == 0x9000
    assert state_code(card) == 0x05
    assert verify(card) == 0x9000
    # the state survives a power cycle
    assert mac_command(card, "SSSE", "APPLICATION_BLOCK", MAINT) == 0x9000
    card.reset()
    assert state_code(card) == 0x06
    # blocking the SSSE leaves the PBOC alone
    assert state_code(card, "PBOC") == 0x05


@pytest.mark.clause("SSC-LC-7", "SSC-LC-2", "SSC-APP-3")
@pytest.mark.parametrize("state", ["ISSUED", "ACTIVE", "BLOCKED"])
def test_card_block_ends_both_applications(card_factory, state):
    card = card_factory(state=state, pboc_state="ISSUED")
    select(card)
    assert mac_command(card, "SSSE", "CARD_BLOCK", MAINT, corrupt=True) == 0x6988
    assert mac_command(card, "SSSE", "CARD_BLOCK", MAINT) == 0x9000
    for apdu in ("00A404000F" + SSSE.aid.hex(), "0084000004", "00200000", "00B2010C00", "841E0000040000000000",
                 "00A4040006D15600000500", "80DE0000"):
        assert send(card, apdu) == (b"", 0x6A81)
    assert sw(card, "FF000000") == 0x6E00          # CLA and INS are checked before the lifecycle
    assert sw(card, "00FF0000") == 0x6D00
    assert send(card, "00A4040008" + PBOC.aid.hex()) == (b"", 0x6A81)
    assert sw(card, "80CA9F1700") == 0x6A81
    card.reset()
    for aid in (SSSE.aid, PBOC.aid):
        assert send(card, bytes([0, 0xA4, 4, 0, len(aid)]) + aid) == (b"", 0x6A81)


@pytest.mark.clause("SSC-LC-7")
def test_card_block_of_a_temporary_card(card_factory):
    card = card_factory(CardProfile.example(temporary=True, access_profile=generation().profile.ssse.access_profile))
    select(card)
    assert mac_command(card, "SSSE", "CARD_BLOCK", MAINT) == 0x9000
    assert send(card, "00A404000F" + SSSE.aid.hex()) == (b"", 0x6A81)


@pytest.mark.clause("SSC-LC-2")
def test_card_block_not_in_personalisation(card_factory):
    card = card_factory(state="PERSONALISATION")
    select(card)
    assert sw(card, "841600000400000000") == 0x6985
    assert send(card, "00A404000F" + SSSE.aid.hex()) == (fci("SSSE", 0x03), 0x9000)


@pytest.mark.clause("SSC-LC-2", "SSC-PERSO-2")
@pytest.mark.parametrize("state", ["ISSUED", "ACTIVE", "BLOCKED"])
def test_personalisation_commands_after_personalisation(card_factory, state):
    card = card_factory(state=state)
    select(card)
    for apdu in ("80DE0000", "80DA00000120", "80D4000009" + "06" + "00" * 8, "00DC0134030A0131",
                 "80D80104" + "1B" + "00" * 27):
        assert sw(card, apdu) == 0x6985


@pytest.mark.fresh_card
@pytest.mark.clause("SSC-ACC-4", "SSC-FILE-3", "SSC-SM-2")
def test_update_record_with_mac(card_factory):
    card = card_factory()
    select(card)
    new = record_bytes("SSSE", "EF06", 4, {"0A": "2"})
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", MAINT, new, p1=4, p2=0 << 3 | 4) == 0x6986
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", MAINT, new, p1=4, p2=6 << 3 | 4) == 0x9000
    open_reads(card)
    assert read(card, 6, 4) == (new, 0x9000)
    # the MAC covers the data: another record under the same MAC is refused, nothing changes
    ch = ssse_challenge(card)
    apdu = ssse_mac("UPDATE_RECORD_SM", MAINT, ch, record_bytes("SSSE", "EF06", 4, {"0A": "1"}), p1=4,
                    p2=6 << 3 | 4)
    assert sw(card, apdu[:-5] + b"\x32" + apdu[-4:]) == 0x6988
    open_reads(card)
    assert read(card, 6, 4) == (new, 0x9000)
    # the maintenance key, not another
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", SSSE_KEYS["UNBLOCK"], new, p1=4, p2=6 << 3 | 4) == 0x6988
    # layout checks after the MAC
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", MAINT, h("0A0232"), p1=4, p2=6 << 3 | 4) == 0x6A80
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", MAINT, h("0B01AA"), p1=5, p2=6 << 3 | 4) == 0x6A80
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", MAINT, new, p1=9, p2=6 << 3 | 4) == 0x6A83
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", MAINT, new, p1=4, p2=7 << 3 | 4) == 0x6A82
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", MAINT, new, p1=4, p2=6 << 3 | 5) == 0x6A86
    # the issuer data never changes after personalisation
    rec = personalised_record("SSSE", "EF05", 7)
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", MAINT, rec, p1=7, p2=5 << 3 | 4) == 0x6982
    # SFI 0: the current EF
    open_reads(card)
    assert read(card, 6, 1)[1] == 0x9000
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", MAINT, new, p1=4, p2=0 << 3 | 4) == 0x9000


@pytest.mark.fresh_card
@pytest.mark.clause("SSC-ACC-4", "SSC-ACC-3")
def test_update_medical_record_needs_the_pin(card_factory):
    card = card_factory()
    select(card)
    open_reads(card)
    assert sw(card, "00A4040006D15600000503") == 0x9000
    new = record_bytes("SSSE", "DF04_EF05", 2, {"D1": "440300"})
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", MAINT, new, p1=2, p2=5 << 3 | 4) == 0x6982
    assert verify(card) == 0x9000
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", MAINT, new, p1=2, p2=5 << 3 | 4) == 0x9000
    assert read(card, 5, 2) == (new, 0x9000)
    # DF01 records need nothing more than the MAC
    assert sw(card, "00A4040006D15600000500") == 0x9000
    new = record_bytes("SSSE", "DF01_EF05", 2, {"A1": "0751-1111111"})
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", MAINT, new, p1=2, p2=5 << 3 | 4) == 0x9000
    assert read(card, 5, 2) == (new, 0x9000)


@pytest.mark.clause("SSC-ACC-4", "SSC-LC-2", "SSC-SM-3")
def test_update_record_with_mac_refusals(card_factory):
    card = card_factory(state="BLOCKED")
    select(card)
    new = record_bytes("SSSE", "EF06", 4, {"0A": "2"})
    assert mac_command(card, "SSSE", "UPDATE_RECORD_SM", MAINT, new, p1=4, p2=6 << 3 | 4) == 0x6985
    card = card_factory()
    select(card)
    assert sw(card, h("04DC04340700000000000000")) == 0x6984      # no challenge
    ssse_challenge(card)
    assert sw(card, h("04DC0434060A01320000")) == 0x6700         # Lc below 7
    open_reads(card)
    assert read(card, 6, 4) == (personalised_record("SSSE", "EF06", 4), 0x9000)
