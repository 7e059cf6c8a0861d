"""Secure messaging that cannot be guessed online: MAC failure counters per MAC key (SSC-SM-6), the issuer's
counter reset (SSC-KEY-6), the challenge length of the access profile (SSC-SM-7), an ATC that moves only
with what the card did (SSC-FIN-3), and the PIN management forms this card does not take (SSC-SM-8).

Every card kind runs them; the expected status words are the spec's."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from cards import CardFactory
from host_helpers import BANK_KEYS, HOLDER, INITIAL_PIN, ISSUER_KEYS, ISSUER_KEYS_SM4, personalised_card

from sscard import (
    CardProtocol,
    FinanceSession,
    KeyBlocked,
    MacKeyBlocked,
    SocialSecuritySession,
    WrongMac,
    WrongPin,
)
from sscard import spec_tables as t
from sscard.apdu import CommandApdu
from sscard.crypto import command_mac_iv
from sscard.errors import ConditionsNotSatisfied, WrongData
from sscard.protocol import mac_command
from sscard.records import command
from sscard.social import social_pin_data

MacFunction = Callable[[bytes, bytes], bytes]
LIMIT = 15  # every MAC key's try_limit in ssse.toml / pboc.toml


def _wrong(mac: MacFunction) -> MacFunction:
    return lambda data, iv: bytes(b ^ 0xFF for b in mac(data, iv))


def _social(card_factory: CardFactory, state: str = "ACTIVE", profile: str | None = None) -> SocialSecuritySession:
    """A personalised social application with the access profile of the kind's cards, or ``profile``."""
    profile = profile or ("3.0" if card_factory.sm4 else "2.0")
    version = {"2.0": "2.00", "3.0": "3.00"}[profile]
    data = dataclasses.replace(HOLDER, social=dataclasses.replace(HOLDER.social, access_profile=profile),
                               card=dataclasses.replace(HOLDER.card, spec_version=version))
    return SocialSecuritySession(CardProtocol(personalised_card(card_factory, state, data=data, finance=False)),
                                 keys=ISSUER_KEYS_SM4 if profile == "3.0" else ISSUER_KEYS)  # SSC-KEY-5


def _send(session: SocialSecuritySession | FinanceSession, name: str, mac: MacFunction, *, p2: int | None = None,
          data: bytes = b"", challenge_length: int = 8) -> int:
    """One MAC'd command with ``mac`` (right or wrong) after a challenge of ``challenge_length``: its status word."""
    session.select()
    protocol = session.protocol
    cmd = command(session.application, name, data, p1=None if p2 is None else 0, p2=p2)
    challenge = protocol.get_challenge(challenge_length)
    return protocol.transmit(mac_command(cmd, challenge, mac)).sw


def _issuer_mac(session: SocialSecuritySession, role: str) -> MacFunction:
    card = session.card_identity()
    keys = session.keys
    assert keys is not None
    return lambda data, iv: keys.mac(role, card, data, iv)


# A harmless command MAC'd under each SSSE MAC key, in ACTIVE: the MAINT one goes BLOCKED -> ACTIVE.
SSSE_MAC_KEYS = {"MAINT": "APPLICATION_UNBLOCK", "UNBLOCK": "PIN_UNBLOCK", "RELOAD": "RELOAD_PIN"}


@pytest.mark.clause("SSC-SM-6")
@pytest.mark.parametrize("role", sorted(SSSE_MAC_KEYS))
def test_wrong_macs_block_the_key_after_its_limit(card_factory: CardFactory, role: str) -> None:
    """15 wrong MACs in a row block the key: then even the right MAC answers 6983 and changes nothing.
    Other keys are not affected."""
    session = _social(card_factory, "BLOCKED" if role == "MAINT" else "ACTIVE")
    name = SSSE_MAC_KEYS[role]
    mac = _issuer_mac(session, role)
    data = ISSUER_KEYS.encipher("RELOAD", session.card_identity(), social_pin_data("777777")) if role == "RELOAD" \
        else b""
    for _ in range(LIMIT):
        assert _send(session, name, _wrong(mac), data=data) == 0x6988
    assert _send(session, name, mac, data=data) == 0x6983
    with pytest.raises(MacKeyBlocked) as info:
        {"MAINT": session.unblock_application, "UNBLOCK": session.unblock_pin,
         "RELOAD": lambda: session.reset_pin("777777")}[role]()
    assert info.value.sw == 0x6983
    # nothing happened: the application is as it was, the PIN is the old one
    if role == "MAINT":
        assert session.lifecycle(refresh=True).name == "BLOCKED"
    else:
        session.verify_pin(INITIAL_PIN)
        session.block_application()  # the maintenance key still works


@pytest.mark.clause("SSC-SM-6")
def test_a_right_mac_puts_the_counter_back(card_factory: CardFactory) -> None:
    """14 wrong MACs, one right one, 14 wrong again: never blocked (the counter is per key, reset by success)."""
    session = _social(card_factory)
    mac = _issuer_mac(session, "UNBLOCK")
    for _ in range(2):
        for _ in range(LIMIT - 1):
            assert _send(session, "PIN_UNBLOCK", _wrong(mac)) == 0x6988
        assert _send(session, "PIN_UNBLOCK", mac) == 0x9000


