"""Issue 14, the partial articles completed: art. 6 (personal-data change, registry and card together),
art. 9 (holders who are not mainland residents), art. 10 and 12 (the agent's ground; who collects a child's
card), art. 20 (the holder's PIN change; the initial PIN) and art. 29 (the documented term). One test (or
more) per article, each marked with its clause."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from window_helpers import (
    MONDAY,
    SOCIAL_PIN,
    SSN,
    World,
    example_keys,
    make_ssn,
    model_card,
    model_ops,
    produce_model_card,
)

from sscard import examples
from sscard.errors import CardConnectionError
from sscard.id_numbers import IdKind, IdNumberError, mod11_2_check, parse_id
from sscard.window import (
    INITIAL_PINS,
    ActorRole,
    AgentGround,
    Applicant,
    CardOperationFailed,
    CardOutcomeUnknown,
    FakeCardOperations,
    Function,
    OutcomeNeedsHolder,
    PersonalData,
    RuleViolation,
    Side,
    WindowError,
    apply_for_card,
    audit_entries,
    change_personal_data,
    change_pin,
    collect_card,
    pending_operations,
    register_person,
    report_loss,
    reset_pin,
    resolve_pending,
)
from sscard.window.models import Application, Card, HolderChange, Person

ROOT = Path(__file__).resolve().parents[2]
GUARDIAN = Applicant(ActorRole.GUARDIAN, "mother", "440203198501011236", "household register")


def refused(article: int, clause: str, excinfo: pytest.ExceptionInfo[RuleViolation]) -> str:
    assert excinfo.value.article == article and excinfo.value.clause == clause, str(excinfo.value)
    return str(excinfo.value)


def with_check(first17: str) -> str:
    return first17 + mod11_2_check(first17)


def person_row(world: World, key: str) -> Person:
    with world.social.registry.transaction() as s:
        person = s.scalars(select(Person).where(Person.ssn == key)).one()
        s.expunge(person)
        return person


# ------------------------------------------------------------------------------------------ art. 9


HK = with_check("81000019900101001")
MO = with_check("82000019850505002")
TW = with_check("83000020000229003")
FOREIGN_2023 = with_check("91144019800315005")


@pytest.mark.clause("SSC-WIN-30")
@pytest.mark.parametrize(("number", "kind", "born"), [
    (HK, IdKind.HMT_RESIDENCE_PERMIT, _dt.date(1990, 1, 1)),
    (MO, IdKind.HMT_RESIDENCE_PERMIT, _dt.date(1985, 5, 5)),
    (TW, IdKind.HMT_RESIDENCE_PERMIT, _dt.date(2000, 2, 29)),
    (FOREIGN_2023, IdKind.FOREIGN_PERMANENT_RESIDENCE, _dt.date(1980, 3, 15)),
])
def test_art9_non_mainland_numbers_register_by_their_own_rules(world: World, number: str, kind: IdKind,
                                                               born: _dt.date) -> None:
    receipt = register_person(world.social, number, "CHAN Tai Man", photo_on_file=True)
    person = person_row(world, number)
    assert (person.id_kind, person.birth_date, receipt.person_id) == (kind.value, born, person.id)
    assert audit_entries(world.social, action="register_person")[-1].detail["id_kind"] == kind.value
    apply_for_card(world.social, number, bank="ICBC")  # an adult: applies in person


@pytest.mark.clause("SSC-WIN-30")
def test_art9_older_permanent_residence_id_and_passport_need_the_birth_date(world: World) -> None:
    with pytest.raises(RuleViolation) as e:
        register_person(world.social, "USA123456789012", "John Smith")
    assert "carries no birth date" in refused(9, "SSC-WIN-30", e)
    register_person(world.social, "USA123456789012", "John Smith", birth_date=_dt.date(1970, 7, 7),
                    photo_on_file=True)
    assert person_row(world, "USA123456789012").nationality == "USA"
    register_person(world.social, "E1234567", "Jane Doe", id_kind="passport", nationality="GBR",
                    birth_date=_dt.date(2015, 1, 2), photo_on_file=True)
    child = person_row(world, "GBRE1234567")  # unique per issuing country
    assert (child.id_kind, child.nationality) == ("passport", "GBR")
    with pytest.raises(RuleViolation) as e:  # a child: the guardian applies, whatever the document
        apply_for_card(world.social, "GBRE1234567", bank="ICBC")
    refused(10, "SSC-WIN-2", e)
    apply_for_card(world.social, "GBRE1234567", bank="ICBC", applicant=GUARDIAN)
    with pytest.raises(RuleViolation) as e:  # the same passport twice
        register_person(world.social, "E1234567", "Jane Doe", id_kind="passport", nationality="GBR",
                        birth_date=_dt.date(2015, 1, 2))
    assert "already registered" in refused(9, "SSC-WIN-1", e)


@pytest.mark.clause("SSC-WIN-30")
@pytest.mark.parametrize(("number", "kwargs", "message"), [
    (HK[:-1] + ("0" if HK[-1] != "0" else "1"), {}, "Hong Kong/Macao/Taiwan residence permit: check character"),
    (with_check("81000019901301001"), {}, "residence permit: the birth date it encodes"),
    (FOREIGN_2023[:-1] + ("0" if FOREIGN_2023[-1] != "0" else "1"), {}, "permanent-residence ID (2023 format): check"),
    ("9114401980031500", {}, "permanent-residence ID: 16 characters"),
    ("US1234567890123", {}, "resident ID: 15 characters"),
    ("USA12345678901X", {"id_kind": "foreign_permanent_residence"}, "three capital letters (the nationality) and 12"),
    (with_check("44020319900101001"), {"id_kind": "hmt_residence_permit"}, "begins with 810000 (Hong Kong)"),
    ("E1234567", {"id_kind": "passport"}, "passport: the issuing country"),
    ("E12", {"id_kind": "passport", "nationality": "GBR"}, "passport: the number is 5-15"),
    (with_check("83000020000229003")[:-1] + "Y", {}, "17 digits and a check character"),
])
def test_art9_bad_numbers_are_refused_naming_the_rule(world: World, number: str, kwargs: dict[str, str],
                                                      message: str) -> None:
    with pytest.raises(RuleViolation) as e:
        register_person(world.social, number, "X", birth_date=_dt.date(1990, 1, 1), **kwargs)  # type: ignore[arg-type]
    text = refused(9, "SSC-WIN-30", e)
    assert message in text and "province" not in text  # never refused as a bad province


@pytest.mark.clause("SSC-WIN-30")
def test_art9_taiwan_permit_is_not_a_bad_province() -> None:
    """Before issue 14 a Taiwan resident's permit (830000) was refused as an unknown province code."""
    assert parse_id(TW).kind is IdKind.HMT_RESIDENCE_PERMIT
    assert parse_id(TW).sex == "1" and parse_id(MO).sex == "2"
    with pytest.raises(IdNumberError, match="shape of a non-mainland number"):
        parse_id(TW, IdKind.RESIDENT)


