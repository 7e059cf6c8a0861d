"""Cards for the tests: one suite, several card kinds.

``model``      the reference model (apdu_spec.model), in process;
``simulator``  the applets in jCardSim, through py4j;
``pcsc``       the applets in jCardSim behind the virtual PC/SC reader (pyscard → pcscd → vpcd);
``real``       a real card in a real reader, only when ``SSCARD_REAL_READER`` names the reader.

Each jCardSim kind and the model also come as a 3rd-generation card, ``<kind>-sm4``: the SSSE installed
with SM4 keys (SSC-KEY-5) and, unless a test gives its own profile, personalised from the example profile
with access profile 3.0 (``CardProfile.example(access_profile="3.0")``).

A factory makes a card of the kind for a profile and brings it to a lifecycle state through the host
library's one personalisation flow (``sscard.personalisation.personalise_application``) and its sessions,
so every kind starts from the same APDUs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from apdu_spec import Spec, load
from apdu_spec.model import AppProfile, CardModel, CardProfile
from jcardsim_bridge import AppletSpec, CardControl
from sscard import (
    CardProtocol,
    Connection,
    FinanceSession,
    ModelConnection,
    PcscConnection,
    SocialSecuritySession,
    crypto,
)
from sscard import spec_tables as t
from sscard.connection import default_applets
from sscard.keys import PreparedBankKeys, PreparedIssuerKeys
from sscard.personalisation import personalise_application
from sscard.session import ApplicationSession

REAL_READER_ENV = "SSCARD_REAL_READER"
REAL_DESTRUCTIVE_ENV = "SSCARD_REAL_CARD_DESTRUCTIVE"
SPEC = load()


SM4_SUFFIX = "-sm4"


def card_kinds() -> list[str]:
    kinds = ["model", "simulator", "pcsc"]
    kinds += [kind + SM4_SUFFIX for kind in kinds]
    if os.environ.get(REAL_READER_ENV):
        kinds.append("real")
    return kinds


def base_kind(kind: str) -> str:
    """``simulator-sm4`` -> ``simulator``: the machinery of a kind, whatever its card's algorithm."""
    return kind.removesuffix(SM4_SUFFIX)


def applets_for(profile: CardProfile) -> list[AppletSpec]:
    """The applets (with install data) a vendor would install for ``profile``."""
    transport = {"SSSE": profile.ssse.perso_key}
    if profile.pboc is not None:
        transport["PBOC"] = profile.pboc.perso_key
    return default_applets(card_unique=profile.card_unique, transport_keys=transport, temporary=profile.pboc is None,
                           algorithm=profile.ssse.algorithm)


def session_for(protocol: CardProtocol, app: str, profile: CardProfile) -> ApplicationSession[object]:
    """A session of application ``app`` with the profile's card keys (already diversified for this card)."""
    ap = profile.ssse if app == "SSSE" else profile.pboc
    assert ap is not None, f"the profile has no {app} application"
    if app == "SSSE":
        return SocialSecuritySession(protocol, keys=issuer_keys_of(profile))  # type: ignore[return-value]
    return FinanceSession(protocol, keys=PreparedBankKeys(transport_key=ap.perso_key, card_keys=ap.keys))  # type: ignore[return-value]


def issuer_keys_of(profile: CardProfile) -> PreparedIssuerKeys:
    """The social security application's keys of a card made from ``profile`` (already diversified for it)."""
    ap = profile.ssse
    area = str(ap.data["EF05"]["04"])[:6] if "EF05" in ap.data else "440200"
    return PreparedIssuerKeys(city_code=area, transport_key=ap.perso_key, card_keys=ap.keys, algorithm=algorithm_of(ap))


def algorithm_of(profile: AppProfile) -> crypto.Algorithm:
    """The host library's algorithm of an application profile's keys (SSC-KEY-5)."""
    return crypto.Algorithm.SM4 if profile.algorithm == "SM4" else crypto.Algorithm.TDES


