"""SSSE PIN: VERIFY and its retry machine, CHANGE PIN, the issuer's PIN UNBLOCK and RELOAD PIN."""

from __future__ import annotations

import pytest
from applet_helpers import (
    PIN,
    SSSE_KEYS,
    generation,
    mac_command,
    select,
    social_pin,
    ssse_enciphered,
    sw,
    verify,
)

WRONG = "111111"


def change(card, old: str, new: str) -> int:
    data = social_pin(old) + b"\xff" + social_pin(new)
    return sw(card, bytes([0x80, 0x5E, 0x01, 0x00, len(data)]) + data)


def block_pin(card) -> None:
    for left in range(5, -1, -1):
        assert verify(card, WRONG) == 0x63C0 | left


@pytest.mark.clause("SSC-PIN-2", "SSC-PIN-3", "SSC-PIN-1")
def test_wrong_pin_counts_down_then_blocks(card_factory):
    card = card_factory()
    select(card)
    block_pin(card)
    for apdu in ("0020000003" + social_pin(WRONG).hex(), "0020000003" + social_pin(PIN).hex(), "00200000",
                 "0020000000"):
        assert sw(card, apdu) == 0x6983
    assert change(card, PIN, "654321") == 0x6983
    # the counter is persistent
    card.reset()
    select(card)
    assert verify(card) == 0x6983


@pytest.mark.clause("SSC-PIN-4", "SSC-PIN-5")
def test_correct_pin_resets_the_counter(card_factory):
    card = card_factory()
    select(card)
    assert sw(card, "00200000") == 0x63C6
    assert sw(card, "0020000000") == 0x63C6
    assert verify(card, WRONG) == 0x63C5
    assert verify(card, WRONG) == 0x63C4
    assert sw(card, "00200000") == 0x63C4        # empty VERIFY spends nothing
    assert verify(card) == 0x9000
    assert sw(card, "00200000") == 0x9000
    assert verify(card, WRONG) == 0x63C5         # back from 6, and no longer verified
    assert sw(card, "00200000") == 0x63C5
    assert verify(card) == 0x9000
    assert verify(card) == 0x9000


@pytest.mark.clause("SSC-PIN-6", "SSC-LC-8")
def test_verified_flag_ends_with_power_and_reselection(card_factory):
    card = card_factory()
    select(card)
    assert verify(card) == 0x9000
    card.reset()
    select(card)
    assert sw(card, "00200000") == 0x63C6
    assert verify(card) == 0x9000
    select(card, "PBOC")
    select(card)
    assert sw(card, "00200000") == 0x63C6


@pytest.mark.clause("SSC-PIN-10")
@pytest.mark.parametrize(("data", "status"), [
    ("1234AB", 0x6A80), ("F23456", 0x6A80), ("123F", 0x6A80), ("12345FFF", 0x6A80), ("1F", 0x6700),
    ("12345678901234", 0x6700), ("12", 0x6700), ("1234", 0x63C5), ("12345F", 0x63C5),
    ("123456789012", 0x63C5),
])
def test_pin_format(card_factory, data, status):
    card = card_factory()
    select(card)
    n = len(data) // 2
    assert sw(card, f"00200000{n:02X}{data}") == status
    # malformed data spends no try
    assert sw(card, "00200000") == (0x63C5 if status == 0x63C5 else 0x63C6)


@pytest.mark.clause("SSC-PIN-12", "SSC-LC-2")
@pytest.mark.parametrize("state", ["PERSONALISATION", "ISSUED", "BLOCKED"])
def test_pin_commands_only_while_active(card_factory, state):
    card = card_factory(state=state)
    select(card)
    assert verify(card) == 0x6985
    assert sw(card, "00200000") == 0x6985
    assert change(card, PIN, "654321") == 0x6985


@pytest.mark.clause("SSC-APDU-5")
def test_verify_and_change_p1p2(card_factory):
    card = card_factory()
    select(card)
    assert sw(card, "0020008003123456") == 0x6A86
    assert sw(card, "0020000103123456") == 0x6A86
    assert sw(card, "805E000007123456FF654321") == 0x6A86


@pytest.mark.clause("SSC-PIN-7")
def test_change_pin(card_factory):
    card = card_factory()
    select(card)
    assert change(card, WRONG, "654321") == 0x63C5
    assert change(card, PIN, "654321") == 0x9000
    assert sw(card, "00200000") == 0x9000        # verified, counter back at 6
    assert verify(card, PIN) == 0x63C5
    assert verify(card, "654321") == 0x9000
    assert change(card, "654321", "12345") == 0x9000   # odd length, closed by F
    assert verify(card, "12345") == 0x9000
    card.reset()
    select(card)
    assert verify(card, "12345") == 0x9000


