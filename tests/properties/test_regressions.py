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
from apdus import Transmit, build, build_mac, run, select
from cards import CardFactory, personalised_model
from test_bad_input import check_one
from twin import PROFILE, SPEC, sw_of


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
