"""Personalisation: holder data refused field by field before anything is written; the example card
personalised, read back, and equal to what the spec's own personalisation flow makes."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from cards import CardFactory
from host_helpers import (
    BANK_KEYS,
    BANK_KEYS_FILE,
    HOLDER,
    HOLDER_FILE,
    HOLDER_SM4,
    ISSUER_KEYS,
    ISSUER_KEYS_FILE,
    ISSUER_KEYS_SM4,
    ISSUER_KEYS_TDES,
    open_holder_data,
    personalised_card,
    with_holder,
)

from sscard import (
    Connection,
    FinanceSession,
    HolderDataError,
    Lifecycle,
    RecordingTracer,
    SocialSecuritySession,
    SoftwareBankKeys,
    SoftwareIssuerKeys,
    WrongCardState,
    crypto,
    load_personalisation_file,
    personalise,
)
from sscard import spec_tables as t
from sscard.holder import gb11643_check_character, parse_personalisation_data
from sscard.keys import parse_key_file
from sscard.personalisation import TransportKeyRefused

RAW = json.loads(HOLDER_FILE.read_text(encoding="utf-8"))


def _raw_with(section: str, field: str, value: Any) -> dict[str, Any]:
    raw: dict[str, Any] = copy.deepcopy(RAW)
    if value is None:
        del raw[section][field]
    else:
        raw[section][field] = value
    return raw


@pytest.mark.clause("SSC-HOST-3", "SSC-FILE-1", "SSC-FILE-3")
@pytest.mark.parametrize(("section", "field", "value", "message"), [
    ("holder", "social_security_number", "440203199001011234", "holder.social_security_number: check character 4 "
                                                               "is wrong (GB 11643 gives 1)"),
    ("holder", "social_security_number", "44020319900101123", "holder.social_security_number: 17 characters"),
    ("holder", "social_security_number", "440203199002301236", "holder.social_security_number: the birth date it "
                                                               "encodes (digits 7-14) is not a real date"),
    ("holder", "social_security_number", "000203199001011231", "holder.social_security_number: province code (the "
                                                               "first two digits) is not a GB/T 2260 one"),
    # since 2023 a first 9 is a foreigner's permanent-residence ID (art. 9): checked by its own rules
    ("holder", "social_security_number", "990203199001011231", "holder.social_security_number: foreign "
                                                               "permanent-residence ID (2023 format): check "
                                                               "character 1 is wrong"),
    ("holder", "name", "阿卜杜热合曼·买买提艾力·吐尔A", "holder.name: 31 bytes in GBK, at most 30"),
    ("holder", "name", "", "holder.name: must not be empty"),
    ("holder", "name", "张\u20ac", "holder.name: character 2 cannot be written in GBK"),
    ("holder", "name_extension", "一二三四五六七八九十一", "holder.name_extension: 22 bytes in GBK, at most 20"),
    ("holder", "birth_date", "2023-02-30", "holder.birth_date: not a real date (YYYY-MM-DD)"),
    ("holder", "birth_date", "1990-01-02", "holder.birth_date: differs from the birth date in the social security"),
    ("holder", "sex", "2", "holder.sex: differs from the sex the social security number encodes"),
    ("holder", "sex", "3", "holder.sex: not 1 (male) or 2 (female)"),
    ("holder", "ethnicity", "57", "holder.ethnicity: not a GB 3304 code"),
    ("holder", "ethnicity", "1", "holder.ethnicity: not a GB 3304 code"),
    ("holder", "birthplace", "4402031", "holder.birthplace: not a 6-digit division code"),
    ("holder", "birthplace", None, "holder.birthplace: missing"),
    ("holder", "nickname", "x", "holder.nickname: unknown field"),
    ("card", "issue_date", "2023-02-30", "card.issue_date: '2023-02-30' is not a real date"),
    ("card", "expiry_date", "2023-12-31", "card.expiry_date: 2023-12-31 is not after the issue date"),
    ("card", "card_number", "K1234567", "card.card_number: 9 characters"),
    ("card", "card_type", "3", "card.card_type: '3' is not 1 (regular) or 2 (temporary)"),
    ("card", "spec_version", "3.00", "card.spec_version: 3.00 does not match access profile 2.0"),
    ("card", "area_code", "000000", "card.area_code: province code 00 (the first two digits) is not a GB/T 2260"),
    ("card", "issuer_org", "44020A", "card.issuer_org: '44020A' is not 1-24 digits"),
    ("social", "initial_pin", "12a456", "social.initial_pin: a PIN is 4-12 digits"),
    ("social", "pin_try_limit", 16, "social.pin_try_limit: 1-15 expected"),
    ("social", "access_profile", "4.0", "social.access_profile: '4.0' is not one of 2.0, 3.0"),
    ("finance", "pan", "6217001234567890123", "finance.pan: Luhn check digit is wrong"),
    ("finance", "cardholder_name", "张三", "finance.cardholder_name: character 1 cannot be written in ASCII"),
])
def test_bad_holder_data_is_refused_with_the_field_named(section: str, field: str, value: Any, message: str) -> None:
    with pytest.raises(HolderDataError) as err:
        parse_personalisation_data(_raw_with(section, field, value))
    assert str(err.value).startswith(message), str(err.value)
    assert err.value.field.startswith(f"{section}.")
    if section == "holder" and isinstance(value, str) and len(value) > 3:
        assert value not in str(err.value)  # personal data is never echoed


@pytest.mark.clause("SSC-FILE-1")
def test_temporary_card_rules() -> None:
    raw = _raw_with("card", "card_type", "2")
    with pytest.raises(HolderDataError, match="card.expiry_date: a temporary card is valid 90 days counting the "
                       "issue day: its expiry date is 2024-03-30"):
        parse_personalisation_data(raw)
    raw["card"]["expiry_date"] = "2024-03-31"  # day 91
    with pytest.raises(HolderDataError, match="card.expiry_date"):
        parse_personalisation_data(raw)
    raw["card"]["expiry_date"] = "2024-03-30"
    with pytest.raises(HolderDataError, match="finance: a temporary card has no financial application"):
        parse_personalisation_data(raw)
    del raw["finance"]
    assert parse_personalisation_data(raw).card.temporary


@pytest.mark.clause("SSC-HOST-3", "SSC-FILE-1")
def test_gb11643_check_character() -> None:
    assert gb11643_check_character("11010519491231002") == "X"  # the standard's own example
    assert gb11643_check_character("44020319900101123") == "1"


@pytest.mark.clause("SSC-HOST-3", "SSC-FILE-1")
def test_holder_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "holder.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(HolderDataError, match=r"holder.json: not JSON"):
        load_personalisation_file(bad)
    with pytest.raises(HolderDataError, match="no such file"):
        load_personalisation_file(tmp_path / "missing.json")


@pytest.mark.clause("SSC-HOST-3", "SSC-PERSO-2", "SSC-FILE-3")
def test_bad_data_reaches_no_card(card_factory: CardFactory) -> None:
    """Validation happens on construction: a bad record never becomes PersonalisationData, so personalise()
    cannot even be called with it; a bad date is refused whatever the caller's type."""
    with pytest.raises(HolderDataError, match="holder.birth_date"):
        with_holder(HOLDER, birth_date="2023-02-30")
    with pytest.raises(HolderDataError, match="holder.name: 31 bytes in GBK, at most 30"):
        with_holder(HOLDER, name="张" * 15 + "A")
    connection = card_factory(state="PERSONALISATION")
    session = SocialSecuritySession(connection)
    assert session.lifecycle() is Lifecycle.PERSONALISATION
    assert session.read_holder().name == ""  # nothing written


