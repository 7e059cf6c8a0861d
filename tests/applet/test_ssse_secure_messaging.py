"""SSSE secure messaging: GET CHALLENGE and its single use, MAC'd commands (good, wrong, stale,
truncated MACs), EXTERNAL and INTERNAL AUTHENTICATE."""

from __future__ import annotations

import pytest
from apdus import build, challenge_iv
from applet_helpers import (
    SPEC,
    SSSE,
    SSSE_KEYS,
    challenge,
    external_authenticate,
    fci,
    generation,
    h,
    mac_command,
    select,
    send,
    ssse_challenge,
    ssse_mac,
    sw,
)

from sscard import crypto

RK = SSSE.keys["RK"].id
IK = SSSE.keys["IK"].id
MAINT = SSSE_KEYS["MAINT"]


@pytest.mark.clause("SSC-SM-1")
def test_get_challenge(card_factory):
    card = card_factory()
    select(card)
    a, b = challenge(card, 4), challenge(card, 4)
    assert a != b
    assert len(challenge(card, 8)) == 8
    for apdu in ("00840000", "0084000000", "0084000002", "0084000010", "00840000020000",
                 "0084000001AA08"):
        assert send(card, apdu) == (b"", 0x6700)
    assert sw(card, "0084010008") == 0x6A86
    assert sw(card, "0084000108") == 0x6A86


@pytest.mark.clause("SSC-SM-1", "SSC-SM-3")
def test_challenge_is_good_for_the_next_command_only(card_factory):
    card = card_factory()
    select(card)
    ch = ssse_challenge(card)
    good = ssse_mac("APPLICATION_BLOCK", MAINT, ch)
    assert sw(card, "00200000") == 0x63C6            # any command uses the challenge up
    assert sw(card, good) == 0x6984
    ch = ssse_challenge(card)
    assert sw(card, "00B2010C00") == 0x6A82          # a failing one too
    assert sw(card, ssse_mac("APPLICATION_BLOCK", MAINT, ch)) == 0x6984
    ch = ssse_challenge(card)
    assert sw(card, "FFFFFFFF") == 0x6E00            # even one refused at once
    assert sw(card, ssse_mac("APPLICATION_BLOCK", MAINT, ch)) == 0x6984
    # a challenge used once cannot be replayed
    ch = ssse_challenge(card)
    apdu = ssse_mac("PIN_UNBLOCK", SSSE_KEYS["UNBLOCK"], ch)
    assert sw(card, apdu) == 0x9000
    assert sw(card, apdu) == 0x6984
    ch = ssse_challenge(card)
    apdu = ssse_mac("APPLICATION_UNBLOCK", MAINT, ch)
    assert sw(card, apdu) == 0x6985                  # ACTIVE: the state is checked before the MAC
    assert sw(card, ssse_mac("APPLICATION_BLOCK", MAINT, ch)) == 0x6984
    # SELECT of the application and a power cycle discard it
    ch = ssse_challenge(card)
    select(card)
    assert sw(card, ssse_mac("APPLICATION_BLOCK", MAINT, ch)) == 0x6984
    ch = ssse_challenge(card)
    card.reset()
    select(card)
    assert sw(card, ssse_mac("APPLICATION_BLOCK", MAINT, ch)) == 0x6984
    # selecting inside the application does too (it is a command)
    ch = ssse_challenge(card)
    assert sw(card, "00A4040006D15600000500") == 0x9000
    assert sw(card, ssse_mac("APPLICATION_BLOCK", MAINT, ch)) == 0x6984
    assert send(card, "00A404000F" + SSSE.aid.hex()) == (fci("SSSE", 0x05), 0x9000)


@pytest.mark.clause("SSC-SM-2", "SSC-SM-3", "SSC-LC-5")
def test_wrong_mac_changes_nothing(card_factory):
    card = card_factory()
    select(card)
    assert mac_command(card, "SSSE", "APPLICATION_BLOCK", MAINT, corrupt=True) == 0x6988
    assert mac_command(card, "SSSE", "APPLICATION_BLOCK", SSSE_KEYS["UNBLOCK"]) == 0x6988
    assert mac_command(card, "SSSE", "APPLICATION_BLOCK", MAINT, n=8, corrupt=True) == 0x6988
    # the MAC of another command (APPLICATION UNBLOCK's header) does not fit
    ch = ssse_challenge(card)
    other = ssse_mac("APPLICATION_UNBLOCK", MAINT, ch)
    assert sw(card, h("841E000004") + other[5:]) == 0x6988
    assert send(card, "00A404000F" + SSSE.aid.hex())[0] == fci("SSSE", 0x05)
    assert mac_command(card, "SSSE", "APPLICATION_BLOCK", MAINT) == 0x9000
    assert send(card, "00A404000F" + SSSE.aid.hex())[0] == fci("SSSE", 0x06)


@pytest.mark.clause("SSC-SM-2", "SSC-APDU-1")
def test_truncated_or_missing_mac(card_factory):
    card = card_factory()
    select(card)
    ch = ssse_challenge(card)
    full = ssse_mac("APPLICATION_BLOCK", MAINT, ch)
    assert sw(card, bytes([0x84, 0x1E, 0x00, 0x00, 0x03]) + full[5:8]) == 0x6700
    ssse_challenge(card)
    assert sw(card, "841E0000") == 0x6700
    ssse_challenge(card)
    assert sw(card, "841E000005" + full[5:].hex() + "00") == 0x6700
    assert send(card, "00A404000F" + SSSE.aid.hex())[0] == fci("SSSE", 0x05)