# ------------------------------------------------------------------------------------------ art. 10, 12


@pytest.mark.clause("SSC-WIN-31")
def test_art10_agent_only_on_a_ground_which_is_recorded(world: World) -> None:
    young = world.person(age=40)
    agent = Applicant(ActorRole.AGENT, "friend", "440203197001011234", "power of attorney #9")
    with pytest.raises(RuleViolation) as e:
        apply_for_card(world.social, young, bank="ICBC", applicant=agent)
    assert "elderly, disabled or living elsewhere" in refused(10, "SSC-WIN-31", e)
    with pytest.raises(RuleViolation) as e:
        apply_for_card(world.social, young, bank="ICBC",
                       applicant=Applicant(ActorRole.AGENT, "friend", "440203197001011234", "poa",
                                           AgentGround.ELDERLY))
    assert "60 or over" in refused(10, "SSC-WIN-31", e)
    receipt = apply_for_card(world.social, young, bank="ICBC",
                             applicant=Applicant(ActorRole.AGENT, "friend", "440203197001011234",
                                                 "residence certificate, Guangzhou", AgentGround.LIVING_ELSEWHERE))
    assert receipt.application is not None
    with world.social.registry.transaction() as s:
        app = s.get(Application, receipt.application.id)
        assert app is not None and app.agent_ground == "living_elsewhere"
    entry = audit_entries(world.social, action="apply_card")[-1]
    assert (entry.actor_role, entry.detail["agent_ground"]) == ("agent", "living_elsewhere")
    disabled = world.person(age=35)
    apply_for_card(world.social, disabled, bank="ICBC",
                   applicant=Applicant(ActorRole.AGENT, "sister", "440203197001011234", "disability certificate",
                                       AgentGround.DISABLED))
    child = world.person(age=10)
    with pytest.raises(RuleViolation) as e:  # a guardian acts by law, not on an agent's ground
        apply_for_card(world.social, child, bank="ICBC",
                       applicant=Applicant(ActorRole.GUARDIAN, "mother", "440203198501011236", "household register",
                                           AgentGround.ELDERLY))
    refused(10, "SSC-WIN-31", e)