@pytest.mark.clause("SSC-PERSO-1", "SSC-PERSO-2", "SSC-PERSO-3", "SSC-PERSO-4", "SSC-PERSO-5", "SSC-LC-3",
                    "SSC-FILE-4", "SSC-KEY-1", "SSC-KEY-4")
def test_personalise_from_the_examples_and_read_back(card_factory: CardFactory) -> None:
    connection = card_factory(state="PERSONALISATION")
    tracer = RecordingTracer()
    report = personalise(connection, HOLDER, ISSUER_KEYS, bank_keys=BANK_KEYS, tracers=[tracer])
    assert report.social is Lifecycle.ISSUED and report.finance is Lifecycle.ISSUED
    assert report.identity.area_code == "440200"
    assert report.identity.card_unique == bytes.fromhex("1122334455667788")  # from EF05/01 as installed
    assert {"EF05", "EF06", "FIN_SFI1", "key IK (internal authentication)"} <= set(report.checked)
    assert report.to_json()["card_id"] == "440200D1560000051122334455667788"
    session = SocialSecuritySession(connection, keys=ISSUER_KEYS)
    assert open_holder_data(session, card_factory).read_holder().name == "张三"
    session.activate()  # the maintenance key is the diversified one
    open_holder_data(session, card_factory).verify_pin(HOLDER.social.initial_pin)  # a 3.0 card: DF04 with RK
    assert session.read_file("DF04_EF05") == {"D0": "1", "D1": "440200"}
    # Nothing personal travelled in clear in the trace.
    assert not any("张三".encode("gbk").hex(" ").upper() in str(e) for e in tracer)


