"""The financial application (PBOC debit): SELECT, EMV READ RECORD, GET DATA, the format-2 offline
PIN, issuer scripts under the bank's keys, personalisation, and its separation from the SSSE."""

from __future__ import annotations

import pytest
from apdus import build_mac
from applet_helpers import (
    FIN_PIN,
    PBOC,
    PBOC_KEYS,
    PROFILE,
    SPEC,
    SSSE_KEYS,
    challenge,
    enciphered,
    external_authenticate,
    fci,
    fin_verify,
    h,
    mac_command,
    personalised_record,
    put_key_data,
    read,
    record_bytes,
    select,
    send,
    social_pin,
    sw,
    verify,
)

from sscard import crypto

MAC = PBOC_KEYS["MAINT"]
assert PROFILE.pboc is not None
KPERSO = PROFILE.pboc.perso_key


def state_code(card, app: str = "PBOC") -> int:
    aid = SPEC.applications[app].aid
    data, status = send(card, bytes([0, 0xA4, 4, 0, len(aid)]) + aid)
    assert status == 0x9000
    return data[data.index(0x8A) + 2]


def get_data(card, tag: str, le: str = "00") -> tuple[bytes, int]:
    return send(card, "80CA" + tag + le)


@pytest.mark.clause("SSC-APP-3", "SSC-APP-4", "SSC-APDU-5")
def test_select(card_factory):
    card = card_factory()
    assert select(card, "PBOC") == fci("PBOC", 0x05)
    assert fci("PBOC", 0x05).endswith(h("A50C500A") + b"PBOC DEBIT")
    assert sw(card, "00A4040006D15600000500") == 0x6A82          # no sub-applications here
    assert sw(card, "00A4040004A0000003") == 0x6700
    assert sw(card, "00A4020002EF05") == 0x6A86
    assert sw(card, "00A40300") == 0x6A86
    assert select(card, "PBOC") == fci("PBOC", 0x05)


@pytest.mark.clause("SSC-FIN-1", "SSC-FILE-2", "SSC-APDU-3")
def test_emv_records(card_factory):
    card = card_factory()
    select(card, "PBOC")
    assert read(card, 0, 1) == (b"", 0x6986)                     # no current EF
    r1, r2 = personalised_record("PBOC", "FIN_SFI1", 1), personalised_record("PBOC", "FIN_SFI1", 2)
    assert r1.startswith(h("701C5A0A6217001234567890123F"))
    assert read(card, 1, 1) == (r1, 0x9000)
    assert read(card, 1, 2, le=None) == (r2, 0x9000)
    assert read(card, 1, 2, le=len(r2)) == (r2, 0x9000)
    assert read(card, 1, 2, le=2) == (b"", 0x6C00 | len(r2))
    assert read(card, 1, 3) == (b"", 0x6A83)
    assert read(card, 2, 1) == (b"", 0x6A82)
    assert read(card, 1, 1, mode=5) == (b"", 0x6A86)             # EMV: by record number only
    assert read(card, 1, 0x5A, mode=0) == (b"", 0x6A86)
    assert sw(card, "00B2000C00") == 0x6A86
    # the model: READ RECORD makes the file current (ISO 7816-4), so SFI 0 then reads it
    assert read(card, 0, 2) == (r2, 0x9000)


@pytest.mark.clause("SSC-FIN-1", "SSC-ACC-5")
@pytest.mark.parametrize("state", ["PERSONALISATION", "ISSUED", "BLOCKED"])
def test_emv_records_in_every_state(card_factory, state):
    card = card_factory(pboc_state=state)
    select(card, "PBOC")
    expected = personalised_record("PBOC", "FIN_SFI1", 2) if state != "PERSONALISATION" else record_bytes(
        "PBOC", "FIN_SFI1", 2)
    assert read(card, 1, 2) == (expected, 0x9000)


