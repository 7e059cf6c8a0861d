"""The card under bad input: generated APDUs of every shape, sent to a personalised card and to the
model. The applet never answers 6F00 (an uncaught exception), answers exactly what the model answers
(which only gives status words the spec lists for the command), and when the answer is not 9000 the
card's state — lifecycle, tries, PIN, file contents, keys — is unchanged."""

from __future__ import annotations

import pytest
from apdus import build
from cards import CardFactory, base_kind, personalised_model
from hypothesis import given, settings
from hypothesis import strategies as st
from select_forms import select_forms
from twin import PROFILE, SPEC, STATS, Twin

from apdu_spec.model import CardModel

APPS = ("SSSE", "PBOC")
SPEC_CLAS = sorted({c.cla for a in SPEC.applications.values() for c in a.commands.values()})
SPEC_INS = sorted({c.ins for a in SPEC.applications.values() for c in a.commands.values()})


def snapshot(model: CardModel) -> dict[str, object]:
    """The persistent state of every application, as the model holds it, but for the MAC keys' failure
    counters (:func:`mac_failures`)."""
    state: dict[str, object] = {}
    for app in model.applications:
        a = SPEC.applications[app]
        state[app] = (
            model.lifecycle(app), model.pin_tries(app), model.pin_limit(app), model.pin_value(app),
            model.access_profile(app), model.atc(app),
            tuple(model.key_tries(app, role) for role, k in a.keys.items() if k.retry_machine != "mac"),
            tuple(model.records(app, f) for f in a.files),
        )
    return state


def mac_failures(model: CardModel) -> int:
    """MAC failures counted on every MAC key of the card (SSC-SM-6)."""
    return sum((k.try_limit or 0) - (model.key_tries(app, role) or 0)
               for app in model.applications for role, k in SPEC.applications[app].keys.items()
               if k.retry_machine == "mac" and model.key_tries(app, role) is not None)


@st.composite
def body(draw: st.DrawFn) -> bytes:
    """Every Lc/Le encoding ISO 7816-4 has, and the broken ones."""
    kind = draw(st.sampled_from([
        "none", "le", "lc", "lc_le", "lc_zero", "lc_short_of_data", "lc_beyond_data", "ext_le", "ext_lc",
        "ext_lc_le", "ext_zero", "max_short", "truncated_header",
    ]))
    data = draw(st.binary(min_size=1, max_size=40))
    le = draw(st.integers(0, 255))
    match kind:
        case "none":
            return b""
        case "le":
            return bytes([le])
        case "lc":
            return bytes([len(data)]) + data
        case "lc_le":
            return bytes([len(data)]) + data + bytes([le])
        case "lc_zero":
            return b"\x00" + data
        case "lc_short_of_data":
            return bytes([len(data) + 1]) + data
        case "lc_beyond_data":
            return bytes([max(1, len(data) - 1)]) + data + b"\x00\x00"
        case "ext_le":
            return b"\x00" + draw(st.binary(min_size=2, max_size=2))
        case "ext_lc":
            return b"\x00" + len(data).to_bytes(2, "big") + data
        case "ext_lc_le":
            return b"\x00" + len(data).to_bytes(2, "big") + data + draw(st.binary(min_size=2, max_size=2))
        case "ext_zero":
            return b"\x00\x00\x00"
        case "max_short":
            return b"\xff" + draw(st.binary(min_size=255, max_size=255)) + b"\x00"
    return b"TRUNC"  # "truncated_header": handled by the caller


@st.composite
def apdus(draw: st.DrawFn) -> bytes:
    cla = draw(st.one_of(st.sampled_from(SPEC_CLAS), st.integers(0, 255)))
    ins = draw(st.one_of(st.sampled_from(SPEC_INS), st.integers(0, 255)))
    p1 = draw(st.one_of(st.sampled_from([0x00, 0x01, 0x04, 0x02, 0x03, 0x80, 0xFF]), st.integers(0, 255)))
    p2 = draw(st.one_of(st.sampled_from([0x00, 0x04, 0x05, 0x2C, 0x2D, 0x34, 0x80, 0x0C]), st.integers(0, 255)))
    tail = draw(body())
    if tail == b"TRUNC":
        return bytes([cla, ins, p1, p2])[: draw(st.integers(0, 3))]
    return bytes([cla, ins, p1, p2]) + tail


