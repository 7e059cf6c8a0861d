"""Disagreements the property suites found, kept as explicit cases (shrunk by hypothesis).

Each case states the answer the spec gives, and the card must give it: the status word, the data (none:
every case is refused), and, when a challenge was fetched before the APDU, whether a command MAC'd over
that challenge still finds it afterwards. The model is the oracle of the property suites, so it must give
the same answer (else apdu_spec/model.py is wrong); then model and card are run side by side as the
property suite does (``check_one``: same answers exchange by exchange, no state changed by a refusal).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from apdus import Transmit, build, build_mac, external_authenticate, run, select
from cards import CardFactory, personalised_model
from test_bad_input import check_one
from twin import PROFILE, SPEC, social_pin_data, sw_of

from apdu_spec.model import CardProfile
from sscard import crypto


@dataclass(frozen=True)
class Case:
    select: str | None  # the application selected before the APDU (None: nothing, after power-up)
    with_challenge: bool  # a GET CHALLENGE (4 bytes) just before the APDU
    apdu: str
    sw: str  # the expected status word, by its name in apdu_spec/status_words.toml
    challenge_then: str | None = None  # with a challenge: the answer to PIN UNBLOCK MAC'd over it afterwards


KEPT = "OK"  # the challenge survived the APDU: the MAC'd command verifies
SPENT = "REF_DATA_NOT_USABLE"  # 6984: the APDU took the challenge away (protocol.toml check_order step 0)

CASES = {
    # Extended Lc with nothing selected. jCardSim said 6986 (nothing selected, SSC-APP-2); the spec says 6700:
    # an extended length is refused at the transport (SSC-APDU-1, check step 1), before any selection matters.
    "extended-nothing-selected": Case(None, False, "0016000000000100", "WRONG_LENGTH"),
    # "00 00" after the header: half an extended length, neither a short Lc nor an Le. The simulator read
    # past the APDU (6F00); the spec: malformed, 6700 at the transport (SSC-APDU-1).
    "half-extended-length": Case("SSSE", False, "00B2012C0000", "WRONG_LENGTH"),
    # 261 bytes (Lc FF, 255 data bytes, Le): more than the 260-byte APDU buffer; jCardSim overflowed (6F00).
    # The spec: longer than 260 bytes is malformed, 6700 (SSC-APDU-1).
    "261-bytes": Case("SSSE", False, "00DC012CFF" + "00" * 256, "WRONG_LENGTH"),
    # VERIFY with Lc 03 and two bytes more than that: Lc does not match the data, so malformed, 6700 at the
    # transport, which spends no challenge (SSC-APDU-1, check_order step 0). The model spent it, the card not.
    "malformed-keeps-challenge": Case("SSSE", True, "0020000003123456FFFF", "WRONG_LENGTH", KEPT),
    # GET CHALLENGE without Le (case 1): a well-formed APDU, so it reaches the application and takes the
    # challenge (step 0), then fails its length check: Le must be 04 or 08, 6700 (step 6, SSC-SM-1). The old
    # challenge is gone and no new one is made: the MAC'd command finds none (6984).
    "case1-get-challenge": Case("PBOC", True, "00840000", "WRONG_LENGTH", SPENT),
}


def answer(transmit: Transmit, case: Case) -> tuple[str, str | None]:
    """On a card fresh from the profile: the response to the case's APDU (hex) and, with a challenge, the
    status word of PIN UNBLOCK MAC'd (right key) over the challenge fetched before the APDU."""
    challenge = None
    if case.select is not None:
        select(SPEC, case.select, transmit)
        if case.with_challenge:
            challenge = run(transmit, build(SPEC, case.select, "GET_CHALLENGE", le=4))
    response = transmit(bytes.fromhex(case.apdu)).hex().upper()
    if challenge is None:
        return response, None
    assert case.select is not None
    app = PROFILE.ssse if case.select == "SSSE" else PROFILE.pboc
    assert app is not None
    key = app.keys[SPEC.applications[case.select].commands["PIN_UNBLOCK"].sm_key or ""]
    return response, f"{sw_of(transmit(build_mac(SPEC, case.select, 'PIN_UNBLOCK', key, challenge))):04X}"