@pytest.mark.clause("SSC-WIN-32")
def test_art12_a_childs_card_is_collected_by_the_guardian(world: World) -> None:
    child = world.person(age=9)
    app = apply_for_card(world.social, child, bank="ICBC", applicant=GUARDIAN).application
    assert app is not None
    card = world.produce(app.id)
    for collector in (Applicant(), Applicant(ActorRole.AGENT, "uncle", "440203197001011234", "poa",
                                             AgentGround.LIVING_ELSEWHERE)):
        with pytest.raises(RuleViolation) as e:
            collect_card(world.social, card.card_number, world.ops(card), collector=collector)
        assert "the guardian collects" in refused(12, "SSC-WIN-32", e)
    receipt = collect_card(world.social, card.card_number, world.ops(card), collector=GUARDIAN)
    assert any("art. 20" in note for note in receipt.notes)  # change both PINs now
    with world.social.registry.transaction() as s:
        assert s.scalars(select(Card.collector_role).where(Card.card_number == card.card_number)).one() == "guardian"
    entry = audit_entries(world.social, action="collect_card")[-1]
    assert (entry.actor_role, entry.relationship, entry.agent_ref) == ("guardian", "mother", "**************1236")


# ------------------------------------------------------------------------------------------ art. 20


@pytest.mark.clause("SSC-WIN-33")
def test_art20_holder_changes_the_social_pin_with_the_old_one(world: World) -> None:
    issued = world.issued()
    ops = world.ops(issued.card)
    receipt = change_pin(world.social, issued.card_number, ops, Function.SOCIAL, "123456", "246813")
    assert issued.card.pins[Function.SOCIAL] == "246813" and issued.card.commands[-1] == "change_pin:social"
    entry = audit_entries(world.social, action="change_pin")[-1]
    assert (entry.article, entry.clause, entry.detail["function"]) == (20, "SSC-WIN-33", "social")
    assert "246813" not in json.dumps(entry.detail) and receipt.journal_id is not None
    with world.social.registry.transaction() as s:
        assert s.scalars(select(Card.social_pin_changed_on).where(Card.card_number == issued.card_number)
                         ).one() == MONDAY
    # a kiosk and a designated medical institution change it too; the bank does not
    change_pin(world.social_platform, issued.card_number, ops, Function.SOCIAL, "246813", "135790")
    change_pin(world.terminal, issued.card_number, ops, Function.SOCIAL, "135790", "975312")
    with pytest.raises(RuleViolation) as e:
        change_pin(world.bank, issued.card_number, ops, Function.SOCIAL, "975312", "111333")
    assert "social PIN is changed at a social" in refused(20, "SSC-WIN-33", e)


@pytest.mark.clause("SSC-WIN-33")
def test_art20_financial_pin_changed_at_the_bank_only(world: World) -> None:
    issued = world.issued(financial=True)
    bank_ops = world.ops(issued.card, Side.BANK)
    with pytest.raises(RuleViolation) as e:
        change_pin(world.social, issued.card_number, world.ops(issued.card), Function.FINANCIAL, "1234", "5678")
    assert "at a bank or bank platform" in refused(20, "SSC-WIN-33", e)
    atc = issued.card.atc
    change_pin(world.bank, issued.card_number, bank_ops, Function.FINANCIAL, "1234", "5678")
    assert issued.card.pins[Function.FINANCIAL] == "5678" and issued.card.atc == atc + 1
    with pytest.raises(CardOperationFailed):  # a wrong old PIN: the card refuses, nothing recorded
        change_pin(world.bank, issued.card_number, bank_ops, Function.FINANCIAL, "0000", "8765")
    assert issued.card.pins[Function.FINANCIAL] == "5678"
    assert len(audit_entries(world.social, action="change_pin")) == 1