@pytest.mark.fresh_card
@pytest.mark.clause("SSC-FIN-2", "SSC-FIN-3", "SSC-APDU-3")
def test_get_data_and_atc(card_factory):
    card = card_factory()
    select(card, "PBOC")
    assert get_data(card, "9F17") == (h("9F170103"), 0x9000)
    assert get_data(card, "9F36") == (h("9F36020001"), 0x9000)   # ACTIVATE was MAC'd
    assert get_data(card, "9F36", "") == (h("9F36020001"), 0x9000)
    assert get_data(card, "9F36", "05") == (h("9F36020001"), 0x9000)
    assert get_data(card, "9F36", "02") == (b"", 0x6C05)
    assert get_data(card, "9F17", "08") == (b"", 0x6C04)
    assert get_data(card, "9F13") == (b"", 0x6A86)
    assert sw(card, "80CA9F170100") == 0x6700
    # the ATC counts MAC'd commands whose MAC verified, whatever they then answer
    assert mac_command(card, "PBOC", "APPLICATION_UNBLOCK", MAC) == 0x6985   # state check first: not counted
    assert mac_command(card, "PBOC", "PIN_UNBLOCK", MAC, corrupt=True) == 0x6988
    assert get_data(card, "9F36") == (h("9F36020001"), 0x9000)
    assert mac_command(card, "PBOC", "PIN_UNBLOCK", MAC) == 0x9000
    assert mac_command(card, "PBOC", "RELOAD_PIN", MAC, bytes(16)) == 0x6A80  # MAC good, cryptogram bad:
    assert get_data(card, "9F36") == (h("9F36020002"), 0x9000)                 # refused, so not counted
    card.reset()
    select(card, "PBOC")
    assert get_data(card, "9F36") == (h("9F36020002"), 0x9000)
    # SSSE MACs do not count here
    select(card)
    assert mac_command(card, "SSSE", "PIN_UNBLOCK", SSSE_KEYS["UNBLOCK"]) == 0x9000
    select(card, "PBOC")
    assert get_data(card, "9F36") == (h("9F36020002"), 0x9000)


@pytest.mark.clause("SSC-FIN-2", "SSC-LC-2")
def test_get_data_not_in_personalisation(card_factory):
    card = card_factory(pboc_state="PERSONALISATION")
    select(card, "PBOC")
    assert get_data(card, "9F17") == (b"", 0x6985)


@pytest.mark.clause("SSC-PIN-11", "SSC-PIN-2", "SSC-PIN-3", "SSC-PIN-5", "SSC-PIN-1")
def test_offline_pin(card_factory):
    card = card_factory()
    select(card, "PBOC")
    assert sw(card, "00200080") == 0x63C3
    assert fin_verify(card, "4321") == 0x63C2
    assert get_data(card, "9F17") == (h("9F170102"), 0x9000)
    assert fin_verify(card) == 0x9000
    assert sw(card, "00200080") == 0x9000
    assert get_data(card, "9F17") == (h("9F170103"), 0x9000)
    for left in (2, 1, 0):
        assert fin_verify(card, "0000") == 0x63C0 | left
    assert fin_verify(card) == 0x6983
    assert sw(card, "00200080") == 0x6983
    assert get_data(card, "9F17") == (h("9F170100"), 0x9000)
    # the social security PIN is another PIN
    select(card)
    assert sw(card, "00200000") == 0x63C6
    assert verify(card) == 0x9000


@pytest.mark.clause("SSC-PIN-11", "SSC-APDU-5")
@pytest.mark.parametrize(("block", "status"), [
    ("FF1111FFFFFFFFFF", 0x6A80), ("141234FFFFFFFFFF", 0x6A80), ("231234FFFFFFFFFF", 0x6A80),
    ("2D1234567890123F", 0x6A80), ("24123AFFFFFFFFFF", 0x6A80), ("241234FFFFFFFF0F", 0x6A80),
    ("241234FFFFFF", 0x6700), ("241234FFFFFFFFFFFF", 0x6700), ("241234FFFFFFFFFF", 0x9000),
])
def test_offline_pin_block_format(card_factory, block, status):
    card = card_factory()
    select(card, "PBOC")
    assert sw(card, f"00200080{len(block) // 2:02X}{block}") == status
    assert sw(card, "00200080") == (0x9000 if status == 0x9000 else 0x63C3)   # no try spent
    assert sw(card, "0020000008241234FFFFFFFFFF") == 0x6A86