@pytest.mark.clause("SSC-SM-6", "SSC-LC-8")
def test_mac_failures_survive_a_power_cycle(card_factory: CardFactory) -> None:
    session = _social(card_factory)
    mac = _issuer_mac(session, "UNBLOCK")
    for _ in range(LIMIT - 1):
        assert _send(session, "PIN_UNBLOCK", _wrong(mac)) == 0x6988
    session.protocol.reset()
    assert _send(session, "PIN_UNBLOCK", _wrong(mac)) == 0x6988
    assert _send(session, "PIN_UNBLOCK", mac) == 0x6983


@pytest.mark.clause("SSC-SM-6", "SSC-KEY-6")
def test_bank_mac_key_blocks_and_has_no_reset(card_factory: CardFactory) -> None:
    connection = personalised_card(card_factory, "ACTIVE")
    bank = FinanceSession(CardProtocol(connection), keys=BANK_KEYS)
    card = bank.card_identity()

    def mac(data: bytes, iv: bytes) -> bytes:
        return BANK_KEYS.mac("MAINT", card, data, iv)

    for _ in range(LIMIT):
        assert _send(bank, "PIN_UNBLOCK", _wrong(mac)) == 0x6988
    with pytest.raises(MacKeyBlocked):
        bank.unblock_pin()
    with pytest.raises(ValueError, match="no counter reset for key MAINT"):
        bank.reset_key_counter("MAINT")
    # the social application keeps its own keys and counters (SSC-KEY-2)
    SocialSecuritySession(bank.protocol, keys=ISSUER_KEYS).unblock_pin()


@pytest.mark.clause("SSC-KEY-6")
@pytest.mark.parametrize("role", ["UNBLOCK", "RELOAD"])
def test_issuer_resets_a_blocked_mac_key_under_the_maintenance_key(card_factory: CardFactory, role: str) -> None:
    session = _social(card_factory)
    mac = _issuer_mac(session, role)
    name = SSSE_MAC_KEYS[role]
    data = ISSUER_KEYS.encipher("RELOAD", session.card_identity(), social_pin_data("777777")) if role == "RELOAD" \
        else b""
    for _ in range(LIMIT):
        assert _send(session, name, _wrong(mac), data=data) == 0x6988
    key_id = t.KEYS["SSSE"][role].id
    # a reset under the wrong key is one more MAC failure of the maintenance key, and resets nothing
    assert _send(session, "RESET_KEY_COUNTER", _issuer_mac(session, "UNBLOCK" if role == "RELOAD" else "RELOAD"),
                 p2=key_id) == 0x6988
    assert _send(session, name, mac, data=data) == 0x6983
    session.reset_key_counter(role)
    assert _send(session, name, mac, data=data) == 0x9000


@pytest.mark.clause("SSC-KEY-6")
def test_the_maintenance_key_is_reset_under_the_pin_unblock_key(card_factory: CardFactory) -> None:
    session = _social(card_factory)
    mac = _issuer_mac(session, "MAINT")
    for _ in range(LIMIT):
        assert _send(session, "APPLICATION_BLOCK", _wrong(mac)) == 0x6988
    with pytest.raises(MacKeyBlocked):
        session.block_application()
    with pytest.raises(MacKeyBlocked):  # the maintenance key cannot vouch for the others any more
        session.reset_key_counter("RK")
    session.reset_key_counter("MAINT")
    session.block_application()
    assert session.lifecycle(refresh=True).name == "BLOCKED"


@pytest.mark.clause("SSC-KEY-6", "SSC-KEY-3", "SSC-ACC-2")
def test_read_key_locked_by_garbage_comes_back_with_the_issuer(card_factory: CardFactory) -> None:
    """Ten EXTERNAL AUTHENTICATEs with garbage (no secret needed) lock RK; on a 3.0 card the holder data is then
    unreadable (6982) until the issuer's RESET KEY COUNTER."""
    session = _social(card_factory, profile="3.0")
    protocol = session.protocol
    session.select()
    limit = t.KEYS["SSSE"]["RK"].try_limit
    assert limit is not None
    for left in range(limit - 1, -1, -1):
        protocol.get_challenge(8)
        garbage = bytes(16)  # one SM4 block: a 3.0 card is an SM4 card (SSC-KEY-5)
        sw = protocol.transmit(command("SSSE", "EXTERNAL_AUTHENTICATE", garbage, p1=0, p2=0x02)).sw
        assert sw == 0x63C0 | left
    with pytest.raises(KeyBlocked):
        session.external_authenticate("RK")
    reader = SocialSecuritySession(protocol)
    with pytest.raises(Exception) as info:
        reader.read_holder()
    assert getattr(info.value, "sw", None) == 0x6982
    session.reset_key_counter("RK")
    session.external_authenticate("RK")
    assert session.read_holder().name == HOLDER.holder.name


