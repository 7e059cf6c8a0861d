"""The reference model, clause by clause: lifecycle, PIN, secure messaging, access, check order."""

from __future__ import annotations

import pytest
from apdus import build, get_challenge
from cards import personalised_model
from spec_helpers import mac_command, select, sender

from apdu_spec import Spec
from apdu_spec.model import CardModel, CardProfile
from sscard_core import crypto

SSSE_AID = "7378312E73682EC9E7BBE1B1A3D5CF"
PBOC_AID = "A000000333010101"
GOOD = "0020000003123456"
WRONG = "0020000003111111"


@pytest.mark.clause("SSC-PIN-2", "SSC-PIN-1")
def test_wrong_pin_counts_down(active: CardModel) -> None:
    send = sender(active)
    for left in range(5, 0, -1):
        assert send(WRONG)[1] == 0x63C0 | left
        assert active.pin_tries("SSSE") == left
    assert send(WRONG)[1] == 0x63C0
    assert active.pin_tries("SSSE") == 0


@pytest.mark.clause("SSC-PIN-3")
def test_blocked_pin_answers_6983_for_every_verify(active: CardModel) -> None:
    send = sender(active)
    for _ in range(6):
        send(WRONG)
    for apdu in (WRONG, GOOD, "00200000", "0020000000"):
        assert send(apdu)[1] == 0x6983
    assert send("805E0100" + "07" + "123456FF654321")[1] == 0x6983
    active.power_cycle()
    select(active, active.spec, "SSSE")
    assert send(GOOD)[1] == 0x6983


@pytest.mark.clause("SSC-PIN-5")
def test_empty_verify_spends_nothing(active: CardModel) -> None:
    send = sender(active)
    assert send("00200000")[1] == 0x63C6
    assert send("0020000000")[1] == 0x63C6
    send(WRONG)
    assert send("00200000")[1] == 0x63C5
    assert active.pin_tries("SSSE") == 5
    assert send(GOOD)[1] == 0x9000
    assert send("00200000")[1] == 0x9000


@pytest.mark.clause("SSC-PIN-4")
def test_correct_pin_resets_counter(active: CardModel) -> None:
    send = sender(active)
    send(WRONG)
    send(WRONG)
    assert send(GOOD)[1] == 0x9000
    assert active.pin_tries("SSSE") == 6 and active.pin_verified("SSSE")


@pytest.mark.clause("SSC-PIN-6", "SSC-LC-8")
def test_verified_flag_lifetime(active: CardModel, spec: Spec) -> None:
    send = sender(active)
    send(GOOD)
    assert send("00A4040006D15600000503")[1] == 0x9000  # DF selection keeps it
    assert active.pin_verified("SSSE")
    select(active, spec, "SSSE")
    assert not active.pin_verified("SSSE")
    send(GOOD)
    send(WRONG)
    assert not active.pin_verified("SSSE")
    send(GOOD)
    active.power_cycle()
    assert not active.pin_verified("SSSE") and active.lifecycle("SSSE") == "ACTIVE"


@pytest.mark.clause("SSC-PIN-10")
def test_malformed_pin_spends_nothing(active: CardModel) -> None:
    send = sender(active)
    assert send("00200000031234AB")[1] == 0x6A80
    assert send("002000000112")[1] == 0x6700
    assert active.pin_tries("SSSE") == 6


@pytest.mark.clause("SSC-PIN-7")
def test_change_pin(active: CardModel) -> None:
    send = sender(active)
    assert send("805E0100" + "07" + "111111FF654321")[1] == 0x63C5
    assert send("805E0100" + "07" + "123456FF654321")[1] == 0x9000
    assert active.pin_tries("SSSE") == 6
    assert send(GOOD)[1] == 0x63C5
    assert send("0020000003654321")[1] == 0x9000
    assert send("805E0100" + "05" + "1234566543")[1] == 0x6A80


@pytest.mark.clause("SSC-PIN-8", "SSC-PIN-3")
def test_unblock_keeps_pin_and_needs_issuer_mac(active: CardModel, spec: Spec) -> None:
    send = sender(active)
    for _ in range(6):
        send(WRONG)
    ch = get_challenge(spec, "SSSE", active.transmit)
    assert ch and send("842400000400000000")[1] == 0x6988
    assert active.pin_tries("SSSE") == 0
    assert mac_command(active, spec, "SSSE", "PIN_UNBLOCK") == 0x9000
    assert active.pin_tries("SSSE") == 6 and active.pin_value("SSSE") == "123456"
    assert send(GOOD)[1] == 0x9000


