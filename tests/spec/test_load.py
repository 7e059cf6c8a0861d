"""The spec loads, validates, and a broken spec file gives a precise error."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import apdu_spec
from apdu_spec import Spec, SpecError

SPEC_DIR = Path(apdu_spec.__file__).parent


def test_spec_loads(spec: Spec) -> None:
    assert set(spec.applications) == {"SSSE", "PBOC"}
    assert spec.applications["SSSE"].aid.hex().upper() == "7378312E73682EC9E7BBE1B1A3D5CF"
    assert spec.applications["PBOC"].aid.hex().upper() == "A000000333010101"
    assert spec.protocol.library_package_aid.hex().upper() == "F05353434401"
    assert {d.aid.hex().upper() for d in spec.applications["SSSE"].dfs.values()} == {
        "D15600000500",
        "D15600000501",
        "D15600000502",
        "D15600000503",
    }
    assert list(spec.lifecycle.states) == ["PERSONALISATION", "ISSUED", "ACTIVE", "BLOCKED", "TERMINATED"]


def test_required_status_words_exist(spec: Spec) -> None:
    patterns = {s.pattern for s in spec.status_words.values()}
    for p in (
        "9000",
        "61XX",
        "6CXX",
        "63CX",
        "6700",
        "6981",
        "6982",
        "6983",
        "6984",
        "6985",
        "6986",
        "6988",
        "6A80",
        "6A81",
        "6A82",
        "6A83",
        "6A86",
        "6A88",
        "6B00",
        "6D00",
        "6E00",
        "6F00",
    ):
        assert p in patterns
    assert not spec.status_words["UNCAUGHT_ERROR"].returned
    assert spec.status_words["VERIFY_FAILED"].matches(0x63C3)
    assert spec.sw_name(0x6C12) == "WRONG_LE"


@pytest.mark.clause("SSC-APDU-7")
def test_every_rule_cites_known_clauses(spec: Spec) -> None:
    for app in spec.applications.values():
        for c in app.commands.values():
            assert c.clauses and all(u.clause in spec.clauses for u in c.status_words)
    for clause in spec.clauses.values():
        assert clause.articles or clause.conventions


def test_regulation_articles_are_served(spec: Spec) -> None:
    served = {a for c in spec.clauses.values() for a in c.articles}
    assert {13, 14, 20, 21, 24} <= served
    pin_lock = [c.id for c in spec.clauses.values() if 21 in c.articles]
    assert "SSC-PIN-3" in pin_lock


def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "spec"
    d.mkdir()
    for f in SPEC_DIR.glob("*.toml"):
        shutil.copy(f, d / f.name)
    return d


def _edit(d: Path, name: str, old: str, new: str, count: int = 1) -> None:
    text = (d / name).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    (d / name).write_text(text.replace(old, new, count), encoding="utf-8")


def _error(d: Path) -> SpecError:
    with pytest.raises(SpecError) as e:
        apdu_spec.load(str(d))
    return e.value


def test_copy_loads(tmp_path: Path) -> None:
    assert apdu_spec.load(str(_copy(tmp_path))) is not None


def test_unknown_status_word(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(
        d,
        "ssse.toml",
        '{ sw = "AUTH_BLOCKED", when = "no tries left", clause = "SSC-PIN-3" },',
        '{ sw = "NOPE", when = "no tries left", clause = "SSC-PIN-3" },',
    )
    assert str(_error(d)) == "ssse.toml: commands.VERIFY.status_words[2].sw: unknown status word 'NOPE'"


def test_missing_field(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(d, "ssse.toml", 'title = "VERIFY (social security PIN)"\n', "")
    assert str(_error(d)) == "ssse.toml: commands.VERIFY.title: missing field"


def test_unknown_field(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(d, "pboc.toml", 'title = "GET DATA"\n', 'title = "GET DATA"\ntimeout = 3\n')
    assert str(_error(d)) == "pboc.toml: commands.GET_DATA.timeout: unknown field"


def test_transition_to_undefined_state(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(d, "lifecycle.toml", 'command = "ACTIVATE"\nto = "ACTIVE"', 'command = "ACTIVATE"\nto = "ACTIVATED"')
    assert str(_error(d)) == "lifecycle.toml: lifecycle.transitions[1].to: transition to an undefined state 'ACTIVATED'"


def test_retry_transition_to_undefined_state(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(
        d,
        "lifecycle.toml",
        'event = "UNBLOCK", counter = "reset", value = "keep", to = "UNVERIFIED"',
        'event = "UNBLOCK", counter = "reset", value = "keep", to = "UNLOCKED"',
    )
    err = _error(d)
    assert err.file == "lifecycle.toml"
    assert err.path == "retry_machines.pin.transitions[11].to"
    assert err.message == "transition to an undefined state 'UNLOCKED'"


def test_duplicate_clause_id(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(d, "clauses.toml", 'id = "SSC-PIN-4"', 'id = "SSC-PIN-3"')
    err = _error(d)
    assert err.file == "clauses.toml"
    assert re.fullmatch(r"clauses\[\d+\]\.id", err.path)
    assert err.message.startswith("duplicate clause id 'SSC-PIN-3' (first at clauses[")


def test_unknown_clause_reference(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(
        d,
        "access.toml",
        'clauses = ["SSC-ACC-2"]\n\n[profiles."3.0".files.EF06]',
        'clauses = ["SSC-ACC-99"]\n\n[profiles."3.0".files.EF06]',
    )
    assert str(_error(d)) == "access.toml: profiles.3.0.files.EF05.clauses[0]: unknown clause id 'SSC-ACC-99'"


def test_unknown_article(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(d, "clauses.toml", "articles = [2, 13, 20]", "articles = [2, 13, 99]")
    err = _error(d)
    assert (err.file, err.message) == ("clauses.toml", "unknown regulation article 99")
    assert err.path.endswith(".articles[2]")


def test_mac_command_must_list_sm_status_words(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(
        d,
        "ssse.toml",
        '  { sw = "SM_INCORRECT", when = "wrong MAC (one MAC failure counted)", clause = "SSC-SM-6" },\n',
        "",
    )
    err = _error(d)
    assert str(err).startswith("ssse.toml: commands.UPDATE_RECORD_SM.status_words: missing 'SM_INCORRECT'")


def test_mac_command_must_list_the_blocked_mac_key(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(d, "ssse.toml", '  { sw = "AUTH_BLOCKED", when = "the MAC key\'s failure counter is at 0 (no MAC is '
          'computed)", clause = "SSC-SM-6" },\n', "")
    assert "missing 'AUTH_BLOCKED'" in str(_error(d))


def test_mac_keys_need_a_try_limit_and_one_meaning(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(d, "ssse.toml", "try_limit = 15" + " " * 27 + "# MAC failures before the key blocks (SSC-SM-6)\n", "")
    assert "external authentication keys and MAC keys, and only they, have a try limit" in str(_error(d))
    (tmp_path / "2").mkdir()
    d = _copy(tmp_path / "2")
    _edit(d, "ssse.toml", 'usage = ["external_authenticate"]\ntry_limit = 10',
          'usage = ["external_authenticate", "mac"]\ntry_limit = 10')
    assert "not both an external authentication key and a MAC key" in str(_error(d))


def test_a_key_cannot_vouch_for_its_own_counter_reset(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(d, "ssse.toml", 'p1p2 = ["0002", "0005", "0006"]', 'p1p2 = ["0002", "0004", "0005", "0006"]')
    _edit(d, "ssse.toml", 'p1p2 = ["0004"]\ndata = { lengths = [4], layout = "MAC4 under the PIN unblock key" }',
          'p1p2 = ["0007"]\ndata = { lengths = [4], layout = "MAC4 under the PIN unblock key" }')
    assert "MAINT cannot vouch for its own reset" in str(_error(d))


def test_minimum_challenge_must_be_one_get_challenge_gives(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(d, "access.toml", "min_challenge_length = 8", "min_challenge_length = 16")
    assert "16-byte challenges: SSSE GET CHALLENGE gives none" in str(_error(d))


def test_command_states_must_match_lifecycle_table(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(d, "pboc.toml", 'sm = "MAINT"\nstates = ["ISSUED"]', 'sm = "MAINT"\nstates = ["ISSUED", "BLOCKED"]')
    err = _error(d)
    assert (err.file, err.path) == ("pboc.toml", "commands.ACTIVATE.states")


def test_syntax_error_names_the_file(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    (d / "status_words.toml").write_text("[status_words.OK\n", encoding="utf-8")
    err = _error(d)
    assert (err.file, err.path) == ("status_words.toml", "(syntax)")


def test_bad_hex(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(d, "pboc.toml", 'aid = "A000000333010101"', 'aid = "A00000033301010G"')
    assert str(_error(d)) == "pboc.toml: application.aid: not hexadecimal: 'A00000033301010G'"
