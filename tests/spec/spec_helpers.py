"""Helpers of the spec tests (importable: the test directory is on sys.path)."""

from __future__ import annotations

from collections.abc import Callable

from apdus import build, mac_exchange

from apdu_spec import Spec
from apdu_spec.model import CardModel

Send = Callable[[str], tuple[bytes, int]]


def sender(card: CardModel) -> Send:
    """send("00 20 00 00") -> (data, sw)."""

    def send(hex_apdu: str) -> tuple[bytes, int]:
        resp = card.transmit(bytes.fromhex(hex_apdu.replace(" ", "")))
        return resp[:-2], int.from_bytes(resp[-2:], "big")

    return send


def select(card: CardModel, spec: Spec, app: str) -> None:
    resp = card.transmit(build(spec, app, "SELECT", spec.applications[app].aid, p1=4, p2=0))
    assert resp[-2:] == b"\x90\x00", resp.hex()


def mac_command(
    card: CardModel,
    spec: Spec,
    app: str,
    name: str,
    data: bytes = b"",
    *,
    key_role: str | None = None,
    p1: int | None = None,
    p2: int | None = None,
) -> int:
    """GET CHALLENGE then the MAC'd command under the profile's key; returns the SW."""
    profile = card.profile.ssse if app == "SSSE" else card.profile.pboc
    assert profile is not None
    role = key_role or spec.applications[app].commands[name].sm_key
    assert role is not None
    resp = mac_exchange(spec, app, name, profile.keys[role], card.transmit, data, p1=p1, p2=p2)
    return int.from_bytes(resp[-2:], "big")
