"""SSSE personalisation: the transport key from the install parameters, PUT KEY, SET PIN, SET ACCESS
PROFILE, UPDATE RECORD (00 DC), END PERSONALISATION, and what each refuses."""

from __future__ import annotations

import dataclasses

import pytest
from applet_helpers import (
    PROFILE,
    SSSE,
    SSSE_KEYS,
    enciphered,
    external_authenticate,
    fci,
    generation,
    h,
    put_key_data,
    read,
    record_bytes,
    select,
    send,
    social_pin,
    ssse_enciphered,
    sw,
    verify,
)
from cards import bring_up

from sscard import crypto

KPERSO = PROFILE.ssse.perso_key
PERSO_ID = SSSE.keys["PERSO"].id


def put_key(card, role: str, value: bytes, *, version: int = 1) -> int:
    data = put_key_data(KPERSO, value, generation().algorithm)
    return sw(card, bytes([0x80, 0xD8, version, SSSE.keys[role].id, len(data)]) + data)


def set_pin_apdu(limit: int, cryptogram: bytes, *, p1: int = 0) -> bytes:
    """SET PIN: the try limit, then the PIN enciphered under the transport key (one block of the card's cipher:
    Lc 9 on a 3DES card, 17 on an SM4 one)."""
    return bytes([0x80, 0xD4, p1, 0x00, 1 + len(cryptogram), limit]) + cryptogram


def set_pin(card, pin: str, limit: int = 6) -> int:
    return sw(card, set_pin_apdu(limit, ssse_enciphered(KPERSO, social_pin(pin))))


def own_profile() -> str:
    """SET ACCESS PROFILE with the profile of the card's generation: 20 (2.0) on a 3DES card, 30 on an SM4 one
    (SSC-PERSO-5)."""
    return "80DA000001" + ("30" if generation().algorithm is crypto.Algorithm.SM4 else "20")


def fresh(card_factory):
    card = card_factory(state="PERSONALISATION")
    select(card)
    return card


@pytest.mark.clause("SSC-PERSO-2")
def test_personalisation_needs_the_transport_key(card_factory):
    card = fresh(card_factory)
    assert put_key(card, "MAINT", SSSE_KEYS["MAINT"]) == 0x6982
    assert set_pin(card, "123456") == 0x6982
    assert sw(card, own_profile()) == 0x6982
    assert sw(card, "00DC0734" + "06" + record_bytes("SSSE", "EF06", 7, {"0D": "19900101"}).hex()) == 0x6982
    assert sw(card, "80DE0000") == 0x6982
    assert external_authenticate(card, "SSSE", PERSO_ID, KPERSO, good=False) == 0x63C9
    assert sw(card, own_profile()) == 0x6982
    assert external_authenticate(card, "SSSE", PERSO_ID, KPERSO, n=4) == 0x9000  # 4 bytes before a profile
    assert sw(card, own_profile()) == 0x9000
    # the authentication ends with the session
    select(card)
    assert sw(card, own_profile()) == 0x6982


@pytest.mark.clause("SSC-PERSO-3", "SSC-SM-4")
def test_put_key(card_factory):
    card = fresh(card_factory)
    assert external_authenticate(card, "SSSE", PERSO_ID, KPERSO) == 0x9000
    value = SSSE_KEYS["MAINT"]
    # KAT-PUTKEY-1/2: the maintenance key enciphered under the transport key, then its check value
    assert put_key_data(KPERSO, value) == h("61832C349F0B1DE9C6F0B61549D3CB8E5D737A89C15DB479") + h("7B217F")
    good = put_key_data(KPERSO, value)
    assert sw(card, h("80D801041B") + good[:-1] + bytes([good[-1] ^ 1])) == 0x6A80   # wrong check value
    assert sw(card, h("80D801041B") + bytes(24) + good[-3:]) == 0x6A80               # cryptogram malformed
    short = enciphered(KPERSO, value[:8]) + bytes(8) + crypto.key_check_value(value[:8], crypto.Algorithm.TDES)
    assert sw(card, h("80D801041B") + short) == 0x6A80                                # an 8-byte key
    assert sw(card, h("80D801091B") + good) == 0x6A88                                 # no key 09
    assert sw(card, h("80D801041A") + good[:-1]) == 0x6700
    assert sw(card, h("80D8010400")) == 0x6700
    assert sw(card, h("80D801041B") + good) == 0x9000
    assert sw(card, h("80D802041B") + good) == 0x9000                                 # replaced, version 2