@pytest.mark.clause("SSC-LC-3", "SSC-PERSO-2")
def test_personalised_card_refuses_a_second_personalisation(issued_card: Connection) -> None:
    with pytest.raises(WrongCardState, match="ISSUED, not PERSONALISATION"):
        personalise(issued_card, HOLDER, ISSUER_KEYS)


# Instructions that write to a card in PERSONALISATION: PUT KEY, SET PIN, SET ACCESS PROFILE, UPDATE RECORD,
# END PERSONALISATION.
WRITES = frozenset({0xD8, 0xD4, 0xDA, 0xDC, 0xDE})
EXTERNAL_AUTHENTICATE = 0x82
OTHER_TRANSPORT_KEY = bytes.fromhex("000102030405060708090A0B0C0D0E0F")


def _wrong_transport_key(key_file: Path) -> SoftwareIssuerKeys | SoftwareBankKeys:
    """The key file with another transport key, and that key's own (valid) check value: only the card can
    tell it is not this card's."""
    from sscard.crypto import Algorithm, key_check_value
    from sscard.keys import parse_key_file

    raw = json.loads(key_file.read_text(encoding="utf-8"))
    algorithm = Algorithm.SM4 if raw.get("algorithm") == "SM4" else Algorithm.TDES  # the check value's cipher
    raw["transport_key"] = {"value": OTHER_TRANSPORT_KEY.hex().upper(),
                            "kcv": key_check_value(OTHER_TRANSPORT_KEY, algorithm).hex().upper()}
    return parse_key_file(raw, key_file.name)


def _refused_authentications(tracer: RecordingTracer) -> list[int]:
    return [e.sw for e in tracer if e.ins == EXTERNAL_AUTHENTICATE and e.sw != 0x9000]


def _nothing_written(connection: Connection, tracer: RecordingTracer) -> None:
    assert not WRITES & set(tracer.instructions()), [hex(i) for i in tracer.instructions()]
    connection.reset()
    session = SocialSecuritySession(connection)
    assert session.lifecycle(refresh=True) is Lifecycle.PERSONALISATION
    assert session.read_holder().social_security_number == ""
    assert FinanceSession(connection).lifecycle(refresh=True) is Lifecycle.PERSONALISATION


@pytest.mark.clause("SSC-PERSO-5", "SSC-KEY-5")
@pytest.mark.parametrize("profile", ["2.0", "3.0"])
def test_keys_of_the_other_algorithm_are_refused_before_any_apdu(card_factory: CardFactory, profile: str) -> None:
    """A 2.0 card is a 3DES card, a 3.0 card an SM4 one: keys of the other algorithm are refused before the
    first APDU, so no transport key try is spent on them."""
    data = dataclasses.replace(HOLDER_SM4, card=dataclasses.replace(HOLDER_SM4.card, spec_version=profile + "0"),
                               social=dataclasses.replace(HOLDER_SM4.social, access_profile=profile))
    keys = ISSUER_KEYS_TDES if profile == "3.0" else ISSUER_KEYS_SM4
    connection = card_factory(state="PERSONALISATION")
    tracer = RecordingTracer()
    with pytest.raises(HolderDataError) as err:
        personalise(connection, data, keys, bank_keys=BANK_KEYS, tracers=[tracer])
    assert err.value.field == "social.access_profile" and f"access profile {profile} needs" in str(err.value)
    assert tracer.entries == []
    with pytest.raises(HolderDataError) as bank:
        personalise(connection, HOLDER_SM4, ISSUER_KEYS_SM4, bank_keys=_sm4_bank_keys(), tracers=[tracer])
    assert bank.value.field == "bank_keys" and "financial application is 3DES" in str(bank.value)
    assert tracer.entries == []


def _sm4_bank_keys() -> SoftwareBankKeys:
    """The example bank keys declared SM4 (their check values recomputed): keys no financial application takes."""
    raw = json.loads(BANK_KEYS_FILE.read_text(encoding="utf-8"))
    raw["algorithm"] = "SM4"
    for entry in [raw["transport_key"], *raw["master_keys"].values()]:
        entry["kcv"] = crypto.key_check_value(bytes.fromhex(entry["value"]), crypto.Algorithm.SM4).hex().upper()
    keys = parse_key_file(raw, source="bank-keys-sm4")
    assert isinstance(keys, SoftwareBankKeys)
    return keys


