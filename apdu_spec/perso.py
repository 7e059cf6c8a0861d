"""Host-side command builders driven by the spec: plain and MAC'd APDUs, personalisation and
lifecycle flows. The model's factories use them; tests use them to talk to any card.

They take the spec's CLA/INS/P1-P2 and key ids from the tables, so a change of the spec changes
them too. Every helper sends through a ``transmit(apdu) -> response`` callable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sscard import crypto

from .schema import Application, Spec

__all__ = [
    "CardCommandError",
    "Transmit",
    "bring_to_state",
    "build",
    "build_mac",
    "external_authenticate",
    "get_challenge",
    "personalise",
    "run",
    "select",
]

Transmit = Callable[[bytes], bytes]


class CardCommandError(Exception):
    """A command answered another status word than expected."""

    def __init__(self, apdu: bytes, response: bytes, expected: int) -> None:
        super().__init__(f"{apdu.hex().upper()} -> {response.hex().upper()} (expected {expected:04X})")
        self.apdu = apdu
        self.response = response
        self.sw = int.from_bytes(response[-2:], "big")


def _p1p2(app: Application, name: str, p1: int | None, p2: int | None) -> tuple[int, int]:
    cmd = app.commands[name]
    if p1 is None or p2 is None:
        if cmd.p1p2 is None or len(cmd.p1p2) != 1:
            raise ValueError(f"{app.name} {name}: give P1 and P2")
        return cmd.p1p2[0] >> 8, cmd.p1p2[0] & 0xFF
    return p1, p2


def build(
    spec: Spec,
    app: str,
    name: str,
    data: bytes = b"",
    *,
    p1: int | None = None,
    p2: int | None = None,
    le: int | None = None,
) -> bytes:
    """The APDU of command ``name`` of application ``app`` (short, Lc only with data)."""
    a = spec.applications[app]
    cmd = a.commands[name]
    q1, q2 = _p1p2(a, name, p1, p2)
    out = bytes([cmd.cla, cmd.ins, q1, q2])
    if data:
        out += bytes([len(data)]) + data
    if le is not None:
        out += bytes([le & 0xFF])
    return out


def build_mac(
    spec: Spec,
    app: str,
    name: str,
    key: bytes,
    challenge: bytes,
    data: bytes = b"",
    *,
    p1: int | None = None,
    p2: int | None = None,
) -> bytes:
    """A MAC'd command: header with Lc counting the MAC, data, 4-byte retail MAC (SSC-SM-2)."""
    a = spec.applications[app]
    cmd = a.commands[name]
    q1, q2 = _p1p2(a, name, p1, p2)
    n = spec.protocol.mac_length
    header = bytes([cmd.cla, cmd.ins, q1, q2, len(data) + n])
    mac = crypto.retail_mac(key, header + data, crypto.command_mac_iv(challenge))[:n]
    return header + data + mac


def run(transmit: Transmit, apdu: bytes, expect: int = 0x9000) -> bytes:
    """Send, check the status word, return the response data."""
    resp = transmit(apdu)
    if int.from_bytes(resp[-2:], "big") != expect:
        raise CardCommandError(apdu, resp, expect)
    return resp[:-2]


def select(spec: Spec, app: str, transmit: Transmit) -> bytes:
    return run(transmit, build(spec, app, "SELECT", spec.applications[app].aid, p1=4, p2=0))


def get_challenge(spec: Spec, app: str, transmit: Transmit, n: int = 4) -> bytes:
    return run(transmit, build(spec, app, "GET_CHALLENGE", le=n))


def external_authenticate(spec: Spec, app: str, role: str, key: bytes, transmit: Transmit) -> None:
    challenge = get_challenge(spec, app, transmit, 8)
    cryptogram = crypto.tdes_encrypt_ecb(key, crypto.command_mac_iv(challenge))
    run(transmit, build(spec, app, "EXTERNAL_AUTHENTICATE", cryptogram, p1=0, p2=spec.applications[app].keys[role].id))


def personalise(spec: Spec, app: str, profile: object, transmit: Transmit, *, end: bool = True) -> None:
    """Personalise application ``app`` from an :class:`apdu_spec.model.AppProfile`: keys, PIN and
    try limit, access profile, records (root files first, then each DF), END PERSONALISATION."""
    from .model import AppProfile, encode_record, encode_value

    assert isinstance(profile, AppProfile)
    a = spec.applications[app]
    perso = profile.perso_key
    select(spec, app, transmit)
    external_authenticate(spec, app, "PERSO", perso, transmit)
    for role, key in a.keys.items():
        if key.source == "install" or role not in profile.keys:
            continue
        value = profile.keys[role]
        data = crypto.encipher_data(perso, value, crypto.Algorithm.TDES) + crypto.key_check_value(
            value, crypto.Algorithm.TDES
        )
        run(transmit, build(spec, app, "PUT_KEY", data, p1=1, p2=key.id))
    limit = profile.pin_try_limit or a.default_pin_try_limit
    enc_pin = crypto.encipher_data(perso, crypto.social_pin_bcd(profile.pin), crypto.Algorithm.TDES)
    run(transmit, build(spec, app, "SET_PIN", bytes([limit]) + enc_pin))
    if a.access_profiles:
        code = spec.access.profiles[profile.access_profile or "2.0"].code
        run(transmit, build(spec, app, "SET_ACCESS_PROFILE", bytes([code])))
    files = sorted((f for f in a.files.values() if f.name in profile.data), key=lambda f: (f.df, f.name))
    current_df = ""
    for f in files:
        if f.df != current_df:
            run(transmit, build(spec, app, "SELECT", a.dfs[f.df].aid, p1=4, p2=0))
            current_df = f.df
        values: Mapping[str, str | bytes] = profile.data[f.name]
        for rec in f.records:
            given = {
                i.tag: encode_value(i, values[i.tag.hex().upper()]) for i in rec.items if i.tag.hex().upper() in values
            }
            if given:
                run(
                    transmit,
                    build(spec, app, "UPDATE_RECORD", encode_record(rec, given), p1=rec.number, p2=f.sfi << 3 | 4),
                )
    if end:
        run(transmit, build(spec, app, "END_PERSONALISATION"))


def bring_to_state(spec: Spec, app: str, profile: object, target: str, transmit: Transmit) -> None:
    """From ISSUED to ``target`` with the MAC'd lifecycle commands under the maintenance key."""
    from .model import AppProfile

    assert isinstance(profile, AppProfile)
    path = {
        "PERSONALISATION": [],
        "ISSUED": [],
        "ACTIVE": ["ACTIVATE"],
        "BLOCKED": ["ACTIVATE", "APPLICATION_BLOCK"],
        "TERMINATED": ["CARD_BLOCK"],
    }[target]
    if not path:
        return
    select(spec, app, transmit)
    for name in path:
        challenge = get_challenge(spec, app, transmit)
        run(transmit, build_mac(spec, app, name, profile.keys["MAINT"], challenge))
