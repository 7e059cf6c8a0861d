"""The personalisation line on reference-model cards: every valid holder on exactly one card and every card
with exactly one holder, whatever interrupts it, and a half-done card finished for its own holder."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from batch_helpers import BANK_KEYS, KEYS, holder, holders_on, station, write_jsonl
from postgres_helpers import database_url
from wrapped_connection import WrappedConnection

from jcardsim_bridge import VirtualReader
from sscard import Connection, PcscConnection, SocialSecuritySession
from sscard import spec_tables as t
from sscard.batch import (
    BatchIncomplete,
    BatchRejected,
    Journal,
    JournalError,
    JournalState,
    LineEvent,
    ModelCardLine,
    VirtualCardStack,
    read_batch,
    run_line,
)
from sscard.connection import default_applets
from sscard.errors import CardConnectionError, WrongCardState
from sscard.holder import parse_personalisation_data
from sscard.personalisation import card_identification, personalise
from sscard.spec_tables import Lifecycle


def journal_at(tmp_path: Path) -> Journal:
    return Journal(f"sqlite:///{tmp_path / 'journal.db'}")


class Killed(BaseException):
    """What ``kill -9`` does to the process, as seen from inside: nothing after it runs."""


class KillAfter(WrappedConnection):
    """A connection that dies (raises :class:`Killed`) once the shared ``budget`` of APDUs is spent."""

    def __init__(self, inner: Connection, budget: list[int]) -> None:
        super().__init__(inner)
        self.budget = budget

    def transmit(self, apdu: bytes) -> bytes:
        if self.budget[0] <= 0:
            raise Killed
        self.budget[0] -= 1
        return self.inner.transmit(apdu)


class WrappingSlot:
    """A reader of ``cards`` whose connections go through ``wrap`` (the card itself stays the stack's)."""

    def __init__(self, cards: ModelCardLine, wrap: Callable[[Connection], Connection]) -> None:
        self.cards = cards
        self.wrap = wrap

    @property
    def name(self) -> str:
        return self.cards.name

    @property
    def exhausted(self) -> bool:
        return self.cards.exhausted

    def wait_for_card(self, timeout: float) -> Connection | None:
        card = self.cards.wait_for_card(timeout)
        return self.wrap(card) if card is not None else None

    def wait_for_removal(self, connection: Connection, stop: threading.Event) -> None:
        self.cards.wait_for_removal(connection.inner if isinstance(connection, WrappedConnection) else connection,
                                    stop)


def killing_slot(cards: ModelCardLine, budget: int) -> WrappingSlot:
    """A reader whose cards' connections die after ``budget`` APDUs in all (shared across the whole run)."""
    shared = [budget]
    return WrappingSlot(cards, lambda card: KillAfter(card, shared))


def batch_file(tmp_path: Path, n: int, *, first: int = 1) -> Path:
    return write_jsonl(tmp_path / "batch.jsonl", [holder(i) for i in range(first, first + n)])


@pytest.mark.clause("SSC-HOST-7")
def test_a_batch_goes_on_two_readers_one_holder_per_card(tmp_path: Path) -> None:
    report = read_batch(batch_file(tmp_path, 8))
    lines = [ModelCardLine("reader-1", 6), ModelCardLine("reader-2", 6, first_unique=100)]
    events: list[LineEvent] = []
    with journal_at(tmp_path) as journal:
        outcome = run_line(report, lines, journal, KEYS, bank_keys=BANK_KEYS, on_event=events.append)
    assert outcome.complete and outcome.counts[JournalState.DONE] == 8
    on_cards = {**holders_on(lines[0]), **holders_on(lines[1])}
    expected = {r.data.holder.social_security_number for r in report.valid if r.data is not None}
    assert sorted(on_cards.values()) == sorted(expected)  # every holder once, every card one holder
    assert {e.card_unique: e.record for e in outcome.entries}.keys() == on_cards.keys()
    assert Counter(e.kind for e in events)["done"] == 8
    csv_text = outcome.cards_csv()
    assert csv_text.splitlines()[0] == "batch,record,state,card_unique,reason" and len(csv_text.splitlines()) == 9
    for ssn in expected:  # the report and the journal hold no personal data
        assert ssn not in csv_text and ssn not in str(outcome.to_json())


@pytest.mark.clause("SSC-HOST-5", "SSC-HOST-7")
def test_a_batch_with_problems_stops_before_any_card_unless_skipped(tmp_path: Path) -> None:
    records = [holder(i) for i in range(1, 6)]
    records[1]["holder"]["social_security_number"] = "440203199001011230"  # wrong check character
    records[3]["finance"]["pan"] = records[0]["finance"]["pan"]
    report = read_batch(write_jsonl(tmp_path / "b.jsonl", records))
    cards = ModelCardLine("reader", 5)
    with journal_at(tmp_path) as journal:
        with pytest.raises(BatchRejected) as rejected:
            run_line(report, [cards], journal, KEYS, bank_keys=BANK_KEYS)
        assert [(p.record, p.field) for p in rejected.value.report.problems] == [
            (2, "holder.social_security_number"), (4, "finance.pan")]
        assert holders_on(cards) == {}
        outcome = run_line(report, [cards], journal, KEYS, bank_keys=BANK_KEYS, skip_invalid=True)
        assert outcome.counts[JournalState.DONE] == 3 and len(holders_on(cards)) == 3


@pytest.mark.clause("SSC-HOST-5", "SSC-HOST-7")
def test_a_second_batch_cannot_repeat_a_journalled_holder_or_number(tmp_path: Path) -> None:
    with journal_at(tmp_path) as journal:
        run_line(read_batch(batch_file(tmp_path, 2)), [ModelCardLine("r", 2)], journal, KEYS, bank_keys=BANK_KEYS)
        again = [holder(1), holder(3), holder(4)]
        again[1]["card"]["card_number"] = holder(2)["card"]["card_number"]  # another holder's card number
        second = read_batch(write_jsonl(tmp_path / "second.jsonl", again))
        with pytest.raises(BatchRejected) as rejected:
            run_line(second, [ModelCardLine("r", 3, first_unique=50)], journal, KEYS, bank_keys=BANK_KEYS)
        problems = [(p.record, p.field) for p in rejected.value.report.problems]
        # holder 1 again with the same numbers is the same holder (a resumed run), not a duplicate
        assert problems == [(2, "card.card_number")]


@pytest.mark.clause("SSC-HOST-6", "SSC-HOST-7")
def test_a_line_killed_at_random_points_resumes_to_one_holder_per_card(tmp_path: Path) -> None:
    rng = random.Random(20261207)
    n = 6
    report = read_batch(batch_file(tmp_path, n))
    cards = ModelCardLine("reader", n + 4)
    url = f"sqlite:///{tmp_path / 'journal.db'}"
    kills = 0
    for _ in range(60):
        slot = killing_slot(cards, rng.randint(0, 60))
        with Journal(url) as journal:
            try:
                outcome = run_line(report, [slot], journal, KEYS, bank_keys=BANK_KEYS)
            except Killed:
                kills += 1
                continue
        break
    else:
        pytest.fail("the line never finished")
    assert kills >= 20
    assert outcome.complete and outcome.counts[JournalState.DONE] == n
    on_cards = holders_on(cards)
    expected = sorted(r.data.holder.social_security_number for r in report.valid if r.data is not None)
    assert sorted(on_cards.values()) == expected
    with Journal(url) as journal:
        assert {e.card_unique for e in journal.entries()} == set(on_cards)
    for connection in cards:  # no card left half done: both applications ISSUED or both untouched
        model: Any = connection.model
        assert model.lifecycle("SSSE") == model.lifecycle("PBOC") in ("ISSUED", "PERSONALISATION")


class PulledAfterSocial(WrappedConnection):
    """The card leaves the reader right after its social security application is ISSUED: at the SELECT of the
    financial application that follows END PERSONALISATION."""

    def __init__(self, inner: Connection, pulled: list[Connection]) -> None:
        super().__init__(inner)
        self.pulled = pulled

    def transmit(self, apdu: bytes) -> bytes:
        if not self.pulled and len(apdu) > 5 and apdu[1] == 0xA4 and apdu[5:5 + apdu[4]] == t.PBOC_AID:
            model: Any = getattr(self.inner, "model", None)
            if model is not None and model.lifecycle("SSSE") == "ISSUED":
                self.pulled.append(self.inner)
                raise CardConnectionError("the card was pulled out")
        return self.inner.transmit(apdu)


def losing_a_card(cards: ModelCardLine) -> tuple[WrappingSlot, list[Connection]]:
    """A reader of ``cards`` whose first card is pulled out right after its social security application is
    ISSUED, and the list that then holds that card."""
    pulled: list[Connection] = []
    return WrappingSlot(cards, lambda card: PulledAfterSocial(card, pulled)), pulled


@pytest.mark.clause("SSC-HOST-6")
def test_a_card_pulled_between_the_applications_is_finished_on_reinsertion(tmp_path: Path) -> None:
    report = read_batch(batch_file(tmp_path, 2))
    cards = ModelCardLine("reader", 2)
    slot, pulled_cards = losing_a_card(cards)
    events: list[LineEvent] = []
    with journal_at(tmp_path) as journal:
        with pytest.raises(BatchIncomplete) as incomplete:
            run_line(report, [slot], journal, KEYS, bank_keys=BANK_KEYS, on_event=events.append)
        assert incomplete.value.outcome.counts[JournalState.IN_PROGRESS] == 1, [str(e) for e in events]
        assert [e.kind for e in events][:1] == ["interrupted"]
        assert len(pulled_cards) == 1
        pulled = pulled_cards[0]
        cards.insert(pulled)  # the operator puts the card back
        outcome = run_line(report, [cards], journal, KEYS, bank_keys=BANK_KEYS, on_event=events.append)
    assert outcome.complete and "resumed-done" in [e.kind for e in events]
    model: Any = pulled.model
    assert model.lifecycle("SSSE") == "ISSUED" and model.lifecycle("PBOC") == "ISSUED"


@pytest.mark.clause("SSC-HOST-6")
def test_resuming_refuses_a_card_personalised_for_another_holder(tmp_path: Path) -> None:
    cards = ModelCardLine("reader", 1)
    card = cards.wait_for_card(0)
    assert card is not None
    first = parse_personalisation_data(holder(1))
    personalise(card, first, KEYS)  # social only: the financial application stays in PERSONALISATION
    other = parse_personalisation_data(holder(2))
    with pytest.raises(WrongCardState, match="another"):
        personalise(card, other, KEYS, bank_keys=BANK_KEYS, resume=True)
    model: Any = card.model
    assert model.lifecycle("PBOC") == "PERSONALISATION"  # nothing written for the other holder
    report = personalise(card, first, KEYS, bank_keys=BANK_KEYS, resume=True)
    assert report.finance is Lifecycle.ISSUED


@pytest.fixture(params=["sqlite", "postgresql"])
def journal_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path, "journal") as url:
        yield url


