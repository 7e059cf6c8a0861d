"""Helpers of the host tests (importable: this directory is on sys.path)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from cards import CardFactory

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
from sscard.keys import CardIdentity

HOLDER_FILE = examples.path(examples.HOLDER)
ISSUER_KEYS_FILE = examples.path(examples.ISSUER_KEYS)
ISSUER_KEYS_SM4_FILE = examples.path(examples.ISSUER_KEYS_SM4)
BANK_KEYS_FILE = examples.path(examples.BANK_KEYS)

ISSUER_KEYS = SoftwareIssuerKeys.load(ISSUER_KEYS_FILE)
BANK_KEYS = SoftwareBankKeys.load(BANK_KEYS_FILE)
HOLDER = load_personalisation_file(HOLDER_FILE)

ISSUER_KEYS_TDES = ISSUER_KEYS  # the 3DES keys by a name the SM4 kinds leave alone (SM4_EXAMPLES)
# A 3rd-generation card (SM4 keys, access profile 3.0, SSC-KEY-5): the same holder and masters, SM4 key file.
ISSUER_KEYS_SM4 = SoftwareIssuerKeys.load(ISSUER_KEYS_SM4_FILE)
HOLDER_SM4 = dataclasses.replace(HOLDER, card=dataclasses.replace(HOLDER.card, spec_version="3.00"),
                                 social=dataclasses.replace(HOLDER.social, access_profile="3.0"))
# What the host tests call the example keys and holder, on an SM4 card kind (tests/host/conftest.py swaps them).
SM4_EXAMPLES = {"ISSUER_KEYS": ISSUER_KEYS_SM4, "HOLDER": HOLDER_SM4, "ISSUER_KEYS_FILE": ISSUER_KEYS_SM4_FILE}
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


def other_card() -> CardIdentity:
    """Another card of the same city: the same masters give it other keys."""
    return CardIdentity(ISSUER_KEYS.city_code, bytes.fromhex("8877665544332211"))