@pytest.mark.clause("SSC-LC-5", "SSC-LC-6", "SSC-SM-5", "SSC-KEY-2")
def test_issuer_scripts_block_and_unblock(card_factory):
    card = card_factory()
    select(card, "PBOC")
    assert mac_command(card, "PBOC", "APPLICATION_BLOCK", SSSE_KEYS["MAINT"]) == 0x6988   # social key
    assert mac_command(card, "PBOC", "APPLICATION_BLOCK", MAC) == 0x9000
    assert state_code(card) == 0x06
    assert fin_verify(card) == 0x6985
    assert state_code(card, "SSSE") == 0x05                                            # SSSE unaffected
    assert verify(card) == 0x9000
    select(card, "PBOC")
    assert mac_command(card, "PBOC", "APPLICATION_UNBLOCK", MAC, n=8) == 0x9000
    assert state_code(card) == 0x05
    assert fin_verify(card) == 0x9000


@pytest.mark.clause("SSC-LC-4", "SSC-SM-5", "SSC-SM-2")
def test_activate_at_the_bank(card_factory):
    # KAT-MAC-2: ACTIVATE with challenge 0102030405060708 has MAC A5995DED
    assert crypto.retail_mac(MAC, h("8444000004"), h("0102030405060708"))[:4] == h("A5995DED")
    card = card_factory(pboc_state="ISSUED")
    select(card, "PBOC")
    assert fin_verify(card) == 0x6985
    assert mac_command(card, "PBOC", "ACTIVATE", MAC, corrupt=True) == 0x6988
    assert mac_command(card, "PBOC", "ACTIVATE", MAC, n=8) == 0x9000
    assert state_code(card) == 0x05
    assert fin_verify(card) == 0x9000


@pytest.mark.clause("SSC-PIN-8", "SSC-PIN-9", "SSC-SM-4", "SSC-SM-5")
def test_pin_unblock_and_reload_by_the_bank(card_factory):
    card = card_factory()
    select(card, "PBOC")
    for _ in range(3):
        fin_verify(card, "0000")
    assert fin_verify(card) == 0x6983
    assert mac_command(card, "PBOC", "PIN_UNBLOCK", MAC) == 0x9000
    assert fin_verify(card) == 0x9000
    for _ in range(3):
        fin_verify(card, "0000")
    # KAT-PIN-3: the format-2 block of 4321 enciphered under the bank ENC key
    new = enciphered(PBOC_KEYS["ENC"], crypto.iso9564_format2_block("4321"))
    assert new == h("031144F17A4A71918133B5F9344DD183")
    assert mac_command(card, "PBOC", "RELOAD_PIN", MAC, new, corrupt=True) == 0x6988
    assert fin_verify(card, "4321") == 0x6983
    assert mac_command(card, "PBOC", "RELOAD_PIN", PBOC_KEYS["ENC"], new) == 0x6988       # MAC key, not ENC
    assert mac_command(card, "PBOC", "RELOAD_PIN", MAC, new) == 0x9000
    assert fin_verify(card, FIN_PIN) == 0x63C2
    assert fin_verify(card, "4321") == 0x9000
    # a new PIN that is not a format-2 block, or under the wrong key
    bad = enciphered(PBOC_KEYS["ENC"], social_pin("4321") + bytes(6))
    assert mac_command(card, "PBOC", "RELOAD_PIN", MAC, bad) == 0x6A80
    wrong_key = enciphered(MAC, crypto.iso9564_format2_block("9999"))
    assert mac_command(card, "PBOC", "RELOAD_PIN", MAC, wrong_key) == 0x6A80
    assert fin_verify(card, "4321") == 0x9000
    # P1-P2 and lengths of PIN CHANGE/UNBLOCK
    assert mac_command(card, "PBOC", "PIN_UNBLOCK", MAC, p1=0, p2=1) == 0x6A86
    ch = challenge(card)
    apdu = build_mac(SPEC, "PBOC", "RELOAD_PIN", MAC, ch, new[:8])
    assert sw(card, apdu) == 0x6700