@pytest.mark.clause("SSC-HOST-7")
def test_two_stations_on_one_journal_never_take_the_same_holder(tmp_path: Path, journal_url: str) -> None:
    n = 24
    path = batch_file(tmp_path, n)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(2) as pool:
        start = manager.Barrier(2)  # both stations open the journal, then start together
        # each station has enough cards for the whole batch: only the journal keeps them apart
        results = [pool.apply_async(station, (journal_url, str(path), firsts, n, start))
                   for firsts in ([1, 1001], [2001, 3001])]
        found = [r.get(timeout=120) for r in results]
    on_cards = [ssn for result in found for ssn in result.values()]
    expected = sorted(r.data.holder.social_security_number for r in read_batch(path).valid if r.data is not None)
    assert sorted(on_cards) == expected  # every holder exactly once across both stations
    with Journal(journal_url) as journal:
        entries = journal.entries()
        assert len(entries) == n and {e.state for e in entries} == {JournalState.DONE}
        assert {e.card_unique for e in entries} == {card for result in found for card in result}


@pytest.mark.pcsc
@pytest.mark.clause("SSC-HOST-7")
def test_a_batch_through_the_virtual_pcsc_reader_as_a_stack_of_blank_cards(tmp_path: Path,
                                                                           controlled_reader: VirtualReader) -> None:
    """Every APDU through pcscd: each finished card goes, the next blank one comes, one holder each."""
    report = read_batch(batch_file(tmp_path, 3))
    stack = VirtualCardStack.of(controlled_reader, 4, first_unique=0x5000)
    with journal_at(tmp_path) as journal:
        outcome = run_line(report, [stack], journal, KEYS, bank_keys=BANK_KEYS)
    assert outcome.complete and outcome.counts[JournalState.DONE] == 3
    assert sorted(e.card_unique or "" for e in outcome.entries) == [f"{0x5000 + i:016X}" for i in range(3)]
    # the fourth card is in the reader, blank: the line took no more cards than holders
    with PcscConnection(controlled_reader.reader) as connection:
        assert card_identification(connection).card_unique == (0x5003).to_bytes(8, "big")
        assert SocialSecuritySession(connection).lifecycle(refresh=True) is Lifecycle.PERSONALISATION


