"""Every MAC'd command of the social security application, attacked: a wrong MAC, a stale, superseded or
reused challenge, a truncated MAC, a MAC under another card's keys. Each is refused and changes nothing;
the genuine command then still works."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from cards import CardFactory
from host_helpers import INITIAL_PIN, ISSUER_KEYS, other_card, personalised_card

from sscard import CardProtocol, Lifecycle, SocialSecuritySession, WrongPin, crypto
from sscard import spec_tables as t
from sscard.apdu import CommandApdu
from sscard.keys import CardIdentity
from sscard.protocol import mac_command
from sscard.records import READ_BY_NUMBER, command, encode_item, encode_record, record_p2
from sscard.social import social_pin_data

NEW_NAME = "李四"
NEW_PIN = "999999"


@dataclass(frozen=True)
class Case:
    name: str
    state: str
    data: Callable[[CardIdentity], bytes]
    p1p2: tuple[int, int] | None = None

    def command(self, card: CardIdentity) -> CommandApdu:
        p1, p2 = self.p1p2 if self.p1p2 else (None, None)
        return command("SSSE", self.name, self.data(card), p1=p1, p2=p2)


def _name_record(card: CardIdentity) -> bytes:
    record = t.FILES["EF06"].records[1]
    return encode_record(record, {record.items[0].tag: encode_item(record.items[0], NEW_NAME)})


CASES = [
    Case("ACTIVATE", "ISSUED", lambda card: b""),
    Case("APPLICATION_BLOCK", "ACTIVE", lambda card: b""),
    Case("APPLICATION_UNBLOCK", "BLOCKED", lambda card: b""),
    Case("CARD_BLOCK", "ACTIVE", lambda card: b""),
    Case("PIN_UNBLOCK", "ACTIVE", lambda card: b""),
    Case("RELOAD_PIN", "ACTIVE", lambda card: ISSUER_KEYS.encipher("RELOAD", card, social_pin_data(NEW_PIN))),
    Case("UPDATE_RECORD_SM", "ACTIVE", _name_record, (2, record_p2(6, READ_BY_NUMBER))),
]
ATTACKS = ["wrong_mac", "stale_challenge", "superseded_challenge", "reused_challenge", "truncated_mac",
           "other_card_keys"]
EXPECTED = {
    "wrong_mac": {0x6988},
    "stale_challenge": {0x6984},
    "superseded_challenge": {0x6988},
    "truncated_mac": {0x6700, 0x6988},
    "other_card_keys": {0x6988},
}


def _mac(card: CardIdentity, role: str) -> Callable[[bytes, bytes], bytes]:
    return lambda data, iv: ISSUER_KEYS.mac(role, card, data, iv)


Snapshot = tuple[Lifecycle, int | None, bytes | None]


def snapshot(protocol: CardProtocol) -> Snapshot:
    """Lifecycle, PIN tries and EF06 as a fresh selection sees them (spends nothing; a 3.0 card, the SM4 one,
    shows EF06 after EXTERNAL AUTHENTICATE with RK, SSC-ACC-2, SSC-KEY-5)."""
    session = SocialSecuritySession(protocol, keys=ISSUER_KEYS)
    state = session.lifecycle(refresh=True)
    if state is Lifecycle.TERMINATED:
        return state, None, None
    tries = session.pin_status().tries_left if state is Lifecycle.ACTIVE else None
    if _third_generation():
        session.external_authenticate("RK")
    return state, tries, session.read_records(6)


def _third_generation() -> bool:
    """Whether this test's card is a 3rd-generation one: the example keys are SM4 on an SM4 card kind."""
    return ISSUER_KEYS.algorithm is crypto.Algorithm.SM4


def _attack(protocol: CardProtocol, case: Case, attack: str, card: CardIdentity) -> int:
    role = t.COMMANDS["SSSE"][case.name].sm_key
    assert role is not None
    cmd = case.command(card)
    mac = _mac(other_card() if attack == "other_card_keys" else card, role)
    challenge = protocol.get_challenge(ISSUER_KEYS.algorithm.block_size)  # the IV: one block (SSC-SM-2)
    if attack == "stale_challenge":
        protocol.transmit(command("SSSE", "READ_RECORD", p1=1, p2=record_p2(5, READ_BY_NUMBER), le=256))
    if attack == "superseded_challenge":
        assert protocol.get_challenge(len(challenge)) != challenge
    apdu = mac_command(cmd, challenge, mac)
    if attack == "wrong_mac":
        apdu = apdu.with_data(apdu.data[:-1] + bytes([apdu.data[-1] ^ 0x01]))
    if attack == "truncated_mac":
        apdu = apdu.with_data(apdu.data[:-1])
    return protocol.transmit(apdu).sw