@pytest.mark.clause("SSC-WIN-33")
def test_art20_no_change_or_reset_to_the_initial_pin(world: World) -> None:
    """The card does not refuse the initial PIN (the reason is in the clause): the window refuses to write it
    back, and refuses a 'change' that keeps the old PIN."""
    issued = world.issued()
    ops = world.ops(issued.card)
    initial = INITIAL_PINS[Function.SOCIAL]
    change_pin(world.social, issued.card_number, ops, Function.SOCIAL, initial, "246813")
    with pytest.raises(RuleViolation) as e:
        change_pin(world.social, issued.card_number, ops, Function.SOCIAL, "246813", initial)
    assert "initial PIN" in refused(20, "SSC-WIN-33", e)
    with pytest.raises(RuleViolation) as e:
        reset_pin(world.social, issued.card_number, ops, Function.SOCIAL, initial)
    assert "initial PIN" in refused(20, "SSC-WIN-33", e)
    with pytest.raises(RuleViolation) as e:
        change_pin(world.social, issued.card_number, ops, Function.SOCIAL, "246813", "246813")
    assert "the old one" in refused(20, "SSC-WIN-33", e)
    with pytest.raises(WindowError, match="4-12 digits"):
        change_pin(world.social, issued.card_number, ops, Function.SOCIAL, "246813", "12a4")
    assert issued.card.pins[Function.SOCIAL] == "246813"


@pytest.mark.clause("SSC-WIN-33", "SSC-WIN-15")
def test_art20_social_change_with_unknown_outcome_is_settled_by_the_holders_new_pin(world: World) -> None:
    issued = world.issued()

    class Drops(FakeCardOperations):
        def change_pin(self, function: Function, old_pin: str, new_pin: str) -> None:
            super().change_pin(function, old_pin, new_pin)
            raise CardConnectionError("reader: card removed after CHANGE PIN")

    with pytest.raises(CardOutcomeUnknown) as e:
        change_pin(world.social, issued.card_number, Drops(issued.card, frozenset({Function.SOCIAL})),
                   Function.SOCIAL, "123456", "246813")
    ops = world.ops(issued.card)
    with pytest.raises(OutcomeNeedsHolder, match="enters the new PIN"):  # the counter is full before and after
        resolve_pending(world.social, e.value.journal_id, ops)
    receipt = resolve_pending(world.social, e.value.journal_id, ops, new_pin="246813")
    assert receipt is not None and pending_operations(world.social) == []
    assert audit_entries(world.social, action="change_pin")[-1].detail["recovered_from"]["evidence"]


@pytest.mark.clause("SSC-WIN-33", "SSC-WIN-15")
def test_art20_social_change_refused_old_pin_is_not_done_by_the_counter(world: World) -> None:
    issued = world.issued()

    class Drops(FakeCardOperations):
        def change_pin(self, function: Function, old_pin: str, new_pin: str) -> None:
            try:
                super().change_pin(function, old_pin, new_pin)
            finally:
                raise CardConnectionError("reader: the answer was lost")

    with pytest.raises(CardOutcomeUnknown) as e:
        change_pin(world.social, issued.card_number, Drops(issued.card, frozenset({Function.SOCIAL})),
                   Function.SOCIAL, "999999", "246813")
    assert resolve_pending(world.social, e.value.journal_id, world.ops(issued.card)) is None  # tries went down
    assert audit_entries(world.social, action="change_pin") == []


@pytest.mark.clause("SSC-WIN-33")
def test_art20_change_on_a_reference_model_card() -> None:
    """Through SessionCardOperations: the card's CHANGE PIN (social), VERIFY and the bank's PIN command
    (financial)."""
    from sscard.window import Registry

    keys = example_keys()
    registry = Registry("sqlite://")
    world = World(registry)
    try:
        card = model_card(31, keys)
        social = model_ops(card, keys, Side.SOCIAL)
        produce_model_card(world, card, keys, "K00000031")
        collect_card(world.social, "K00000031", social)
        change_pin(world.social, "K00000031", social, Function.SOCIAL, SOCIAL_PIN, "246813")
        card.reset()
        assert model_ops(card, keys, Side.SOCIAL).verify_pin(Function.SOCIAL, "246813")
    finally:
        registry.dispose()