@pytest.mark.clause("SSC-KEY-6", "SSC-LC-2")
def test_no_counter_reset_during_personalisation(card_factory: CardFactory) -> None:
    connection = card_factory(state="PERSONALISATION")
    protocol = CardProtocol(connection)
    protocol.send(command("SSSE", "SELECT", t.SSSE_AID, p1=0x04, p2=0x00))
    protocol.get_challenge(8)
    apdu = CommandApdu(0x84, 0x2C, 0x00, 0x02, bytes(4))
    assert protocol.transmit(apdu).sw == 0x6985


@pytest.mark.clause("SSC-SM-7")
@pytest.mark.parametrize(("profile", "length", "sw"), [("2.0", 4, 0x9000), ("2.0", 8, 0x9000),
                                                       ("3.0", 4, 0x6984), ("3.0", 8, 0x9000)])
def test_the_access_profile_sets_the_challenge_length(card_factory: CardFactory, profile: str, length: int,
                                                      sw: int) -> None:
    """MAC'd commands and EXTERNAL AUTHENTICATE on a 3.0 card want 8 challenge bytes (64 bits of freshness)."""
    session = _social(card_factory, "BLOCKED", profile=profile)
    assert _send(session, "APPLICATION_UNBLOCK", _issuer_mac(session, "MAINT"), challenge_length=length) == sw
    card = session.card_identity()
    session.select()
    challenge = session.protocol.get_challenge(length)
    assert session.keys is not None
    cryptogram = session.keys.authenticate("RK", card, command_mac_iv(challenge))
    result = session.protocol.transmit(command("SSSE", "EXTERNAL_AUTHENTICATE", cryptogram, p1=0, p2=0x02)).sw
    assert result == sw
    if sw == 0x6984:  # refused before any check of the cryptogram: no try spent, the key still works
        session.external_authenticate("RK")


@pytest.mark.clause("SSC-FIN-3", "SSC-APDU-2")
def test_atc_moves_only_with_what_the_card_did(card_factory: CardFactory) -> None:
    """The ATC counts MAC'd commands that completed: a right MAC on a refused command, or a wrong MAC, leaves it."""
    connection = personalised_card(card_factory, "ACTIVE")
    bank = FinanceSession(CardProtocol(connection), keys=BANK_KEYS)
    before = bank.transaction_counter()
    with pytest.raises(WrongData):  # a right MAC over a cryptogram that is not a PIN block
        bank.protocol.send_mac(command("PBOC", "RELOAD_PIN", BANK_KEYS.encipher("ENC", bank.card_identity(),
                                                                                 bytes(range(8)))),
                               lambda data, iv: BANK_KEYS.mac("MAINT", bank.card_identity(), data, iv))
    with pytest.raises(ConditionsNotSatisfied):  # ACTIVE: no APPLICATION UNBLOCK
        bank.unblock_application()
    with pytest.raises(WrongMac):
        bank.protocol.send_mac(command("PBOC", "PIN_UNBLOCK"), lambda data, iv: bytes(8))
    assert bank.transaction_counter() == before
    bank.unblock_pin()
    assert bank.transaction_counter() == before + 1


@pytest.mark.clause("SSC-SM-8")
def test_national_pin_management_forms_are_refused_and_change_nothing(card_factory: CardFactory) -> None:
    session = _social(card_factory)
    protocol = session.protocol
    session.select()
    # RELOAD PIN in the national clear form 80 5E 00 00: 80 5E is CHANGE PIN here, which wants P1 01
    assert protocol.transmit(CommandApdu(0x80, 0x5E, 0x00, 0x00, social_pin_data("777777"))).sw == 0x6A86
    # PIN UNBLOCK with an enciphered PIN block and a MAC (Lc 12): this card's unblock is a MAC only
    card = session.card_identity()
    block = ISSUER_KEYS.encipher("RELOAD", card, social_pin_data("777777"))
    challenge = protocol.get_challenge(8)
    apdu = mac_command(CommandApdu(0x84, 0x24, 0x00, 0x00, block), challenge,
                       lambda data, iv: ISSUER_KEYS.mac("UNBLOCK", card, data, iv))
    assert protocol.transmit(apdu).sw == 0x6700
    with pytest.raises(WrongPin):  # the PIN is still the old one
        session.verify_pin("777777")
    session.verify_pin(INITIAL_PIN)


@pytest.mark.clause("SSC-APDU-3")
def test_trailing_le_on_a_command_without_response_is_ignored(card_factory: CardFactory) -> None:
    session = _social(card_factory)
    protocol = session.protocol
    session.select()
    verify = command("SSSE", "VERIFY", social_pin_data(INITIAL_PIN))
    assert protocol.transmit(CommandApdu(verify.cla, verify.ins, verify.p1, verify.p2, verify.data, le=256)).sw \
        == 0x9000