@pytest.mark.pcsc
@pytest.mark.clause("SSC-HOST-6", "SSC-HOST-7")
def test_a_station_killed_with_sigkill_many_times_resumes_to_one_holder_per_card(
        tmp_path: Path, controlled_reader: VirtualReader) -> None:
    """``kill -9`` of the station process at random moments (the card lives on in the reader's JVM), then the
    same station again, until the batch is done: every holder done once, on a card of its own, none failed."""
    control = controlled_reader.control
    assert control is not None
    n = 150  # enough that 20 kills (each after a few cards at most) leave work for the last run
    path = batch_file(tmp_path, n)
    url = f"sqlite:///{tmp_path / 'journal.db'}"
    control.fresh_card(default_applets(card_unique=(0x7000_0000).to_bytes(8, "big")))
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), *sys.path])}
    kills = runs = 0
    while True:
        runs += 1
        assert runs < 200, "the station never finished"
        argv = [sys.executable, str(Path(__file__).with_name("line_station.py")), url, str(path),
                controlled_reader.reader, str(control.port), control.token, str(0x7000_0000 + runs * 1_000)]
        station_process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if kills < 20:
            time.sleep(rng.uniform(0.3, 0.6))  # the station starts in ~0.3 s: kills land in the line
            if station_process.poll() is None:
                station_process.send_signal(signal.SIGKILL)
                station_process.wait()
                kills += 1
                continue
        _, err = station_process.communicate(timeout=120)
        assert station_process.returncode == 0, err.decode()
        break
    assert kills >= 20
    with Journal(url) as journal:
        entries = journal.entries()
    assert len(entries) == n and {e.state for e in entries} == {JournalState.DONE}
    assert len({e.card_unique for e in entries}) == n  # each card one holder, each holder one card