@pytest.mark.clause("SSC-PIN-9")
def test_reload_sets_new_pin(active: CardModel, spec: Spec) -> None:
    from sscard import crypto

    send = sender(active)
    for _ in range(6):
        send(WRONG)
    key = active.profile.ssse.keys["RELOAD"]
    enc = crypto.encipher_data(key, crypto.social_pin_bcd("888888"), crypto.Algorithm.TDES)
    assert mac_command(active, spec, "SSSE", "RELOAD_PIN", enc) == 0x9000
    assert active.pin_tries("SSSE") == 6
    assert send("0020000003888888")[1] == 0x9000


@pytest.mark.clause("SSC-PIN-1", "SSC-PIN-11", "SSC-APP-1")
def test_financial_pin_is_separate(active: CardModel, spec: Spec) -> None:
    send = sender(active)
    select(active, spec, "PBOC")
    assert send("80CA9F1700") == (bytes.fromhex("9F170103"), 0x9000)
    assert send("0020008008" + "241111FFFFFFFFFF")[1] == 0x63C2
    assert send("0020008008" + "FF1111FFFFFFFFFF")[1] == 0x6A80
    assert send("0020008008" + "241234FFFFFFFFFF")[1] == 0x9000
    assert active.pin_tries("SSSE") == 6 and active.pin_tries("PBOC") == 3


@pytest.mark.clause("SSC-PIN-12", "SSC-LC-2")
def test_commands_outside_their_states(spec: Spec) -> None:
    card = personalised_model(CardProfile.example(), state="ISSUED", spec=spec)
    select(card, spec, "SSSE")
    send = sender(card)
    assert send(GOOD)[1] == 0x6985
    assert mac_command(card, spec, "SSSE", "APPLICATION_UNBLOCK") == 0x6985
    assert send("80DE0000")[1] == 0x6985
    assert mac_command(card, spec, "SSSE", "ACTIVATE") == 0x9000
    assert send(GOOD)[1] == 0x9000


@pytest.mark.clause("SSC-LC-4", "SSC-LC-1")
def test_separate_activation(spec: Spec) -> None:
    card = personalised_model(CardProfile.example(), state="ACTIVE", pboc_state="ISSUED", spec=spec)
    assert card.lifecycle("SSSE") == "ACTIVE" and card.lifecycle("PBOC") == "ISSUED"
    select(card, spec, "PBOC")
    assert sender(card)("0020008008241234FFFFFFFFFF")[1] == 0x6985
    resp = card.transmit(bytes.fromhex("00A4040008" + PBOC_AID))
    assert bytes.fromhex("8A0104") in resp  # FCI lifecycle status byte: ISSUED


@pytest.mark.clause("SSC-LC-5", "SSC-LC-6")
def test_block_and_unblock(active: CardModel, spec: Spec) -> None:
    send = sender(active)
    assert mac_command(active, spec, "SSSE", "APPLICATION_BLOCK") == 0x9000
    assert active.lifecycle("SSSE") == "BLOCKED"
    assert mac_command(active, spec, "SSSE", "APPLICATION_BLOCK") == 0x9000
    assert send(GOOD)[1] == 0x6985
    assert send("00B2012C00")[1] == 0x9000  # EF05 stays readable (SSC-ACC-5)
    assert mac_command(active, spec, "SSSE", "APPLICATION_UNBLOCK") == 0x9000
    assert active.lifecycle("SSSE") == "ACTIVE" and active.lifecycle("PBOC") == "ACTIVE"


@pytest.mark.clause("SSC-LC-7")
def test_card_block_ends_both_applications(active: CardModel, spec: Spec) -> None:
    select(active, spec, "PBOC")
    assert mac_command(active, spec, "PBOC", "CARD_BLOCK") == 0x9000
    assert active.lifecycle("SSSE") == active.lifecycle("PBOC") == "TERMINATED"
    send = sender(active)
    assert send("00A404000F" + SSSE_AID)[1] == 0x6A81
    assert send("0084000004")[1] == 0x6A81
    assert send("00A4040008" + PBOC_AID)[1] == 0x6A81
    active.power_cycle()
    assert send("00A404000F" + SSSE_AID)[1] == 0x6A81


