"""The 3rd-generation card in raw APDUs: an SSSE installed with SM4 keys and personalised with access profile 3.0
(SSC-KEY-5). Runs on the SM4 card kinds only (model-sm4, simulator-sm4, pcsc-sm4; tests/conftest.py).

The MACs and cryptograms are computed with the host library's SM4 (the ``cryptography`` package), independent
of the applet's own Java Card SM4: on the simulator kinds these check the card's SM4 end to end."""

from __future__ import annotations

import pytest
from apdus import build
from applet_helpers import (
    PIN,
    PROFILE,
    SPEC,
    SSSE,
    SSSE_KEYS,
    challenge,
    enciphered,
    external_authenticate,
    fci,
    h,
    mac_command,
    put_key_data,
    select,
    send,
    social_pin,
    sw,
    verify,
)

from apdu_spec.model import CardProfile
from sscard import crypto

SM4 = crypto.Algorithm.SM4
TDES = crypto.Algorithm.TDES
RK = SSSE.keys["RK"].id
IK = SSSE.keys["IK"].id
KPERSO = PROFILE.ssse.perso_key
VECTORS = {v.id: v for v in SPEC.vectors}


def state_code(state: str) -> int:
    return SPEC.lifecycle.states[state].code


@pytest.mark.clause("SSC-KEY-4", "SSC-KEY-5")
def test_internal_authenticate_answers_the_spec_vector(card_factory):
    """KAT-SM4INT-1 on the card: the terminal's 16-byte block enciphered under IK; an 8-byte one is a 3DES
    length, 6700."""
    vector = VECTORS["KAT-SM4INT-1"]
    assert vector.model is not None and vector.model.response is not None
    card = card_factory()
    select(card)
    assert SSSE_KEYS["IK"] == bytes.fromhex(vector.inputs["key16"])
    terminal = bytes.fromhex(vector.inputs["data"])
    apdu = build(SPEC, "SSSE", "INTERNAL_AUTHENTICATE", terminal, p1=0, p2=IK)
    assert send(card, apdu) == (vector.model.response, 0x9000)
    assert send(card, apdu + b"\x10") == (vector.model.response, 0x9000)
    assert send(card, apdu + b"\x08") == (b"", 0x6C10)
    assert sw(card, build(SPEC, "SSSE", "INTERNAL_AUTHENTICATE", terminal[:8], p1=0, p2=IK)) == 0x6700


@pytest.mark.clause("SSC-SM-1", "SSC-SM-2", "SSC-SM-7", "SSC-KEY-5", "SSC-LC-5")
def test_sm4_mac_with_every_challenge_length(card_factory):
    """The SM4 CBC-MAC over the challenge IV: 16-byte challenges (Le 10) as they are, 8-byte ones padded with
    zeros; 4 bytes are too few for the 3.0 profile (6984); a wrong MAC 6988."""
    card = card_factory()
    select(card)
    assert len(challenge(card, 16)) == 16
    assert mac_command(card, "SSSE", "APPLICATION_BLOCK", SSSE_KEYS["MAINT"], n=16, corrupt=True,
                       algorithm=SM4) == 0x6988
    assert mac_command(card, "SSSE", "APPLICATION_BLOCK", SSSE_KEYS["MAINT"], n=4, algorithm=SM4) == 0x6984
    assert mac_command(card, "SSSE", "APPLICATION_BLOCK", SSSE_KEYS["MAINT"], n=16, algorithm=SM4) == 0x9000
    assert select(card) == fci("SSSE", state_code("BLOCKED"))
    assert mac_command(card, "SSSE", "APPLICATION_UNBLOCK", SSSE_KEYS["MAINT"], n=8, algorithm=SM4) == 0x9000
    assert select(card) == fci("SSSE", state_code("ACTIVE"))
    # a 3DES retail MAC is no MAC on an SM4 card
    assert mac_command(card, "SSSE", "APPLICATION_BLOCK", SSSE_KEYS["MAINT"], n=8, algorithm=TDES) == 0x6988


@pytest.mark.clause("SSC-SM-2", "SSC-KEY-5", "SSC-LC-5")
def test_known_answer_sm4_mac(card_factory):
    """KAT-SM4MAC-2 (test_ssse_secure_messaging.py's 3DES KAT-MAC-1, on an SM4 card): the SM4 CBC-MAC of
    84 1E 00 00 04 under the maintenance key, then the same command MAC'd on the card's own 16-byte challenge."""
    vector = VECTORS["KAT-SM4MAC-2"]
    key, iv = bytes.fromhex(vector.inputs["key16"]), bytes.fromhex(vector.inputs["iv"])
    assert key == SSSE_KEYS["MAINT"]
    assert crypto.sm4_mac(key, h("841E000004"), iv) == vector.expected
    card = card_factory()
    select(card)
    ch = challenge(card, 16)
    assert sw(card, h("841E000004") + crypto.sm4_mac(key, h("841E000004"), ch)[:4]) == 0x9000
    assert select(card) == fci("SSSE", state_code("BLOCKED"))