@pytest.mark.clause("SSC-PIN-7", "SSC-PIN-10")
@pytest.mark.parametrize("data", ["1234566543", "123456FF12", "12FF654321", "1234AB FF 654321", "123456 FF 65432F1F",
                                  "FF12345678"])
def test_change_pin_malformed_spends_nothing(card_factory, data):
    card = card_factory()
    select(card)
    body = bytes.fromhex(data.replace(" ", ""))
    assert sw(card, bytes([0x80, 0x5E, 0x01, 0x00, len(body)]) + body) == 0x6A80
    assert sw(card, "00200000") == 0x63C6
    assert sw(card, "805E0100041234FF12") == 0x6700   # data below 5 bytes


@pytest.mark.clause("SSC-PIN-8", "SSC-SM-3", "SSC-PIN-3")
def test_unblock_keeps_the_pin_and_needs_the_issuer_mac(card_factory):
    card = card_factory()
    select(card)
    block_pin(card)
    assert mac_command(card, "SSSE", "PIN_UNBLOCK", SSSE_KEYS["UNBLOCK"], corrupt=True) == 0x6988
    assert mac_command(card, "SSSE", "PIN_UNBLOCK", SSSE_KEYS["MAINT"]) == 0x6988     # another issuer key
    assert sw(card, "842400000400000000") == 0x6984                                   # no challenge
    assert verify(card) == 0x6983
    assert mac_command(card, "SSSE", "PIN_UNBLOCK", SSSE_KEYS["UNBLOCK"]) == 0x9000
    assert sw(card, "00200000") == 0x63C6
    assert verify(card) == 0x9000
    # unblock also ends the verification
    assert mac_command(card, "SSSE", "PIN_UNBLOCK", SSSE_KEYS["UNBLOCK"], n=8) == 0x9000
    assert sw(card, "00200000") == 0x63C6


@pytest.mark.clause("SSC-PIN-9", "SSC-SM-4", "SSC-SM-2")
def test_reload_sets_a_new_pin(card_factory):
    card = card_factory()
    select(card)
    block_pin(card)
    key = SSSE_KEYS["RELOAD"]
    cryptogram = ssse_enciphered(key, social_pin("888888"))
    assert mac_command(card, "SSSE", "RELOAD_PIN", key, cryptogram, corrupt=True) == 0x6988
    assert verify(card, "888888") == 0x6983
    assert mac_command(card, "SSSE", "RELOAD_PIN", key, cryptogram) == 0x9000
    assert sw(card, "00200000") == 0x63C6
    assert verify(card, PIN) == 0x63C5
    assert verify(card, "888888") == 0x9000


@pytest.mark.clause("SSC-PIN-9", "SSC-SM-4")
@pytest.mark.parametrize("plain", ["12", "123F", "1234AB", "12345678901234", "1F3456", ""])
def test_reload_refuses_a_cryptogram_of_no_valid_pin(card_factory, plain):
    card = card_factory()
    select(card)
    key = SSSE_KEYS["RELOAD"]
    block = generation().algorithm.block_size  # one block of the card's cipher: 8 bytes (3DES), 16 (SM4)
    data = ssse_enciphered(key, bytes.fromhex(plain))[:block]
    if len(data) < block:
        data = data + bytes(block - len(data))
    assert mac_command(card, "SSSE", "RELOAD_PIN", key, data) == 0x6A80
    assert verify(card) == 0x9000


@pytest.mark.clause("SSC-PIN-9", "SSC-SM-4")
def test_reload_refuses_bad_padding(card_factory):
    card = card_factory()
    select(card)
    key = SSSE_KEYS["RELOAD"]
    from sscard import crypto

    for plain in ("0312345681000000", "0312345680000001", "0812345612345612", "0012345680000000"):
        data = crypto.tdes_encrypt_ecb(key, bytes.fromhex(plain))
        assert mac_command(card, "SSSE", "RELOAD_PIN", key, data) == 0x6A80
    assert mac_command(card, "SSSE", "RELOAD_PIN", key, b"\x00" * 7) == 0x6700   # Lc 11
    assert verify(card) == 0x9000
