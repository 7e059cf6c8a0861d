"""Cards for the tests: one suite, several card kinds.

``model``      the reference model (apdu_spec.model), in process;
``simulator``  the applets in jCardSim, through py4j;
``pcsc``       the applets in jCardSim behind the virtual PC/SC reader (pyscard → pcscd → vpcd);
``real``       a real card in a real reader, only when ``SSCARD_REAL_READER`` names the reader.

A factory makes a card of the kind for a profile and brings it to a lifecycle state through the
spec's own personalisation flow (apdu_spec.perso), so every kind starts from the same APDUs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from apdu_spec import load
from apdu_spec.model import CardModel, CardProfile
from apdu_spec.perso import bring_to_state, personalise
from jcardsim_bridge import AppletSpec, CardControl
from sscard import Connection, ModelConnection, PcscConnection
from sscard.connection import default_applets

REAL_READER_ENV = "SSCARD_REAL_READER"
REAL_DESTRUCTIVE_ENV = "SSCARD_REAL_CARD_DESTRUCTIVE"
SPEC = load()


def card_kinds() -> list[str]:
    kinds = ["model", "simulator", "pcsc"]
    if os.environ.get(REAL_READER_ENV):
        kinds.append("real")
    return kinds


def applets_for(profile: CardProfile) -> list[AppletSpec]:
    """The applets (with install data) a vendor would install for ``profile``."""
    return default_applets(profile)


def bring_up(connection: Connection, profile: CardProfile, state: str, pboc_state: str | None) -> None:
    """Personalise every application of ``profile`` and take it to ``state`` (the PBOC to
    ``pboc_state``, default the same), then power-cycle."""
    if state == "PERSONALISATION" and pboc_state in (None, "PERSONALISATION"):
        return
    for name, app_profile in (("SSSE", profile.ssse), ("PBOC", profile.pboc)):
        if app_profile is None:
            continue
        target = state if name == "SSSE" else (pboc_state or state)
        if target == "PERSONALISATION":
            continue
        personalise(SPEC, name, app_profile, connection.transmit)
        bring_to_state(SPEC, name, app_profile, target, connection.transmit)
    connection.reset()


@dataclass
class CardFactory:
    """Makes cards of one kind; call it as ``factory(profile, state="ACTIVE")``."""

    kind: str
    _new: Callable[[CardProfile], Connection]

    def __call__(self, profile: CardProfile | None = None, state: str = "ACTIVE",
                 pboc_state: str | None = None) -> Connection:
        if self.kind == "real":
            if profile is not None or state != "ACTIVE" or pboc_state not in (None, "ACTIVE"):
                pytest.skip("a real card cannot be made fresh or personalised by the suite")
            return self._new(CardProfile.example())
        profile = profile or CardProfile.example()
        connection = self._new(profile)
        bring_up(connection, profile, state, pboc_state)
        return connection


def model_factory() -> CardFactory:
    return CardFactory("model", lambda profile: ModelConnection(CardModel(profile, spec=SPEC)))


def control_factory(kind: str, control: CardControl, connect: Callable[[], Connection]) -> CardFactory:
    """Cards of a jCardSim kind: each call swaps in a brand-new card through the JVM's gateway."""

    def new(profile: CardProfile) -> Connection:
        control.fresh_card(applets_for(profile))
        return connect()

    return CardFactory(kind, new)


class RealCardGuard:
    """A real card's connection that never sends CARD BLOCK: it cannot be undone, and a real card
    cannot be made fresh afterwards. A test that tries is skipped there."""

    def __init__(self, connection: PcscConnection) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> object:
        return getattr(self._connection, name)

    def transmit(self, apdu: bytes) -> bytes:
        if len(apdu) >= 2 and apdu[1] == CARD_BLOCK_INS and apdu[0] & 0x0C == 0x04:  # secure-messaging CLA
            pytest.skip("CARD BLOCK is irreversible: never sent to a real card")
        return self._connection.transmit(apdu)

    def reset(self) -> None:
        self._connection.reset()

    def close(self) -> None:
        self._connection.close()


CARD_BLOCK_INS = SPEC.applications["SSSE"].commands["CARD_BLOCK"].ins


def real_factory(reader: str) -> CardFactory:
    return CardFactory("real", lambda profile: RealCardGuard(PcscConnection(reader)))  # type: ignore[arg-type,return-value]