@pytest.mark.clause("SSC-PERSO-2", "SSC-KEY-3")
def test_wrong_issuer_transport_key_writes_nothing_and_spends_one_try(card_factory: CardFactory) -> None:
    wrong = _wrong_transport_key(ISSUER_KEYS_FILE)
    assert isinstance(wrong, SoftwareIssuerKeys)
    connection = card_factory(state="PERSONALISATION")
    tracer = RecordingTracer()
    with pytest.raises(TransportKeyRefused) as err:
        personalise(connection, HOLDER, wrong, bank_keys=BANK_KEYS, tracers=[tracer])
    assert err.value.key == "keys.transport_key" and err.value.application == "SSSE"
    assert str(err.value).startswith("the issuer's transport key (keys.transport_key) is not this card's")
    assert "nothing was written" in str(err.value) and "card alone judges" in str(err.value)
    limit = t.KEYS["SSSE"]["PERSO"].try_limit
    assert limit is not None and err.value.tries_left == limit - 1  # one try spent, at most
    assert _refused_authentications(tracer) == [0x63C0 | (limit - 1)]
    _nothing_written(connection, tracer)
    report = personalise(connection, HOLDER, ISSUER_KEYS, bank_keys=BANK_KEYS)  # the right keys still work
    assert (report.social, report.finance) == (Lifecycle.ISSUED, Lifecycle.ISSUED)


@pytest.mark.clause("SSC-PERSO-2", "SSC-KEY-3")
def test_wrong_bank_transport_key_writes_nothing_to_either_application(card_factory: CardFactory) -> None:
    """Issue #13: a wrong bank transport key (with a valid check value) left the social application ISSUED
    and the financial one in PERSONALISATION after 38 APDUs. Both keys are proven before the first write."""
    wrong = _wrong_transport_key(BANK_KEYS_FILE)
    assert isinstance(wrong, SoftwareBankKeys)
    connection = card_factory(state="PERSONALISATION")
    tracer = RecordingTracer()
    with pytest.raises(TransportKeyRefused) as err:
        personalise(connection, HOLDER, ISSUER_KEYS, bank_keys=wrong, tracers=[tracer])
    assert err.value.key == "bank_keys.transport_key" and err.value.application == "PBOC"
    assert str(err.value).startswith("the bank's transport key (bank_keys.transport_key) is not this card's: "
                                     "the financial application refused it")
    limit = t.KEYS["PBOC"]["PERSO"].try_limit
    assert limit is not None and err.value.tries_left == limit - 1
    assert _refused_authentications(tracer) == [0x63C0 | (limit - 1)]  # one bank-key try, nothing else tried
    assert len(tracer) <= 6  # SELECT, READ RECORD (identity), SELECT, GET CHALLENGE, EXTERNAL AUTHENTICATE
    _nothing_written(connection, tracer)
    report = personalise(connection, HOLDER, ISSUER_KEYS, bank_keys=BANK_KEYS)
    assert (report.social, report.finance) == (Lifecycle.ISSUED, Lifecycle.ISSUED)


@pytest.mark.clause("SSC-PERSO-2")
def test_every_transport_key_is_proven_before_the_first_write(card_factory: CardFactory) -> None:
    connection = card_factory(state="PERSONALISATION")
    tracer = RecordingTracer()
    personalise(connection, HOLDER, ISSUER_KEYS, bank_keys=BANK_KEYS, tracers=[tracer])
    instructions = tracer.instructions()
    first_write = min(i for i, ins in enumerate(instructions) if ins in WRITES)
    assert instructions[:first_write].count(EXTERNAL_AUTHENTICATE) == 2  # the bank's, then the issuer's
    assert _refused_authentications(tracer) == []


@pytest.mark.clause("SSC-PIN-1", "SSC-PERSO-4")
def test_try_limit_is_personalised(card_factory: CardFactory) -> None:
    data = dataclasses.replace(HOLDER, social=dataclasses.replace(HOLDER.social, pin_try_limit=8))
    connection = personalised_card(card_factory, "ACTIVE", data=data, finance=False)
    assert SocialSecuritySession(connection).pin_status().tries_left == 8


@pytest.mark.clause("SSC-KEY-1")
def test_area_code_must_match_the_keys() -> None:
    data = dataclasses.replace(HOLDER, card=dataclasses.replace(HOLDER.card, area_code="440300"))
    from sscard.personalisation import check_keys_fit

    with pytest.raises(HolderDataError, match="card.area_code: 440300, but the issuer keys serve city 440200"):
        check_keys_fit(data, ISSUER_KEYS, None)
    assert dt.date(2024, 1, 1) == HOLDER.card.issue_date