@st.composite
def mac_abuse(draw: st.DrawFn) -> bytes:
    """A MAC'd command of the spec with its data truncated or over-long."""
    app = draw(st.sampled_from(APPS))
    cmds = [c for c in SPEC.applications[app].commands.values() if c.sm_key]
    cmd = draw(st.sampled_from(cmds))
    p1p2 = cmd.p1p2[0] if cmd.p1p2 else 0
    data = draw(st.binary(min_size=0, max_size=40))
    return bytes([cmd.cla, cmd.ins, p1p2 >> 8, p1p2 & 0xFF, len(data)]) + data if data else bytes(
        [cmd.cla, cmd.ins, p1p2 >> 8, p1p2 & 0xFF])


def probe(twin: Twin) -> None:
    """Read-only (or RAM-only) commands whose answers show lifecycle, tries, data and keys."""
    twin.power_cycle()
    for app in APPS:
        aid = SPEC.applications[app].aid
        twin.send(bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid)
        twin.send(bytes([0x00, 0x20, 0x00, 0x00 if app == "SSSE" else 0x80]))  # tries left, spends none
        twin.send(bytes([0x00, 0xB2, 0x01, 0x0C if app == "PBOC" else 0x2D, 0x00]))
        if app == "SSSE":  # the internal-authentication key still answers the same cryptogram
            twin.send(build(SPEC, app, "INTERNAL_AUTHENTICATE", bytes(range(8)), p1=0,
                            p2=SPEC.applications[app].keys["IK"].id, le=0))


def check_one(factory: CardFactory, select: str | None, with_challenge: bool, apdu: bytes) -> None:
    model = personalised_model(PROFILE, spec=SPEC)
    twin = Twin(model, factory(PROFILE), factory.kind)
    STATS[f"bad-input examples ({factory.kind})"] += 1
    try:
        if select is not None:
            aid = SPEC.applications[select].aid
            twin.send(bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid)
            if with_challenge:
                twin.send(build(SPEC, select, "GET_CHALLENGE", le=4), random_data=True)
        before, failures = snapshot(model), mac_failures(model)
        random_answer = len(apdu) >= 4 and apdu[1] == 0x84  # a GET CHALLENGE-shaped command
        sw = twin.send(apdu, random_data=random_answer)
        assert sw != 0x6F00, f"{apdu.hex().upper()}: uncaught exception on the card"
        if sw != 0x9000:
            assert snapshot(model) == before, f"{apdu.hex().upper()} answered {sw:04X} but changed state"
            # the one change a refusal may make: a wrong MAC counts one failure of its key (SSC-SM-6)
            assert mac_failures(model) == failures + (sw == 0x6988), f"{apdu.hex().upper()}: MAC failures"
        probe(twin)
    finally:
        twin.card.close()


@pytest.mark.clause("SSC-APDU-1", "SSC-APDU-2", "SSC-APDU-4", "SSC-APDU-5", "SSC-APDU-7", "SSC-APP-6", "SSC-APP-7",
                    "SSC-SM-6")
def test_bad_input_never_crashes_nor_changes_state(applet_factory: CardFactory) -> None:
    # Four times the state machine's examples of the active profile (ci / thorough); a quarter of
    # that through the PC/SC stack.
    examples = settings().max_examples * 4 // (5 if base_kind(applet_factory.kind) in ("pcsc", "real") else 1)

    @settings(max_examples=examples, deadline=None)
    @given(data=st.data())
    def one_apdu(data: st.DataObject) -> None:
        select = data.draw(st.sampled_from([None, *APPS]), label="selected")
        with_challenge = data.draw(st.booleans(), label="challenge") if select else False
        apdu = data.draw(st.one_of(apdus(), mac_abuse(), select_forms()), label="apdu")
        if base_kind(applet_factory.kind) in ("pcsc", "real") and len(apdu) < 4:
            apdu = apdu + bytes(4 - len(apdu))  # PC/SC does not transport APDUs without a header
        check_one(applet_factory, select, with_challenge, apdu)

    one_apdu()
