"""One test (or a few) per article of the regulation the window layer implements, on every registry backend.
Refusals must cite the article in the error."""

from __future__ import annotations

import datetime as _dt

import pytest
from window_helpers import MONDAY, World, make_ssn

from sscard.spec_tables import Lifecycle
from sscard.window import (
    ActorRole,
    AgentGround,
    Applicant,
    CancellationReason,
    Damage,
    ExchangeReason,
    FeeCase,
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
    card_fee,
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
    register_person,
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
    assert receipt.card.expiry_date == MONDAY + _dt.timedelta(days=89)
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


# ------------------------------------------------------------------------------------------ issue 14: defects


@pytest.mark.clause("SSC-WIN-18")
def test_art14_no_financial_activation_after_a_loss_report(world: World) -> None:
    issued = world.issued()  # social active, financial not yet activated
    report_loss(world.social_platform, issued.card_number, Function.SOCIAL, formal=False)
    with pytest.raises(RuleViolation) as e:
        activate_financial(world.bank, issued.card_number, world.ops(issued.card, Side.BANK))
    assert "no function may be used" in refused(14, e)
    assert issued.card.financial is Lifecycle.ISSUED
    assert card_status(world.social, issued.card_number).financial == "issued"


@pytest.mark.clause("SSC-WIN-19")
def test_art15_cancelling_a_loss_report_restores_the_prior_state(world: World) -> None:
    issued = world.issued()  # the financial function was never switched on
    report_loss(world.bank_platform, issued.card_number, Function.FINANCIAL, formal=False)
    report_loss(world.bank, issued.card_number, Function.FINANCIAL, formal=True)
    receipt = cancel_loss(world.bank, issued.card_number, Function.FINANCIAL, world.ops(issued.card, Side.BANK))
    assert receipt.card is not None and receipt.card.financial == "issued" and receipt.card.blacklist == ()
    activate_financial(world.bank, issued.card_number, world.ops(issued.card, Side.BANK))  # not refused for good
    assert issued.card.financial is Lifecycle.ACTIVE
    # an active function comes back active
    report_loss(world.social_platform, issued.card_number, Function.SOCIAL, formal=False)
    again = cancel_loss(world.social, issued.card_number, Function.SOCIAL, world.ops(issued.card))
    assert again.card is not None and (again.card.social, again.card.financial) == ("active", "active")


@pytest.mark.clause("SSC-WIN-20")
def test_art18_an_uncollected_card_or_open_application_can_be_cancelled(world: World) -> None:
    from sscard.window import cancel_application

    ssn = world.person()
    app = apply_for_card(world.social, ssn, bank="ICBC").application
    assert app is not None
    card = world.produce(app.id)  # awaiting pick-up, never collected
    spouse = Applicant(ActorRole.HOUSEHOLD, "spouse", "440203196001011238", "household register")
    with pytest.raises(RuleViolation) as e:  # the bank does not cancel at the social side's place
        cancel_application(world.bank, app.id, CancellationReason.DEATH, applicant=spouse)
    refused(18, e)
    receipt = cancel_application(world.social, app.id, CancellationReason.DEATH, applicant=spouse)
    assert receipt.application is not None and receipt.application.status == "cancelled"
    assert card_status(world.social, card.card_number).status == "cancelled"
    assert "card:cancelled" in card_status(world.social, card.card_number).blacklist
    # an application not produced yet
    other = world.person()
    pending = apply_for_card(world.social, other, bank="ICBC").application
    assert pending is not None
    done = cancel_application(world.social, pending.id, CancellationReason.EMIGRATION)
    assert done.application is not None and done.application.status == "cancelled"
    apply_for_card(world.social, other, bank="ICBC")  # nothing open any more


@pytest.mark.clause("SSC-WIN-20")
def test_art18_cancellation_closes_a_pending_exchange(world: World) -> None:
    issued = world.issued(financial=True)
    exchange = apply_for_exchange(world.social, issued.card_number, ExchangeReason.DATA_CHANGE).application
    assert exchange is not None
    new = world.produce(exchange.id)
    settle_medical_account(world.social, issued.card_number, CancellationReason.EMIGRATION)
    close_bank_account(world.bank, issued.card_number, world.ops(issued.card, Side.BANK))
    assert card_status(world.social, new.card_number).status == "cancelled"
    apply_for_card(world.social, issued.ssn, bank="ICBC")  # no live card, no open application


@pytest.mark.clause("SSC-WIN-21")
def test_art18_a_loss_report_after_settlement_keeps_it(world: World) -> None:
    issued = world.issued(financial=True)
    settle_medical_account(world.social, issued.card_number, CancellationReason.EMIGRATION)
    report_loss(world.social, issued.card_number, Function.SOCIAL, formal=True)  # lost meanwhile
    receipt = close_bank_account(world.bank, issued.card_number)  # the card is gone: blacklisted
    assert receipt.card is not None and receipt.card.status == "cancelled"


@pytest.mark.clause("SSC-WIN-22")
def test_art19_no_temporary_card_while_only_an_exchange_is_pending(world: World) -> None:
    issued = world.issued()
    apply_for_exchange(world.social, issued.card_number, ExchangeReason.DATA_CHANGE)
    temp = world.new_card(temporary=True)
    with pytest.raises(RuleViolation) as e:
        issue_temporary_card(world.social, issued.ssn, world.ops(temp), card_number=temp.card_number,
                             hospital_certificate="H-1")
    assert issued.card_number in refused(19, e)


@pytest.mark.clause("SSC-WIN-23")
def test_art19_temporary_card_unusable_on_day_91(world: World) -> None:
    ssn = world.person()
    apply_for_card(world.social, ssn, bank="ICBC")
    temp = world.new_card(temporary=True)
    receipt = issue_temporary_card(world.social, ssn, world.ops(temp), card_number=temp.card_number,
                                   hospital_certificate="H-1")
    assert receipt.card is not None and receipt.card.expiry_date == MONDAY + _dt.timedelta(days=89)
    world.clock.set(MONDAY + _dt.timedelta(days=89))  # day 90 (the issue day is day 1)
    assert present_card(world.terminal, world.ops(temp, Side.TERMINAL)).usable
    world.clock.advance(days=1)  # day 91
    verdict = present_card(world.terminal, world.ops(temp, Side.TERMINAL))
    assert not verdict.usable and "expired" in verdict.reason


@pytest.mark.clause("SSC-WIN-24")
def test_art19_registry_expiry_compared_with_the_card(world: World) -> None:
    ssn = world.person()
    app = apply_for_card(world.social, ssn, bank="ICBC").application
    assert app is not None
    temp = world.new_card(temporary=True)
    temp.expiry_date = MONDAY + _dt.timedelta(days=365)  # EF05 says a year
    with pytest.raises(RuleViolation) as e:
        issue_temporary_card(world.social, ssn, world.ops(temp), card_number=temp.card_number,
                             hospital_certificate="H-1")
    assert "expiry" in refused(19, e)
    temp.expiry_date = MONDAY + _dt.timedelta(days=89)
    issue_temporary_card(world.social, ssn, world.ops(temp), card_number=temp.card_number,
                         hospital_certificate="H-1")
    temp.expiry_date = MONDAY + _dt.timedelta(days=200)  # a card rewritten outside the registry
    verdict = present_card(world.terminal, world.ops(temp, Side.TERMINAL))
    assert not verdict.usable and "expiry" in verdict.reason
    # a regular card: the expiry recorded at production is the one on the card
    card = world.new_card()
    card.expiry_date = _dt.date(2030, 1, 1)
    record_production(world.social, app.id, card_number=card.card_number, card_id=card.card_id,
                      expiry_date=_dt.date(2035, 3, 3))
    with pytest.raises(RuleViolation) as e:
        collect_card(world.social, card.card_number, world.ops(card))
    assert "2030-01-01" in str(e.value)


@pytest.mark.clause("SSC-WIN-25")
def test_art24_audit_contents_checked_not_only_field_names(world: World) -> None:
    from sqlalchemy import inspect, text

    ssn = world.person()
    apply_for_card(world.social, ssn, bank="ICBC")
    temp = world.new_card(temporary=True)
    for typed in ("肺炎 440203199001011234", "440203199001011234", "pneumonia, admitted 3 March"):
        with pytest.raises(RuleViolation) as e:
            issue_temporary_card(world.social, ssn, world.ops(temp), card_number=temp.card_number,
                                 hospital_certificate=typed)
        assert "hospital_certificate" in refused(24, e)
    issued = world.issued()
    report_loss(world.social, issued.card_number, Function.SOCIAL, formal=True)
    report_loss(world.bank, issued.card_number, Function.FINANCIAL, formal=True)
    with pytest.raises(RuleViolation) as e:
        apply_for_replacement(world.social, issued.card_number, bank_loss_receipt=issued.ssn)
    refused(24, e)
    with pytest.raises(RuleViolation) as e:  # an ID typed where the relationship goes
        apply_for_replacement(world.social, issued.card_number, bank_loss_receipt="ICBC-LR-9",
                              applicant=Applicant(ActorRole.AGENT, "440203199001011234", "440203197001011234",
                                                  "power of attorney #8"))
    assert "actor.relationship" in refused(24, e)
    with world.registry.engine.connect() as conn:
        dump = "\n".join(repr(tuple(row)) for table in inspect(conn).get_table_names()
                         for row in conn.execute(text(f"SELECT * FROM {table}")) if table != "persons")
    assert "440203199001011234" not in dump and "肺炎" not in dump and issued.ssn not in dump


@pytest.mark.clause("SSC-WIN-26")
def test_art24_operators_sign_in(world: World) -> None:
    from sscard.window import AuthenticationFailed, Window, add_operator, sign_in

    add_operator(world.registry, "op-li", "correct horse battery", side=Side.SOCIAL)
    with pytest.raises(RuleViolation) as e:  # once operators exist, a window acts only for a signed-in one
        world.person()
    assert "sign" in refused(24, e)
    with pytest.raises(RuleViolation) as e:  # nor read the audit trail
        audit_entries(world.social)
    refused(24, e)
    with pytest.raises(AuthenticationFailed):
        sign_in(world.registry, "op-li", "wrong", window_id="SG-9")
    with pytest.raises(AuthenticationFailed):
        sign_in(world.registry, "op-nobody", "correct horse battery", window_id="SG-9")
    window = sign_in(world.registry, "op-li", "correct horse battery", window_id="SG-9", clock=world.clock)
    assert isinstance(window, Window) and window.side is Side.SOCIAL
    ssn = make_ssn(_dt.date(1990, 5, 5), 901)
    register_person(window, ssn, "李四", photo_on_file=True)
    apply_for_card(window, ssn, bank="ICBC")
    assert {a.operator for a in audit_entries(window)} >= {"op-li"}
    import dataclasses

    forged = dataclasses.replace(window, operator="op-zhang")
    with pytest.raises(RuleViolation) as e:
        register_person(forged, make_ssn(_dt.date(1990, 5, 6), 902), "王五")
    refused(24, e)
    with world.registry.engine.connect() as conn:
        from sqlalchemy import text

        rows = [repr(tuple(r)) for r in conn.execute(text("SELECT * FROM operators"))]
    assert rows and not any("correct horse" in r for r in rows)


@pytest.mark.clause("SSC-WIN-27")
def test_art24_a_bank_acts_on_its_own_cards_only(world: World) -> None:
    issued = world.issued(financial=True)  # an ICBC card
    boc = world.window(Side.BANK, "BOC-SG-1", bank="BOC")
    with pytest.raises(RuleViolation) as e:
        report_loss(boc, issued.card_number, Function.FINANCIAL, formal=True)
    assert "ICBC" in refused(24, e)
    anonymous = world.window(Side.BANK, "BANK-?")
    with pytest.raises(RuleViolation) as e:
        report_loss(anonymous, issued.card_number, Function.FINANCIAL, formal=True)
    refused(24, e)
    report_loss(world.bank, issued.card_number, Function.FINANCIAL, formal=True)


@pytest.mark.clause("SSC-WIN-28")
def test_art14_a_loss_report_is_always_possible(world: World) -> None:
    from sscard.errors import CardConnectionError
    from sscard.window import CardOutcomeUnknown, pending_operations, resolve_pending

    issued = world.issued()
    issued.card.pin_blocked[Function.SOCIAL] = True
    ops = world.ops(issued.card)
    ops.fail_next("unblock_pin", CardConnectionError("reader: card removed"))
    with pytest.raises(CardOutcomeUnknown) as unknown:
        unblock_pin(world.social, issued.card_number, ops)
    receipt = report_loss(world.social_platform, issued.card_number, Function.SOCIAL, formal=False)
    assert any(f"#{unknown.value.journal_id}" in n for n in receipt.notes)
    [entry] = [p for p in pending_operations(world.social) if p.id == unknown.value.journal_id]
    assert entry.state == "superseded"
    with pytest.raises(RuleViolation) as e:  # its outcome waits for the card to be found
        resolve_pending(world.social, entry.id, world.ops(issued.card))
    refused(14, e)
    report_loss(world.social, issued.card_number, Function.SOCIAL, formal=True)  # no lock left on the card
    cancel_loss(world.social, issued.card_number, Function.SOCIAL, world.ops(issued.card))  # found again
    assert resolve_pending(world.social, entry.id, world.ops(issued.card)) is None  # the PIN is still blocked
    assert pending_operations(world.social) == []


@pytest.mark.clause("SSC-WIN-29")
def test_art17_assumed_fees_are_marked_and_configurable(world: World) -> None:
    from sscard.window import FeeSchedule

    issued = world.issued()
    receipt = apply_for_exchange(world.social, issued.card_number, ExchangeReason.HOLDER_REQUEST)
    assert receipt.fee is not None and receipt.fee.assumed
    assert "assumed" in receipt.to_json()["fee"]["basis"].lower()
    assert fees_charged(world.social, issued.ssn)[-1][3].startswith("[assumed amount]")  # the fee record too
    configured = world.window(Side.SOCIAL, "SG-FEES", fees=FeeSchedule(card_fee=2500, source="city price list"))
    other = world.issued()
    paid = apply_for_exchange(configured, other.card_number, ExchangeReason.HOLDER_REQUEST)
    assert paid.fee is not None and paid.fee.amount == 2500 and not paid.fee.assumed
    assert "city price list" in paid.fee.basis
    temp_fee = card_fee(FeeCase.TEMPORARY_LOST, today=MONDAY)
    assert temp_fee.amount == 2000 and not temp_fee.assumed and "art. 19" in temp_fee.basis


@pytest.mark.clause("SSC-WIN-28")
def test_art14_a_loss_report_while_a_command_runs_is_not_undone(world: World) -> None:
    from sscard.window import FakeCardOperations, pending_operations, resolve_pending
    from sscard.window._core import SupersededMeanwhile

    issued = world.issued()  # financial not activated yet
    bank = world.bank

    class SlowCard(FakeCardOperations):
        def activate(self, function: Function) -> None:  # the holder reports the card lost meanwhile
            report_loss(world.bank_platform, issued.card_number, Function.FINANCIAL, formal=False)
            super().activate(function)

    with pytest.raises(SupersededMeanwhile) as e:
        activate_financial(bank, issued.card_number, SlowCard(issued.card, frozenset({Function.FINANCIAL})))
    assert issued.card.financial is Lifecycle.ACTIVE  # the card did it
    assert card_status(bank, issued.card_number).financial == "temporary_loss"  # the report stands
    [entry] = pending_operations(bank)
    assert (entry.id, entry.state) == (e.value.journal_id, "superseded")
    cancelled = cancel_loss(bank, issued.card_number, Function.FINANCIAL, world.ops(issued.card, Side.BANK))
    assert cancelled.card is not None and cancelled.card.financial == "issued"  # as before the report
    assert any(f"#{entry.id}" in n for n in cancelled.notes)
    done = resolve_pending(bank, entry.id, world.ops(issued.card, Side.BANK))  # the card shows it was done
    assert done is not None and done.card is not None and done.card.financial == "active"
    assert pending_operations(bank) == []


@pytest.mark.clause("SSC-WIN-28", "SSC-WIN-7")
def test_art14_a_terminal_block_overtaken_by_a_loss_report(world: World) -> None:
    from sscard.window import FakeCardOperations, pending_operations

    issued = world.issued(financial=True)
    report_loss(world.social_platform, issued.card_number, Function.SOCIAL, formal=False)

    class SlowCard(FakeCardOperations):
        def block_application(self, function: Function) -> None:  # the bank hears of the loss meanwhile
            if function is Function.SOCIAL:
                report_loss(world.bank_platform, issued.card_number, Function.FINANCIAL, formal=False)
            super().block_application(function)

    verdict = present_card(world.terminal, SlowCard(issued.card))
    assert not verdict.usable and "recorded later" in verdict.reason
    assert issued.card.social is Lifecycle.BLOCKED and issued.card.financial is Lifecycle.BLOCKED
    assert [e.state for e in pending_operations(world.social)] == ["superseded"]
