"""SSSE READ RECORD: by number, by tag, all records, the current EF; Le and 6CXX; access profiles
2.0 and 3.0; what installation creates."""

from __future__ import annotations

import pytest
from applet_helpers import (
    PROFILE,
    SSSE,
    SSSE_KEYS,
    external_authenticate,
    h,
    open_reads,
    personalised_record,
    read,
    record_bytes,
    select,
    sw,
    verify,
)

from apdu_spec.model import CardProfile
from sscard import crypto

RK = SSSE.keys["RK"].id


def all_records(file: str) -> bytes:
    """READ RECORD of all records from the first: the card generation's example data of ``file``."""
    return b"".join(personalised_record("SSSE", file, n) for n in range(1, 8))


@pytest.mark.clause("SSC-FILE-2", "SSC-FILE-1")
def test_read_by_number_tag_and_all(card_factory):
    card = card_factory()
    select(card)
    open_reads(card)  # a 3.0 card: with RK (SSC-ACC-2)
    for n in range(1, 8):
        assert read(card, 5, n) == (personalised_record("SSSE", "EF05", n), 0x9000)
        assert read(card, 6, n) == (personalised_record("SSSE", "EF06", n), 0x9000)
    # by tag (P2 b3-b1 = 000): EF06 tag 4E is record 3
    assert read(card, 6, 0x4E, mode=0) == (personalised_record("SSSE", "EF06", 3), 0x9000)
    assert read(card, 5, 0x07, mode=0) == (personalised_record("SSSE", "EF05", 7), 0x9000)
    # all records from P1 (P2 b3-b1 = 101)
    assert read(card, 5, 1, mode=5) == (all_records("EF05"), 0x9000)
    assert read(card, 6, 1, mode=5) == (all_records("EF06"), 0x9000)
    assert read(card, 6, 6, mode=5) == (all_records("EF06")[-11:], 0x9000)


@pytest.mark.clause("SSC-FILE-2")
def test_record_and_file_not_found(card_factory):
    card = card_factory()
    select(card)
    open_reads(card)  # a 3.0 card: with RK (SSC-ACC-2)
    assert read(card, 5, 8) == (b"", 0x6A83)
    assert read(card, 5, 8, mode=5) == (b"", 0x6A83)
    assert read(card, 6, 0x99, mode=0) == (b"", 0x6A83)
    assert read(card, 5, 0x08, mode=0) == (b"", 0x6A83)   # tag 08 is EF06's
    assert read(card, 7, 1) == (b"", 0x6A82)
    assert read(card, 1, 1) == (b"", 0x6A82)
    assert read(card, 30, 1) == (b"", 0x6A82)
    assert read(card, 0, 1) == (b"", 0x6986)               # no current EF yet


@pytest.mark.clause("SSC-FILE-2")
def test_read_record_makes_the_file_current(card_factory):
    card = card_factory()
    select(card)
    open_reads(card)  # a 3.0 card: with RK (SSC-ACC-2)
    assert read(card, 6, 2)[1] == 0x9000
    assert read(card, 0, 4) == (personalised_record("SSSE", "EF06", 4), 0x9000)
    assert read(card, 0, 1, mode=5) == (all_records("EF06"), 0x9000)
    # a failed read leaves the current EF as it was
    assert read(card, 5, 9)[1] == 0x6A83
    assert read(card, 0, 1) == (personalised_record("SSSE", "EF06", 1), 0x9000)


@pytest.mark.clause("SSC-APDU-5")
@pytest.mark.parametrize("p1p2", ["002C", "FF2C", "01FC", "012E", "012B", "0129", "012A", "012F"])
def test_read_record_p1p2(card_factory, p1p2):
    card = card_factory()
    select(card)
    assert sw(card, "00B2" + p1p2 + "00") == 0x6A86


@pytest.mark.clause("SSC-APDU-3", "SSC-APDU-1")
def test_le_and_wrong_length(card_factory):
    card = card_factory()
    select(card)
    open_reads(card)  # a 3.0 card: with RK (SSC-ACC-2)
    rec = personalised_record("SSSE", "EF06", 2)   # 32 bytes
    assert read(card, 6, 2, le=None) == (rec, 0x9000)
    assert read(card, 6, 2, le=0) == (rec, 0x9000)
    assert read(card, 6, 2, le=len(rec)) == (rec, 0x9000)
    assert read(card, 6, 2, le=len(rec) - 1) == (b"", 0x6C00 | len(rec))
    assert read(card, 6, 2, le=0xFF) == (b"", 0x6C00 | len(rec))
    assert read(card, 6, 1, mode=5, le=1) == (b"", 0x6C00 | len(all_records("EF06")))
    assert sw(card, "00B2022C0100") == 0x6700          # command data present
    assert sw(card, "00B2022C010000") == 0x6700


