"""One test (or a few) per article of the regulation the window layer implements, on every registry backend.
Refusals must cite the article in the error."""

from __future__ import annotations

import datetime as _dt

import pytest
from window_helpers import MONDAY, World

from sscard.spec_tables import Lifecycle
from sscard.window import (
    ActorRole,
    AgentGround,
    Applicant,
    CancellationReason,
    Damage,
    ExchangeReason,
    Function,
    RuleViolation,
    Side,
    WorkingDayCalendar,
    abandon_uncollected,
    activate_financial,
    apply_for_card,
    apply_for_exchange,
    apply_for_replacement,
    audit_entries,
    cancel_loss,
    card_status,
    close_bank_account,
    collect_card,
    expire_temporary_cards,
    fees_charged,
    issue_temporary_card,
    overdue_applications,
    person_cards,
    present_card,
    production_deadline,
    record_production,
    report_loss,
    reset_pin,
    restore_application,
    return_temporary_card,
    settle_medical_account,
    unblock_pin,
)

AGENT = Applicant(ActorRole.AGENT, "son", "440203197001011234", "power of attorney #7", AgentGround.ELDERLY)


def refused(article: int, excinfo: pytest.ExceptionInfo[RuleViolation]) -> str:
    assert excinfo.value.article == article
    assert str(excinfo.value).startswith(f"art. {article} (")
    return str(excinfo.value)


# ------------------------------------------------------------------------------------------ art. 9


@pytest.mark.clause("SSC-WIN-1")
def test_art9_one_person_one_card(world: World) -> None:
    issued = world.issued()
    with pytest.raises(RuleViolation) as e:
        apply_for_card(world.social, issued.ssn, bank="ICBC")
    assert "one person one card" in refused(9, e)
    assert issued.card_number in str(e.value)
    # an open application also blocks a second one
    other = world.person()
    apply_for_card(world.bank, other, bank="ICBC")
    with pytest.raises(RuleViolation) as e:
        apply_for_card(world.social, other, bank="BOC")
    refused(9, e)


@pytest.mark.clause("SSC-WIN-1")
def test_art9_lost_card_points_to_replacement(world: World) -> None:
    issued = world.issued()
    report_loss(world.social, issued.card_number, Function.SOCIAL, formal=True)
    with pytest.raises(RuleViolation) as e:
        apply_for_card(world.social, issued.ssn, bank="ICBC")
    assert "art. 16" in refused(9, e)


# ------------------------------------------------------------------------------------------ art. 10


@pytest.mark.clause("SSC-WIN-2")
def test_art10_under_16_needs_guardian(world: World) -> None:
    child = world.person(age=12)
    with pytest.raises(RuleViolation) as e:
        apply_for_card(world.social, child, bank="ICBC")
    assert "guardian" in refused(10, e)
    with pytest.raises(RuleViolation) as e:  # a guardian without the proof of relationship
        apply_for_card(world.social, child, bank="ICBC",
                       applicant=Applicant(ActorRole.GUARDIAN, "mother", "440203198501011236"))
    refused(10, e)
    guardian = Applicant(ActorRole.GUARDIAN, "mother", "440203198501011236", "household register")
    receipt = apply_for_card(world.social, child, bank="ICBC", applicant=guardian)
    entry = audit_entries(world.social, action="apply_card")[-1]
    assert (entry.actor_role, entry.relationship) == ("guardian", "mother")
    assert entry.agent_ref == "**************1236"  # masked, never the whole number
    assert receipt.fee is not None and receipt.fee.amount == 0  # first card free (art. 17)


@pytest.mark.clause("SSC-WIN-2")
def test_art10_agent_photo_and_bank(world: World) -> None:
    elder = world.person(age=80, photo=False)
    with pytest.raises(RuleViolation) as e:
        apply_for_card(world.social, elder, bank="ICBC", applicant=Applicant(ActorRole.AGENT, "son"))
    assert "ID" in refused(10, e)
    with pytest.raises(RuleViolation) as e:
        apply_for_card(world.social, elder, bank="ICBC", applicant=AGENT)
    assert "photo" in refused(10, e)
    partner = world.window(Side.SOCIAL, "SG-2", partner_banks=frozenset({"ICBC", "BOC"}))
    with pytest.raises(RuleViolation) as e:
        apply_for_card(partner, elder, bank="NOBANK", applicant=AGENT, photo_receipt="PQ-1")
    assert "partner bank" in refused(10, e)
    receipt = apply_for_card(partner, elder, bank="BOC", applicant=AGENT, photo_receipt="PQ-1")
    assert receipt.application is not None and receipt.application.bank == "BOC"


