"""Seeded random APDUs, each sent to the card and to a reference model in the same state: the card
answers exactly as the model does, and never 6F00."""

from __future__ import annotations

import random

import pytest
from applet_helpers import PROFILE, SPEC, select
from cards import personalised_model

from apdu_spec.model import CardModel

CLAS = (0x00, 0x04, 0x80, 0x84, 0x01, 0x0C, 0xA0, 0xFF)


def random_apdu(rng: random.Random, app: str) -> bytes:
    """A well-formed short APDU, mostly near the application's commands."""
    commands = list(SPEC.applications[app].commands.values())
    c = rng.choice(commands)
    cla = c.cla if rng.random() < 0.8 else rng.choice(CLAS)
    ins = c.ins if rng.random() < 0.8 else rng.randrange(256)
    if c.p1p2 and rng.random() < 0.7:
        p1, p2 = divmod(rng.choice(c.p1p2), 256)
    else:
        p1, p2 = rng.choice((0, 1, 2, 4, 7, 0x80, 0xFF, rng.randrange(256))), rng.choice(
            (0, 0x0C, 0x2C, 0x34, 0x2D, 0x04, 0x80, 0x02, rng.randrange(256)))
    n = rng.choice((0, 0, 1, 2, 3, 4, 8, 9, 12, 20, 27, rng.randrange(1, 255)))
    data = bytes(rng.randrange(256) for _ in range(n))
    if ins == 0xA4 and p1 == 4 and rng.random() < 0.5:
        # SELECT by DF name: a DF, an unknown name, or a part of an application's AID, which the runtime
        # forwards to the selected application (SSC-APP-7); the full AIDs are the other tests' business
        data = rng.choice([bytes.fromhex(d) for d in ("D15600000500", "D15600000503", "D1560000050F",
                                                      "A0000000031010", "A0000003330101", "7378312E73")])
    apdu = bytes([cla, ins, p1, p2]) + (bytes([len(data)]) + data if data else b"")
    if rng.random() < 0.4 and len(data) < 255:
        apdu += bytes([rng.choice((0, 1, 4, 8, 0x12, rng.randrange(256)))])
    return apdu


@pytest.mark.clause("SSC-APDU-2", "SSC-APDU-6", "SSC-APDU-7", "SSC-APP-6", "SSC-APP-7")
@pytest.mark.parametrize("state", ["PERSONALISATION", "ISSUED", "ACTIVE", "BLOCKED"])
@pytest.mark.parametrize("app", ["SSSE", "PBOC"])
def test_random_apdus_answer_like_the_model(applet_factory, state, app):
    card = applet_factory(state=state)
    model = personalised_model(PROFILE, state=state, spec=SPEC) if state != "PERSONALISATION" else CardModel(
        PROFILE, spec=SPEC)
    select(card, app)
    select(model, app)
    rng = random.Random(f"{state}-{app}")
    for _ in range(150):
        apdu = random_apdu(rng, app)
        expected, got = model.transmit(apdu), card.transmit(apdu)
        assert got[-2:] != b"\x6f\x00", apdu.hex().upper()
        if apdu[1] == 0x84 and expected[-2:] == b"\x90\x00":   # GET CHALLENGE: random data
            assert (len(got), got[-2:]) == (len(expected), expected[-2:]), apdu.hex().upper()
        else:
            assert got == expected, apdu.hex().upper()