def expected(case: Case) -> tuple[str, str | None]:
    then = None if case.challenge_then is None else f"{SPEC.sw(case.challenge_then):04X}"
    return f"{SPEC.sw(case.sw):04X}", then


@pytest.mark.clause("SSC-APDU-1", "SSC-APP-2")
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_found_by_the_property_suites(applet_factory: CardFactory, case: Case) -> None:
    card = applet_factory(PROFILE)
    assert answer(card.transmit, case) == expected(case), "the card"
    assert answer(personalised_model(PROFILE, spec=SPEC).transmit, case) == expected(case), "the model (the oracle)"
    check_one(applet_factory, case.select, case.with_challenge, bytes.fromhex(case.apdu))


# The SELECT forms the fuzzed simulator answered unlike the model (jCardSim's applet selection, issue 13): each
# with nothing selected and with the SSSE selected and a challenge pending. A SELECT the runtime forwards is the
# application's command and spends the challenge (SSC-SM-1); one the runtime refuses itself (another logical
# channel) reaches no application and keeps it (SSC-APP-6).
SSSE_AID = SPEC.applications["SSSE"].aid.hex().upper()
SELECT_CASES = {
    # No AID (case 1), or an Lc without data (read as Le: case 2). jCardSim selected its first applet (FCI 9000).
    # Nothing selected: no application is named, 6A82 (SSC-APP-2); selected: the SSSE's SELECT, 6700 (SSC-APP-7).
    "no-aid-case1-nothing": Case(None, False, "00A40400", "FILE_NOT_FOUND"),
    "no-aid-case1-ssse": Case("SSSE", True, "00A40400", "WRONG_LENGTH", SPENT),
    "lc6-no-data-nothing": Case(None, False, "00A4040006", "FILE_NOT_FOUND"),
    "lc6-no-data-ssse": Case("SSSE", True, "00A4040006", "WRONG_LENGTH", SPENT),
    "lc8-no-data-nothing": Case(None, False, "00A4040008", "FILE_NOT_FOUND"),
    "lc8-no-data-ssse": Case("SSSE", True, "00A4040008", "WRONG_LENGTH", SPENT),
    # A part of the SSSE AID (14 of 15 bytes, then Le CF) and of the PBOC AID (7 of 8 bytes, then Le 01): jCardSim
    # matched the prefix and selected (9000). Only a full AID selects (SSC-APP-7): 6A82 from the card or from the
    # selected application, which stays selected.
    "ssse-prefix-nothing": Case(None, False, "00A404000E" + SSSE_AID, "FILE_NOT_FOUND"),
    "ssse-prefix-ssse": Case("SSSE", True, "00A404000E" + SSSE_AID, "FILE_NOT_FOUND", SPENT),
    "pboc-prefix-nothing": Case(None, False, "00A4040007A000000333010101", "FILE_NOT_FOUND"),
    "pboc-prefix-pboc": Case("PBOC", True, "00A4040007A000000333010101", "FILE_NOT_FOUND", SPENT),
    # P2 08 (return FMD): no application SELECT (SSC-APP-3 takes P2 00 only). jCardSim re-selected the SSSE, then
    # the applet refused P2 (6A86), its session lost. Nothing selected: no application takes it, 6986.
    "p2-08-nothing": Case(None, False, "00A404080F" + SSSE_AID, "COMMAND_NOT_ALLOWED"),
    "p2-08-ssse": Case("SSSE", True, "00A404080F" + SSSE_AID, "INCORRECT_P1P2", SPENT),
    # CLA 03: logical channel 3, which the card does not open. jCardSim ignored the channel, re-selected the SSSE,
    # which refused CLA 03 (6E00). The runtime refuses the channel itself, 6881, selecting nothing (SSC-APP-6).
    "channel-3-nothing": Case(None, False, "03A404000F" + SSSE_AID, "LOGICAL_CHANNEL_NOT_SUPPORTED"),
    "channel-3-ssse": Case("SSSE", True, "03A404000F" + SSSE_AID, "LOGICAL_CHANNEL_NOT_SUPPORTED", KEPT),
}