@pytest.mark.clause("SSC-PERSO-3", "SSC-KEY-3")
def test_put_key_of_the_transport_key_ends_its_authentication(card_factory):
    card = fresh(card_factory)
    assert external_authenticate(card, "SSSE", PERSO_ID, KPERSO) == 0x9000
    new = bytes(range(0x40, 0x50))
    assert put_key(card, "PERSO", new) == 0x9000
    assert sw(card, own_profile()) == 0x6982
    assert external_authenticate(card, "SSSE", PERSO_ID, KPERSO) == 0x63C9
    assert external_authenticate(card, "SSSE", PERSO_ID, new) == 0x9000
    assert sw(card, own_profile()) == 0x9000


@pytest.mark.clause("SSC-PERSO-4", "SSC-PIN-1")
def test_set_pin(card_factory):
    card = fresh(card_factory)
    assert external_authenticate(card, "SSSE", PERSO_ID, KPERSO) == 0x9000
    for limit in (0, 16, 0xFF):
        assert set_pin(card, "123456", limit) == 0x6A80
    block = generation().algorithm.block_size
    pin = ssse_enciphered(KPERSO, social_pin("1234"))
    assert sw(card, set_pin_apdu(6, bytes(block))) == 0x6A80                           # cryptogram malformed
    assert sw(card, set_pin_apdu(6, ssse_enciphered(KPERSO, h("123F")))) == 0x6A80     # 3 digits
    assert sw(card, set_pin_apdu(6, ssse_enciphered(KPERSO, h("12AB56")))) == 0x6A80
    assert sw(card, set_pin_apdu(6, pin[:-1])) == 0x6700                               # one byte short
    assert sw(card, set_pin_apdu(6, pin, p1=1)) == 0x6A86
    assert set_pin(card, "13579", 3) == 0x9000


@pytest.mark.clause("SSC-PERSO-5", "SSC-ACC-1")
def test_set_access_profile(card_factory):
    card = fresh(card_factory)
    assert external_authenticate(card, "SSSE", PERSO_ID, KPERSO) == 0x9000
    for code in ("00", "21", "31", "FF"):
        assert sw(card, "80DA000001" + code) == 0x6A80
    assert sw(card, "80DA000001" + "30") == 0x6A80  # 3.0 is the SM4 card's profile, this one is 3DES
    assert sw(card, "80DA0000022000") == 0x6700
    assert sw(card, "80DA0100" + "0120") == 0x6A86
    assert sw(card, "80DA000001" + "20") == 0x9000


