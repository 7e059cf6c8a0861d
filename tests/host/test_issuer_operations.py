"""Issuer operations through the session, on cards personalised by sscard with the example keys."""

from __future__ import annotations

import json

import pytest
from cards import CardFactory
from host_helpers import INITIAL_PIN, ISSUER_KEYS, ISSUER_KEYS_FILE, open_holder_data, other_card

from sscard import (
    ApplicationTerminated,
    CardAuthenticationFailed,
    ConditionsNotSatisfied,
    Connection,
    FinanceSession,
    HolderDataError,
    Lifecycle,
    PinBlocked,
    RecordingTracer,
    SecurityConditionNotSatisfied,
    SocialSecuritySession,
    SscardError,
    WrongCryptogram,
    WrongPin,
    crypto,
)
from sscard import spec_tables as t
from sscard.apdu import CommandApdu
from sscard.keys import CardIdentity, KeyMismatch


def _block_pin(session: SocialSecuritySession) -> None:
    for _ in range(6):
        with pytest.raises(WrongPin):
            session.verify_pin("000000")
    assert session.pin_status().blocked


@pytest.mark.clause("SSC-PIN-8", "SSC-PIN-3", "SSC-SM-2")
def test_unblock_after_six_wrong_pins_keeps_the_old_pin(active_card: Connection) -> None:
    session = SocialSecuritySession(active_card, keys=ISSUER_KEYS)
    _block_pin(session)
    with pytest.raises(PinBlocked):
        session.verify_pin(INITIAL_PIN)
    session.unblock_pin()
    status = session.pin_status()
    assert status.tries_left == 6 and not status.blocked
    session.verify_pin(INITIAL_PIN)


@pytest.mark.clause("SSC-PIN-9", "SSC-SM-4", "SSC-SM-2")
def test_reset_sets_a_new_pin(active_card: Connection) -> None:
    session = SocialSecuritySession(active_card, keys=ISSUER_KEYS)
    _block_pin(session)
    tracer = RecordingTracer()
    session.protocol.tracers.append(tracer)
    session.reset_pin("24680")
    masked = ISSUER_KEYS.algorithm.block_size + 4  # the enciphered PIN block and the MAC
    assert "24680" not in "".join(str(e) for e in tracer) and f"[{masked} bytes masked]" in str(tracer.entries[-1])
    assert session.pin_status().tries_left == 6
    with pytest.raises(WrongPin):
        session.verify_pin(INITIAL_PIN)
    session.verify_pin("24680")


@pytest.mark.clause("SSC-LC-4", "SSC-LC-1")
def test_activate(issued_card: Connection) -> None:
    session = SocialSecuritySession(issued_card, keys=ISSUER_KEYS)
    assert session.lifecycle() is Lifecycle.ISSUED
    session.activate()
    assert session.lifecycle() is Lifecycle.ACTIVE
    assert FinanceSession(issued_card).lifecycle() is Lifecycle.ISSUED  # activated separately (art. 13)
    with pytest.raises(ConditionsNotSatisfied):
        session.activate()


@pytest.mark.clause("SSC-LC-5", "SSC-LC-6", "SSC-PIN-12", "SSC-ACC-5")
def test_blocked_application_refuses_pin_and_reads_then_comes_back(active_card: Connection,
                                                                   card_factory: CardFactory) -> None:
    session = SocialSecuritySession(active_card, keys=ISSUER_KEYS)
    session.block_application()
    assert session.lifecycle() is Lifecycle.BLOCKED
    with pytest.raises(ConditionsNotSatisfied) as err:
        session.verify_pin(INITIAL_PIN)
    assert err.value.sw == 0x6985
    open_holder_data(session, card_factory)  # a 3.0 card reads with RK only, blocked or not (SSC-ACC-2)
    with pytest.raises(ConditionsNotSatisfied) as err:
        session.read_file("DF01_EF05")
    assert err.value.sw == 0x6985
    assert session.read_holder().name == "张三"  # EF05/EF06 stay readable: the window identifies the card
    session.block_application()  # again: no change (SSC-LC-5)
    session.unblock_application()
    assert session.lifecycle() is Lifecycle.ACTIVE
    open_holder_data(session, card_factory).verify_pin(INITIAL_PIN)
    assert session.read_file("DF01_EF05")["A0"] == "广东省韶关市"


@pytest.mark.clause("SSC-LC-7", "SSC-LC-2")
def test_card_block_is_final(active_card: Connection) -> None:
    session = SocialSecuritySession(active_card, keys=ISSUER_KEYS)
    session.card_identity()
    session.block_card()
    assert session.lifecycle() is Lifecycle.TERMINATED
    assert FinanceSession(active_card).lifecycle() is Lifecycle.TERMINATED
    active_card.reset()
    again = SocialSecuritySession(active_card, keys=ISSUER_KEYS)
    assert again.lifecycle() is Lifecycle.TERMINATED
    for operation in (again.read_card_info, again.unblock_application, again.activate,
                      lambda: again.verify_pin(INITIAL_PIN)):
        with pytest.raises(ApplicationTerminated) as err:
            operation()
        assert err.value.sw == 0x6A81