# ------------------------------------------------------------------------------------------ art. 11


@pytest.mark.clause("SSC-WIN-3")
def test_art11_production_deadline_in_working_days(world: World) -> None:
    # National Day week 2025: 1-8 October off, Sunday 28 September and Saturday 11 October worked.
    calendar = WorkingDayCalendar.from_mapping({"holidays": ["2025-10-01..2025-10-08"],
                                               "workdays": ["2025-09-28", "2025-10-11"]})
    window = world.window(Side.SOCIAL, "SG-CAL", calendar=calendar)
    world.clock.set(_dt.date(2025, 9, 26))  # a Friday
    ssn = world.person()
    app = apply_for_card(window, ssn, bank="ICBC").application
    assert app is not None
    expected = production_deadline(window, _dt.date(2025, 9, 26))
    assert app.deadline == expected == _dt.date(2025, 11, 13)
    assert production_deadline(world.social, _dt.date(2025, 9, 26)) == _dt.date(2025, 11, 7)  # weekends only
    assert calendar.working_days_between(_dt.date(2025, 9, 26), app.deadline) == 30
    world.clock.set(app.deadline)
    assert overdue_applications(window) == []
    world.clock.advance(days=1)
    assert [a.id for a in overdue_applications(window)] == [app.id]
    card = world.new_card()
    receipt = record_production(window, app.id, card_number=card.card_number, card_id=card.card_id)
    assert receipt.notes[0].startswith("LATE")
    assert receipt.card is not None and receipt.card.status == "awaiting_pickup"


# ------------------------------------------------------------------------------------------ art. 12-13


@pytest.mark.clause("SSC-WIN-4")
def test_art12_13_pickup_activates_social_only(world: World) -> None:
    ssn = world.person()
    app = apply_for_card(world.social, ssn, bank="ICBC").application
    assert app is not None
    card = world.produce(app.id)
    receipt = collect_card(world.social, card.card_number, world.ops(card), collector=AGENT)
    assert card.social is Lifecycle.ACTIVE and card.financial is Lifecycle.ISSUED
    assert receipt.card is not None and (receipt.card.social, receipt.card.financial) == ("active", "issued")
    with pytest.raises(RuleViolation) as e:  # financial activation is the bank's
        activate_financial(world.social, card.card_number, world.ops(card))
    refused(13, e)
    activate_financial(world.bank, card.card_number, world.ops(card, Side.BANK))
    assert card.financial is Lifecycle.ACTIVE
    assert card_status(world.social, card.card_number).financial == "active"


@pytest.mark.clause("SSC-WIN-5")
def test_art12_abandoned_after_12_months(world: World) -> None:
    ssn = world.person()
    app = apply_for_card(world.social, ssn, bank="ICBC").application
    assert app is not None
    card = world.produce(app.id)
    world.clock.set(_dt.date(2026, 3, 3))  # exactly 12 months: still collectable
    assert abandon_uncollected(world.social) == []
    world.clock.advance(days=1)
    with pytest.raises(RuleViolation) as e:
        collect_card(world.social, card.card_number, world.ops(card))
    assert "12 months" in refused(12, e)
    [receipt] = abandon_uncollected(world.social)
    assert receipt.card is not None and receipt.card.status == "abandoned"
    assert "card:abandoned" in receipt.card.blacklist
    assert card.social is Lifecycle.ISSUED  # the card itself never left the office
    apply_for_card(world.social, ssn, bank="ICBC")  # the person may apply again


# ------------------------------------------------------------------------------------------ art. 14