# ------------------------------------------------------------------------------------------ art. 6


@pytest.mark.clause("SSC-WIN-34", "SSC-WIN-15")
def test_art6_name_change_updates_registry_and_card(world: World) -> None:
    issued = world.issued()
    receipt = change_personal_data(world.social, issued.ssn, PersonalData(name="王五", name_extension="Wang"),
                                   proof="household register change #3", card_ops=world.ops(issued.card))
    assert issued.card.holder[2] == "王五" and issued.card.holder[3] == "Wang"
    assert issued.card.commands[-2:] == ["update_record:EF06.2", "update_record:EF06.3"]
    assert person_row(world, issued.ssn).name == "王五"
    entry = audit_entries(world.social, action="change_personal_data")[-1]
    assert (entry.article, entry.clause, entry.journal_id) == (6, "SSC-WIN-34", receipt.journal_id)
    assert entry.detail["registry_fields"] == ["name"] and entry.detail["card_records"] == [2, 3]
    assert "王五" not in json.dumps(entry.detail, ensure_ascii=False)  # no personal data in the log
    with world.social.registry.transaction() as s:
        [row] = s.scalars(select(HolderChange)).all()
        assert row.status == "applied" and json.loads(row.previous)["name"].startswith("测试")


@pytest.mark.clause("SSC-WIN-34", "SSC-WIN-30")
def test_art6_id_correction_writes_number_birth_date_and_sex(world: World) -> None:
    issued = world.issued()
    corrected = make_ssn(_dt.date(1994, 6, 1), 2)  # an even sequence: female
    change_personal_data(world.social, issued.ssn, PersonalData(id_number=corrected), proof="police certificate",
                         card_ops=world.ops(issued.card))
    assert {n: issued.card.holder[n] for n in (1, 4, 7)} == {1: corrected, 4: "2", 7: "1994-06-01"}
    person = person_row(world, corrected)
    assert person.birth_date == _dt.date(1994, 6, 1)
    with pytest.raises(RuleViolation) as e:  # a birth date alone: it is part of the number
        change_personal_data(world.social, corrected, PersonalData(birth_date=_dt.date(1994, 6, 2)),
                             proof="x", card_ops=world.ops(issued.card))
    assert "part of the identity number" in refused(6, "SSC-WIN-34", e)
    other = world.person()
    with pytest.raises(RuleViolation) as e:
        change_personal_data(world.social, corrected, PersonalData(id_number=other), proof="x",
                             card_ops=world.ops(issued.card))
    assert "registered to another person" in refused(9, "SSC-WIN-1", e)


@pytest.mark.clause("SSC-WIN-34", "SSC-WIN-30")
def test_art6_passport_holder_receives_a_permanent_residence_id(world: World) -> None:
    register_person(world.social, "P7654321", "Anna Berg", id_kind="passport", nationality="SWE",
                    birth_date=_dt.date(1980, 3, 15))
    receipt = change_personal_data(world.social, "SWEP7654321", PersonalData(id_number=FOREIGN_2023),
                                   proof="permanent residence ID")
    assert receipt.card is None and receipt.journal_id is None  # no card yet: the registry alone
    person = person_row(world, FOREIGN_2023)
    assert (person.id_kind, person.nationality) == ("foreign_permanent_residence", None)
    with pytest.raises(RuleViolation) as e:  # now the number carries the birth date
        change_personal_data(world.social, FOREIGN_2023, PersonalData(birth_date=_dt.date(1980, 3, 16)), proof="x")
    assert "part of the identity number" in refused(6, "SSC-WIN-34", e)
    register_person(world.social, "K12345678901234", "Bo Li", id_kind="passport", nationality="NZL",
                    birth_date=_dt.date(1960, 1, 1))  # filed as NZLK12345678901234: 18 characters
    change_personal_data(world.social, "NZLK12345678901234", PersonalData(birth_date=_dt.date(1960, 1, 2)),
                         proof="corrected passport")
    assert person_row(world, "NZLK12345678901234").birth_date == _dt.date(1960, 1, 2)


