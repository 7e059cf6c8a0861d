"""The conformance tool (sscard.conformance, `sscard conformance`): its catalogue against the spec, runs on
the reference model and the simulator that pass, seeded faults that fail exactly their clauses, refusals,
the report files and the command line."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cards import REAL_READER_ENV, CardFactory, algorithm_of
from wrapped_connection import WrappedConnection

from apdu_spec import model as model_module
from apdu_spec.model import CardModel
from sscard import Connection, ModelConnection
from sscard import spec_tables as t
from sscard.cli import _card
from sscard.cli import main as cli_main
from sscard.conformance import CHECKS, Level, Refused, card_side_clauses, run
from sscard.conformance.report import to_html, write
from sscard.conformance.runner import Report
from sscard.errors import CardConnectionError
from sscard.keys import PreparedBankKeys, PreparedIssuerKeys

DOCS = Path(__file__).resolve().parents[2] / "docs" / "conformance.md"
KINDS = ["model", "model-sm4", "simulator", "simulator-sm4"]


def keys_for(factory: CardFactory, *, rk: bytes | None = None, ik: bytes | None = None) -> dict[str, Any]:
    """The issuer and bank keys and the PIN of the factory's example card (``ik``: another issuer's IK)."""
    profile = factory.example()
    ap = profile.ssse
    card_keys = dict(ap.keys)
    if ik is not None:
        card_keys["IK"] = ik
    assert profile.pboc is not None
    return {"keys": PreparedIssuerKeys(city_code="440200", transport_key=ap.perso_key, card_keys=card_keys,
                                       algorithm=algorithm_of(ap)),
            "bank_keys": PreparedBankKeys(transport_key=profile.pboc.perso_key, card_keys=profile.pboc.keys),
            "pin": ap.pin}


def ran(report: Report) -> list[str]:
    return [c.id for c in report.checks if c.verdict in ("pass", "fail")]


def failures(report: Report) -> list[str]:
    return [f"{c.id}: {c.what}: expected {c.expected}, got {c.actual}" for c in report.checks if c.verdict == "fail"]


# ------------------------------------------------------------------------------------- the catalogue


def test_every_check_id_is_unique() -> None:
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))


def test_every_clause_a_check_names_is_a_card_side_clause_of_the_spec() -> None:
    card_side = set(card_side_clauses())
    assert {c for check in CHECKS for c in check.clauses} <= card_side
    assert card_side <= set(t.CLAUSES)


def documented_uncovered() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- uncovered -->(.*?)<!-- /uncovered -->", text, re.S)
    assert block, "docs/conformance.md has no uncovered-clause list"
    return re.findall(r"SSC-[A-Z]+-\d+", block.group(1))


def test_the_clauses_without_a_check_are_the_documented_ones() -> None:
    # Coverage can only grow: a new check removes its clause from the documented list, nothing adds to it.
    covered = {c for check in CHECKS for c in check.clauses}
    assert [c for c in card_side_clauses() if c not in covered] == documented_uncovered()


def test_card_block_is_the_only_check_that_terminates_and_it_needs_the_card_named() -> None:
    from sscard.conformance import Need

    terminating = [c for c in CHECKS if c.terminates]
    assert [c.id for c in terminating] == ["IS-LC-CARD-BLOCK"]
    assert all(Need.TERMINATE in c.needs for c in terminating)


# -------------------------------------------------------------------------- runs on correct cards


@pytest.mark.parametrize("card_factory", KINDS, indirect=True)
def test_a_read_only_run_passes_every_check_it_runs(card_factory: CardFactory) -> None:
    report = run(card_factory(), Level.READ_ONLY)
    assert report.passed, failures(report)
    assert len(ran(report)) >= 20
    assert all(c.level is Level.READ_ONLY for c in CHECKS if c.id in ran(report))


@pytest.mark.parametrize("card_factory", KINDS, indirect=True)
def test_an_issuer_run_passes_every_check_and_leaves_the_card_as_it_was(card_factory: CardFactory) -> None:
    card = card_factory()
    given = keys_for(card_factory)
    report = run(card, Level.ISSUER, **given)
    assert report.passed, failures(report)
    assert report.summary["fail"] == 0 and report.summary["pass"] >= 45
    # Put back: both applications ACTIVE, full PIN tries, the keys usable (a second run passes as well).
    again = run(card, Level.ISSUER, **given)
    assert again.passed, failures(again)
    assert again.state.ssse == "ACTIVE" and again.state.pboc == "ACTIVE"


@pytest.mark.clause("SSC-LC-7")
@pytest.mark.parametrize("card_factory", ["model"], indirect=True)
def test_card_block_runs_only_with_the_cards_own_id(card_factory: CardFactory) -> None:
    card = card_factory()
    given = keys_for(card_factory)
    with pytest.raises(Refused, match="not this card's identification code"):
        run(card, Level.ISSUER, allow_terminate="00" * 16, **given)
    card_id = run(card, Level.READ_ONLY).state.card_id
    assert card_id is not None
    report = run(card, Level.ISSUER, allow_terminate=card_id.hex(), **given)
    assert report.passed, failures(report)
    assert "IS-LC-CARD-BLOCK" in ran(report)
    assert run(card, Level.READ_ONLY).state.ssse == "TERMINATED"


# -------------------------------------------------------------------------------- seeded faults

Fault = Callable[[pytest.MonkeyPatch], None]


def record_missing_answers_file_not_found(mp: pytest.MonkeyPatch) -> None:
    original = model_module._ACTIONS["read_record"]  # the model dispatches commands through this table

    def faulty(self: CardModel, st: Any, ctx: Any) -> bytes:
        try:
            return original(self, st, ctx)
        except model_module._Sw as sw:
            if sw.args and sw.args[0] == "RECORD_NOT_FOUND":
                raise model_module._Sw("FILE_NOT_FOUND") from None
            raise
    mp.setitem(model_module._ACTIONS, "read_record", faulty)


def pin_counter_not_decremented(mp: pytest.MonkeyPatch) -> None:
    original = CardModel._pin_event

    def faulty(self: CardModel, st: Any, event: str, match: bool | None, *args: Any, **kwargs: Any) -> None:
        before = st.pin_tries
        try:
            original(self, st, event, match, *args, **kwargs)
        except model_module._Sw:
            if event == "VERIFY" and match is False and before > 0:
                st.pin_tries = before
                raise model_module._Sw("VERIFY_FAILED", before) from None
            raise
    mp.setattr(CardModel, "_pin_event", faulty)


def challenge_reusable(mp: pytest.MonkeyPatch) -> None:
    original = CardModel._process

    def faulty(self: CardModel, st: Any, apdu: bytes, parsed: Any) -> bytes:
        kept = st.challenge
        try:
            return original(self, st, apdu, parsed)
        finally:
            if st.challenge is None:
                st.challenge = kept
    mp.setattr(CardModel, "_process", faulty)


def medical_record_without_pin(mp: pytest.MonkeyPatch) -> None:
    original = CardModel._require

    def faulty(self: CardModel, st: Any, conditions: tuple[str, ...]) -> None:
        original(self, st, tuple(c for c in conditions if c != "PIN"))
    mp.setattr(CardModel, "_require", faulty)


def unknown_ins_answers_6e00(mp: pytest.MonkeyPatch) -> None:
    original = CardModel._process

    def faulty(self: CardModel, st: Any, apdu: bytes, parsed: Any) -> bytes:
        try:
            return original(self, st, apdu, parsed)
        except model_module._Sw as sw:
            if sw.name == "INS_NOT_SUPPORTED":
                raise model_module._Sw("CLA_NOT_SUPPORTED") from None
            raise
    mp.setattr(CardModel, "_process", faulty)


def block_of_a_blocked_application_refused(mp: pytest.MonkeyPatch) -> None:
    original = model_module._ACTIONS["transition"]

    def faulty(self: CardModel, st: Any, ctx: Any) -> bytes:
        if ctx.cmd.name == "APPLICATION_BLOCK" and st.lifecycle == "BLOCKED":
            raise model_module._Sw("CONDITIONS_NOT_SATISFIED")
        return original(self, st, ctx)
    mp.setitem(model_module._ACTIONS, "transition", faulty)


def atc_never_moves(mp: pytest.MonkeyPatch) -> None:
    original = model_module._ACTIONS["get_data"]

    def faulty(self: CardModel, st: Any, ctx: Any) -> bytes:
        answer = original(self, st, ctx)
        return answer[:3] + bytes(len(answer) - 3) if answer[:2] == bytes.fromhex("9F36") else answer
    mp.setitem(model_module._ACTIONS, "get_data", faulty)


FAULTS: dict[str, tuple[Fault, set[str]]] = {
    # MANAGE CHANNEL's 6D00 is SSC-APP-6's as well as SSC-APDU-4's: the fault breaks both.
    "unknown_ins_answers_6E00": (unknown_ins_answers_6e00, {"SSC-APDU-4", "SSC-APP-6"}),
    "block_of_a_blocked_application_refused": (block_of_a_blocked_application_refused, {"SSC-LC-5"}),
    "atc_never_moves": (atc_never_moves, {"SSC-FIN-3"}),
    "record_missing_answers_6A82": (record_missing_answers_file_not_found, {"SSC-FILE-2"}),
    "pin_counter_not_decremented": (pin_counter_not_decremented, {"SSC-PIN-2"}),
    "challenge_reusable": (challenge_reusable, {"SSC-SM-1"}),
    "medical_record_without_pin": (medical_record_without_pin, {"SSC-ACC-3"}),
}


@pytest.mark.clause("SSC-FILE-2", "SSC-PIN-2", "SSC-SM-1", "SSC-ACC-3", "SSC-APDU-4", "SSC-LC-5", "SSC-FIN-3")
@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("card_factory", ["model", "model-sm4"], indirect=True)
def test_a_seeded_fault_fails_exactly_its_clauses(card_factory: CardFactory, fault: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    card = card_factory()  # personalised before the fault is in
    seed, expected = FAULTS[fault]
    seed(monkeypatch)
    report = run(card, Level.ISSUER, **keys_for(card_factory))
    assert report.failed_clauses() == expected, failures(report)
    failed = [c for c in report.checks if c.verdict == "fail"]
    assert failed and all(c.trace and c.expected != c.actual for c in failed)
    assert not report.passed


# ------------------------------------------------------------------------------------- refusals


@pytest.mark.clause("SSC-LC-1")
@pytest.mark.parametrize("card_factory", ["model"], indirect=True)
def test_levels_that_do_not_fit_the_card_are_refused_in_one_line(card_factory: CardFactory) -> None:
    with pytest.raises(Refused, match="blank card; .* ACTIVE"):
        run(card_factory(), Level.BLANK)
    with pytest.raises(Refused, match="needs the issuer keys"):
        run(card_factory(), Level.ISSUER)
    with pytest.raises(Refused, match="blank"):
        run(card_factory(state="PERSONALISATION"), Level.HOLDER, pin="123456")


@pytest.mark.clause("SSC-KEY-4")
@pytest.mark.parametrize("card_factory", ["model", "simulator"], indirect=True)
def test_keys_of_another_issuer_are_refused_without_spending_a_try(card_factory: CardFactory) -> None:
    card = card_factory()
    other = keys_for(card_factory, ik=bytes(range(16)))
    model_card = card.model if isinstance(card, ModelConnection) else None
    with pytest.raises(Refused, match="do not fit this card"):
        run(card, Level.ISSUER, **other)
    if model_card is not None:
        assert all(model_card.key_tries("SSSE", role) == t.KEYS["SSSE"][role].try_limit
                   for role in ("RK", "MAINT", "UNBLOCK", "RELOAD"))
    assert run(card, Level.ISSUER, **keys_for(card_factory)).passed


class PulledOut(WrappedConnection):
    """A card pulled from the reader after ``after`` exchanges."""

    def __init__(self, inner: Connection, after: int) -> None:
        super().__init__(inner)
        self.left = after

    def transmit(self, apdu: bytes) -> bytes:
        self.left -= 1
        if self.left < 0:
            raise CardConnectionError("card removed")
        return self.inner.transmit(apdu)

    def reset(self) -> None:
        if self.left < 0:
            raise CardConnectionError("card removed")
        self.inner.reset()


@pytest.mark.clause("SSC-LC-8")
@pytest.mark.parametrize("card_factory", ["model"], indirect=True)
def test_a_card_removed_mid_run_gives_a_report_that_says_where_it_stopped(card_factory: CardFactory) -> None:
    report = run(PulledOut(card_factory(), 60), Level.READ_ONLY)
    assert report.stopped is not None and "card removed" in report.stopped
    stopped_at = report.stopped.split(":")[0]
    after = [c for c in report.checks][[c.id for c in report.checks].index(stopped_at) + 1:]
    assert after and all(c.verdict == "not-run" for c in after)
    assert not report.passed and report.to_json()["stopped"] == report.stopped


# ------------------------------------------------------------------------------- report, command line


@pytest.fixture
def model_reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[CardFactory]:
    from cards import model_factory

    factory = model_factory()
    card = factory()
    monkeypatch.setattr(_card, "open_connection", lambda reader: card)
    yield factory


@pytest.mark.clause("SSC-APDU-6")
def test_the_command_writes_both_reports_and_exits_0_when_nothing_failed(
        model_reader: CardFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["conformance", "--level", "read-only", "--report-dir", str(tmp_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["result"] == "pass" and out["level"] == "read-only" and out["summary"]["fail"] == 0
    saved = json.loads(Path(out["files"]["json"]).read_text(encoding="utf-8"))
    assert saved["card_id"] == out["card_id"] and len(saved["spec"]["sha256"]) == 64
    assert {c["id"] for c in saved["clauses"]} == set(card_side_clauses())
    page = Path(out["files"]["html"]).read_text(encoding="utf-8")
    assert "<style>" in page and not re.search(r"""(src|href)=["']?https?:""", page)