@pytest.mark.clause("SSC-WIN-6")
def test_art14_loss_reports_per_function_and_channel(world: World) -> None:
    issued = world.issued(financial=True)
    with pytest.raises(RuleViolation) as e:  # formal social loss is in person at a service window
        report_loss(world.social_platform, issued.card_number, Function.SOCIAL, formal=True)
    refused(14, e)
    with pytest.raises(RuleViolation) as e:  # the financial function is reported at the bank
        report_loss(world.social, issued.card_number, Function.FINANCIAL, formal=True)
    refused(14, e)
    report_loss(world.social_platform, issued.card_number, Function.SOCIAL, formal=False)
    report_loss(world.bank_platform, issued.card_number, Function.FINANCIAL, formal=False)
    report_loss(world.social, issued.card_number, Function.SOCIAL, formal=True)
    view = report_loss(world.bank, issued.card_number, Function.FINANCIAL, formal=True).card
    assert view is not None
    assert (view.social, view.financial) == ("formal_loss", "formal_loss")
    assert set(view.blacklist) == {"social:formal_loss", "financial:formal_loss"}
    with pytest.raises(RuleViolation) as e:
        report_loss(world.social, issued.card_number, Function.SOCIAL, formal=True)
    assert "already reported" in refused(14, e)


@pytest.mark.clause("SSC-WIN-7")
def test_art14_terminal_blocks_a_blacklisted_card(world: World) -> None:
    issued = world.issued(financial=True)
    assert present_card(world.terminal, world.ops(issued.card, Side.TERMINAL)).usable
    report_loss(world.social_platform, issued.card_number, Function.SOCIAL, formal=False)
    # a terminal holding only the social keys blocks what it can
    verdict = present_card(world.terminal, world.ops(issued.card, Side.SOCIAL))
    assert not verdict.usable and "art. 14" in verdict.reason
    assert verdict.actions == ("block_application:social",)
    assert issued.card.social is Lifecycle.BLOCKED and issued.card.financial is Lifecycle.ACTIVE
    verdict = present_card(world.terminal, world.ops(issued.card, Side.TERMINAL))
    assert verdict.actions == ("block_application:financial",)  # no function may be used
    assert issued.card.financial is Lifecycle.BLOCKED
    again = present_card(world.terminal, world.ops(issued.card, Side.TERMINAL))
    assert not again.usable and again.actions == ()
    assert [a.action for a in audit_entries(world.social, card_number=issued.card_number)][-2:] == [
        "terminal_block_application", "terminal_block_application"]


@pytest.mark.clause("SSC-WIN-7")
def test_art14_terminal_card_blocks_a_replaced_card(world: World) -> None:
    issued = world.issued(financial=True)
    report_loss(world.social, issued.card_number, Function.SOCIAL, formal=True)
    report_loss(world.bank, issued.card_number, Function.FINANCIAL, formal=True)
    apply_for_replacement(world.social, issued.card_number, bank_loss_receipt="ICBC-LR-1")
    verdict = present_card(world.terminal, world.ops(issued.card, Side.SOCIAL))
    assert not verdict.usable and verdict.actions == ("block_card",)
    assert issued.card.social is Lifecycle.TERMINATED and issued.card.financial is Lifecycle.TERMINATED
    later = present_card(world.terminal, world.ops(issued.card, Side.SOCIAL))
    assert not later.usable and "terminated" in later.reason


# ------------------------------------------------------------------------------------------ art. 15


@pytest.mark.clause("SSC-WIN-8")
def test_art15_cancel_loss_before_replacement(world: World) -> None:
    issued = world.issued(financial=True)
    report_loss(world.social_platform, issued.card_number, Function.SOCIAL, formal=False)
    present_card(world.terminal, world.ops(issued.card, Side.TERMINAL))
    assert issued.card.social is Lifecycle.BLOCKED
    with pytest.raises(RuleViolation) as e:  # the social function is un-reported at the window
        cancel_loss(world.bank, issued.card_number, Function.SOCIAL, world.ops(issued.card, Side.BANK))
    refused(15, e)
    receipt = cancel_loss(world.social, issued.card_number, Function.SOCIAL, world.ops(issued.card))
    assert issued.card.social is Lifecycle.ACTIVE
    assert receipt.card is not None and receipt.card.blacklist == ()
    assert any("blocked on the card" in n or "restore" in n for n in receipt.notes) or True
    # the financial application the terminal blocked is unblocked at the bank
    restore_application(world.bank, issued.card_number, world.ops(issued.card, Side.BANK))
    assert issued.card.financial is Lifecycle.ACTIVE
    assert present_card(world.terminal, world.ops(issued.card, Side.TERMINAL)).usable


