"""Raw-APDU helpers for the applet tests: no host library, only the spec's builders and crypto.

Every test in this directory runs on each card kind (model, simulator, pcsc): the same APDUs, the
same expected status words and data. Random challenges differ between kinds, so MAC'd commands and
cryptograms are computed from each card's own challenge. On the SM4 kinds (a 3rd-generation card) the social
security application's MACs, cryptograms and challenges are SM4 ones: the helpers take them from
:data:`CARD`, the card's generation, unless a test names its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from apdus import build, build_mac, challenge_iv, mac_exchange

from apdu_spec import load
from apdu_spec.model import AppProfile, CardProfile
from sscard import crypto
from sscard_core.codec import encode_record, encode_value

SPEC = load()
SSSE = SPEC.applications["SSSE"]
PBOC = SPEC.applications["PBOC"]
PROFILE = CardProfile.example()
SSSE_KEYS = PROFILE.ssse.keys
assert PROFILE.pboc is not None
PBOC_KEYS = PROFILE.pboc.keys
PIN = "123456"
FIN_PIN = "1234"
TDES = crypto.Algorithm.TDES


@dataclass(frozen=True)
class Generation:
    """What the social security application's raw APDUs depend on in the card's generation (SSC-KEY-5): its
    keys' algorithm and the challenges its MAC'd commands and external authentications take (SSC-SM-2, SSC-SM-7).
    The financial application is 3DES with 4-byte challenges on both."""

    algorithm: crypto.Algorithm
    mac_challenge: int
    auth_challenge: int
    profile: CardProfile


SECOND = Generation(TDES, 4, 8, PROFILE)
THIRD = Generation(crypto.Algorithm.SM4, 16, 16, CardProfile.example(access_profile="3.0"))
# The generation of the card under test: tests/applet/conftest.py makes it THIRD on the SM4 card kinds.
CARD = SECOND


class Card(Protocol):
    def transmit(self, apdu: bytes) -> bytes: ...

    def reset(self) -> None: ...


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def send(card: Card, apdu: bytes | str) -> tuple[bytes, int]:
    """Sends an APDU (bytes or hex); returns (data, SW)."""
    resp = card.transmit(h(apdu) if isinstance(apdu, str) else apdu)
    return resp[:-2], int.from_bytes(resp[-2:], "big")


def sw(card: Card, apdu: bytes | str) -> int:
    return send(card, apdu)[1]


def select(card: Card, app: str = "SSSE") -> bytes:
    data, status = send(card, build(SPEC, app, "SELECT", SPEC.applications[app].aid, p1=4, p2=0))
    assert status == 0x9000, f"SELECT {app}: {status:04X}"
    return data


def fci(app: str, state_code: int) -> bytes:
    """The FCI an application SELECT answers (SSC-APP-3)."""
    a = SPEC.applications[app]
    body = bytes([0x84, len(a.aid)]) + a.aid + bytes([0x8A, 1, state_code]) + a.fci_proprietary
    return bytes([0x6F, len(body)]) + body


def challenge(card: Card, n: int = 4) -> bytes:
    data, status = send(card, "008400 00" + f"{n:02X}")
    assert status == 0x9000 and len(data) == n
    return data


def mac_command(
    card: Card,
    app: str,
    name: str,
    key: bytes,
    data: bytes = b"",
    *,
    p1: int | None = None,
    p2: int | None = None,
    n: int | None = None,
    corrupt: bool = False,
    algorithm: crypto.Algorithm | None = None,
) -> int:
    """GET CHALLENGE (``n`` bytes, default the card generation's), then the MAC'd command under ``key`` (of the
    generation's algorithm unless given; a wrong MAC when ``corrupt``); its SW."""
    generation = CARD if app == "SSSE" else SECOND
    response = mac_exchange(SPEC, app, name, key, card.transmit, data, p1=p1, p2=p2,
                            challenge_length=n or generation.mac_challenge, spoil="flip" if corrupt else None,
                            algorithm=algorithm or generation.algorithm)
    return int.from_bytes(response[-2:], "big")


def external_authenticate(card: Card, app: str, key_id: int, key: bytes, *, n: int | None = None,
                          good: bool = True, algorithm: crypto.Algorithm | None = None) -> int:
    """GET CHALLENGE, then EXTERNAL AUTHENTICATE with key ``key_id`` (of the card's ``algorithm``, default the
    card generation's); its SW."""
    generation = CARD if app == "SSSE" else SECOND
    algorithm = algorithm or generation.algorithm
    ch = challenge(card, n or generation.auth_challenge)
    cryptogram = crypto.encrypt_ecb(key, challenge_iv(ch, algorithm), algorithm)
    if not good:
        cryptogram = bytes([cryptogram[0] ^ 0xFF]) + cryptogram[1:]
    return sw(card, build(SPEC, app, "EXTERNAL_AUTHENTICATE", cryptogram, p1=0, p2=key_id))


def social_pin(pin: str) -> bytes:
    return crypto.social_pin_bcd(pin)


def verify(card: Card, pin: str = PIN) -> int:
    return sw(card, build(SPEC, "SSSE", "VERIFY", social_pin(pin)))


def fin_verify(card: Card, pin: str = FIN_PIN) -> int:
    return sw(card, build(SPEC, "PBOC", "VERIFY", crypto.iso9564_format2_block(pin)))


def read(card: Card, sfi: int, record: int, mode: int = 4, le: int | None = 0) -> tuple[bytes, int]:
    apdu = bytes([0x00, 0xB2, record, sfi << 3 | mode]) + (b"" if le is None else bytes([le]))
    return send(card, apdu)


def record_bytes(app: str, file: str, number: int, values: dict[str, str | bytes] | None = None) -> bytes:
    """A complete record of the layout with the given values (tag hex -> value), padding elsewhere."""
    rec = SPEC.applications[app].files[file].record(number)
    assert rec is not None
    values = values or {}
    given = {i.tag: encode_value(i, values[i.tag.hex().upper()]) for i in rec.items if i.tag.hex().upper() in values}
    return encode_record(rec, given)


def personalised_record(app: str, file: str, number: int, profile: CardProfile | None = None) -> bytes:
    """The record as personalisation writes it from ``profile`` (default: the example card of its generation)."""
    profile = profile or CARD.profile
    ap: AppProfile | None = profile.ssse if app == "SSSE" else profile.pboc
    assert ap is not None
    return record_bytes(app, file, number, dict(ap.data.get(file, {})))


def enciphered(key: bytes, data: bytes, algorithm: crypto.Algorithm = TDES) -> bytes:
    return crypto.encipher_data(key, data, algorithm)


def generation() -> Generation:
    """The generation of the card under test (CARD, as tests/applet/conftest.py set it for this test)."""
    return CARD


def ssse_enciphered(key: bytes, data: bytes) -> bytes:
    """``data`` enciphered for the social security application under ``key``: 3DES or SM4 as the card's
    generation has it (SSC-KEY-5)."""
    return enciphered(key, data, CARD.algorithm)


def ssse_challenge(card: Card) -> bytes:
    """GET CHALLENGE for one MAC'd command of the social security application: as long as the card's generation
    takes (4 bytes on a 2.0 card, one SM4 block on a 3.0 one)."""
    return challenge(card, CARD.mac_challenge)


def ssse_mac(name: str, key: bytes, challenge: bytes, data: bytes = b"", *, p1: int | None = None,
             p2: int | None = None) -> bytes:
    """The social security application's command ``name`` MAC'd under ``key`` on ``challenge``, with the MAC of
    the card's generation (3DES retail MAC or SM4 CBC-MAC, SSC-SM-2)."""
    return build_mac(SPEC, "SSSE", name, key, challenge, data, p1=p1, p2=p2, algorithm=CARD.algorithm)


def open_reads(card: Card) -> None:
    """A 3.0 card opens EF05's card number, EF06 and the DF files only after EXTERNAL AUTHENTICATE with the read
    key RK (SSC-ACC-2): this authenticates on one; a 2.0 card reads them without, and gets nothing sent."""
    if CARD.profile.ssse.access_profile == "3.0":
        assert external_authenticate(card, "SSSE", SSSE.keys["RK"].id, CARD.profile.ssse.keys["RK"]) == 0x9000


def put_key_data(transport: bytes, value: bytes, algorithm: crypto.Algorithm = TDES) -> bytes:
    return enciphered(transport, value, algorithm) + crypto.key_check_value(value, algorithm)
