"""Helpers of the host tests (importable: this directory is on sys.path)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from cards import CardFactory, issuer_keys_of

from apdu_spec.model import CardProfile
from sscard import (
    CardProtocol,
    Connection,
    FinanceSession,
    Lifecycle,
    PersonalisationData,
    SocialSecuritySession,
    SoftwareBankKeys,
    SoftwareIssuerKeys,
    examples,
    load_personalisation_file,
    personalise,
)
from sscard.keys import CardIdentity, IssuerKeys
from sscard.tracing import Tracer

HOLDER_FILE = examples.path(examples.HOLDER)
ISSUER_KEYS_FILE = examples.path(examples.ISSUER_KEYS)
ISSUER_KEYS_SM4_FILE = examples.path(examples.ISSUER_KEYS_SM4)
HOLDER_SM4_FILE = examples.path(examples.HOLDER_SM4)
BANK_KEYS_FILE = examples.path(examples.BANK_KEYS)

ISSUER_KEYS = SoftwareIssuerKeys.load(ISSUER_KEYS_FILE)
BANK_KEYS = SoftwareBankKeys.load(BANK_KEYS_FILE)
HOLDER = load_personalisation_file(HOLDER_FILE)

ISSUER_KEYS_TDES = ISSUER_KEYS  # the 3DES keys by a name the SM4 kinds leave alone (SM4_EXAMPLES)
# A 3rd-generation card (SM4 keys, access profile 3.0, SSC-KEY-5): the same holder and masters, SM4 key file.
ISSUER_KEYS_SM4 = SoftwareIssuerKeys.load(ISSUER_KEYS_SM4_FILE)
HOLDER_SM4 = load_personalisation_file(HOLDER_SM4_FILE)
# the example holder, on a 3.0 card: nothing else differs
assert dataclasses.replace(HOLDER, card=dataclasses.replace(HOLDER.card, spec_version="3.00"),
                           social=dataclasses.replace(HOLDER.social, access_profile="3.0")) == HOLDER_SM4
# What the host tests call the example keys and holder (objects, files, the CLI's --keys argument), on an SM4
# card kind (tests/host/conftest.py swaps them).
SM4_EXAMPLES: dict[str, object] = {
    "ISSUER_KEYS": ISSUER_KEYS_SM4, "HOLDER": HOLDER_SM4, "ISSUER_KEYS_FILE": ISSUER_KEYS_SM4_FILE,
    "HOLDER_FILE": HOLDER_SM4_FILE, "KEYS": str(ISSUER_KEYS_SM4_FILE)}
INITIAL_PIN = HOLDER.social.initial_pin
FINANCE_PIN = "1234"
assert HOLDER.finance is not None and HOLDER.finance.initial_pin == FINANCE_PIN

# The example card of apdu_spec.model.CardProfile.example() (the card kinds are installed with it).
EXAMPLE_UNIQUE = bytes.fromhex("1122334455667788")


def with_holder(data: PersonalisationData, **changes: Any) -> PersonalisationData:
    return dataclasses.replace(data, holder=dataclasses.replace(data.holder, **changes))


MakeCard = Callable[..., Connection]


def personalised_card(card_factory: CardFactory, state: str = "ACTIVE", *, data: PersonalisationData = HOLDER,
                      finance: bool = True, finance_state: str | None = None) -> Connection:
    """A fresh card of the factory's kind, personalised through sscard from ``data`` and the example keys,
    brought to ``state`` (ISSUED / ACTIVE / BLOCKED / TERMINATED) with the library's own commands, then
    power-cycled."""
    if card_factory.sm4 and data is HOLDER:
        data = HOLDER_SM4
    # the card's algorithm follows the access profile it is personalised with (SSC-KEY-5, SSC-PERSO-5)
    sm4 = data.social.access_profile == "3.0"
    issuer_keys = ISSUER_KEYS_SM4 if sm4 else ISSUER_KEYS
    connection = card_factory(CardProfile.example(access_profile=data.social.access_profile),
                              state="PERSONALISATION")
    personalise(connection, data, issuer_keys, bank_keys=BANK_KEYS if finance else None)
    protocol = CardProtocol.of(connection)
    if finance and state != "TERMINATED":  # CARD BLOCK ends both applications
        _bring(FinanceSession(protocol, keys=BANK_KEYS), finance_state or state)
    _bring(SocialSecuritySession(protocol, keys=issuer_keys), state)
    connection.reset()
    return connection


def _bring(session: SocialSecuritySession | FinanceSession, state: str) -> None:
    if state in ("ACTIVE", "BLOCKED"):
        session.activate()
    if state == "BLOCKED":
        session.block_application()
    if state == "TERMINATED":
        session.block_card()
    expected = Lifecycle[state]
    assert session.lifecycle(refresh=True) is expected


def reading_session(connection: Connection | CardProtocol, card_factory: CardFactory, *,
                    keys: IssuerKeys | None = None, tracers: Iterable[Tracer] = ()) -> SocialSecuritySession:
    """A session that reads the whole of EF05 and EF06. A 3rd-generation card (an SM4 kind, access profile 3.0)
    opens the card number and EF06 only after EXTERNAL AUTHENTICATE with the read key RK (SSC-ACC-2): this does
    it first, with ``keys`` (default: those of the kind's example card, the ``card`` fixture's). A 2.0 card needs
    nothing: the session is a plain one, keys only if given."""
    if not card_factory.sm4:
        return SocialSecuritySession(connection, keys=keys, tracers=tracers)
    session = SocialSecuritySession(connection, keys=keys or issuer_keys_of(card_factory.example()), tracers=tracers)
    return open_holder_data(session, card_factory)


def open_holder_data(session: SocialSecuritySession, card_factory: CardFactory) -> SocialSecuritySession:
    """``session`` (with its card's keys), after EXTERNAL AUTHENTICATE with RK on a 3rd-generation card, which
    opens the card number and EF06 (SSC-ACC-2) until the next selection or reset; a 2.0 card: as it is."""
    if card_factory.sm4:
        session.external_authenticate("RK")
    return session


def other_card() -> CardIdentity:
    """Another card of the same city: the same masters give it other keys."""
    return CardIdentity(ISSUER_KEYS.city_code, bytes.fromhex("8877665544332211"))
