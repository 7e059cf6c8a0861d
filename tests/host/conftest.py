"""Fixtures of the host tests: cards personalised through sscard itself, on every card kind."""

from __future__ import annotations

import pytest
from cards import CardFactory
from host_helpers import personalised_card

from sscard import Connection


@pytest.fixture
def active_card(card_factory: CardFactory) -> Connection:
    """Personalised from examples/holder.json with the example keys (both applications), ACTIVE."""
    return personalised_card(card_factory, "ACTIVE")


@pytest.fixture
def issued_card(card_factory: CardFactory) -> Connection:
    """Personalised from the examples, personalisation closed, not yet activated (ISSUED)."""
    return personalised_card(card_factory, "ISSUED")
