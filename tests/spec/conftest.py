"""Fixtures of the spec tests."""

from __future__ import annotations

import pytest
from cards import personalised_model
from spec_helpers import select

from apdu_spec import Spec, load
from apdu_spec.model import CardModel, CardProfile


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clause(*ids): the spec clause(s) a test checks (docs/spec.md §12)")


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load()


@pytest.fixture
def active(spec: Spec) -> CardModel:
    """A personalised card, both applications ACTIVE, SSSE selected."""
    card = personalised_model(CardProfile.example(), spec=spec)
    select(card, spec, "SSSE")
    return card