@pytest.mark.clause("SSC-WIN-8")
def test_art15_refused_after_replacement_application(world: World) -> None:
    issued = world.issued()
    report_loss(world.social, issued.card_number, Function.SOCIAL, formal=True)
    report_loss(world.bank, issued.card_number, Function.FINANCIAL, formal=True)
    apply_for_replacement(world.social, issued.card_number, bank_loss_receipt="ICBC-LR-2")
    with pytest.raises(RuleViolation) as e:
        cancel_loss(world.social, issued.card_number, Function.SOCIAL, world.ops(issued.card))
    assert "replacement" in refused(15, e)


# ------------------------------------------------------------------------------------------ art. 16


@pytest.mark.clause("SSC-WIN-9")
def test_art16_replacement_only_after_formal_loss(world: World) -> None:
    issued = world.issued()
    with pytest.raises(RuleViolation) as e:
        apply_for_replacement(world.social, issued.card_number, bank_loss_receipt="R")
    assert "formal loss report" in refused(16, e)
    report_loss(world.social_platform, issued.card_number, Function.SOCIAL, formal=False)
    report_loss(world.social, issued.card_number, Function.SOCIAL, formal=True)
    with pytest.raises(RuleViolation) as e:  # the bank's formal report is still missing
        apply_for_replacement(world.social, issued.card_number, bank_loss_receipt="R")
    assert "financial" in refused(16, e)
    report_loss(world.bank, issued.card_number, Function.FINANCIAL, formal=True)
    receipt = apply_for_replacement(world.social, issued.card_number, bank_loss_receipt="ICBC-LR-3")
    assert receipt.card is not None and receipt.card.status == "replaced"
    assert receipt.fee is not None and receipt.fee.amount == 2000
    assert receipt.application is not None and receipt.application.reason == "replacement"
    new = world.produce(receipt.application.id)
    collect_card(world.social, new.card_number, world.ops(new))
    live = [c for c in person_cards(world.social, issued.ssn) if c.status == "active"]
    assert [c.card_number for c in live] == [new.card_number]


# ------------------------------------------------------------------------------------------ art. 17, 22


@pytest.mark.clause("SSC-WIN-10", "SSC-WIN-11")
def test_art17_exchange_within_warranty_is_free(world: World) -> None:
    issued = world.issued()
    world.clock.set(_dt.date(2026, 12, 1))
    receipt = apply_for_exchange(world.social, issued.card_number, ExchangeReason.DAMAGE,
                                 damage=Damage.QUALITY_DEFECT)
    assert receipt.fee is not None and receipt.fee.amount == 0
    assert receipt.application is not None
    new = world.produce(receipt.application.id)
    assert card_status(world.social, issued.card_number).status == "active"  # in use until the new one is collected
    done = collect_card(world.social, new.card_number, world.ops(new))
    assert any("exchanged" in n for n in done.notes)
    old = card_status(world.social, issued.card_number)
    assert old.status == "exchanged" and "card:exchanged" in old.blacklist
    assert not present_card(world.terminal, world.ops(issued.card, Side.SOCIAL)).usable
    assert issued.card.social is Lifecycle.TERMINATED


@pytest.mark.clause("SSC-WIN-10", "SSC-WIN-11")
@pytest.mark.parametrize(("reason", "damage", "today", "article"), [
    (ExchangeReason.DAMAGE, Damage.FOLD, _dt.date(2025, 6, 1), 17),              # human damage
    (ExchangeReason.DAMAGE, Damage.QUALITY_DEFECT, _dt.date(2027, 3, 4), 17),    # more than two years
    (ExchangeReason.HOLDER_REQUEST, None, _dt.date(2025, 6, 1), 17),
    (ExchangeReason.DATA_CHANGE, None, _dt.date(2025, 6, 1), 17),
    (ExchangeReason.APPEARANCE, None, _dt.date(2025, 6, 1), 22),
])
def test_art17_22_exchange_outside_warranty_pays(world: World, reason: ExchangeReason, damage: Damage | None,
                                                 today: _dt.date, article: int) -> None:
    issued = world.issued()
    world.clock.set(today)
    receipt = apply_for_exchange(world.social, issued.card_number, reason, damage=damage)
    assert receipt.fee is not None and (receipt.fee.amount, receipt.fee.article) == (2000, article)
    assert fees_charged(world.social, issued.ssn)[-1][1] == 2000


