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
from apdu_spec.perso import bring_to_state, build, build_mac, get_challenge, personalise, run
from jcardsim_bridge import AppletSpec, CardControl
from sscard import Connection, ModelConnection, PcscConnection, crypto
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
            connection = self._new(CardProfile.example())
            restore_real_card(connection)
            return connection
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


def restore_real_card(connection: Connection, profile: CardProfile | None = None) -> None:
    """Bring a real test card (personalised from ``profile``, see ``prepare``) back to where every test
    starts: both applications ACTIVE, the example PINs, full tries. A real card cannot be made fresh,
    so this is what keeps one test's locked PIN or blocked application from the next."""
    profile = profile or CardProfile.example()
    for name, app_profile in (("SSSE", profile.ssse), ("PBOC", profile.pboc)):
        if app_profile is None:
            continue
        response = connection.transmit(build(SPEC, name, "SELECT", SPEC.applications[name].aid, p1=4, p2=0))
        if response[-2:] != b"\x90\x00":
            raise RuntimeError(f"real card: SELECT {name} answered {response[-2:].hex().upper()}")
        lifecycle = response[response.index(b"\x8a\x01") + 2]  # FCI tag 8A: lifecycle status byte
        codes = {state.code: state.name for state in SPEC.lifecycle.states.values()}
        if codes.get(lifecycle) == "BLOCKED":
            run(connection.transmit, build_mac(SPEC, name, "APPLICATION_UNBLOCK", app_profile.keys["MAINT"],
                                               get_challenge(SPEC, name, connection.transmit)))
        elif codes.get(lifecycle) != "ACTIVE":
            raise RuntimeError(f"real card: {name} is {codes.get(lifecycle, lifecycle)}, the suite needs ACTIVE")
        if name == "SSSE":
            data = crypto.encipher_data(app_profile.keys["RELOAD"], crypto.social_pin_bcd(app_profile.pin),
                                        crypto.Algorithm.TDES)
            key, p1p2 = app_profile.keys["RELOAD"], (0x00, 0x00)
        else:
            data = crypto.encipher_data(app_profile.keys["ENC"], crypto.iso9564_format2_block(app_profile.pin),
                                        crypto.Algorithm.TDES)
            key, p1p2 = app_profile.keys["MAINT"], (0x00, 0x02)
        challenge = get_challenge(SPEC, name, connection.transmit)
        run(connection.transmit, build_mac(SPEC, name, "RELOAD_PIN", key, challenge, data, p1=p1p2[0], p2=p1p2[1]))
    connection.reset()


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


if __name__ == "__main__":
    # Prepare a real blank test card for the suite: python tests/cards.py "<reader name>"
    import sys

    if len(sys.argv) != 2:
        sys.exit("usage: python tests/cards.py READER  (personalises a blank test card as the suite expects)")
    with PcscConnection(sys.argv[1]) as card:
        bring_up(card, CardProfile.example(), "ACTIVE", None)
    print(f"{sys.argv[1]}: personalised from CardProfile.example() (TEST keys) and ACTIVE")