@pytest.mark.fresh_card
@pytest.mark.clause("SSC-ACC-4", "SSC-FILE-3", "SSC-SM-2")
def test_update_record_with_mac(active_card: Connection, card_factory: CardFactory) -> None:
    session = SocialSecuritySession(active_card, keys=ISSUER_KEYS)
    session.update_record("EF06", 2, "李四")
    assert open_holder_data(session, card_factory).read_holder().name == "李四"
    session.update_record("DF01_EF05", 1, "广东省韶关市浈江区")
    assert session.read_file("DF01_EF05")["A0"] == "广东省韶关市浈江区"
    assert open_holder_data(session, card_factory).read_holder().name == "李四"  # back at the root
    with pytest.raises(HolderDataError, match="holder.name: 31 bytes in GBK, at most 30"):
        session.update_record("EF06", 2, "张" * 15 + "A")
    with pytest.raises(SecurityConditionNotSatisfied):
        session.update_record("EF05", 7, "K99999999")  # issuer data never changes (SSC-ACC-4)
    with pytest.raises(SecurityConditionNotSatisfied):
        session.update_record("DF04_EF05", 1, "2")  # medical data needs the PIN (SSC-ACC-3)
    session.verify_pin(INITIAL_PIN)
    session.update_record("DF04_EF05", 1, "2")


@pytest.mark.clause("SSC-KEY-3", "SSC-KEY-4", "SSC-KEY-1")
def test_external_and_internal_authentication(active_card: Connection) -> None:
    """EXTERNAL AUTHENTICATE with the terminal key RKSSSE passes and resets the key's tries: a wrong
    cryptogram before it and one after it both leave the limit less one. INTERNAL AUTHENTICATE answers the
    challenge enciphered (ECB) under this card's own IK: the issuer master diversified for the city and this
    card, computed here from the key file, not by the library."""
    session = SocialSecuritySession(active_card, keys=ISSUER_KEYS)
    card = session.card_identity()
    rk, ik = t.KEYS["SSSE"]["RK"], t.KEYS["SSSE"]["IK"]
    assert rk.try_limit is not None
    algorithm = ISSUER_KEYS.algorithm  # 3DES on a 2.0 card, SM4 on a 3.0 one (SSC-KEY-5): 8- or 16-byte blocks
    block = algorithm.block_size

    def wrong_cryptogram() -> int:
        session.protocol.get_challenge(block)
        with pytest.raises(WrongCryptogram) as err:
            session.protocol.send(CommandApdu(0x00, 0x82, 0x00, rk.id, bytes(block)), name="EXTERNAL AUTHENTICATE")
        return err.value.tries_left

    assert wrong_cryptogram() == rk.try_limit - 1
    session.external_authenticate()  # raises unless 9000
    assert wrong_cryptogram() == rk.try_limit - 1, "the right cryptogram did not reset the key's tries"

    masters = json.loads(ISSUER_KEYS_FILE.read_text())["master_keys"]
    card_ik = crypto.derive_card_key(bytes.fromhex(masters["IK"]["value"]), card.area_code, card.card_unique,
                                     algorithm)
    for challenge in (bytes(block), bytes(range(1, block + 1))):
        answer = session.protocol.send(CommandApdu(0x00, 0x88, 0x00, ik.id, challenge, le=256),
                                       name="INTERNAL AUTHENTICATE")
        assert answer == crypto.encrypt_ecb(card_ik, challenge, algorithm)
        assert answer != ISSUER_KEYS.authenticate("IK", other_card(), challenge)  # one card, one key
    session.authenticate_card()  # and the library's check agrees (it raises on a mismatch)
    session.authenticate_card(bytes(block))


@pytest.mark.clause("SSC-KEY-4", "SSC-KEY-1")
def test_a_card_of_other_keys_fails_internal_authentication(card: Connection) -> None:
    """The example profile card holds keys that do not derive from the example masters."""
    session = SocialSecuritySession(card, keys=ISSUER_KEYS)
    with pytest.raises(CardAuthenticationFailed):
        session.authenticate_card()


@pytest.mark.clause("SSC-KEY-1")
def test_keys_of_another_city_are_refused_host_side() -> None:
    with pytest.raises(KeyMismatch, match="serve city 440200"):
        ISSUER_KEYS.mac("MAINT", CardIdentity("440300", other_card().card_unique), b"", bytes(8))


@pytest.mark.clause("SSC-PIN-8")
def test_issuer_operations_need_keys(card: Connection) -> None:
    session = SocialSecuritySession(card)
    with pytest.raises(SscardError, match="needs the issuer keys"):
        session.unblock_pin()