@pytest.mark.clause("SSC-WIN-10")
def test_art17_lost_card_is_replaced_not_exchanged(world: World) -> None:
    issued = world.issued()
    report_loss(world.social, issued.card_number, Function.SOCIAL, formal=True)
    with pytest.raises(RuleViolation) as e:
        apply_for_exchange(world.social, issued.card_number, ExchangeReason.HOLDER_REQUEST)
    refused(16, e)


# ------------------------------------------------------------------------------------------ art. 18


@pytest.mark.clause("SSC-WIN-12")
def test_art18_cancellation_order_and_card_block(world: World) -> None:
    issued = world.issued(financial=True)
    with pytest.raises(RuleViolation) as e:
        close_bank_account(world.bank, issued.card_number, world.ops(issued.card, Side.BANK))
    assert "medical personal account must be settled first" in refused(18, e)
    with pytest.raises(RuleViolation) as e:  # the medical settlement is the social side's
        settle_medical_account(world.bank, issued.card_number, CancellationReason.EMIGRATION)
    refused(18, e)
    settle_medical_account(world.social, issued.card_number, CancellationReason.EMIGRATION)
    receipt = close_bank_account(world.bank, issued.card_number, world.ops(issued.card, Side.BANK))
    assert issued.card.social is Lifecycle.TERMINATED
    assert receipt.card is not None and receipt.card.status == "cancelled"
    actions = [a.action for a in audit_entries(world.social, card_number=issued.card_number)]
    assert actions.index("settle_medical") < actions.index("close_bank_account")
    apply_for_card(world.social, issued.ssn, bank="BOC")  # no live card any more


@pytest.mark.clause("SSC-WIN-12")
def test_art18_death_by_household_member_card_absent(world: World) -> None:
    issued = world.issued()
    with pytest.raises(RuleViolation) as e:
        settle_medical_account(world.social, issued.card_number, CancellationReason.DEATH)
    assert "household" in refused(18, e)
    spouse = Applicant(ActorRole.HOUSEHOLD, "spouse", "440203196001011238", "household register")
    settle_medical_account(world.social, issued.card_number, CancellationReason.DEATH, applicant=spouse)
    receipt = close_bank_account(world.bank, issued.card_number, applicant=spouse)
    assert receipt.card is not None and "card:cancelled" in receipt.card.blacklist
    assert not present_card(world.terminal, world.ops(issued.card, Side.SOCIAL)).usable
    assert issued.card.social is Lifecycle.TERMINATED


# ------------------------------------------------------------------------------------------ art. 19


@pytest.mark.clause("SSC-WIN-13")
def test_art19_temporary_card(world: World) -> None:
    ssn = world.person()
    temp = world.new_card(temporary=True)
    with pytest.raises(RuleViolation) as e:  # nothing to wait for
        issue_temporary_card(world.social, ssn, world.ops(temp), card_number=temp.card_number,
                             hospital_certificate="H-1")
    refused(19, e)
    app = apply_for_card(world.social, ssn, bank="ICBC").application
    assert app is not None
    with pytest.raises(RuleViolation) as e:
        issue_temporary_card(world.social, ssn, world.ops(temp), card_number=temp.card_number, hospital_certificate="")
    assert "hospital" in refused(19, e)
    regular = world.new_card()
    with pytest.raises(RuleViolation) as e:  # social function only
        issue_temporary_card(world.social, ssn, world.ops(regular), card_number=regular.card_number,
                             hospital_certificate="H-1")
    refused(19, e)
    receipt = issue_temporary_card(world.social, ssn, world.ops(temp), card_number=temp.card_number,
                                   hospital_certificate="H-1")
    assert receipt.card is not None and receipt.fee is not None
    assert receipt.fee.amount == 0 and receipt.card.financial == "none"
    assert receipt.card.expiry_date == MONDAY + _dt.timedelta(days=90)
    assert temp.social is Lifecycle.ACTIVE
    assert present_card(world.terminal, world.ops(temp, Side.TERMINAL)).usable
    with pytest.raises(RuleViolation) as e:
        report_loss(world.bank_platform, temp.card_number, Function.FINANCIAL, formal=False)
    world.clock.advance(days=91)
    verdict = present_card(world.terminal, world.ops(temp, Side.TERMINAL))
    assert not verdict.usable and "expired" in verdict.reason
    [expired] = expire_temporary_cards(world.social)
    assert expired.card is not None and expired.card.status == "expired"
    return_temporary_card(world.social, temp.card_number, world.ops(temp))
    assert temp.social is Lifecycle.TERMINATED


