"""A card and the reference model driven in lock-step.

Every command goes to both; the responses must be identical, except where the spec makes them
random (GET CHALLENGE), and there the status word and the length must agree. MAC'd commands are
built for each side from that side's own challenge, so both see a correctly (or equally wrongly)
MAC'd command.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from apdus import build, challenge_iv

from apdu_spec import load
from apdu_spec.model import CardModel, CardProfile
from sscard import Connection, ModelConnection, crypto

SPEC = load()
PROFILE = CardProfile.example()
# Keys of another card: right format, wrong values (a MAC under them must fail like a wrong MAC).
OTHER_CARD_KEYS = {role: bytes(b ^ 0x5A for b in key) for role, key in PROFILE.ssse.keys.items()}
_BANK_KEYS = PROFILE.pboc.keys if PROFILE.pboc else {}
OTHER_BANK_KEYS = {role: bytes(b ^ 0xA5 for b in key) for role, key in _BANK_KEYS.items()}


# What the property suites sent, by card kind: shown in pytest's summary (tests/properties/conftest.py).
STATS: Counter[str] = Counter()


def sw_of(response: bytes) -> int:
    return int.from_bytes(response[-2:], "big")


class Disagreement(AssertionError):
    pass


@dataclass
class Twin:
    model: CardModel
    card: Connection
    kind: str = "card"
    log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The model is the oracle: compared with itself, every check passes whatever it says.
        if isinstance(self.card, (CardModel, ModelConnection)):
            raise TypeError("a Twin compares a card with the reference model, not the model with itself "
                            "(use the applet_factory fixture)")

    def _model_transmit(self, apdu: bytes) -> bytes:
        return self.model.transmit(apdu)

    def send(self, apdu: bytes, *, random_data: bool = False) -> int:
        """Send the same APDU to both; returns the (common) status word."""
        expected = self.model.transmit(apdu)
        got = self.card.transmit(apdu)
        self._compare(apdu.hex().upper(), expected, got, random_data)
        return sw_of(expected)

    def send_built(self, make: Callable[[Callable[[bytes], bytes]], bytes], *, random_data: bool = False) -> int:
        """Send a command whose bytes depend on the side (its challenge): ``make(transmit)``
        may talk to that side (GET CHALLENGE) and returns the APDU to compare on."""
        model_apdu = make(self._checked_model_step)
        card_apdu = make(self._checked_card_step)
        expected = self.model.transmit(model_apdu)
        got = self.card.transmit(card_apdu)
        self._compare(model_apdu.hex().upper(), expected, got, random_data)
        return sw_of(expected)

    # The preparatory exchanges of send_built (GET CHALLENGE) are compared too, pairwise.
    def _checked_model_step(self, apdu: bytes) -> bytes:
        response = self.model.transmit(apdu)
        self._pending = (apdu, response)
        return response

    def _checked_card_step(self, apdu: bytes) -> bytes:
        response = self.card.transmit(apdu)
        model_apdu, expected = self._pending
        self._compare(model_apdu.hex().upper(), expected, response, random_data=True)
        return response

    def _compare(self, label: str, expected: bytes, got: bytes, random_data: bool) -> None:
        STATS[f"APDUs compared ({self.kind})"] += 1
        self.log.append(f"{label} -> model {expected.hex().upper()} card {got.hex().upper()}")
        same = (sw_of(expected) == sw_of(got) and len(expected) == len(got)) if random_data else expected == got
        if not same:
            raise Disagreement(f"{label}: model answered {expected.hex().upper()}, card {got.hex().upper()}\n"
                               + "\n".join(self.log[-30:]))

    def power_cycle(self) -> None:
        self.model.power_cycle()
        self.card.reset()


def mac_command(app: str, name: str, key: bytes, data: bytes = b"", *, spoil: str | None = None,
                challenge_length: int = 8, p1p2: int | None = None,
                algorithm: crypto.Algorithm = crypto.Algorithm.TDES) -> Callable[[Callable[[bytes], bytes]], bytes]:
    """GET CHALLENGE then the MAC'd command ``name`` (P1-P2 ``p1p2``, else the command's first) with the MAC
    of the card's ``algorithm`` (SSC-KEY-5); ``spoil`` makes the MAC wrong ("flip") or short ("truncate")."""

    def make(transmit: Callable[[bytes], bytes]) -> bytes:
        response = transmit(build(SPEC, app, "GET_CHALLENGE", le=challenge_length))
        # no challenge (a 3DES card refuses 16 bytes): the card must refuse the command anyway
        challenge = response[:-2] if sw_of(response) == 0x9000 else bytes(min(challenge_length, algorithm.block_size))
        cmd = SPEC.applications[app].commands[name]
        params = p1p2 if p1p2 is not None else cmd.p1p2[0] if cmd.p1p2 else 0
        header = bytes([cmd.cla, cmd.ins, params >> 8, params & 0xFF, len(data) + 4])
        mac = crypto.compute_mac(key, header + data, algorithm, challenge_iv(challenge, algorithm))[:4]
        if spoil == "flip":
            mac = bytes([mac[0] ^ 1]) + mac[1:]
        if spoil == "truncate":
            return header[:4] + bytes([len(data) + 3]) + data + mac[:3]
        return header + data + mac

    return make


def social_pin_data(pin: str) -> bytes:
    return crypto.social_pin_bcd(pin)


def finance_pin_block(pin: str) -> bytes:
    return crypto.iso9564_format2_block(pin)