@pytest.mark.clause("SSC-WIN-34")
def test_art6_refusals(world: World) -> None:
    issued = world.issued()
    ops = world.ops(issued.card)
    with pytest.raises(RuleViolation) as e:
        change_personal_data(world.bank, issued.ssn, PersonalData(name="A"), proof="x", card_ops=ops)
    refused(6, "SSC-WIN-34", e)
    with pytest.raises(RuleViolation) as e:
        change_personal_data(world.social, issued.ssn, PersonalData(name="A"), proof=" ", card_ops=ops)
    assert "document proving" in refused(6, "SSC-WIN-34", e)
    with pytest.raises(WindowError, match="at most 120 characters"):
        change_personal_data(world.social, issued.ssn, PersonalData(name="A"), proof="p" * 121, card_ops=ops)
    with pytest.raises(RuleViolation) as e:
        change_personal_data(world.social, issued.ssn, PersonalData(name="名" * 16), proof="x", card_ops=ops)
    assert "holder.name" in refused(6, "SSC-WIN-34", e)
    with pytest.raises(RuleViolation) as e:
        change_personal_data(world.social, issued.ssn, PersonalData(id_number="E1234567", id_kind="passport",
                                                                    nationality="GBR"), proof="x", card_ops=ops)
    assert "does not fit the card" in refused(6, "SSC-WIN-34", e)
    with pytest.raises(WindowError, match="present it"):
        change_personal_data(world.social, issued.ssn, PersonalData(name="A"), proof="x")
    with pytest.raises(WindowError, match="nothing changes"):
        change_personal_data(world.social, issued.ssn, PersonalData(), proof="x", card_ops=ops)
    assert audit_entries(world.social, action="change_personal_data") == []


@pytest.mark.clause("SSC-WIN-34")
def test_art6_lost_card_keeps_its_data_the_registry_changes(world: World) -> None:
    issued = world.issued()
    report_loss(world.social, issued.card_number, Function.SOCIAL, formal=True)
    receipt = change_personal_data(world.social, issued.ssn, PersonalData(name="赵六"), proof="x")
    assert person_row(world, issued.ssn).name == "赵六" and issued.card.holder[2] != "赵六"
    assert "keeps the old data" in receipt.notes[0]


@pytest.mark.clause("SSC-WIN-34", "SSC-WIN-15")
def test_art6_card_refusal_records_nothing(world: World) -> None:
    issued = world.issued()
    ops = world.ops(issued.card)
    ops.fail_next("update_holder_data")
    with pytest.raises(CardOperationFailed):
        change_personal_data(world.social, issued.ssn, PersonalData(name="钱七"), proof="x", card_ops=ops)
    assert person_row(world, issued.ssn).name != "钱七"
    with world.social.registry.transaction() as s:
        assert s.scalars(select(HolderChange.status)).one() == "failed"
    assert audit_entries(world.social, action="change_personal_data") == []


@pytest.mark.clause("SSC-WIN-34", "SSC-WIN-15")
def test_art6_partly_written_records_are_written_again_on_recovery(world: World) -> None:
    """The reader lost the card between two UPDATE RECORDs: the records hold neither the old nor the new
    values; recovery sends the (idempotent) updates again, with the values from the registry."""
    issued = world.issued()

    class LosesCardAfterFirst(FakeCardOperations):
        def update_holder_data(self, items: dict[int, str]) -> None:  # type: ignore[override]
            first = min(items)
            super().update_holder_data({first: items[first]})
            raise CardConnectionError("reader: card removed between two records")

    with pytest.raises(CardOutcomeUnknown) as e:
        change_personal_data(world.social, issued.ssn, PersonalData(name="孙八", ethnicity="02"), proof="x",
                             card_ops=LosesCardAfterFirst(issued.card, frozenset({Function.SOCIAL})))
    assert issued.card.holder[2] == "孙八" and issued.card.holder[5] == "01"  # half written
    receipt = resolve_pending(world.social, e.value.journal_id, world.ops(issued.card))
    assert receipt is not None and issued.card.holder[5] == "02"
    assert person_row(world, issued.ssn).name == "孙八"
    assert audit_entries(world.social, action="change_personal_data")[-1].detail["recovered_from"]["redone"] is True