@pytest.mark.clause("SSC-FILE-3", "SSC-PERSO-2")
def test_update_record_in_personalisation(card_factory):
    card = fresh(card_factory)
    assert external_authenticate(card, "SSSE", PERSO_ID, KPERSO) == 0x9000
    rec = record_bytes("SSSE", "EF06", 7, {"0D": "19900101"})
    assert sw(card, "00DC0734" + f"{len(rec):02X}" + rec.hex()) == 0x9000
    assert read(card, 6, 7) == (rec, 0x9000)
    assert read(card, 0, 7) == (rec, 0x9000)                               # EF06 is current
    for bad in ("0D04199001AF", "0D0419900101FF", "0C0419900101", "0D03199001", "0D0519900101FF"):
        assert sw(card, "00DC0734" + f"{len(bad) // 2:02X}" + bad) == 0x6A80
    assert sw(card, "00DC0834" + f"{len(rec):02X}" + rec.hex()) == 0x6A83
    assert sw(card, "00DC073C" + f"{len(rec):02X}" + rec.hex()) == 0x6A82
    assert sw(card, "00DC0735" + f"{len(rec):02X}" + rec.hex()) == 0x6A86
    assert sw(card, "00DC0034" + f"{len(rec):02X}" + rec.hex()) == 0x6A86
    assert sw(card, "00DC0734020D04") == 0x6700
    # cn: digits then F padding only
    assert sw(card, "00DC063405" + "0C0344F0FF") == 0x6A80
    assert sw(card, "00DC063405" + "0C03440FFF") == 0x9000
    assert sw(card, "00DC063405" + "0C034402FF") == 0x9000
    assert sw(card, "00DC063405" + "0C03FFFFFF") == 0x9000
    # an EF of a DF: select the DF first; SFI 0 is then the last EF used
    assert sw(card, "00A4040006D15600000501") == 0x9000
    assert sw(card, "00DC0104" + "03B00131") == 0x6986
    assert sw(card, "00DC012C" + "03B00131") == 0x9000
    assert sw(card, "00DC0104" + "03B00132") == 0x9000
    assert read(card, 5, 1) == (b"", 0x6985)                              # DF records: only while ACTIVE


@pytest.mark.clause("SSC-LC-3", "SSC-PERSO-2")
def test_end_personalisation_needs_everything(card_factory):
    card = fresh(card_factory)
    assert external_authenticate(card, "SSSE", PERSO_ID, KPERSO) == 0x9000
    assert sw(card, "80DE0000") == 0x6985
    assert set_pin(card, "123456") == 0x9000
    for role in ("RK", "IK", "MAINT", "UNBLOCK"):
        assert put_key(card, role, SSSE_KEYS[role]) == 0x9000
    assert sw(card, "80DE0000") == 0x6985                                 # no RELOAD key, no profile
    assert put_key(card, "RELOAD", SSSE_KEYS["RELOAD"]) == 0x9000
    assert sw(card, "80DE0000") == 0x6985                                 # no access profile
    assert sw(card, own_profile()) == 0x9000
    assert sw(card, "80DE00000100") == 0x6700
    assert sw(card, "80DE0001") == 0x6A86
    assert sw(card, "80DE0000") == 0x9000
    assert send(card, "00A404000F" + SSSE.aid.hex()) == (fci("SSSE", 0x04), 0x9000)
    # personalisation is over: the transport key no longer authenticates
    assert external_authenticate(card, "SSSE", PERSO_ID, KPERSO) == 0x6985
    assert sw(card, own_profile()) == 0x6985


@pytest.mark.clause("SSC-KEY-3", "SSC-LC-2")
def test_terminal_keys_do_not_authenticate_in_personalisation(card_factory):
    card = fresh(card_factory)
    assert external_authenticate(card, "SSSE", SSSE.keys["RK"].id, SSSE_KEYS["RK"]) == 0x6A88   # not loaded
    assert external_authenticate(card, "SSSE", PERSO_ID, KPERSO) == 0x9000
    assert put_key(card, "RK", SSSE_KEYS["RK"]) == 0x9000
    assert external_authenticate(card, "SSSE", SSSE.keys["RK"].id, SSSE_KEYS["RK"]) == 0x6985


@pytest.mark.clause("SSC-PERSO-1", "SSC-LC-3", "SSC-LC-4")
def test_full_personalisation_flow(card_factory):
    card = card_factory(state="PERSONALISATION")
    bring_up(card, dataclasses.replace(PROFILE, pboc=None), "ISSUED", None)  # the social application only
    select(card)
    assert read(card, 5, 1) == (h("0110") + h("440200D156000005") + PROFILE.card_unique, 0x9000)
    assert verify(card) == 0x6985                                          # ISSUED
    assert external_authenticate(card, "SSSE", SSSE.keys["RK"].id, SSSE_KEYS["RK"]) == 0x9000
