"""Faulty reference cards: the simulator seeds one fault into a correct card (sscard.sim.Fault, outside the
applets), and a conformance run on it fails exactly the clauses the fault declares and passes the rest.
The correct simulator card passing everything is test_conformance's (test_an_issuer_run_passes_every_check...,
test_a_blank_run_checks_the_blank_card...)."""

from __future__ import annotations

import pytest
from cards import CardFactory
from test_conformance import example_key_files, failures, keys_for

from jcardsim_bridge import BridgeError, Fault, Simulator, check_fault
from sscard.cli import main as cli_main
from sscard.conformance import CHECKS, Level, run
from sscard.connection import SimulatorConnection

GROUPS = {"APDU", "APP", "FILE", "ACC", "PIN", "SM", "KEY", "LC", "PERSO", "FIN"}


def level_for(fault: Fault) -> Level:
    """The level whose run can see the fault: blank when a clause is checked on a blank card only."""
    lowest = {c: min(chk.level for chk in CHECKS if c in chk.clauses) for c in fault.clauses}
    return Level.BLANK if Level.BLANK in lowest.values() else Level.ISSUER


def run_on(card_factory: CardFactory, simulator: Simulator, fault: Fault) -> set[str]:
    """Failed clauses of a run on a fresh card (personalised while still correct) with ``fault`` seeded."""
    from sscard import SoftwareBankKeys, SoftwareIssuerKeys

    level = level_for(fault)
    card = card_factory(state="PERSONALISATION" if level is Level.BLANK else "ACTIVE")
    simulator.set_fault(fault.name)
    try:
        if level is Level.BLANK:
            keys_file, bank_file = example_key_files(card_factory.sm4)
            report = run(card, level, keys=SoftwareIssuerKeys.load(keys_file),
                         bank_keys=SoftwareBankKeys.load(bank_file))
        else:
            report = run(card, level, **keys_for(card_factory))
    finally:
        simulator.set_fault(None)
    failed = [c for c in report.checks if c.verdict == "fail"]
    assert all(c.trace and c.expected != c.actual for c in failed), fault.name
    assert report.stopped is None, report.stopped
    return report.failed_clauses()


def checked_on(clause: str, profile: str) -> bool:
    """Whether the catalogue has a check of ``clause`` for a card of access profile ``profile``."""
    return any(clause in chk.clauses and chk.profile in (None, profile) for chk in CHECKS)


@pytest.mark.parametrize("card_factory", ["simulator", "simulator-sm4"], indirect=True)
def test_each_faulty_reference_card_fails_exactly_its_clauses(card_factory: CardFactory,
                                                              simulator_jvm: Simulator) -> None:
    faults = simulator_jvm.control.faults()
    assert {c.split("-")[1] for f in faults for c in f.clauses} >= GROUPS  # a fault for every clause group
    profile = "3.0" if card_factory.sm4 else "2.0"
    wrong = {}
    for fault in faults:
        # A clause checked only on cards of the other access profile cannot fail here (SSC-ACC-4 on a 3.0 card).
        expected = {c for c in fault.clauses if checked_on(c, profile)}
        failed = run_on(card_factory, simulator_jvm, fault)
        if failed != expected:
            wrong[fault.name] = f"expected to fail {sorted(expected)}, the run failed {sorted(failed)}"
    assert not wrong, wrong
    assert simulator_jvm.fault() is None


def test_every_fault_breaks_a_clause_of_a_2nd_generation_card() -> None:
    # The matrix above is exact on both generations; on a 2nd-generation card every declared clause is checked.
    from jcardsim_bridge import faults

    assert all(checked_on(c, "2.0") for f in faults() for c in f.clauses)


@pytest.mark.parametrize("card_factory", ["simulator"], indirect=True)
def test_the_same_card_without_the_fault_passes(card_factory: CardFactory, simulator_jvm: Simulator) -> None:
    card = card_factory()
    simulator_jvm.set_fault("atc_never_moves")
    simulator_jvm.set_fault(None)  # taken out again: the correct card
    report = run(card, Level.ISSUER, **keys_for(card_factory))
    assert report.passed, failures(report)


def test_the_docs_list_the_simulators_faults_with_their_clauses(simulator_jvm: Simulator) -> None:
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "conformance.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- faults -->(.*?)<!-- /faults -->", text, re.S)
    assert block, "docs/conformance.md has no fault table"
    rows = re.findall(r"^\| `([a-z0-9_A-Z]+)` \|[^|]+\| ([^|]+) \|$", block.group(1), re.M)
    documented = {name: frozenset(clauses.replace(" ", "").split(",")) for name, clauses in rows}
    assert documented == {f.name: f.clauses for f in simulator_jvm.control.faults()}


def test_a_simulator_connection_starts_with_a_fault_and_refuses_an_unknown_one() -> None:
    from sscard.errors import CardConnectionError

    with SimulatorConnection(fault="record_missing_answers_6A82") as card:
        assert card.simulator.fault() == "record_missing_answers_6A82"
        card.transmit(bytes.fromhex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF"))
        assert card.transmit(bytes.fromhex("00B2202C00"))[-2:] == bytes.fromhex("6A82")
        with pytest.raises(CardConnectionError, match="unknown fault 'nope'; the faults are: .*atc_never_moves"):
            SimulatorConnection(card.simulator, fault="nope")
    with pytest.raises(CardConnectionError, match="unknown fault 'nope'"):
        SimulatorConnection(fault="nope")


def test_sim_start_refuses_an_unknown_fault_before_starting_anything(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(BridgeError, match="the faults are: wrong_le_answers_6700, "):
        check_fault("nope")
    assert cli_main(["sim", "start", "--fault", "nope"]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown fault 'nope'; the faults are:" in err