@pytest.mark.clause("SSC-SM-1", "SSC-SM-2", "SSC-SM-3", "SSC-KEY-1", "SSC-APDU-2")
@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_mac_attack_is_refused_and_changes_nothing(card_factory: CardFactory, case: Case, attack: str) -> None:
    connection = personalised_card(card_factory, case.state, finance=False)
    protocol = CardProtocol(connection)
    session = SocialSecuritySession(protocol, keys=ISSUER_KEYS)
    card = session.card_identity()
    if case.state == "ACTIVE":  # two wrong PINs: an unblock or reload would show in the tries
        for _ in range(2):
            with pytest.raises(WrongPin):
                session.verify_pin("000000")
    if attack == "reused_challenge":
        session.select()
        genuine = mac_command(case.command(card), protocol.get_challenge(ISSUER_KEYS.algorithm.block_size),
                              _mac(card, t.COMMANDS["SSSE"][case.name].sm_key or ""))
        assert protocol.transmit(genuine).sw == 0x9000
        before = snapshot(protocol)
        protocol.transmit(command("SSSE", "SELECT", t.SSSE_AID, p1=0x04, p2=0x00))  # 6A81 once terminated
        replay = protocol.transmit(genuine).sw
        assert replay in {0x6984, 0x6985, 0x6A81}, f"{replay:04X}"
        assert snapshot(protocol) == before
        return
    before = snapshot(protocol)
    session.select()
    sw = _attack(protocol, case, attack, card)
    assert sw in EXPECTED[attack], f"{case.name} {attack}: {sw:04X}"
    assert snapshot(protocol) == before
    if case.state == "ACTIVE" and case.name != "CARD_BLOCK":
        SocialSecuritySession(protocol).verify_pin(INITIAL_PIN)  # the PIN is still the old one
    _genuine(SocialSecuritySession(protocol, keys=ISSUER_KEYS), case)


def _genuine(session: SocialSecuritySession, case: Case) -> None:
    """The same operation, done properly, goes through (the refusal was the attack's doing)."""
    operations: dict[str, Callable[[], None]] = {
        "ACTIVATE": session.activate,
        "APPLICATION_BLOCK": session.block_application,
        "APPLICATION_UNBLOCK": session.unblock_application,
        "CARD_BLOCK": session.block_card,
        "PIN_UNBLOCK": session.unblock_pin,
        "RELOAD_PIN": lambda: session.reset_pin(NEW_PIN),
        "UPDATE_RECORD_SM": lambda: session.update_record("EF06", 2, NEW_NAME),
    }
    operations[case.name]()
    if case.name == "UPDATE_RECORD_SM":
        if _third_generation():
            session.external_authenticate("RK")
        assert session.read_holder().name == NEW_NAME
    elif case.name == "RELOAD_PIN":
        session.verify_pin(NEW_PIN)
    elif case.name == "PIN_UNBLOCK":
        assert session.pin_status().tries_left == HOLDER_LIMIT
    else:
        expected = {"ACTIVATE": Lifecycle.ACTIVE, "APPLICATION_BLOCK": Lifecycle.BLOCKED,
                    "APPLICATION_UNBLOCK": Lifecycle.ACTIVE, "CARD_BLOCK": Lifecycle.TERMINATED}[case.name]
        assert session.lifecycle(refresh=True) is expected


HOLDER_LIMIT = 6


@pytest.mark.clause("SSC-SM-3")
def test_mac_without_challenge_is_refused(card_factory: CardFactory) -> None:
    """A MAC'd command with no GET CHALLENGE before it: 6984, nothing changes."""
    connection = personalised_card(card_factory, "ACTIVE", finance=False)
    protocol = CardProtocol(connection)
    session = SocialSecuritySession(protocol, keys=ISSUER_KEYS)
    card = session.card_identity()
    before = snapshot(protocol)
    session.select()
    apdu = mac_command(command("SSSE", "APPLICATION_BLOCK"), bytes(ISSUER_KEYS.algorithm.block_size),
                       _mac(card, "MAINT"))
    assert protocol.transmit(apdu).sw == 0x6984
    assert snapshot(protocol) == before
