"""Every known-answer vector of crypto.toml through sscard.crypto and through the model."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cards import personalised_model

from apdu_spec import Spec, load
from apdu_spec.model import CardProfile
from sscard import crypto

VECTORS = load().vectors
TEXT_INPUTS = {"pin", "city_code"}


def _args(inputs: dict[str, str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in inputs.items():
        if k in TEXT_INPUTS:
            out[k] = v
        elif k == "algorithm":
            out[k] = crypto.Algorithm[v]
        else:
            out[k] = bytes.fromhex(v)
    return out


@pytest.mark.clause("SSC-SM-2", "SSC-SM-4", "SSC-KEY-1", "SSC-KEY-2", "SSC-KEY-5")
@pytest.mark.parametrize("vector", VECTORS, ids=[v.id for v in VECTORS])
def test_vector_through_host_crypto(vector: object) -> None:
    from apdu_spec.schema import Vector

    assert isinstance(vector, Vector)
    result = getattr(crypto, vector.function)(**_args(dict(vector.inputs)))
    assert isinstance(result, bytes)
    assert result.hex().upper() == vector.expected.hex().upper()
    if vector.kcv is not None:
        assert crypto.key_check_value(result, crypto.Algorithm.TDES) == vector.kcv


MODEL_VECTORS = [v for v in VECTORS if v.model is not None]


@pytest.mark.clause("SSC-SM-2", "SSC-SM-3", "SSC-KEY-3", "SSC-KEY-4", "SSC-PIN-9", "SSC-SM-5", "SSC-KEY-5")
@pytest.mark.parametrize("vector", MODEL_VECTORS, ids=[v.id for v in MODEL_VECTORS])
def test_vector_through_model(vector: object, spec: Spec) -> None:
    from apdu_spec.schema import Vector

    assert isinstance(vector, Vector) and vector.model is not None
    m = vector.model
    base = CardProfile.example(access_profile=m.access_profile or "2.0")  # 3.0: an SM4 card (SSC-KEY-5)
    app_profile = base.ssse if m.application == "SSSE" else base.pboc
    assert app_profile is not None
    app_profile = replace(app_profile, keys={**app_profile.keys, **m.keys})
    profile = replace(base, ssse=app_profile) if m.application == "SSSE" else replace(base, pboc=app_profile)
    card = personalised_model(
        profile, state="ACTIVE", pboc_state=m.state if m.application == "PBOC" else None, spec=spec
    )
    if m.application == "SSSE" and m.state != "ACTIVE":
        pytest.skip("vectors use ACTIVE SSSE cards")
    aid = spec.applications[m.application].aid
    assert card.transmit(b"\x00\xa4\x04\x00" + bytes([len(aid)]) + aid)[-2:] == b"\x90\x00"
    if m.challenge is not None:
        challenge = m.challenge
        card.rng = lambda n: challenge
        resp = card.transmit(bytes([0x00, 0x84, 0x00, 0x00, len(challenge)]))
        assert resp == challenge + b"\x90\x00"
    resp = card.transmit(m.apdu)
    assert int.from_bytes(resp[-2:], "big") == m.sw
    if m.response is not None:
        assert resp[:-2] == m.response
    assert card.lifecycle(m.application) == m.state_after
    for apdu, sw in m.then:
        assert int.from_bytes(card.transmit(apdu)[-2:], "big") == sw