@pytest.mark.clause("SSC-LC-7", "SSC-SM-5")
def test_card_block_from_the_financial_application(card_factory):
    card = card_factory(state="BLOCKED", pboc_state="ACTIVE")
    select(card, "PBOC")
    assert mac_command(card, "PBOC", "CARD_BLOCK", SSSE_KEYS["MAINT"]) == 0x6988
    assert state_code(card, "SSSE") == 0x06
    select(card, "PBOC")
    assert mac_command(card, "PBOC", "CARD_BLOCK", MAC) == 0x9000
    assert sw(card, "80CA9F1700") == 0x6A81
    for aid in (PBOC.aid, SPEC.applications["SSSE"].aid):
        assert send(card, bytes([0, 0xA4, 4, 0, len(aid)]) + aid) == (b"", 0x6A81)
    card.reset()
    assert send(card, bytes([0, 0xA4, 4, 0, len(PBOC.aid)]) + PBOC.aid) == (b"", 0x6A81)


@pytest.mark.clause("SSC-APP-1", "SSC-KEY-2")
def test_separation(card_factory):
    card = card_factory()
    select(card)
    for _ in range(6):
        verify(card, "000000")
    assert verify(card) == 0x6983
    assert mac_command(card, "SSSE", "APPLICATION_BLOCK", SSSE_KEYS["MAINT"]) == 0x9000
    select(card, "PBOC")
    assert sw(card, "00200080") == 0x63C3
    assert fin_verify(card) == 0x9000
    assert state_code(card) == 0x05
    # no social key acts here, no bank key there
    assert mac_command(card, "PBOC", "PIN_UNBLOCK", SSSE_KEYS["UNBLOCK"]) == 0x6988
    select(card)
    assert mac_command(card, "SSSE", "APPLICATION_UNBLOCK", MAC) == 0x6988
    assert state_code(card, "SSSE") == 0x06
    # INTERNAL AUTHENTICATE and the SSSE-only commands do not exist here
    select(card, "PBOC")
    assert sw(card, "0088000308" + "00" * 8) == 0x6D00
    assert sw(card, "805E010007123456FF654321") == 0x6D00
    assert sw(card, "80DA00000120") == 0x6D00
    assert sw(card, "04DC012C0700000000000000") == 0x6E00


@pytest.mark.clause("SSC-PERSO-2", "SSC-PERSO-3", "SSC-PERSO-4", "SSC-LC-3", "SSC-FILE-3")
def test_personalisation(card_factory):
    card = card_factory(pboc_state="PERSONALISATION")
    select(card, "PBOC")
    assert sw(card, "80DE0000") == 0x6982
    assert external_authenticate(card, "PBOC", 0x02, MAC) == 0x6A88            # MAC key: not for this
    assert external_authenticate(card, "PBOC", 0x01, KPERSO, good=False) == 0x63C9
    assert external_authenticate(card, "PBOC", 0x01, KPERSO) == 0x9000
    assert sw(card, "80DE0000") == 0x6985
    # the PIN is set in BCD, verified as a format-2 block
    assert sw(card, h("80D4000009") + b"\x03" + enciphered(KPERSO, social_pin("2468"))) == 0x9000
    for role in ("MAINT", "ENC"):
        data = put_key_data(KPERSO, PBOC_KEYS[role])
        assert sw(card, bytes([0x80, 0xD8, 1, PBOC.keys[role].id, len(data)]) + data) == 0x9000
    # records: template 70, tags, lengths, cn values
    good = personalised_record("PBOC", "FIN_SFI1", 1)
    assert sw(card, bytes([0, 0xDC, 1, 0x0C, len(good)]) + good) == 0x9000
    for bad in (b"\x71" + good[1:], good[:1] + b"\x1b" + good[2:], good[:-1] + b"\xfa", good[:-1]):
        assert sw(card, bytes([0, 0xDC, 1, 0x0C, len(bad)]) + bad) == 0x6A80
    assert sw(card, bytes([0, 0xDC, 3, 0x0C, len(good)]) + good) == 0x6A83
    assert sw(card, "80DE0000") == 0x9000
    assert state_code(card) == 0x04
    assert read(card, 1, 1) == (good, 0x9000)
    assert mac_command(card, "PBOC", "ACTIVATE", MAC) == 0x9000
    select(card, "PBOC")
    assert fin_verify(card, "2468") == 0x9000
