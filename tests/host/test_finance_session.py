"""FinanceSession: the financial application with the bank's keys, apart from the social one."""

from __future__ import annotations

import datetime as dt

import pytest
from host_helpers import BANK_KEYS, FINANCE_PIN, HOLDER, INITIAL_PIN, ISSUER_KEYS

from sscard import (
    CardProtocol,
    ConditionsNotSatisfied,
    Connection,
    FinanceSession,
    Lifecycle,
    PinBlocked,
    PinFormatError,
    SocialSecuritySession,
    SscardError,
    UnsupportedOperation,
    WrongPin,
)
from sscard.protocol import mac_command
from sscard.records import command


@pytest.mark.clause("SSC-FIN-1", "SSC-FIN-2")
def test_account_and_pin_status(active_card: Connection) -> None:
    session = FinanceSession(active_card)
    account = session.read_account()
    assert HOLDER.finance is not None
    assert (account.pan, account.pan_sequence) == (HOLDER.finance.pan, "01")
    assert (account.effective_date, account.expiry_date) == (dt.date(2024, 1, 1), dt.date(2034, 12, 31))
    assert account.cardholder_name == "ZHANG/SAN"
    assert HOLDER.finance.pan not in repr(account) and "ZHANG" not in repr(account)
    status = session.pin_status()
    assert (status.tries_left, status.verified, status.blocked) == (3, False, False)
    assert session.pin_tries_left() == 3


@pytest.mark.clause("SSC-PIN-11", "SSC-PIN-2", "SSC-PIN-3", "SSC-PIN-1", "SSC-APP-1")
def test_financial_pin_is_separate(active_card: Connection) -> None:
    finance = FinanceSession(active_card)
    with pytest.raises(WrongPin) as err:
        finance.verify_pin(INITIAL_PIN)  # the social PIN is not the financial one
    assert err.value.tries_left == 2
    finance.verify_pin(FINANCE_PIN)
    assert finance.pin_status().verified
    for left in (2, 1, 0):
        with pytest.raises(WrongPin) as wrong:
            finance.verify_pin("0000")
        assert wrong.value.tries_left == left
    with pytest.raises(PinBlocked):
        finance.verify_pin(FINANCE_PIN)
    assert finance.pin_status().blocked
    social = SocialSecuritySession(active_card)
    assert social.pin_status().tries_left == 6  # untouched
    social.verify_pin(INITIAL_PIN)
    with pytest.raises(PinFormatError):
        finance.verify_pin("12")
    with pytest.raises(UnsupportedOperation):
        finance.change_pin(FINANCE_PIN, "4321")


@pytest.mark.clause("SSC-PIN-8", "SSC-PIN-9", "SSC-SM-5", "SSC-SM-4", "SSC-KEY-2")
def test_bank_unblock_and_reset(active_card: Connection) -> None:
    finance = FinanceSession(active_card, keys=BANK_KEYS)
    for _ in range(3):
        with pytest.raises(WrongPin):
            finance.verify_pin("0000")
    finance.unblock_pin()
    assert finance.pin_status().tries_left == 3
    finance.verify_pin(FINANCE_PIN)
    finance.reset_pin("4321")
    with pytest.raises(WrongPin):
        finance.verify_pin(FINANCE_PIN)
    finance.verify_pin("4321")


@pytest.mark.clause("SSC-LC-5", "SSC-LC-6", "SSC-LC-7", "SSC-SM-5", "SSC-APP-1")
def test_bank_lifecycle_apart_from_the_social_one(active_card: Connection) -> None:
    protocol = CardProtocol(active_card)
    finance = FinanceSession(protocol, keys=BANK_KEYS)
    social = SocialSecuritySession(protocol, keys=ISSUER_KEYS)
    finance.block_application()
    assert finance.lifecycle() is Lifecycle.BLOCKED
    with pytest.raises(ConditionsNotSatisfied):
        finance.verify_pin(FINANCE_PIN)
    assert social.lifecycle() is Lifecycle.ACTIVE
    social.verify_pin(INITIAL_PIN)
    finance.unblock_application()
    finance.verify_pin(FINANCE_PIN)
    finance.block_card()  # from the financial side, the whole card ends (SSC-LC-7)
    assert social.lifecycle(refresh=True) is Lifecycle.TERMINATED
    assert finance.lifecycle(refresh=True) is Lifecycle.TERMINATED


@pytest.mark.clause("SSC-KEY-2")
def test_social_keys_cannot_act_on_the_financial_application(active_card: Connection) -> None:
    with pytest.raises(SscardError, match="SSSE keys given to the PBOC session"):
        FinanceSession(active_card, keys=ISSUER_KEYS)
    protocol = CardProtocol(active_card)
    social = SocialSecuritySession(protocol, keys=ISSUER_KEYS)
    card = social.card_identity()
    finance = FinanceSession(protocol)
    finance.select()
    challenge = protocol.get_challenge()
    apdu = mac_command(command("PBOC", "APPLICATION_BLOCK"), challenge,
                       lambda data, iv: ISSUER_KEYS.mac("MAINT", card, data, iv))
    assert protocol.transmit(apdu).sw == 0x6988
    assert finance.lifecycle(refresh=True) is Lifecycle.ACTIVE


@pytest.mark.clause("SSC-KEY-2", "SSC-PIN-8", "SSC-APP-1")
def test_bank_keys_cannot_unblock_the_social_pin(active_card: Connection) -> None:
    """Art. 21: a locked social PIN is unlocked at the social security window, never with the bank's
    authority; and locking it leaves the financial PIN as it was."""
    protocol = CardProtocol(active_card)
    social = SocialSecuritySession(protocol)
    for _ in range(6):
        with pytest.raises((WrongPin, PinBlocked)):
            social.verify_pin("000000")
    assert social.pin_status().blocked
    finance = FinanceSession(protocol, keys=BANK_KEYS)
    bank_card = finance.card_identity()
    assert finance.pin_status().tries_left == 3  # the financial PIN is untouched
    social.select()
    challenge = protocol.get_challenge()
    apdu = mac_command(command("SSSE", "PIN_UNBLOCK"), challenge,
                       lambda data, iv: BANK_KEYS.mac("MAINT", bank_card, data, iv))
    assert protocol.transmit(apdu).sw == 0x6988
    assert social.pin_status().blocked
    with pytest.raises(PinBlocked):
        social.verify_pin(INITIAL_PIN)
