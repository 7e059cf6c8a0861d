"""Fixtures of the host tests: cards personalised through sscard itself, on every card kind."""

from __future__ import annotations

import pytest
from cards import CardFactory
from host_helpers import SM4_EXAMPLES, personalised_card

from sscard import Connection


@pytest.fixture(autouse=True)
def _sm4_examples(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """On an SM4 card kind the example issuer keys and holder are the 3rd-generation ones (SSC-KEY-5): the
    test module's names for them (imported from host_helpers) say so for the test's length, so that every
    host test runs unchanged on both generations."""
    factory = request.node.funcargs.get("card_factory") if "card_factory" in request.fixturenames else None
    if not isinstance(factory, CardFactory):
        factory = request.getfixturevalue("card_factory") if "card_factory" in request.fixturenames else None
    if isinstance(factory, CardFactory) and factory.sm4:
        for name, value in SM4_EXAMPLES.items():
            if hasattr(request.module, name):
                monkeypatch.setattr(request.module, name, value)


@pytest.fixture
def active_card(card_factory: CardFactory) -> Connection:
    """Personalised from examples/holder.json with the example keys (both applications), ACTIVE."""
    return personalised_card(card_factory, "ACTIVE")


@pytest.fixture
def issued_card(card_factory: CardFactory) -> Connection:
    """Personalised from the examples, personalisation closed, not yet activated (ISSUED)."""
    return personalised_card(card_factory, "ISSUED")