@pytest.mark.clause("SSC-HOST-7")
def test_a_card_given_up_mid_way_is_never_used_and_its_holder_goes_on_another(tmp_path: Path) -> None:
    report = read_batch(batch_file(tmp_path, 2))
    cards = ModelCardLine("reader", 2)
    slot, pulled_cards = losing_a_card(cards)
    events: list[LineEvent] = []
    with journal_at(tmp_path) as journal:
        with pytest.raises(BatchIncomplete):  # the second card takes holder 2; then the reader is out of cards
            run_line(report, [slot], journal, KEYS, bank_keys=BANK_KEYS, on_event=events.append)
        [lost] = pulled_cards
        lost_unique = card_identification(lost).card_unique
        [stuck] = [e for e in journal.entries() if e.state is JournalState.IN_PROGRESS]
        assert stuck.card_unique == lost_unique.hex().upper()
        with pytest.raises(JournalError, match="say why"):
            journal.spoil(lost_unique, " ")
        released = journal.spoil(lost_unique, "dropped and cracked at station 2")
        assert released.state is JournalState.PENDING and released.card_unique is None
        with pytest.raises(JournalError, match="not in the journal"):
            journal.spoil(lost_unique, "twice")
        cards.insert(lost)  # it turns up again: rejected, untouched; a fresh blank card takes its holder
        fresh = ModelCardLine("reader-2", 1, first_unique=50)
        events.clear()
        outcome = run_line(report, [cards, fresh], journal, KEYS, bank_keys=BANK_KEYS, on_event=events.append)
    assert outcome.complete and outcome.counts[JournalState.DONE] == 2
    [rejected] = [e for e in events if e.kind == "rejected"]
    assert rejected.card_unique == lost_unique.hex().upper() and "spoiled card (dropped and cracked" in rejected.detail
    model: Any = lost.model
    assert model.lifecycle("PBOC") == "PERSONALISATION"  # nothing more was written to it
    on_cards = {**holders_on(cards), **holders_on(fresh)}
    assert lost_unique.hex().upper() not in {e.card_unique for e in outcome.entries}
    assert sorted(set(on_cards.values())) == sorted(r.data.holder.social_security_number for r in report.valid
                                                    if r.data is not None)


def test_only_a_card_in_progress_can_be_given_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sscard.cli import main as cli_main

    report = read_batch(batch_file(tmp_path, 1))
    url = f"sqlite:///{tmp_path / 'journal.db'}"
    with Journal(url) as journal:
        outcome = run_line(report, [ModelCardLine("reader", 1)], journal, KEYS, bank_keys=BANK_KEYS)
    done = outcome.entries[0].card_unique
    assert done is not None
    assert cli_main(["perso", "spoil", done, "--reason", "lost", "--journal", url]) == 1
    assert "is done (batch 'batch.jsonl' record 1), not in progress" in capsys.readouterr().err
    assert cli_main(["perso", "spoil", "12AB", "--reason", "lost", "--journal", url]) == 1
    assert "16 hex digits" in capsys.readouterr().err


@pytest.mark.clause("SSC-HOST-7")
def test_an_input_holding_part_of_a_batch_claims_only_its_own_holders(tmp_path: Path) -> None:
    whole = [holder(i) for i in range(1, 4)]
    with journal_at(tmp_path) as journal:
        journal.enqueue(read_batch(write_jsonl(tmp_path / "whole.jsonl", whole)), "the batch")
        part = read_batch(write_jsonl(tmp_path / "part.jsonl", whole[:2]))
        with pytest.raises(BatchIncomplete) as incomplete:  # holder 3's data is not in this input
            run_line(part, [ModelCardLine("reader", 3)], journal, KEYS, bank_keys=BANK_KEYS, batch="the batch")
    counts = incomplete.value.outcome.counts
    assert "the rest of the batch's holders are not in this input" in str(incomplete.value)
    assert counts[JournalState.DONE] == 2 and counts[JournalState.PENDING] == 1
    assert [e.record for e in incomplete.value.outcome.entries if e.state is JournalState.PENDING] == [3]
