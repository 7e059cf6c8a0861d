"""SocialSecuritySession on every card kind: typed reads, raw record access, lifecycle, the holder's PIN."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from cards import CardFactory
from host_helpers import (
    HOLDER,
    INITIAL_PIN,
    ISSUER_KEYS,
    ISSUER_KEYS_SM4,
    personalised_card,
    reading_session,
    with_holder,
)

from apdu_spec.model import CardProfile
from sscard import (
    ConditionsNotSatisfied,
    Connection,
    FileNotFound,
    Lifecycle,
    PinBlocked,
    PinFormatError,
    RecordingTracer,
    RecordNotFound,
    SecurityConditionNotSatisfied,
    SocialSecuritySession,
    WrongPin,
)
from sscard import spec_tables as t

EXAMPLE = CardProfile.example().ssse.data


@pytest.mark.read_only
@pytest.mark.clause("SSC-FILE-2", "SSC-FILE-1", "SSC-APP-3")
def test_basic_data_in_three_apdus(card: Connection, card_factory: CardFactory) -> None:
    """SELECT + one READ RECORD of all EF05 records + one of all EF06 records (P2 b3-b1 = 101); on a 3.0
    card GET CHALLENGE + EXTERNAL AUTHENTICATE with RK come between (SSC-ACC-2)."""
    tracer = RecordingTracer()
    session = reading_session(card, card_factory, tracers=[tracer])
    opened = len(tracer.entries)  # a 3.0 card: SELECT, then the authentication; a 2.0 card: nothing yet
    assert [(e.ins, e.sw) for e in tracer.entries[:1] + tracer.entries[opened - 1:opened]] == (
        [(0xA4, 0x9000), (0x82, 0x9000)] if card_factory.sm4 else [])
    info = session.read_card_info()
    holder = session.read_holder()
    reads = [(0xB2, 0x9000), (0xB2, 0x9000)]
    assert [(e.ins, e.sw) for e in tracer.entries[opened:]] == (reads if card_factory.sm4 else [(0xA4, 0x9000), *reads])
    assert tracer.entries[-2].command.startswith("00 B2 01 2D") and tracer.entries[-1].command.startswith("00 B2 01 35")

    ef05, ef06 = card_factory.example().ssse.data["EF05"], EXAMPLE["EF06"]
    assert info.card_id == ef05["01"] and info.area_code == "440200"
    assert info.card_unique == bytes.fromhex("1122334455667788")
    assert (info.card_type, info.spec_version, info.issuer_org) == ("1", ef05["03"], "440200000001")
    assert ef05["03"] == ("3.00" if card_factory.sm4 else "2.00")
    assert (info.issue_date, info.expiry_date) == (dt.date(2024, 1, 1), dt.date(2034, 1, 1))
    assert info.card_number == ef05["07"] and not info.temporary
    assert holder.social_security_number == ef06["08"]
    assert (holder.name, holder.name_extension, holder.sex) == ("张三", "", "1")
    assert (holder.ethnicity, holder.birthplace, holder.birth_date) == ("01", "440203", dt.date(1990, 1, 1))


@pytest.mark.read_only
@pytest.mark.clause("SSC-FILE-2")
def test_raw_record_access_by_number_by_tag_and_from(card: Connection, card_factory: CardFactory) -> None:
    session = reading_session(card, card_factory)
    name_record = session.read_record(6, 2)
    assert name_record[:2] == bytes.fromhex("091E") and name_record[2:6] == "张三".encode("gbk")
    assert session.read_record_by_tag(6, 0x09) == name_record
    assert session.read_records(5, 7) == bytes.fromhex("0709") + b"K12345678"
    with pytest.raises(RecordNotFound) as err:
        session.read_record(6, 8)
    assert err.value.sw == 0x6A83
    with pytest.raises(RecordNotFound):
        session.read_record_by_tag(6, 0x55)
    with pytest.raises(FileNotFound) as missing:
        session.read_record(9, 1)
    assert missing.value.sw == 0x6A82
    assert session.read_file("DF01_EF05") == {"A0": "广东省韶关市", "A1": "0751-0000000"}
    assert session.read_record(6, 2) == name_record  # back at the root after the DF


@pytest.mark.clause("SSC-LC-1", "SSC-APP-3")
def test_lifecycle_from_the_fci(card_factory: CardFactory) -> None:
    for state in ("PERSONALISATION", "ISSUED", "ACTIVE", "BLOCKED"):
        session = SocialSecuritySession(card_factory(state=state))
        assert session.lifecycle() is Lifecycle[state]
        assert session.fci.df_name == t.SSSE_AID


@pytest.mark.clause("SSC-ACC-5", "SSC-LC-1")
def test_basic_data_stays_readable_before_activation(card_factory: CardFactory) -> None:
    session = reading_session(card_factory(state="ISSUED"), card_factory)
    assert session.read_holder().name == "张三"
    with pytest.raises(ConditionsNotSatisfied):
        session.read_file("DF01_EF05")  # sub-applications only while ACTIVE


@pytest.mark.clause("SSC-PIN-5", "SSC-PIN-2", "SSC-PIN-4")
def test_pin_status_verify_and_counter(card: Connection) -> None:
    session = SocialSecuritySession(card)
    status = session.pin_status()
    assert (status.tries_left, status.verified, status.blocked, status.limit) == (6, False, False, None)
    with pytest.raises(WrongPin) as err:
        session.verify_pin("111111")
    assert err.value.tries_left == 5 and err.value.sw == 0x63C5
    assert session.pin_status().tries_left == 5  # the status spends nothing
    assert session.pin_status().tries_left == 5
    session.verify_pin("123456")
    assert session.pin_status().verified
    session.select()  # a new selection ends the verification (SSC-PIN-6)
    assert session.pin_status().tries_left == 6  # the correct PIN reset the counter


@pytest.mark.clause("SSC-PIN-3", "SSC-PIN-2", "SSC-PIN-1")
def test_six_wrong_pins_block(card: Connection) -> None:
    session = SocialSecuritySession(card)
    for left in range(5, -1, -1):
        with pytest.raises(WrongPin) as err:
            session.verify_pin("000000")
        assert err.value.tries_left == left
    status = session.pin_status()
    assert status.blocked and status.tries_left == 0
    with pytest.raises(PinBlocked) as blocked:
        session.verify_pin("123456")
    assert blocked.value.sw == 0x6983
    with pytest.raises(PinBlocked):
        session.change_pin("123456", "654321")
    card.reset()
    with pytest.raises(PinBlocked):
        SocialSecuritySession(card).verify_pin("123456")  # the counter survives a power cycle (SSC-LC-8)


@pytest.mark.clause("SSC-PIN-7")
def test_change_pin(card: Connection) -> None:
    session = SocialSecuritySession(card)
    with pytest.raises(WrongPin) as err:
        session.change_pin("999999", "654321")
    assert err.value.tries_left == 5
    session.change_pin("123456", "654321")
    assert session.pin_status().verified
    session.select()
    with pytest.raises(WrongPin):
        session.verify_pin("123456")
    session.verify_pin("654321")
    session.change_pin("654321", "12345")  # odd length: closed by an F nibble
    session.verify_pin("12345")


@pytest.mark.clause("SSC-PIN-10")
@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a456", "", "１２３４５６"])
def test_malformed_pin_refused_before_sending(card: Connection, pin: str) -> None:
    tracer = RecordingTracer()
    session = SocialSecuritySession(card, tracers=[tracer])
    session.select()
    with pytest.raises(PinFormatError):
        session.verify_pin(pin)
    with pytest.raises(PinFormatError):
        session.change_pin("123456", pin)
    assert len(tracer) == 1  # the SELECT only
    assert session.pin_status().tries_left == 6


@pytest.mark.clause("SSC-PIN-12", "SSC-LC-2")
def test_pin_not_usable_before_activation(card_factory: CardFactory) -> None:
    session = SocialSecuritySession(card_factory(state="ISSUED"))
    with pytest.raises(ConditionsNotSatisfied) as err:
        session.pin_status()
    assert err.value.sw == 0x6985
    with pytest.raises(ConditionsNotSatisfied):
        session.verify_pin("123456")


@pytest.mark.clause("SSC-FILE-1", "SSC-FILE-3")
def test_long_gbk_name_round_trip(card_factory: CardFactory) -> None:
    """A 30-byte GBK name (the record's full length) and a name extension come back as written."""
    name = "阿卜杜热合曼·买买提艾力·吐尔"
    assert len(name.encode("gbk")) == 30
    data = with_holder(HOLDER, name=name, name_extension="逊·江")
    connection = personalised_card(card_factory, "ACTIVE", data=data, finance=False)
    holder = reading_session(connection, card_factory, keys=ISSUER_KEYS).read_holder()
    assert holder.name == name and holder.name_extension == "逊·江"
    assert holder.full_name == name + "逊·江"


@pytest.mark.clause("SSC-ACC-2", "SSC-ACC-1", "SSC-KEY-3")
def test_profile_3_needs_external_authentication(card_factory: CardFactory) -> None:
    data = dataclasses.replace(HOLDER, card=dataclasses.replace(HOLDER.card, spec_version="3.00"),
                               social=dataclasses.replace(HOLDER.social, access_profile="3.0"))
    connection = personalised_card(card_factory, "ACTIVE", data=data, finance=False)
    tracer = RecordingTracer()
    session = SocialSecuritySession(connection, keys=ISSUER_KEYS_SM4, tracers=[tracer])  # 3.0: SM4 (SSC-KEY-5)
    info = session.read_card_info()
    assert info.card_number is None and info.spec_version == "3.00"
    with pytest.raises(SecurityConditionNotSatisfied) as err:
        session.read_holder()
    assert err.value.sw == 0x6982
    session.external_authenticate()  # RKSSSE
    assert session.read_card_info().card_number == HOLDER.card.card_number
    assert session.read_holder().name == HOLDER.holder.name


@pytest.mark.clause("SSC-APP-4", "SSC-FILE-2")
def test_basic_data_read_from_inside_a_sub_application(card: Connection, card_factory: CardFactory) -> None:
    """EF05/EF06 are root files: reading them from inside DF01 reads them at the root and comes back."""
    session = reading_session(card, card_factory)
    session.select_df("DF01")
    assert session.read_holder().name == "张三"
    assert session.read_card_info().card_number == "K12345678"
    assert session.card_identity().card_unique == bytes.fromhex("1122334455667788")
    assert session.read_record(5, 1)[:1] == bytes.fromhex("A0")  # still in DF01: its EF05


@pytest.mark.clause("SSC-PIN-4")
def test_personal_data_masked_in_repr(card: Connection, card_factory: CardFactory) -> None:
    session = reading_session(card, card_factory)
    holder, info = session.read_holder(), session.read_card_info()
    text = repr(holder) + repr(info) + repr(HOLDER) + repr(ISSUER_KEYS)
    text += repr(HOLDER.finance) + repr(HOLDER.sub_applications and HOLDER)
    for secret in ("张三", holder.social_security_number, "K12345678", INITIAL_PIN, "1990", "韶关", "6217",
                   "ZHANG", "505152535455565758595A5B5C5D5E5F"):
        assert secret not in text
    assert "440200000001" in repr(info)  # the issuer's data is not personal
