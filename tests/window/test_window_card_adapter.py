"""The window workflows over the host library's sessions (SessionCardOperations) on reference-model cards,
personalised with the example holder and the example (TEST) issuer and bank keys."""

from __future__ import annotations

import pytest
from window_helpers import SSN, Keys, World, example_keys, model_card, model_ops, produce_model_card

from sscard import ModelConnection, SocialSecuritySession
from sscard.crypto import Algorithm
from sscard.errors import WrongPin
from sscard.spec_tables import Lifecycle
from sscard.window import (
    Function,
    SessionCardOperations,
    Side,
    activate_financial,
    apply_for_card,
    apply_for_replacement,
    cancel_loss,
    card_status,
    collect_card,
    issue_temporary_card,
    present_card,
    register_person,
    report_loss,
    reset_pin,
    restore_application,
    unblock_pin,
)


@pytest.fixture(scope="module", params=["3DES", "SM4"])
def keys(request: pytest.FixtureRequest) -> Keys:
    """The example keys of a 2nd-generation card (3DES) and of a 3rd-generation one (SM4, access profile 3.0):
    the window works unchanged on both."""
    return example_keys(sm4=request.param == "SM4")


def ops(connection: ModelConnection, keys: Keys, side: Side) -> SessionCardOperations:
    return model_ops(connection, keys, side)


@pytest.mark.clause("SSC-WIN-4", "SSC-WIN-7", "SSC-WIN-8", "SSC-WIN-9", "SSC-WIN-14")
def test_window_workflows_on_a_real_card_protocol(world: World, keys: Keys) -> None:
    card = model_card(1, keys)
    social, bank, terminal = (ops(card, keys, side) for side in (Side.SOCIAL, Side.BANK, Side.TERMINAL))
    identity = social.read_card_identity()
    third_generation = keys[0].algorithm is Algorithm.SM4
    # a 3.0 card hides its card number until EXTERNAL AUTHENTICATE with RK (SSC-ACC-2): the window knows a card
    # by its card id, and reads the holder's data with the issuer keys
    assert identity.card_id is not None
    assert identity.card_number == (None if third_generation else "K00000001")
    assert social.read_holder_items((2,)) == {2: "张三"}
    assert (identity.social, identity.financial) == (Lifecycle.ISSUED, Lifecycle.ISSUED)

    produce_model_card(world, card, keys, "K00000001")
    collect_card(world.social, "K00000001", social)
    activate_financial(world.bank, "K00000001", bank)
    now = terminal.read_card_identity()
    assert (now.social, now.financial) == (Lifecycle.ACTIVE, Lifecycle.ACTIVE)
    assert present_card(world.terminal, terminal).usable

    # art. 21: the social PIN locked by wrong entries, unlocked at the window; art. 20: reset
    holder = SocialSecuritySession(card)
    for _ in range(6):
        with pytest.raises(WrongPin):
            holder.verify_pin("000000")
    assert social.pin_blocked(Function.SOCIAL)
    unblock_pin(world.social, "K00000001", social)
    assert not social.pin_blocked(Function.SOCIAL)
    reset_pin(world.social, "K00000001", social, Function.SOCIAL, "975310")
    SocialSecuritySession(card).verify_pin("975310")
    reset_pin(world.bank, "K00000001", bank, Function.FINANCIAL, "8642")

    # art. 14: a loss report, then a terminal blocks both applications on the card
    report_loss(world.social_platform, "K00000001", Function.SOCIAL, formal=False)
    verdict = present_card(world.terminal, terminal)
    assert not verdict.usable and verdict.actions == ("block_application:social", "block_application:financial")
    blocked = terminal.read_card_identity()
    assert (blocked.social, blocked.financial) == (Lifecycle.BLOCKED, Lifecycle.BLOCKED)

    # art. 15: found again: un-reported at the window, the bank unblocks its application
    cancel_loss(world.social, "K00000001", Function.SOCIAL, social)
    restore_application(world.bank, "K00000001", bank)
    again = terminal.read_card_identity()
    assert (again.social, again.financial) == (Lifecycle.ACTIVE, Lifecycle.ACTIVE)

    # art. 16: formally lost, replaced: the old card is blocked for good when it turns up
    report_loss(world.social, "K00000001", Function.SOCIAL, formal=True)
    report_loss(world.bank, "K00000001", Function.FINANCIAL, formal=True)
    apply_for_replacement(world.social, "K00000001", bank_loss_receipt="ICBC-LR-9")
    verdict = present_card(world.terminal, terminal)
    assert verdict.actions == ("block_card",)
    assert terminal.read_card_identity().terminated
    assert card_status(world.social, "K00000001").status == "replaced"


@pytest.mark.clause("SSC-WIN-13")
def test_temporary_card_on_a_real_card_protocol(world: World, keys: Keys) -> None:
    temp = model_card(2, keys, temporary=True)
    social = ops(temp, keys, Side.SOCIAL)
    assert social.read_card_identity().financial is None  # no financial application (SSC-APP-5)
    register_person(world.social, SSN, "张三", photo_on_file=True)
    apply_for_card(world.social, SSN, bank="ICBC")
    receipt = issue_temporary_card(world.social, SSN, social, card_number="K00000002", hospital_certificate="H-7")
    assert receipt.card is not None and receipt.card.kind == "temporary"
    assert social.read_card_identity().social is Lifecycle.ACTIVE
    assert present_card(world.terminal, ops(temp, keys, Side.TERMINAL)).usable
