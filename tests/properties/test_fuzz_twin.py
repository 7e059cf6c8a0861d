"""Fuzzing the card against the model: random APDUs and SELECT commands of every form, in many card states.

Each example makes a card (and a model of the same profile) in one lifecycle state, opens one kind of
session on both — nothing selected, an application selected, its PIN verified, a key authenticated, a DF and
an EF current, a PIN blocked, a challenge pending — and sends both the same sequence of commands: SELECTs
of every form (tests/properties/select_forms.py), random APDUs and MAC'd commands of every shape
(test_bad_input), commands of the spec with good and bad data, power cycles. Every response must be
identical (GET CHALLENGE: same status word and length, tests/properties/twin.py). At the end, commands
whose answers show the session (current DF and EF, PIN verified, authentication) and then the persistent
state (test_bad_input.probe) are compared too, so a SELECT that silently re-selected an application on one
side only is found even when its own answer agreed.

Budget: ``settings().max_examples // 2`` examples of up to ``stateful_step_count // 2`` commands (ci: 50 of
up to 20, a few seconds); ``HYPOTHESIS_PROFILE=thorough`` (``make test-thorough``): 1000 of up to 50.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from apdus import build
from cards import CardFactory, base_kind, personalised_model
from hypothesis import given, settings
from hypothesis import strategies as st
from select_forms import select_forms
from test_bad_input import apdus, mac_abuse, probe
from twin import PROFILE, SPEC, STATS, Twin, finance_pin_block, social_pin_data

from apdu_spec.model import CardProfile
from sscard import crypto

PROFILES = {
    "2.0": PROFILE,
    "3.0": CardProfile.example(access_profile="3.0"),
    "temporary": CardProfile.example(temporary=True),
}
# (profile, lifecycle state of the SSSE, of the financial application: None the same)
CARD_STATES: dict[str, tuple[str, str, str | None]] = {
    "fresh": ("2.0", "PERSONALISATION", None),
    "issued": ("2.0", "ISSUED", None),
    "active": ("2.0", "ACTIVE", None),
    "active-3.0": ("3.0", "ACTIVE", None),
    "blocked": ("2.0", "BLOCKED", None),
    "ssse-active-pboc-issued": ("2.0", "ACTIVE", "ISSUED"),
    # CARD BLOCK from the SSSE terminates both (SSC-LC-7): the financial application needs no personalisation
    "terminated": ("2.0", "TERMINATED", "PERSONALISATION"),
    "temporary": ("temporary", "ACTIVE", None),
}
SESSIONS = ("none", "ssse", "pboc", "ssse-pin", "ssse-rk", "ssse-df04-pin", "ssse-ef", "pboc-pin",
            "ssse-pin-blocked", "ssse-challenge")
SSSE = SPEC.applications["SSSE"]
PBOC = SPEC.applications["PBOC"]


def _select(aid: bytes) -> bytes:
    return bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid


def _verify(app: str, pin: str) -> bytes:
    if app == "SSSE":
        data, p2 = social_pin_data(pin), 0x00
    else:
        data, p2 = finance_pin_block(pin), 0x80
    return bytes([0x00, 0x20, 0x00, p2, len(data)]) + data


def _authenticate(key: bytes) -> Callable[[Callable[[bytes], bytes]], bytes]:
    """GET CHALLENGE then EXTERNAL AUTHENTICATE with RK, each side on its own challenge."""

    def make(transmit: Callable[[bytes], bytes]) -> bytes:
        response = transmit(build(SPEC, "SSSE", "GET_CHALLENGE", le=8))
        challenge = response[:-2] if response[-2:] == b"\x90\x00" else bytes(8)
        cryptogram = crypto.tdes_encrypt_ecb(key, crypto.command_mac_iv(challenge))
        return build(SPEC, "SSSE", "EXTERNAL_AUTHENTICATE", cryptogram, p1=0, p2=SSSE.keys["RK"].id)

    return make


def open_session(twin: Twin, profile: CardProfile, session: str) -> None:
    """Bring both sides into the session state ``session`` (every exchange compared)."""
    if session == "none":
        return
    app = "PBOC" if session.startswith("pboc") else "SSSE"
    twin.send(_select(SPEC.applications[app].aid))
    pins = {"SSSE": profile.ssse.pin, "PBOC": profile.pboc.pin if profile.pboc else "1234"}
    if session.endswith("-pin"):
        if session == "ssse-df04-pin":
            twin.send(_select(SSSE.dfs["DF04"].aid))
        twin.send(_verify(app, pins[app]))
    elif session == "ssse-rk":
        twin.send_built(_authenticate(profile.ssse.keys["RK"]))
    elif session == "ssse-ef":
        twin.send(_select(SSSE.dfs["DF01"].aid))
        twin.send(bytes([0x00, 0xA4, 0x02, 0x00, 0x02, 0xEF, 0x05]))
    elif session == "ssse-pin-blocked":
        wrong = pins[app][::-1] + "9"
        for _ in range(16):  # more than any try limit: the PIN ends blocked (or the state refuses VERIFY)
            if twin.send(_verify(app, wrong)) in (0x6983, 0x6985, 0x6A81):
                break
    elif session == "ssse-challenge":
        twin.send(build(SPEC, app, "GET_CHALLENGE", le=4), random_data=True)


def show_session(twin: Twin) -> None:
    """Commands whose answers depend on the session: the current EF, the current DF, the PIN verified (DF04's
    file), the RK authentication (3.0 profile). No power cycle: that would end the session."""
    twin.send(bytes.fromhex("00B2010400"))  # READ RECORD 1 of the current EF
    twin.send(bytes.fromhex("00B2012C00"))  # record 1 of SFI 5 in the current DF
    twin.send(bytes.fromhex("00B2013400"))  # record 1 of SFI 6 (EF06 at the SSSE root; RK under 3.0)
    twin.send(bytes.fromhex("00B2010C00"))  # record 1 of SFI 1 (the financial application's file)
    twin.send(_select(SSSE.dfs["DF04"].aid))  # forwarded to the selected application: keeps its session
    twin.send(bytes.fromhex("00B2012C00"))  # DF04/EF05 needs the PIN verified


@st.composite
def spec_commands(draw: st.DrawFn) -> bytes:
    """Commands of the spec, mostly well formed: they move the card between the states the fuzz explores."""
    app = draw(st.sampled_from(["SSSE", "PBOC"]))
    a = SPEC.applications[app]
    choice = draw(st.sampled_from(["select_app", "select_df", "select_ef", "root", "verify_right", "verify_wrong",
                                   "verify_empty", "read", "challenge", "get_data"]))
    match choice:
        case "select_app":
            return _select(a.aid)
        case "select_df":
            return _select(draw(st.sampled_from([d.aid for d in SSSE.dfs.values()])))
        case "select_ef":
            fid = draw(st.sampled_from([b"\xef\x05", b"\xef\x06", b"\x00\x01"]))
            return bytes([0x00, 0xA4, 0x02, 0x00, 0x02]) + fid
        case "root":
            return bytes.fromhex("00A40300")
        case "verify_right":
            return _verify(app, PROFILE.ssse.pin if app == "SSSE" else "1234")
        case "verify_wrong":
            return _verify(app, "9999" if app == "PBOC" else "999999")
        case "verify_empty":
            return bytes([0x00, 0x20, 0x00, 0x00 if app == "SSSE" else 0x80])
        case "read":
            sfi = draw(st.sampled_from([0, 1, 5, 6, 7]))
            return bytes([0x00, 0xB2, draw(st.integers(0, 8)), sfi << 3 | draw(st.sampled_from([4, 4, 0, 5])), 0x00])
        case "challenge":
            return build(SPEC, app, "GET_CHALLENGE", le=draw(st.sampled_from([4, 8, 16])))
    return bytes([0x80, 0xCA, 0x9F, draw(st.sampled_from([0x17, 0x36, 0x13])), 0x00])  # GET DATA (PBOC)


STEP = st.one_of(select_forms(), select_forms(), select_forms(), apdus(), mac_abuse(), spec_commands(),
                 spec_commands(), st.none())  # None: power cycle


@pytest.mark.clause("SSC-APP-2", "SSC-APP-3", "SSC-APP-4", "SSC-APP-5", "SSC-APP-6", "SSC-APP-7", "SSC-APDU-1",
                    "SSC-APDU-2", "SSC-APDU-4")
def test_fuzzed_card_answers_as_the_model(applet_factory: CardFactory) -> None:
    budget = settings()
    examples = max(5, budget.max_examples // (2 if base_kind(applet_factory.kind) == "simulator" else 8))
    steps = max(5, budget.stateful_step_count // 2)

    @settings(max_examples=examples, deadline=None)
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(CARD_STATES)), label="card state")
        profile_name, state, pboc_state = CARD_STATES[name]
        profile = PROFILES[profile_name]
        session = data.draw(st.sampled_from(SESSIONS), label="session")
        sequence = data.draw(st.lists(STEP, min_size=1, max_size=steps), label="commands")
        twin = Twin(personalised_model(profile, state=state, pboc_state=pboc_state, spec=SPEC),
                    applet_factory(profile, state=state, pboc_state=pboc_state), applet_factory.kind)
        STATS[f"fuzz examples ({applet_factory.kind})"] += 1
        try:
            open_session(twin, profile, session)
            for step in sequence:
                if step is None:
                    twin.power_cycle()
                    continue
                apdu = step
                if base_kind(applet_factory.kind) in ("pcsc", "real") and len(apdu) < 4:
                    apdu = apdu + bytes(4 - len(apdu))  # PC/SC does not transport APDUs without a header
                sw = twin.send(apdu, random_data=len(apdu) >= 4 and apdu[1] == 0x84)
                assert sw != 0x6F00, f"{apdu.hex().upper()}: uncaught exception"
            show_session(twin)
            probe(twin)
        finally:
            twin.card.close()

    fuzz()
