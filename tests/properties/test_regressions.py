"""Disagreements the property suites found, kept as explicit cases (shrunk by hypothesis)."""

from __future__ import annotations

import pytest
from cards import CardFactory
from test_bad_input import check_one


@pytest.mark.clause("SSC-APDU-1", "SSC-APP-2")
@pytest.mark.parametrize(("select", "with_challenge", "apdu"), [
    # extended Lc with nothing selected: jCardSim said 6986, the spec 6700 (refused at the transport)
    (None, False, "0016000000000100"),
    # "00 xx" after the header: half an extended length; the simulator read past the APDU (6F00)
    ("SSSE", False, "00B2012C0000"),
    # 261 bytes (Lc FF + Le): more than the APDU buffer; jCardSim overflowed (6F00)
    ("SSSE", False, "00DC012CFF" + "00" * 256),
    # a malformed APDU must not spend the challenge (the model spent it, the card did not)
    ("SSSE", True, "0020000003123456FFFF"),
    ("PBOC", True, "00840000"),
], ids=["extended-nothing-selected", "half-extended-length", "261-bytes", "malformed-keeps-challenge",
        "case1-get-challenge"])
def test_found_by_the_property_suites(card_factory: CardFactory, select: str | None, with_challenge: bool,
                                      apdu: str) -> None:
    check_one(card_factory, select, with_challenge, bytes.fromhex(apdu))