@pytest.mark.clause("SSC-KEY-3", "SSC-KEY-5", "SSC-APDU-1")
def test_external_authenticate_takes_one_sm4_block(card_factory):
    """The cryptogram is the challenge block under RK, 16 bytes; an 8-byte cryptogram answers 6700 and spends
    no try."""
    card = card_factory()
    select(card)
    challenge(card, 8)
    assert sw(card, build(SPEC, "SSSE", "EXTERNAL_AUTHENTICATE", bytes(8), p1=0, p2=RK)) == 0x6700
    assert external_authenticate(card, "SSSE", RK, SSSE_KEYS["RK"], good=False, algorithm=SM4) == 0x63C9
    assert external_authenticate(card, "SSSE", RK, SSSE_KEYS["RK"], n=16, algorithm=SM4) == 0x9000
    assert send(card, "00B2072C00")[1] == 0x9000  # the card number, after RK (SSC-ACC-2)


@pytest.mark.clause("SSC-PIN-9", "SSC-SM-4", "SSC-KEY-5")
def test_reload_pin_enciphered_with_sm4(card_factory):
    """RELOAD PIN: the new PIN enciphered in one SM4 block under the reload key, MAC'd under it (Lc 20); the
    3DES length 12 answers 6700."""
    card = card_factory()
    select(card)
    data = enciphered(SSSE_KEYS["RELOAD"], social_pin("246810"), SM4)
    assert len(data) == 16
    assert mac_command(card, "SSSE", "RELOAD_PIN", SSSE_KEYS["RELOAD"], data[:8], n=16, algorithm=SM4) == 0x6700
    assert mac_command(card, "SSSE", "RELOAD_PIN", SSSE_KEYS["RELOAD"], data, n=16, algorithm=SM4) == 0x9000
    assert verify(card, PIN) == 0x63C5
    assert verify(card, "246810") == 0x9000


@pytest.mark.clause("SSC-PIN-9", "SSC-SM-4", "SSC-KEY-5")
@pytest.mark.parametrize("plain", [
    "0312345681" + "00" * 11,  # the padding starts 81, not 80
    "0312345680" + "00" * 10 + "01",  # a non-zero byte after the 80
    "0F" + "123456" * 5,  # a length past the block: no room for the padding
    "0012345680" + "00" * 11,  # no PIN digits
])
def test_reload_refuses_bad_padding_in_an_sm4_block(card_factory, plain):
    """The SM4 block of RELOAD PIN (test_ssse_pin.py's 3DES block test, one block of 16): a block that deciphers
    to no padded PIN answers 6A80, and the PIN stays."""
    card = card_factory()
    select(card)
    key = SSSE_KEYS["RELOAD"]
    data = crypto.sm4_encrypt_ecb(key, bytes.fromhex(plain))
    assert mac_command(card, "SSSE", "RELOAD_PIN", key, data, n=16, algorithm=SM4) == 0x6A80
    assert verify(card) == 0x9000


@pytest.mark.clause("SSC-PERSO-3", "SSC-PERSO-5", "SSC-KEY-5")
def test_personalisation_of_an_sm4_card(card_factory):
    """PUT KEY carries the key in two SM4 blocks and its SM4 check value (Lc 35); the 3DES form (Lc 27) is
    refused, and so is a 3DES check value; SET ACCESS PROFILE takes 30 only."""
    card = card_factory(state="PERSONALISATION")
    select(card)
    assert external_authenticate(card, "SSSE", SSSE.keys["PERSO"].id, KPERSO, algorithm=SM4) == 0x9000
    maint = SSSE_KEYS["MAINT"]
    good = put_key_data(KPERSO, maint, SM4)
    assert good.hex().upper().startswith(VECTORS["KAT-SM4PUTKEY-1"].expected.hex().upper())
    header = bytes([0x80, 0xD8, 0x01, SSSE.keys["MAINT"].id])
    tdes_form = put_key_data(KPERSO, maint)
    assert sw(card, header + bytes([len(tdes_form)]) + tdes_form) == 0x6700
    wrong_kcv = good[:-3] + crypto.key_check_value(maint, crypto.Algorithm.TDES)
    assert sw(card, header + bytes([len(wrong_kcv)]) + wrong_kcv) == 0x6A80
    assert sw(card, header + bytes([len(good)]) + good) == 0x9000
    assert sw(card, "80DA000001" + "20") == 0x6A80
    assert sw(card, "80DA000001" + "30") == 0x9000


@pytest.mark.clause("SSC-SM-1", "SSC-PERSO-5", "SSC-KEY-5")
def test_a_3des_card_has_no_sm4_lengths(card_factory):
    """The same kind with a 2.0 profile is a 3DES card: GET CHALLENGE Le 10 and the SM4 lengths answer 6700,
    and SET ACCESS PROFILE 30 6A80."""
    card = card_factory(CardProfile.example())
    select(card)
    assert sw(card, "0084000010") == 0x6700
    challenge(card, 8)
    assert sw(card, build(SPEC, "SSSE", "EXTERNAL_AUTHENTICATE", bytes(16), p1=0, p2=RK)) == 0x6700
    fresh = card_factory(CardProfile.example(), state="PERSONALISATION")
    select(fresh)
    assert external_authenticate(fresh, "SSSE", SSSE.keys["PERSO"].id, KPERSO, n=8, algorithm=TDES) == 0x9000
    assert sw(fresh, "80DA000001" + "30") == 0x6A80
    assert sw(fresh, h("80DA00000120")) == 0x9000