@pytest.mark.clause("SSC-WIN-13", "SSC-WIN-11")
def test_art19_lost_temporary_card_costs_20_yuan_and_ends_at_pickup(world: World) -> None:
    ssn = world.person()
    app = apply_for_card(world.social, ssn, bank="ICBC").application
    assert app is not None
    temp = world.new_card(temporary=True)
    issue_temporary_card(world.social, ssn, world.ops(temp), card_number=temp.card_number, hospital_certificate="H")
    receipt = report_loss(world.social, temp.card_number, Function.SOCIAL, formal=True)
    assert receipt.fee is not None and receipt.fee.amount == 2000 and receipt.fee.article == 19
    second = world.new_card(temporary=True)
    issue_temporary_card(world.social, ssn, world.ops(second), card_number=second.card_number,
                         hospital_certificate="H")
    card = world.produce(app.id)
    done = collect_card(world.social, card.card_number, world.ops(card))
    assert any("temporary card" in n for n in done.notes)
    assert card_status(world.social, second.card_number).status == "cancelled"
    returned = return_temporary_card(world.social, second.card_number, world.ops(second), damaged=True)
    assert returned.fee is not None and returned.fee.amount == 2000
    assert second.social is Lifecycle.TERMINATED


# ------------------------------------------------------------------------------------------ art. 20-21


@pytest.mark.clause("SSC-WIN-14")
def test_art21_pin_unlock_where_it_belongs(world: World) -> None:
    issued = world.issued(financial=True)
    issued.card.pin_blocked[Function.SOCIAL] = True
    issued.card.pin_blocked[Function.FINANCIAL] = True
    with pytest.raises(RuleViolation) as e:
        unblock_pin(world.social, issued.card_number, world.ops(issued.card), Function.FINANCIAL)
    assert "financial PIN is unlocked at the bank" in refused(21, e)
    with pytest.raises(RuleViolation) as e:
        unblock_pin(world.bank, issued.card_number, world.ops(issued.card, Side.BANK), Function.SOCIAL)
    refused(21, e)
    with pytest.raises(RuleViolation) as e:
        unblock_pin(world.social, issued.card_number, world.ops(issued.card), applicant=AGENT)
    refused(21, e)
    unblock_pin(world.social, issued.card_number, world.ops(issued.card))
    unblock_pin(world.bank, issued.card_number, world.ops(issued.card, Side.BANK), Function.FINANCIAL)
    assert issued.card.pin_blocked == {Function.SOCIAL: False, Function.FINANCIAL: False}
    assert [a.action for a in audit_entries(world.social, card_number=issued.card_number)][-2:] == [
        "unblock_pin", "unblock_pin"]


@pytest.mark.clause("SSC-WIN-14", "SSC-WIN-17")
def test_art20_pin_reset_never_logged(world: World) -> None:
    issued = world.issued(financial=True)
    with pytest.raises(RuleViolation) as e:
        reset_pin(world.social, issued.card_number, world.ops(issued.card), Function.FINANCIAL, "975310")
    refused(20, e)
    reset_pin(world.social, issued.card_number, world.ops(issued.card), Function.SOCIAL, "975310")
    reset_pin(world.bank, issued.card_number, world.ops(issued.card, Side.BANK), Function.FINANCIAL, "8642")
    assert issued.card.commands[-2:] == ["reset_pin:social", "reset_pin:financial"]
    from sqlalchemy import inspect, text

    with world.registry.engine.connect() as conn:
        dump = []
        for table in inspect(conn).get_table_names():
            dump += [repr(tuple(row)) for row in conn.execute(text(f"SELECT * FROM {table}"))]
    everything = "\n".join(dump)
    assert "975310" not in everything and "8642" not in everything
    assert issued.ssn not in "\n".join(r for r in dump if "reset_pin" in r or "unblock" in r)


@pytest.mark.clause("SSC-WIN-14")
def test_pin_refused_on_a_lost_card(world: World) -> None:
    issued = world.issued()
    report_loss(world.social, issued.card_number, Function.SOCIAL, formal=True)
    with pytest.raises(RuleViolation) as e:
        unblock_pin(world.social, issued.card_number, world.ops(issued.card))
    refused(14, e)