@pytest.mark.clause("SSC-ACC-5", "SSC-ACC-3")
@pytest.mark.parametrize("state", ["ISSUED", "BLOCKED"])
def test_sub_applications_readable_only_while_active(card_factory, state):
    card = card_factory(state=state)
    select(card)
    open_reads(card)  # a 3.0 card: with RK (SSC-ACC-2)
    assert read(card, 5, 7) == (personalised_record("SSSE", "EF05", 7), 0x9000)
    assert read(card, 6, 2) == (personalised_record("SSSE", "EF06", 2), 0x9000)
    for df in ("D15600000500", "D15600000503"):
        assert sw(card, "00A4040006" + df) == 0x9000
        assert read(card, 5, 1) == (b"", 0x6985)
        assert read(card, 5, 9) == (b"", 0x6985)   # access (step 8) before the record (step 9)


@pytest.mark.clause("SSC-ACC-3")
def test_medical_records_need_the_pin(card_factory):
    card = card_factory()
    select(card)
    open_reads(card)  # a 3.0 card: with RK (SSC-ACC-2)
    assert sw(card, "00A4040006D15600000503") == 0x9000
    assert read(card, 5, 1) == (b"", 0x6982)
    assert verify(card) == 0x9000
    assert read(card, 5, 1) == (personalised_record("SSSE", "DF04_EF05", 1), 0x9000)
    assert read(card, 5, 1, mode=5) == (
        personalised_record("SSSE", "DF04_EF05", 1) + personalised_record("SSSE", "DF04_EF05", 2), 0x9000)
    assert sw(card, "00A4040006D15600000500") == 0x9000
    assert read(card, 5, 0xA1, mode=0) == (personalised_record("SSSE", "DF01_EF05", 2), 0x9000)


@pytest.mark.clause("SSC-ACC-2", "SSC-ACC-1")
def test_profile_3_needs_external_authentication(card_factory):
    profile = CardProfile.example(access_profile="3.0")
    card = card_factory(profile)
    select(card)
    ef05 = [personalised_record("SSSE", "EF05", n, profile) for n in range(1, 8)]
    assert read(card, 5, 1) == (ef05[0], 0x9000)          # issuer data stays readable
    assert read(card, 5, 7) == (b"", 0x6982)              # the card number does not
    assert read(card, 5, 0x07, mode=0) == (b"", 0x6982)
    assert read(card, 5, 1, mode=5) == (b"", 0x6982)      # all records include number 7
    assert read(card, 5, 6, mode=5) == (b"", 0x6982)
    assert read(card, 6, 1) == (b"", 0x6982)
    assert sw(card, "00A4040006D15600000500") == 0x9000
    assert read(card, 5, 1) == (b"", 0x6982)
    assert sw(card, "00A40300") == 0x9000
    # a 3.0 card is an SM4 card (SSC-KEY-5): its RK is an SM4 key
    assert external_authenticate(card, "SSSE", RK, SSSE_KEYS["RK"], algorithm=crypto.Algorithm.SM4) == 0x9000
    assert read(card, 5, 7) == (ef05[6], 0x9000)
    assert read(card, 5, 1, mode=5) == (b"".join(ef05), 0x9000)
    assert read(card, 6, 1) == (personalised_record("SSSE", "EF06", 1, profile), 0x9000)
    assert sw(card, "00A4040006D15600000500") == 0x9000
    assert read(card, 5, 1) == (personalised_record("SSSE", "DF01_EF05", 1, profile), 0x9000)
    # DF04 needs the PIN on top
    assert sw(card, "00A4040006D15600000503") == 0x9000
    assert read(card, 5, 1) == (b"", 0x6982)
    assert verify(card) == 0x9000
    assert read(card, 5, 1)[1] == 0x9000
    # the authentication ends with the session
    card.reset()
    select(card)
    assert read(card, 5, 7) == (b"", 0x6982)


@pytest.mark.clause("SSC-ACC-2", "SSC-ACC-5")
def test_profile_3_blocked_card_checks_state_first(card_factory):
    card = card_factory(CardProfile.example(access_profile="3.0"), state="BLOCKED")
    select(card)
    assert sw(card, "00A4040006D15600000500") == 0x9000
    assert read(card, 5, 1) == (b"", 0x6985)               # ACTIVE before RK


@pytest.mark.clause("SSC-FILE-4", "SSC-FILE-5", "SSC-PERSO-1")
def test_records_exist_from_installation(card_factory):
    card = card_factory(state="PERSONALISATION")
    select(card)
    card_id = h("0110 000000 D156000005") + PROFILE.card_unique
    assert read(card, 5, 1) == (card_id, 0x9000)
    for n in range(2, 8):
        assert read(card, 5, n) == (record_bytes("SSSE", "EF05", n), 0x9000)
    assert read(card, 6, 1, mode=5) == (b"".join(record_bytes("SSSE", "EF06", n) for n in range(1, 8)), 0x9000)
    assert read(card, 6, 5) == (h("0B01FF"), 0x9000)       # cn padding F
    assert read(card, 6, 4) == (h("0A0100"), 0x9000)       # an padding 00
    # another card, other card-unique bytes
    other = CardProfile(h("0102030405060708"), PROFILE.ssse, PROFILE.pboc)
    card = card_factory(other, state="PERSONALISATION")
    select(card)
    assert read(card, 5, 1) == (h("0110 000000 D156000005 0102030405060708"), 0x9000)