@pytest.mark.clause("SSC-SM-2", "SSC-LC-5")
def test_known_answer_mac(card_factory):
    """KAT-MAC-1: with challenge 11223344 the MAC of 84 1E 00 00 04 is 036FDD25 (crypto.toml)."""
    assert crypto.retail_mac(MAINT, h("841E000004"), crypto.command_mac_iv(h("11223344")))[:4] == h("036FDD25")
    card = card_factory()
    select(card)
    ch = challenge(card)
    mac = crypto.retail_mac(MAINT, h("841E000004"), crypto.command_mac_iv(ch))[:4]
    assert sw(card, h("841E000004") + mac) == 0x9000


@pytest.mark.fresh_card
@pytest.mark.clause("SSC-KEY-3")
def test_external_authentication_counts_tries(card_factory):
    card = card_factory()
    select(card)
    for left in (9, 8):
        assert external_authenticate(card, "SSSE", RK, SSSE_KEYS["RK"], good=False) == 0x63C0 | left
    # the shortest challenge the profile takes (2.0: 4 bytes)
    assert external_authenticate(card, "SSSE", RK, SSSE_KEYS["RK"], n=generation().mac_challenge) == 0x9000
    for left in range(9, -1, -1):
        assert external_authenticate(card, "SSSE", RK, SSSE_KEYS["RK"], good=False) == 0x63C0 | left
    assert external_authenticate(card, "SSSE", RK, SSSE_KEYS["RK"]) == 0x6983
    card.reset()
    select(card)
    assert external_authenticate(card, "SSSE", RK, SSSE_KEYS["RK"]) == 0x6983


@pytest.mark.fresh_card
@pytest.mark.clause("SSC-KEY-3", "SSC-SM-3")
def test_external_authenticate_refusals(card_factory):
    card = card_factory()
    select(card)
    algorithm = generation().algorithm
    block = algorithm.block_size  # the cryptogram: one block of the card's cipher (SSC-KEY-5)
    cryptogram = "00" * block
    assert sw(card, f"00820002{block:02X}" + cryptogram) == 0x6984        # no challenge
    assert external_authenticate(card, "SSSE", 0x09, SSSE_KEYS["RK"]) == 0x6A88   # no such key
    assert external_authenticate(card, "SSSE", IK, SSSE_KEYS["IK"]) == 0x6A88     # not for this use
    assert external_authenticate(card, "SSSE", 0x01, bytes(16)) == 0x6985         # KPERSO after personalisation
    ssse_challenge(card)
    assert sw(card, "0082000207" + "00" * 7) == 0x6700
    ssse_challenge(card)
    assert sw(card, f"00820102{block:02X}" + cryptogram) == 0x6A86
    # KAT-EXT-1 (KAT-SM4EXT-1) shape: challenge-IV block enciphered under the key
    ch = challenge(card, 8)
    cryptogram_bytes = crypto.encrypt_ecb(SSSE_KEYS["RK"], challenge_iv(ch, algorithm), algorithm)
    assert sw(card, bytes([0x00, 0x82, 0x00, 0x02, block]) + cryptogram_bytes) == 0x9000


@pytest.mark.clause("SSC-KEY-4")
def test_internal_authenticate(card_factory):
    card = card_factory()
    select(card)
    terminal = h("0011223344556677")
    expected = crypto.tdes_encrypt_ecb(SSSE_KEYS["IK"], terminal)
    assert expected == h("CD599978DCCD8208")          # KAT-INT-1
    apdu = build(SPEC, "SSSE", "INTERNAL_AUTHENTICATE", terminal, p1=0, p2=IK)
    assert send(card, apdu) == (expected, 0x9000)
    assert send(card, apdu + b"\x00") == (expected, 0x9000)
    assert send(card, apdu + b"\x08") == (expected, 0x9000)
    assert send(card, apdu + b"\x04") == (b"", 0x6C08)
    assert sw(card, build(SPEC, "SSSE", "INTERNAL_AUTHENTICATE", terminal, p1=0, p2=SSSE.keys["RK"].id)) == 0x6A88
    assert sw(card, build(SPEC, "SSSE", "INTERNAL_AUTHENTICATE", terminal, p1=0, p2=0x07)) == 0x6A88
    assert sw(card, build(SPEC, "SSSE", "INTERNAL_AUTHENTICATE", terminal[:7], p1=0, p2=IK)) == 0x6700
    assert sw(card, build(SPEC, "SSSE", "INTERNAL_AUTHENTICATE", terminal, p1=1, p2=IK)) == 0x6A86


@pytest.mark.clause("SSC-KEY-4", "SSC-LC-2")
@pytest.mark.parametrize(("state", "status"), [("PERSONALISATION", 0x6985), ("ISSUED", 0x9000), ("BLOCKED", 0x9000)])
def test_internal_authenticate_states(card_factory, state, status):
    card = card_factory(state=state)
    select(card)
    block = generation().algorithm.block_size
    assert sw(card, build(SPEC, "SSSE", "INTERNAL_AUTHENTICATE", bytes(block), p1=0, p2=IK)) == status