@pytest.mark.clause("SSC-APP-2", "SSC-APP-3", "SSC-APP-6", "SSC-APP-7")
@pytest.mark.parametrize("case", SELECT_CASES.values(), ids=SELECT_CASES.keys())
def test_select_forms_found_by_the_fuzz(applet_factory: CardFactory, case: Case) -> None:
    card = applet_factory(PROFILE)
    assert answer(card.transmit, case) == expected(case), "the card"
    assert answer(personalised_model(PROFILE, spec=SPEC).transmit, case) == expected(case), "the model (the oracle)"
    check_one(applet_factory, case.select, case.with_challenge, bytes.fromhex(case.apdu))


PROFILE_30 = CardProfile.example(access_profile="3.0")
REFUSED_SELECTS = {name: case.apdu for name, case in SELECT_CASES.items() if case.select == "SSSE"}


def session_after(transmit: Transmit, session: str, apdu: str) -> list[str]:
    """Open a session on a fresh ACTIVE card, send the refused SELECT, then read what needs the session: with
    "pin-df04" the PIN verified inside DF04 (its EF05 needs the PIN), with "rk" the RK authentication on a 3.0
    card (EF06 needs it). Returns the status word of the SELECT and the responses to the reads (hex)."""
    select(SPEC, "SSSE", transmit)
    if session == "pin-df04":
        run(transmit, bytes.fromhex("00A4040006") + SPEC.applications["SSSE"].dfs["DF04"].aid)
        run(transmit, build(SPEC, "SSSE", "VERIFY", social_pin_data(PROFILE.ssse.pin)))
        reads = ["00B2012C00"]  # DF04/EF05 record 1: PIN verified and DF04 still current
    else:
        # a 3.0 card is an SM4 card (SSC-KEY-5)
        external_authenticate(SPEC, "SSSE", "RK", PROFILE_30.ssse.keys["RK"], transmit, crypto.Algorithm.SM4)
        reads = ["00B2013400", "00B2072C00"]  # EF06 and EF05 record 7 need RK on a 3.0 card
    answers = [f"{sw_of(transmit(bytes.fromhex(apdu))):04X}"]
    answers += [transmit(bytes.fromhex(r)).hex().upper() for r in reads]
    return answers


@pytest.mark.clause("SSC-APP-6", "SSC-APP-7", "SSC-ACC-2", "SSC-ACC-3")
@pytest.mark.parametrize("session", ["pin-df04", "rk"])
@pytest.mark.parametrize("name", REFUSED_SELECTS)
def test_refused_select_keeps_the_session(applet_factory: CardFactory, name: str, session: str) -> None:
    """A SELECT the runtime does not take as an application SELECT leaves PIN verification, authentication and
    the current DF as they were: on the card as in the model."""
    profile = PROFILE if session == "pin-df04" else PROFILE_30
    apdu = REFUSED_SELECTS[name]
    model = session_after(personalised_model(profile, spec=SPEC).transmit, session, apdu)
    assert model[0] == f"{SPEC.sw(SELECT_CASES[name].sw):04X}", "the model refuses the SELECT as the spec says"
    assert all(read.endswith("9000") for read in model[1:]), f"the model lost the session: {model}"
    if session == "pin-df04":  # DF04's record, not the root EF05's (a re-selection would go back to the root)
        assert model[1].startswith("D0"), f"the model left DF04: {model}"
    assert session_after(applet_factory(profile).transmit, session, apdu) == model, "the card"