# The MAC'd lifecycle commands that take an ISSUED application to each state (SSC-LC-4..7).
_PATHS = {"PERSONALISATION": (), "ISSUED": (), "ACTIVE": ("activate",), "BLOCKED": ("activate", "block_application"),
          "TERMINATED": ("block_card",)}


def bring_up(connection: Connection, profile: CardProfile, state: str, pboc_state: str | None) -> None:
    """Personalise every application of ``profile`` and take it to ``state`` (the PBOC to
    ``pboc_state``, default the same), then power-cycle."""
    if state == "PERSONALISATION" and pboc_state in (None, "PERSONALISATION"):
        return
    protocol = CardProtocol.of(connection)
    for name, app_profile in (("SSSE", profile.ssse), ("PBOC", profile.pboc)):
        if app_profile is None:
            continue
        target = state if name == "SSSE" else (pboc_state or state)
        if target == "PERSONALISATION":
            continue
        session = session_for(protocol, name, profile)
        personalise_application(
            session, None, pin=app_profile.pin,
            pin_try_limit=app_profile.pin_try_limit or t.DEFAULT_PIN_TRY_LIMIT[name],
            records=profile_records(app_profile),
            access_profile=(app_profile.access_profile or "2.0") if name == "SSSE" else None)
        for step in _PATHS[target]:
            getattr(session, step)()
    connection.reset()


def profile_records(profile: AppProfile) -> dict[str, dict[bytes, str | bytes]]:
    """The profile's file data as personalisation writes it: file -> item tag -> value."""
    return {file: {bytes.fromhex(tag): value for tag, value in values.items()} for file, values in profile.data.items()}


def personalised_model(profile: CardProfile | None = None, *, state: str = "ACTIVE", pboc_state: str | None = None,
                       spec: Spec | None = None, rng: Callable[[int], bytes] | None = None) -> CardModel:
    """A reference-model card personalised from ``profile`` through the one personalisation flow, brought to
    ``state`` (the PBOC to ``pboc_state``) and power-cycled."""
    card = CardModel(profile or CardProfile.example(), spec=spec or SPEC, rng=rng)
    bring_up(ModelConnection(card), card.profile, state, pboc_state)
    return card


@dataclass
class CardFactory:
    """Makes cards of one kind; call it as ``factory(profile, state="ACTIVE")``."""

    kind: str
    _new: Callable[[CardProfile], Connection]

    @property
    def sm4(self) -> bool:
        """Whether this kind's cards are 3rd-generation (SM4) ones."""
        return self.kind.endswith(SM4_SUFFIX)

    def example(self, *, temporary: bool = False) -> CardProfile:
        """The example profile of this kind's cards: access profile 3.0 and SM4 keys on an SM4 kind."""
        return CardProfile.example(temporary=temporary, access_profile="3.0" if self.sm4 else "2.0")

    def __call__(self, profile: CardProfile | None = None, state: str = "ACTIVE",
                 pboc_state: str | None = None) -> Connection:
        if self.kind == "real":
            if profile is not None or state != "ACTIVE" or pboc_state not in (None, "ACTIVE"):
                pytest.skip("a real card cannot be made fresh or personalised by the suite")
            connection = self._new(CardProfile.example())
            restore_real_card(connection)
            return connection
        profile = profile or self.example()
        connection = self._new(profile)
        bring_up(connection, profile, state, pboc_state)
        return connection


def model_factory(kind: str = "model") -> CardFactory:
    return CardFactory(kind, lambda profile: ModelConnection(CardModel(profile, spec=SPEC)))


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
    from sscard import Lifecycle

    profile = profile or CardProfile.example()
    protocol = CardProtocol.of(connection)
    for name, app_profile in (("SSSE", profile.ssse), ("PBOC", profile.pboc)):
        if app_profile is None:
            continue
        session = session_for(protocol, name, profile)
        state = session.lifecycle(refresh=True)
        if state is Lifecycle.BLOCKED:
            session.unblock_application()
        elif state is not Lifecycle.ACTIVE:
            raise RuntimeError(f"real card: {name} is {state.name}, the suite needs ACTIVE")
        session.reset_pin(app_profile.pin)
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