@pytest.mark.clause("SSC-LC-3", "SSC-PERSO-2")
def test_end_personalisation_needs_everything(spec: Spec) -> None:
    card = CardModel(CardProfile.example(), spec=spec)
    select(card, spec, "SSSE")
    send = sender(card)
    assert send("80DE0000")[1] == 0x6982
    from apdus import external_authenticate

    external_authenticate(spec, "SSSE", "PERSO", card.profile.ssse.perso_key, card.transmit)
    assert send("80DE0000")[1] == 0x6985
    assert card.lifecycle("SSSE") == "PERSONALISATION"


@pytest.mark.clause("SSC-SM-1", "SSC-SM-3")
def test_challenge_is_single_use(active: CardModel, spec: Spec) -> None:
    send = sender(active)
    assert send("841E000004" + "00000000")[1] == 0x6984
    get_challenge(spec, "SSSE", active.transmit)
    send("00200000")  # any command uses it up
    profile = active.profile.ssse
    from apdus import build_mac

    stale = build_mac(spec, "SSSE", "APPLICATION_BLOCK", profile.keys["MAINT"], b"\x00" * 4)
    assert active.transmit(stale)[-2:] == b"\x69\x84"
    ch = get_challenge(spec, "SSSE", active.transmit)
    bad = build_mac(spec, "SSSE", "APPLICATION_BLOCK", profile.keys["MAINT"], bytes(x ^ 1 for x in ch))
    assert active.transmit(bad)[-2:] == b"\x69\x88"
    good_but_spent = build_mac(spec, "SSSE", "APPLICATION_BLOCK", profile.keys["MAINT"], ch)
    assert active.transmit(good_but_spent)[-2:] == b"\x69\x84"
    assert active.lifecycle("SSSE") == "ACTIVE"
    assert send("0084000010")[1] == 0x6700


@pytest.mark.clause("SSC-APDU-2", "SSC-APDU-4", "SSC-APDU-5", "SSC-APDU-1")
def test_check_order(active: CardModel) -> None:
    send = sender(active)
    assert send("A020000000")[1] == 0x6E00
    assert send("0070000000")[1] == 0x6D00
    assert send("8020000000")[1] == 0x6E00  # known CLA, known INS, no such pair
    assert send("00200001")[1] == 0x6A86
    assert send("0020000007" + "12345612345612")[1] == 0x6700
    assert send("00B2")[1] == 0x6700
    assert send("0020000000000312")[1] == 0x6700  # extended length


@pytest.mark.clause("SSC-APDU-3", "SSC-FILE-2")
def test_read_record_modes_and_le(active: CardModel) -> None:
    send = sender(active)
    data, sw = send("00B2072C00")
    assert sw == 0x9000 and data[:2] == b"\x07\x09"
    assert send("00B2072C05")[1] == 0x6C0B
    assert send("00B2072C0B")[1] == 0x9000
    assert send("00B2093000")[0][:2] == b"\x09\x1e"  # by tag 09 in EF06
    all_ef05, _ = send("00B2012D00")
    assert len(all_ef05) == sum(len(r) for r in active.records("SSSE", "EF05"))
    assert send("00B2082C00")[1] == 0x6A83
    assert send("00B2013C00")[1] == 0x6A82
    assert send("00B2012C00")[1] == 0x9000
    assert send("00B2010400")[0] == active.record("SSSE", "EF05", 1)  # SFI 0: the current EF


@pytest.mark.clause("SSC-ACC-2", "SSC-ACC-1")
def test_profile_3_needs_external_authentication(spec: Spec) -> None:
    card = personalised_model(CardProfile.example(access_profile="3.0"), spec=spec)
    select(card, spec, "SSSE")
    send = sender(card)
    assert send("00B2012C00")[1] == 0x9000
    assert send("00B2072C00")[1] == 0x6982
    assert send("00B2013400")[1] == 0x6982
    from apdus import external_authenticate

    external_authenticate(spec, "SSSE", "RK", card.profile.ssse.keys["RK"], card.transmit, crypto.Algorithm.SM4)
    assert send("00B2072C00")[1] == 0x9000 and send("00B2013400")[1] == 0x9000


@pytest.mark.clause("SSC-ACC-3", "SSC-ACC-5")
def test_medical_records_need_pin(active: CardModel) -> None:
    send = sender(active)
    assert send("00A4040006D15600000503")[1] == 0x9000
    assert send("00B2012C00")[1] == 0x6982
    send(GOOD)
    assert send("00B2012C00") == (bytes.fromhex("D00131"), 0x9000)