@pytest.mark.clause("SSC-WIN-34")
def test_art6_on_a_reference_model_card_profile_3(world: World) -> None:
    """EF06 of a 3.0 card is read after the terminal read key; written with the issuer's MAC."""
    keys = example_keys()
    card = model_card(32, keys)
    social = model_ops(card, keys, Side.SOCIAL)
    produce_model_card(world, card, keys, "K00000032")
    collect_card(world.social, "K00000032", social)
    change_personal_data(world.social, SSN, PersonalData(name="张三丰"), proof="x", card_ops=social)
    card.reset()
    assert model_ops(card, keys, Side.SOCIAL).read_holder_items((2,)) == {2: "张三丰"}


# ------------------------------------------------------------------------------------------ art. 29


@pytest.mark.clause("SSC-WIN-35")
def test_art29_term_and_later_dates_are_documented() -> None:
    domain = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    section = domain[domain.index("### Art. 29"):domain.index("## 3. National conventions")]
    assert "2023" in section and "later dates" in section
    window = (ROOT / "docs" / "window.md").read_text(encoding="utf-8")
    assert "art. 29" in window.lower()



# ------------------------------------------------------------------------------------------ command line


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from sscard.cli import main

    code = main(["window", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.clause("SSC-WIN-34", "SSC-WIN-33", "SSC-WIN-30")
def test_cli_demo_shows_the_completed_articles(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo")
    assert code == 0
    before, after = out.split("name on the new card (EF06): ")[1], out.split("name on the new card (EF06) now: ")[1]
    assert before.splitlines()[0] != after.splitlines()[0]  # the card's EF06 changed with the registry
    assert "change_personal_data: audit" in out and "art. 6 SSC-WIN-34" in out
    assert "change_pin: audit" in out and "Hong Kong resident" in out


@pytest.mark.clause("SSC-WIN-30", "SSC-WIN-31", "SSC-WIN-34")
def test_cli_register_apply_and_data_change(capsys: pytest.CaptureFixture[str], registry_url: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    db = ["--db", registry_url, "--today", "2025-03-03"]
    code, _, err = run(capsys, "register", "E7654321", "Jane Doe", "--id-kind", "passport", *db)
    assert code == 1 and "passport: the issuing country" in err
    assert run(capsys, "register", "E7654321", "Jane Doe", "--id-kind", "passport", "--nationality", "GBR",
               "--birth-date", "1950-04-04", "--photo-on-file", *db)[0] == 0
    code, _, err = run(capsys, "apply", "GBRE7654321", "--bank", "ICBC", "--role", "agent", "--agent-id",
                       "440203197001011234", "--proof", "poa", *db)
    assert code == 1 and "art. 10 (SSC-WIN-31)" in err
    code, out, _ = run(capsys, "apply", "GBRE7654321", "--bank", "ICBC", "--role", "agent", "--agent-id",
                       "440203197001011234", "--proof", "poa", "--ground", "elderly", "--json", *db)
    assert code == 0 and json.loads(out)["application"]["status"] == "accepted"
    code, out, _ = run(capsys, "data-change", "GBRE7654321", "--document", "deed poll", "--name", "Jane Roe",
                       "--no-card", "--json", *db)
    assert code == 0 and json.loads(out)["action"] == "change_personal_data"
    code, _, err = run(capsys, "pin-change", "K00000001", *db)  # a card command: keys and a reader needed
    assert code == 1 and "--keys" in err


@pytest.mark.clause("SSC-WIN-30", "SSC-HOST-3")
@pytest.mark.parametrize("area", ["810000", "820000", "830000", "9"])
def test_art9_a_non_mainland_holder_can_be_personalised(area: str) -> None:
    """A residence permit or 2023 permanent-residence ID goes on the card as the holder's number (EF06 record
    1), checked by its own rules; before issue 14 personalisation refused 830000 and 9… as bad provinces."""
    from sscard.errors import HolderDataError
    from sscard.holder import parse_personalisation_data

    data = json.loads(examples.read_text(examples.HOLDER))
    holder = data["holder"]
    born = holder["birth_date"].replace("-", "")
    sequence = "001" if holder["sex"] == "1" else "002"
    prefix = area if len(area) == 6 else "914403"  # 2023 format: 9, province 14, nationality code 403
    holder["social_security_number"] = with_check(prefix + born + sequence)
    assert parse_personalisation_data(data).holder.social_security_number == holder["social_security_number"]
    holder["social_security_number"] = with_check(prefix + "19000230" + sequence)
    with pytest.raises(HolderDataError, match="birth date it encodes"):
        parse_personalisation_data(data)
