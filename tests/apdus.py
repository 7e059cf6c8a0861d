"""Raw APDUs of the spec's commands for the tests that drive a card byte by byte (applet, spec and property
suites): the core's one command builder and one MAC'd-command builder over the spec's declarations, with the
retail MAC (or, on an SM4 card, the SM4 CBC-MAC, SSC-KEY-5) under a key the test holds. Every helper sends
through a ``transmit(apdu) -> response`` callable.
"""

from __future__ import annotations

from collections.abc import Callable

from apdu_spec import Spec
from sscard_core import crypto
from sscard_core.apdu import build_command, mac_command

Transmit = Callable[[bytes], bytes]


class CardCommandError(AssertionError):
    """A command answered another status word than the test expected."""

    def __init__(self, apdu: bytes, response: bytes, expected: int) -> None:
        super().__init__(f"{apdu.hex().upper()} -> {response.hex().upper()} (expected {expected:04X})")
        self.sw = int.from_bytes(response[-2:], "big")


def build(spec: Spec, app: str, name: str, data: bytes = b"", *, p1: int | None = None, p2: int | None = None,
          le: int | None = None) -> bytes:
    """The APDU of command ``name`` of application ``app`` (short, Lc only with data; ``le=0`` is the Le
    byte 00, as much as there is)."""
    le = 256 if le == 0 else le
    return build_command(spec.applications[app].commands[name], data, p1=p1, p2=p2, le=le).encode()


TDES = crypto.Algorithm.TDES


def challenge_iv(challenge: bytes, algorithm: crypto.Algorithm = TDES) -> bytes:
    """The IV of a MAC or an external authentication: the challenge, zeros up to the block (SSC-SM-2)."""
    return challenge.ljust(algorithm.block_size, b"\x00")


def build_mac(spec: Spec, app: str, name: str, key: bytes, challenge: bytes, data: bytes = b"", *,
              p1: int | None = None, p2: int | None = None, algorithm: crypto.Algorithm = TDES) -> bytes:
    """A MAC'd command under ``key`` (3DES retail MAC, or SM4 CBC-MAC) with the IV from ``challenge``
    (SSC-SM-2)."""
    command = build_command(spec.applications[app].commands[name], data, p1=p1, p2=p2)
    iv = challenge_iv(challenge, algorithm)
    return mac_command(command, challenge, lambda mac_data, _: crypto.compute_mac(key, mac_data, algorithm, iv),
                       spec.protocol.mac_length).encode()


def run(transmit: Transmit, apdu: bytes, expect: int = 0x9000) -> bytes:
    """Send, check the status word, return the response data."""
    response = transmit(apdu)
    if int.from_bytes(response[-2:], "big") != expect:
        raise CardCommandError(apdu, response, expect)
    return response[:-2]


def select(spec: Spec, app: str, transmit: Transmit) -> bytes:
    return run(transmit, build(spec, app, "SELECT", spec.applications[app].aid, p1=4, p2=0))


def get_challenge(spec: Spec, app: str, transmit: Transmit, n: int = 4) -> bytes:
    return run(transmit, build(spec, app, "GET_CHALLENGE", le=n))


def external_authenticate(spec: Spec, app: str, role: str, key: bytes, transmit: Transmit,
                          algorithm: crypto.Algorithm = TDES) -> None:
    challenge = get_challenge(spec, app, transmit, 8)
    cryptogram = crypto.encrypt_ecb(key, challenge_iv(challenge, algorithm), algorithm)
    run(transmit, build(spec, app, "EXTERNAL_AUTHENTICATE", cryptogram, p1=0, p2=spec.applications[app].keys[role].id))


def mac_exchange(spec: Spec, app: str, name: str, key: bytes, transmit: Transmit, data: bytes = b"", *,
                 p1: int | None = None, p2: int | None = None, challenge_length: int = 4,
                 spoil: str | None = None, algorithm: crypto.Algorithm = TDES) -> bytes:
    """GET CHALLENGE, then the MAC'd command built on that challenge; the card's response. ``spoil`` makes the
    MAC wrong (``"flip"``: one bit of its last byte) or short (``"truncate"``: 3 bytes, Lc one less)."""
    response = transmit(build(spec, app, "GET_CHALLENGE", le=challenge_length))
    ok = response[-2:] == b"\x90\x00"
    challenge = response[:-2] if ok else bytes(challenge_length)  # no challenge: the card must refuse anyway
    apdu = build_mac(spec, app, name, key, challenge, data, p1=p1, p2=p2, algorithm=algorithm)
    if spoil == "flip":
        apdu = apdu[:-1] + bytes([apdu[-1] ^ 0x01])
    elif spoil == "truncate":
        apdu = apdu[:4] + bytes([apdu[4] - 1]) + apdu[5:-1]
    return transmit(apdu)