@pytest.mark.clause("SSC-KEY-3")
def test_external_authentication_counts_tries(active: CardModel, spec: Spec) -> None:
    send = sender(active)
    get_challenge(spec, "SSSE", active.transmit)
    assert send("0082000208" + "00" * 8)[1] == 0x63C9
    assert active.key_tries("SSSE", "RK") == 9
    get_challenge(spec, "SSSE", active.transmit)
    assert send("0082000908" + "00" * 8)[1] == 0x6A88
    get_challenge(spec, "SSSE", active.transmit)
    assert send("0082000108" + "00" * 8)[1] == 0x6985  # KPERSO after personalisation


@pytest.mark.clause("SSC-APP-2", "SSC-APP-5")
def test_runtime_selection(spec: Spec) -> None:
    card = personalised_model(CardProfile.example(temporary=True), spec=spec)
    send = sender(card)
    assert send("00B2012C00")[1] == 0x6986
    assert send("00A4040008" + PBOC_AID)[1] == 0x6A82  # from the card: nothing selected
    select(card, spec, "SSSE")
    assert send("00A4040008" + PBOC_AID)[1] == 0x6A82


@pytest.mark.clause("SSC-APDU-1", "SSC-SM-1")
def test_malformed_apdu_is_refused_at_the_transport(active: CardModel, spec: Spec) -> None:
    send = sender(active)
    select(active, spec, "SSSE")
    get_challenge(spec, "SSSE", active.transmit)
    for bad in ("00B2", "00B2012C0000", "00B2012C000000", "0020000003123456FFFF", "00DC012CFF" + "00" * 256):
        assert send(bad)[1] == 0x6700, bad
        assert active.has_challenge("SSSE"), f"{bad} spent the challenge"
    active.power_cycle()
    assert send("00B2")[1] == 0x6700  # whatever is selected (here: nothing)


@pytest.mark.clause("SSC-FIN-1", "SSC-FIN-2", "SSC-FIN-3")
def test_financial_records_and_data(active: CardModel, spec: Spec) -> None:
    select(active, spec, "PBOC")
    send = sender(active)
    data, sw = send("00B2010C00")
    assert sw == 0x9000 and data[0] == 0x70 and bytes.fromhex("5A0A6217001234567890123F") in data
    assert send("80CA9F3600") == (bytes.fromhex("9F36020001"), 0x9000)  # the ACTIVATE script
    assert mac_command(active, spec, "PBOC", "APPLICATION_BLOCK") == 0x9000
    assert send("80CA9F3600") == (bytes.fromhex("9F36020002"), 0x9000)


@pytest.mark.clause("SSC-FILE-3", "SSC-ACC-4")
def test_update_record_with_mac(active: CardModel, spec: Spec) -> None:
    send = sender(active)
    rec = bytes.fromhex("0D04") + bytes.fromhex("19910202")
    assert mac_command(active, spec, "SSSE", "UPDATE_RECORD_SM", rec, p1=7, p2=6 << 3 | 4) == 0x9000
    assert active.record("SSSE", "EF06", 7) == rec
    bad = bytes.fromhex("0D04") + bytes.fromhex("1991AB02")
    assert mac_command(active, spec, "SSSE", "UPDATE_RECORD_SM", bad, p1=7, p2=6 << 3 | 4) == 0x6A80
    ef05 = bytes.fromhex("0701") + b"X"
    assert mac_command(active, spec, "SSSE", "UPDATE_RECORD_SM", ef05, p1=2, p2=5 << 3 | 4) == 0x6982
    assert send(build(spec, "SSSE", "UPDATE_RECORD", rec, p1=7, p2=6 << 3 | 4).hex())[1] == 0x6985


@pytest.mark.clause("SSC-FILE-4", "SSC-FILE-5", "SSC-PERSO-1")
def test_fresh_card(spec: Spec) -> None:
    card = CardModel(CardProfile.example(), spec=spec)
    assert card.lifecycle("SSSE") == "PERSONALISATION"
    assert card.record("SSSE", "EF05", 1) == bytes.fromhex("0110000000D1560000051122334455667788")
    assert card.record("SSSE", "EF05", 5) == bytes.fromhex("0504FFFFFFFF")