@pytest.mark.clause("SSC-SM-1")
def test_the_command_exits_1_and_shows_the_failing_check(model_reader: CardFactory, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    record_missing_answers_file_not_found(monkeypatch)
    assert cli_main(["conformance", "--level", "read-only", "--report-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL:") and "RO-FILE-READ-FORMS" in out and "expected 6A83, got 6A82" in out


def test_the_command_refuses_in_one_line(model_reader: CardFactory, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["conformance", "--level", "issuer", "--report-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("sscard: error: --level issuer needs the issuer keys")
    assert not list(tmp_path.iterdir())


@pytest.mark.clause("SSC-FILE-2")
def test_a_failure_row_of_the_html_page_has_expected_actual_and_the_masked_trace(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from cards import model_factory

    card = model_factory()()
    record_missing_answers_file_not_found(monkeypatch)
    page = to_html(run(card, Level.READ_ONLY))
    row = re.search(r'<tr class="fail" id="SSC-FILE-2">(.*?)</tr>', page, re.S)
    assert row and "expected <b>6A83</b>, actual <b>6A82</b>" in row.group(1) and "00 B2" in row.group(1)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_the_html_report_in_headless_chromium_shows_the_summary_and_the_table(tmp_path: Path) -> None:
    from cards import model_factory

    _, html_path = write(run(model_factory()(), Level.READ_ONLY), tmp_path)
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          html_path.as_uri()], capture_output=True, text=True, timeout=120, check=True).stdout
    assert 'id="summary"' in dom and 'data-verdict="pass"' in dom
    assert len(re.findall(r'<tr class="[a-z-]+" id="SSC-', dom)) == len(card_side_clauses())


@pytest.mark.clause("SSC-PIN-4", "SSC-LC-5")
@pytest.mark.parametrize("card_factory", ["model", "simulator"], indirect=True)
def test_an_issuer_run_from_key_files_and_a_pin_on_stdin_passes(card_factory: CardFactory, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from apdu_spec.model import CardProfile
    from sscard import (
        CardProtocol,
        FinanceSession,
        SocialSecuritySession,
        SoftwareBankKeys,
        SoftwareIssuerKeys,
        examples,
        load_personalisation_file,
        personalise,
    )

    # As a vendor's card would come: personalised from the example holder file with key files of masters.
    keys_file, bank_file = examples.path(examples.ISSUER_KEYS), examples.path(examples.BANK_KEYS)
    keys, bank_keys = SoftwareIssuerKeys.load(keys_file), SoftwareBankKeys.load(bank_file)
    holder = load_personalisation_file(examples.path(examples.HOLDER))
    card = card_factory(CardProfile.example(), state="PERSONALISATION")
    personalise(card, holder, keys, bank_keys=bank_keys)
    protocol = CardProtocol.of(card)
    FinanceSession(protocol, keys=bank_keys).activate()
    SocialSecuritySession(protocol, keys=keys).activate()
    card.reset()
    monkeypatch.setattr(_card, "open_connection", lambda reader: card)
    monkeypatch.setattr("sys.stdin", io.StringIO(holder.social.initial_pin + "\n"))
    code = cli_main(["conformance", "--level", "issuer", "--keys", str(keys_file), "--bank-keys",
                     str(bank_file), "--pin-stdin", "--report-dir", str(tmp_path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0, [c for c in out["checks"] if c["verdict"] == "fail"]
    assert out["summary"]["fail"] == 0 and out["summary"]["pass"] >= 50
    ran_ids = {c["id"] for c in out["checks"] if c["verdict"] == "pass"}
    assert {"HO-PIN-BLOCKED", "IS-SM-MAC-LIMIT", "IS-FIN-BLOCK-UNBLOCK", "IS-KEY-BANK-APART"} <= ran_ids


@pytest.mark.clause("SSC-PIN-3")
@pytest.mark.parametrize("card_factory", ["model"], indirect=True)
def test_a_holder_run_without_keys_leaves_the_pin_lock_not_run(card_factory: CardFactory) -> None:
    report = run(card_factory(), Level.HOLDER, pin=keys_for(card_factory)["pin"])
    assert report.passed, failures(report)
    verdicts = {c.id: c for c in report.checks}
    assert verdicts["HO-PIN-VERIFY"].verdict == "pass"
    assert verdicts["HO-PIN-BLOCKED"].verdict == "not-run" and "issuer keys" in verdicts["HO-PIN-BLOCKED"].reason
    assert verdicts["IS-SM-MAC-LIMIT"].verdict == "not-run"
    assert {c.id: c.verdict for c in report.clauses}["SSC-PIN-3"] == "not-run"


def example_key_files(sm4: bool) -> tuple[Path, Path]:
    from sscard import examples

    return (examples.path(examples.ISSUER_KEYS_SM4 if sm4 else examples.ISSUER_KEYS),
            examples.path(examples.BANK_KEYS))


@pytest.mark.clause("SSC-PERSO-2", "SSC-PERSO-3", "SSC-PERSO-4", "SSC-PERSO-5", "SSC-LC-3")
@pytest.mark.parametrize("card_factory", KINDS, indirect=True)
def test_a_blank_run_checks_the_blank_card_personalises_it_and_passes_everything(card_factory: CardFactory) -> None:
    import time

    from sscard import SoftwareBankKeys, SoftwareIssuerKeys

    keys_file, bank_file = example_key_files(card_factory.sm4)
    card = card_factory(state="PERSONALISATION")
    start = time.perf_counter()
    report = run(card, Level.BLANK, keys=SoftwareIssuerKeys.load(keys_file),
                 bank_keys=SoftwareBankKeys.load(bank_file))
    elapsed = time.perf_counter() - start
    assert report.passed, failures(report)
    assert elapsed < 60
    verdicts = {c.id: c.verdict for c in report.clauses}
    assert all(verdicts[c] == "pass" for c in ("SSC-PERSO-2", "SSC-PERSO-3", "SSC-PERSO-5", "SSC-LC-3"))
    assert report.state.ssse == "ACTIVE" and report.state.pboc == "ACTIVE"
    assert run(card, Level.READ_ONLY).state.ssse == "ACTIVE"


@pytest.mark.clause("SSC-PERSO-3")
@pytest.mark.parametrize("card_factory", ["model"], indirect=True)
def test_a_put_key_accepting_any_check_value_fails_perso_3_only(card_factory: CardFactory,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from sscard import SoftwareBankKeys, SoftwareIssuerKeys

    original = model_module._ACTIONS["put_key"]

    def faulty(self: CardModel, st: Any, ctx: Any) -> bytes:
        try:
            return original(self, st, ctx)
        except model_module._Sw as sw:
            if sw.name == "WRONG_DATA":
                return b""  # takes a key whose check value is wrong
            raise
    monkeypatch.setitem(model_module._ACTIONS, "put_key", faulty)
    keys_file, bank_file = example_key_files(False)
    report = run(card_factory(state="PERSONALISATION"), Level.BLANK, keys=SoftwareIssuerKeys.load(keys_file),
                 bank_keys=SoftwareBankKeys.load(bank_file))
    assert report.failed_clauses() == {"SSC-PERSO-3"}, failures(report)


def test_the_traceability_table_of_the_docs_is_the_catalogues() -> None:
    from sscard.conformance.document import rewrite

    text = DOCS.read_text(encoding="utf-8")
    assert rewrite(text) == text, "run: python -m sscard.conformance.document docs/conformance.md"


@pytest.mark.clause("SSC-PIN-4", "SSC-KEY-6")
@pytest.mark.parametrize("card_factory", ["model", "model-sm4"], indirect=True)
def test_a_card_with_spent_tries_passes_and_ends_with_full_counters(card_factory: CardFactory) -> None:
    card = card_factory()
    assert isinstance(card, ModelConnection)
    given = keys_for(card_factory)
    select = bytes((0x00, 0xA4, 0x04, 0x00, len(t.SSSE_AID))) + t.SSSE_AID
    card.transmit(select)
    assert card.transmit(bytes.fromhex("0020000003999999"))[-2:] == bytes.fromhex("63C5")  # one PIN try spent
    block = 16 if card_factory.sm4 else 8
    card.transmit(bytes((0x00, 0x84, 0x00, 0x00, block)))
    card.transmit(bytes((0x00, 0x82, 0x00, t.KEYS["SSSE"]["RK"].id, block)) + bytes(block))
    assert card.model.key_tries("SSSE", "RK") == 9  # one RK try spent
    report = run(card, Level.ISSUER, **given)
    assert report.passed, failures(report)
    assert card.model.pin_tries("SSSE") == 6 and card.model.key_tries("SSSE", "RK") == 10
    assert card.model.key_tries("SSSE", "MAINT") == 15


@pytest.mark.parametrize("card_factory", ["model"], indirect=True)
def test_the_json_report_has_the_documented_keys(card_factory: CardFactory) -> None:
    text = DOCS.read_text(encoding="utf-8")
    table = text[text.index("JSON, format 1"):text.index("`--json` prints")]
    documented = set()
    for cell in re.findall(r"^\| ([^|]+) \|", table, re.M):
        documented |= set(re.findall(r"`([a-z_]+)`", cell))
    report = run(card_factory(), Level.READ_ONLY).to_json()
    assert set(report) == documented
    assert report["format"] == 1 and set(report["summary"]) == {"pass", "fail", "not-run", "not-applicable",
                                                                 "no-check"}


# ------------------------------------------------------------------------------ a real card (opt-in)

# The real-card path of the suite runs the same catalogue: one set of card checks. Opt-in with
# SSCARD_REAL_READER (a test card prepared by `python tests/cards.py READER`); the issuer level also needs
# SSCARD_REAL_CARD_DESTRUCTIVE=yes (it blocks and unblocks, and spends and restores tries).
_REAL = pytest.param("real", marks=(pytest.mark.real_card, pytest.mark.serial, *(
    () if os.environ.get(REAL_READER_ENV) else
    (pytest.mark.skip(reason=f"no real card: {REAL_READER_ENV} names none (opt-in, never by accident)"),))))


@pytest.mark.read_only
@pytest.mark.parametrize("card_factory", [_REAL], indirect=True)
def test_the_catalogue_on_a_real_test_card_read_only(card_factory: CardFactory) -> None:
    report = run(card_factory(), Level.READ_ONLY)
    assert not failures(report) and not report.stopped
    assert ran(report)


@pytest.mark.parametrize("card_factory", [_REAL], indirect=True)
def test_the_catalogue_on_a_real_test_card_at_issuer_level(card_factory: CardFactory) -> None:
    report = run(card_factory(), Level.ISSUER, **keys_for(card_factory))
    assert not failures(report) and not report.stopped
