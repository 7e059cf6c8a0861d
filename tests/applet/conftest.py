"""The applet tests on the SM4 card kinds: the helpers' MACs, cryptograms and challenges follow the card's
generation (applet_helpers.CARD), and a test module's PROFILE is the 3rd-generation example card."""

from __future__ import annotations

import applet_helpers
import pytest
from cards import CardFactory


@pytest.fixture(autouse=True)
def _generation(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    names = [name for name in ("card_factory", "applet_factory") if name in request.fixturenames]
    factory = request.getfixturevalue(names[0]) if names else None
    if isinstance(factory, CardFactory) and factory.sm4:
        monkeypatch.setattr(applet_helpers, "CARD", applet_helpers.THIRD)
        for module in (applet_helpers, request.module):
            if getattr(module, "PROFILE", None) is applet_helpers.SECOND.profile:
                monkeypatch.setattr(module, "PROFILE", applet_helpers.THIRD.profile)
