"""The reference model: an executable card that answers APDUs exactly as the spec says.

It interprets the tables of :mod:`apdu_spec` generically: the check order of protocol.toml, the
CLA/INS/P1-P2/length/Le/SM/state/access columns of every command, the access rules of
access.toml, the lifecycle and retry-machine transition tables of lifecycle.toml, the record
layouts of the application files. Each command's ``action`` names one of the small handlers below;
a handler only parses the command's data and asks the tables what happens. The model keeps no
rule of its own: when it produces a status word the command does not list, it raises
:class:`ModelError` (a gap in the spec or a bug here), never answers it.

Interface used by the host (``ModelConnection``): ``transmit(apdu: bytes) -> bytes`` (response
data || SW1 SW2, as a real card on a short-APDU T=1 channel) and ``power_cycle()``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sscard_core import crypto
from sscard_core.codec import CodecError, decode_record, encode_record, tlv

from . import load
from .schema import Application, Command, EFile, RetryMachine, RetryTransition, Spec

__all__ = [
    "AppProfile",
    "CardModel",
    "CardProfile",
    "ModelError",
]

# crypto.toml algorithm names -> the host library's (SSC-KEY-5)
_ALGORITHMS = {"3DES-16": crypto.Algorithm.TDES, "SM4": crypto.Algorithm.SM4}


class ModelError(AssertionError):
    """The model reached a state the spec does not describe (a spec gap or a model bug)."""


class _Sw(Exception):
    def __init__(self, name: str, param: int = 0) -> None:
        super().__init__(name)
        self.name = name
        self.param = param


# ---------------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class AppProfile:
    """What personalisation writes into one application.

    ``keys``: card keys (already diversified) by role; ``data``: file name -> tag (hex) -> value
    (see :func:`encode_value`); ``access_profile``: "2.0" / "3.0" (SSSE only); ``algorithm``: the
    cipher of every key, fixed at installation (crypto.toml name: "3DES-16" or "SM4", SSC-KEY-5; an
    application without an install parameter for it, the financial one, is always 3DES)."""

    perso_key: bytes
    keys: Mapping[str, bytes]
    pin: str
    pin_try_limit: int | None = None
    access_profile: str | None = None
    data: Mapping[str, Mapping[str, str | bytes]] = field(default_factory=dict)
    algorithm: str = "3DES-16"


@dataclass(frozen=True)
class CardProfile:
    """A card: the 8 card-unique bytes, the SSSE and (unless temporary) the financial application."""

    card_unique: bytes
    ssse: AppProfile
    pboc: AppProfile | None = None

    @staticmethod
    def example(*, temporary: bool = False, access_profile: str = "2.0") -> CardProfile:
        """A test card with fixed TEST keys (never use them for real cards); with the 3.0 access
        profile a 3rd-generation one, its SSSE keys SM4 (SSC-KEY-5, SSC-PERSO-5)."""
        ssse = AppProfile(
            perso_key=bytes.fromhex("505152535455565758595A5B5C5D5E5F"),
            keys={
                "RK": bytes.fromhex("2122232425262728292A2B2C2D2E2F30"),
                "IK": bytes.fromhex("3132333435363738393A3B3C3D3E3F40"),
                "MAINT": bytes.fromhex("A1A2A3A4A5A6A7A8B1B2B3B4B5B6B7B8"),
                "UNBLOCK": bytes.fromhex("B1B2B3B4B5B6B7B8C1C2C3C4C5C6C7C8"),
                "RELOAD": bytes.fromhex("E1E2E3E4E5E6E7E8F1F2F3F4F5F6F7F8"),
            },
            pin="123456",
            access_profile=access_profile,
            algorithm="SM4" if access_profile == "3.0" else "3DES-16",
            data={
                "EF05": {
                    "01": bytes.fromhex("440200D156000005") + bytes.fromhex("1122334455667788"),
                    "02": "2" if temporary else "1",
                    "03": "2.00" if access_profile == "2.0" else "3.00",
                    "04": "440200000001",
                    "05": "20240101",
                    "06": "20340101",
                    "07": "K12345678",
                },
                "EF06": {
                    "08": "440203199001011231",  # GB 11643 check character 1
                    "09": "张三",
                    "0A": "1",
                    "0B": "01",
                    "0C": "440203",
                    "0D": "19900101",
                },
                "DF01_EF05": {"A0": "广东省韶关市", "A1": "0751-0000000"},
                "DF04_EF05": {"D0": "1", "D1": "440200"},
            },
        )
        pboc = (
            None
            if temporary
            else AppProfile(
                perso_key=bytes.fromhex("707172737475767778797A7B7C7D7E7F"),
                keys={
                    "MAINT": bytes.fromhex("C1C2C3C4C5C6C7C8D1D2D3D4D5D6D7D8"),
                    "ENC": bytes.fromhex("6162636465666768696A6B6C6D6E6F70"),
                },
                pin="1234",
                data={
                    "FIN_SFI1": {
                        "5A": "6217001234567890123",
                        "5F34": "01",
                        "5F24": "341231",
                        "5F25": "240101",
                        "5F20": "ZHANG/SAN",
                    }
                },
            )
        )
        return CardProfile(bytes.fromhex("1122334455667788"), ssse, pboc)


_Parsed = tuple[int, int, int, int, bytes, "int | None"]
MAX_APDU = 260  # SSC-APDU-1: the card's APDU buffer (jCardSim's) holds 5 header bytes and 255 data bytes


def _parse_apdu(apdu: bytes) -> _Parsed:
    """Step 1 of the check order (SSC-APDU-1): a short APDU of ISO 7816-3 case 1-4, at most
    MAX_APDU bytes; anything else (too short, extended length, Lc not matching) is WRONG_LENGTH."""
    if len(apdu) < 4 or len(apdu) > MAX_APDU:
        raise _Sw("WRONG_LENGTH")
    cla, ins, p1, p2 = apdu[:4]
    le: int | None = None
    if len(apdu) == 4:
        data = b""
    elif len(apdu) == 5:
        data, le = b"", apdu[4] or 256
    else:
        lc, body = apdu[4], apdu[5:]
        if lc == 0:
            raise _Sw("WRONG_LENGTH")  # extended length
        if len(body) == lc:
            data = body
        elif len(body) == lc + 1:
            data, le = body[:lc], body[lc] or 256
        else:
            raise _Sw("WRONG_LENGTH")
    return cla, ins, p1, p2, data, le


def _logical_channel(cla: int) -> int:
    """The logical channel a CLA names, in the Java Card encoding (SSC-APP-6): b2-b1 for the
    first interindustry and proprietary classes, 4 + b4-b1 where CLA b7 is set."""
    return 4 + (cla & 0x0F) if cla & 0x40 else cla & 0x03


# ------------------------------------------------------------------------------------ state


@dataclass
class _AppState:
    app: Application
    lifecycle: str
    records: dict[tuple[str, int], bytes]
    keys: dict[str, bytes]
    key_versions: dict[str, int]
    key_tries: dict[str, int]
    pin: str | None = None
    pin_limit: int | None = None
    pin_tries: int = 0
    access_profile: str | None = None
    algorithm: str = "3DES-16"
    atc: int = 0
    # session (RAM): cleared by application SELECT and power cycle
    pin_verified: bool = False
    authenticated: set[str] = field(default_factory=set)
    challenge: bytes | None = None
    current_df: str = ""
    current_ef: str | None = None


@dataclass
class _Ctx:
    """One command being processed."""

    cmd: Command
    p1: int
    p2: int
    data: bytes  # without the MAC
    header: bytes
    challenge: bytes | None
    file: EFile | None = None


class CardModel:
    """The whole card: both applications, which one is selected, their persistent state."""

    def __init__(
        self, profile: CardProfile, *, spec: Spec | None = None, rng: Callable[[int], bytes] | None = None
    ) -> None:
        """A freshly installed card: every application in PERSONALISATION with its install
        parameters (personalisation key, card-unique bytes) and nothing else."""
        self.spec = spec or load()
        self.rng: Callable[[int], bytes] = rng or os.urandom
        self.profile = profile
        self._apps: dict[str, _AppState] = {}
        for name, app in self.spec.applications.items():
            ap = profile.ssse if name == "SSSE" else profile.pboc
            if ap is None:
                continue  # temporary card: no financial application (SSC-APP-5)
            self._apps[name] = self._install(app, ap, profile.card_unique)
        self._selected: str | None = None

    def _install(self, app: Application, ap: AppProfile, card_unique: bytes) -> _AppState:
        records: dict[tuple[str, int], bytes] = {}
        for f in app.files.values():
            for r in f.records:
                values: dict[bytes, bytes] = {}
                if r.initial == "card_identification":  # SSC-FILE-4
                    values[r.items[0].tag] = bytes.fromhex("000000D156000005") + card_unique
                records[(f.name, r.number)] = encode_record(r, values)  # SSC-FILE-5
        st = _AppState(app, self.spec.lifecycle.initial, records, {}, {}, {})
        if any(f.name == "algorithm" for f in self.spec.protocol.install[app.name]):  # SSC-PERSO-1
            if ap.algorithm not in self.spec.algorithms:
                raise ModelError(f"{app.name}: unknown algorithm {ap.algorithm!r}")
            st.algorithm = ap.algorithm
        for role, key in app.keys.items():
            if key.source == "install":
                self._load_key(st, role, ap.perso_key, 1)
        return st

    def _load_key(self, st: _AppState, role: str, value: bytes, version: int) -> None:
        st.keys[role] = value
        st.key_versions[role] = version
        key = st.app.keys[role]
        if key.try_limit is not None and key.retry_machine is not None:
            tries, _, _, _ = self._retry(
                self.spec.retry_machines[key.retry_machine],
                st.key_tries.get(role, key.try_limit),
                key.try_limit,
                role in st.authenticated,
                "PERSONALISE",
                None,
            )
            st.key_tries[role] = tries
            st.authenticated.discard(role)

    # ------------------------------------------------------------------------ factories
    @classmethod
    def fresh(cls, profile: CardProfile | None = None, **kw: object) -> CardModel:
        return cls(profile or CardProfile.example(), **kw)  # type: ignore[arg-type]

    # ------------------------------------------------------------------------ accessors
    @property
    def selected(self) -> str | None:
        return self._selected

    @property
    def applications(self) -> tuple[str, ...]:
        return tuple(self._apps)

    def lifecycle(self, app: str) -> str:
        return self._apps[app].lifecycle

    def pin_tries(self, app: str) -> int:
        return self._apps[app].pin_tries

    def pin_limit(self, app: str) -> int | None:
        return self._apps[app].pin_limit

    def pin_verified(self, app: str) -> bool:
        return self._apps[app].pin_verified

    def pin_value(self, app: str) -> str | None:
        return self._apps[app].pin

    def key_tries(self, app: str, role: str) -> int | None:
        return self._apps[app].key_tries.get(role)

    def authenticated(self, app: str) -> frozenset[str]:
        return frozenset(self._apps[app].authenticated)

    def access_profile(self, app: str) -> str | None:
        return self._apps[app].access_profile

    def algorithm(self, app: str) -> str:
        """The cipher of the application's keys (crypto.toml name, SSC-KEY-5)."""
        return self._apps[app].algorithm

    def atc(self, app: str) -> int:
        return self._apps[app].atc

    def record(self, app: str, file: str, number: int) -> bytes:
        return self._apps[app].records[(file, number)]

    def records(self, app: str, file: str) -> tuple[bytes, ...]:
        f = self._apps[app].app.files[file]
        return tuple(self._apps[app].records[(file, r.number)] for r in f.records)

    def has_challenge(self, app: str) -> bool:
        return self._apps[app].challenge is not None

    # ------------------------------------------------------------------------ transport
    def power_cycle(self) -> None:
        """Power off and on: session state of every application ends, nothing selected."""
        for st in self._apps.values():
            self._end_session(st)
        self._selected = None

    def transmit(self, apdu: bytes) -> bytes:
        """Process one command APDU; returns response data || SW1 SW2."""
        data, sw = self._transmit(bytes(apdu))
        return data + sw.to_bytes(2, "big")

    def _end_session(self, st: _AppState) -> None:
        _, st.pin_verified, _, _ = self._retry(
            self.spec.retry_machines["pin"], st.pin_tries, st.pin_limit or 0, st.pin_verified, "SESSION_END", None
        )
        for role in list(st.authenticated):
            _, still, _, _ = self._retry(
                self.spec.retry_machines["key"], st.key_tries[role], 0, True, "SESSION_END", None
            )
            if not still:
                st.authenticated.discard(role)
        st.challenge = None
        st.current_df = ""
        st.current_ef = None

    def _transmit(self, apdu: bytes) -> tuple[bytes, int]:
        # step 1, at the transport: a malformed APDU never reaches an application, so it answers
        # 6700 whatever is selected and spends no challenge (SSC-APDU-1)
        try:
            parsed = _parse_apdu(apdu)
        except _Sw as e:
            return b"", self.spec.sw(e.name)
        refused = self._runtime(parsed)
        if refused is not None:
            return b"", self.spec.sw(refused)
        if self._selected is None:
            return b"", self.spec.sw("COMMAND_NOT_ALLOWED")
        st = self._apps[self._selected]
        self._current: Command | None = None
        try:
            data = self._process(st, apdu, parsed)
            sw_name, param = "OK", 0
        except _Sw as e:
            data, sw_name, param = b"", e.name, e.param
        self._check_declared(st.app, self._current, sw_name)
        return data, self.spec.sw(sw_name) | param

    def _runtime(self, parsed: _Parsed) -> str | None:
        """What the Java Card runtime does before any application sees a well-formed command: it
        refuses other logical channels (SSC-APP-6) and performs application selection (SSC-APP-2,
        SSC-APP-3, SSC-APP-7). Returns the status word it answers by itself, None when the command
        goes on to the (possibly just selected) application."""
        cla, ins, p1, p2, data, _ = parsed
        if cla != 0xFF and _logical_channel(cla) != 0:
            return "LOGICAL_CHANNEL_NOT_SUPPORTED"
        if (cla, ins, p1, p2) != (0x00, 0xA4, 0x04, 0x00):
            return None  # not an application SELECT: for the selected application, if any
        # only a full AID names an application: no partial matching, and no data names none
        name = next((n for n, st in self._apps.items() if data and st.app.aid == data), None)
        if name is None:
            # the current application stays selected and gets the SELECT; with none, the card
            # answers as a GlobalPlatform card's security domain does
            return "FILE_NOT_FOUND" if self._selected is None else None
        if self._selected is not None:
            self._end_session(self._apps[self._selected])
        self._end_session(self._apps[name])
        self._selected = name
        return None

    def _check_declared(self, app: Application, cmd: Command | None, sw_name: str) -> None:
        """SSC-APDU-7: a command answers only what the spec lists for it."""
        common = {u.sw for u in self.spec.protocol.common_status_words}
        early = {s.sw for s in self.spec.protocol.check_order if s.check in ("cla", "ins")}
        allowed = common | early | ({u.sw for u in cmd.status_words} if cmd else set())
        if sw_name not in allowed:
            where = f"{app.name} {cmd.name}" if cmd else app.name
            raise ModelError(f"{where} would answer {sw_name}, which the spec does not list for it")

    # ------------------------------------------------------------------------ check order
    def _process(self, st: _AppState, apdu: bytes, parsed: _Parsed) -> bytes:
        # step 0: the challenge is good for this command only (SSC-SM-1)
        challenge, st.challenge = st.challenge, None
        cla, ins, p1, p2, data, le = parsed
        app = st.app
        # step 2, 3: CLA, INS, pair (SSC-APDU-4)
        if cla not in app.clas:
            raise _Sw("CLA_NOT_SUPPORTED")
        if ins not in app.inss:
            raise _Sw("INS_NOT_SUPPORTED")
        group = [c for c in app.commands.values() if c.cla == cla and c.ins == ins]
        if not group:
            raise _Sw("CLA_NOT_SUPPORTED")
        self._current = group[0]
        return self._checked(st, apdu, group, p1, p2, data, le, challenge)

    def _checked(
        self,
        st: _AppState,
        apdu: bytes,
        group: list[Command],
        p1: int,
        p2: int,
        data: bytes,
        le: int | None,
        challenge: bytes | None,
    ) -> bytes:
        spec = self.spec
        # step 4: lifecycle (SSC-LC-2)
        if st.lifecycle == "TERMINATED":
            raise _Sw("FUNC_NOT_SUPPORTED")
        if st.lifecycle not in group[0].states:
            raise _Sw("CONDITIONS_NOT_SATISFIED")
        # step 5: P1-P2 (SSC-APDU-5)
        cmd = next((c for c in group if c.accepts_p1p2(p1, p2)), None)
        if cmd is None:
            raise _Sw("INCORRECT_P1P2")
        self._current = cmd
        # step 6: lengths
        if not cmd.accepts_length(len(data), st.algorithm):
            raise _Sw("WRONG_LENGTH")
        le_rule = cmd.le_values(st.algorithm)
        if isinstance(le_rule, tuple) and le not in le_rule:
            raise _Sw("WRONG_LENGTH")
        # step 7: secure messaging (SSC-SM-3, SSC-SM-6, SSC-SM-7)
        body = data
        if cmd.needs_challenge and (challenge is None or len(challenge) < self._min_challenge(st)):
            raise _Sw("REF_DATA_NOT_USABLE")
        if cmd.sm_key is not None:
            assert challenge is not None
            key = st.keys.get(cmd.sm_key)
            if key is None:
                raise _Sw("REF_DATA_NOT_FOUND")
            n = spec.protocol.mac_length
            body, mac = data[:-n], data[-n:]
            self._mac_event(st, cmd.sm_key, "MAC", lambda: mac == crypto.compute_mac(
                key, apdu[:5] + body, _ALGORITHMS[st.algorithm], self._iv(st, challenge))[:n])
        ctx = _Ctx(cmd, p1, p2, body, apdu[:5], challenge)
        # step 8: access (access.toml)
        if isinstance(cmd.access, str):
            ctx.file = self._resolve_file(st, p2)
            rule = spec.access.rule(ctx.file.name, st.access_profile)
            self._require(st, rule.read if cmd.access == "file:read" else rule.update)
        else:
            self._require(st, cmd.access)
        # step 9: semantics
        response = _ACTIONS[cmd.action](self, st, ctx)
        # step 10: Le (SSC-APDU-3)
        if cmd.le == "computed" and le is not None and le != 256 and le != len(response):
            raise _Sw("WRONG_LE", len(response) & 0xFF)
        if cmd.sm_key is not None:  # completed: the ATC moves with the effect (SSC-FIN-3)
            st.atc = min(st.atc + 1, 0xFFFF)
        return response

    def _min_challenge(self, st: _AppState) -> int:
        """SSC-SM-7: the access profile's minimum challenge length, else the application's."""
        if st.access_profile is not None:
            return self.spec.access.profiles[st.access_profile].min_challenge_length
        return st.app.min_challenge_length

    def _mac_event(self, st: _AppState, role: str, event: str, match: Callable[[], bool] | None = None) -> None:
        """The MAC key's failure counter (lifecycle.toml [retry_machines.mac], SSC-SM-6). For MAC,
        ``match`` is asked only when the key is not blocked: a blocked key computes no MAC."""
        limit = st.app.keys[role].try_limit
        assert limit is not None
        machine = self.spec.retry_machines["mac"]
        blocked = st.key_tries[role] == 0
        verdict = None if event != "MAC" or blocked else match is not None and match()
        st.key_tries[role], _, sw, _ = self._retry(machine, st.key_tries[role], limit, False, event, verdict)
        if sw is not None and sw[0] != "OK":
            raise _Sw(*sw)

    def _resolve_file(self, st: _AppState, p2: int) -> EFile:
        sfi = p2 >> 3
        if sfi == 0:
            if st.current_ef is None:
                raise _Sw("COMMAND_NOT_ALLOWED")
            return st.app.files[st.current_ef]
        f = st.app.file_by_sfi(st.current_df, sfi)
        if f is None:
            raise _Sw("FILE_NOT_FOUND")
        return f

    def _require(self, st: _AppState, conditions: tuple[str, ...]) -> None:
        for name in conditions:
            c = self.spec.access.conditions[name]
            if c.kind == "state":
                if st.lifecycle not in c.states:
                    raise _Sw("CONDITIONS_NOT_SATISFIED")
            elif c.kind == "pin":
                if not st.pin_verified:
                    raise _Sw("SECURITY_NOT_SATISFIED")
            elif c.kind == "key":
                if c.key not in st.authenticated:
                    raise _Sw("SECURITY_NOT_SATISFIED")
            else:
                raise _Sw("SECURITY_NOT_SATISFIED")

    # ------------------------------------------------------------------------ retry machines
    @staticmethod
    def _retry(
        machine: RetryMachine, tries: int, limit: int, verified: bool, event: str, match: bool | None
    ) -> tuple[int, bool, tuple[str, int] | None, RetryTransition]:
        """Apply the machine's row for (state, event, guard): new tries, new flag, status word, row."""
        if tries == 0:
            state = "BLOCKED"
        elif verified:
            state = "VERIFIED"
        else:  # the machine's one other state: UNVERIFIED, or USABLE for MAC keys
            state = next(s for s in machine.states if s not in ("BLOCKED", "VERIFIED"))
        guard = None if match is None else ("match" if match else ("mismatch_last" if tries <= 1 else "mismatch"))
        row = machine.find(state, event, guard)
        if row.counter == "decrement":
            tries -= 1
        elif row.counter == "reset":
            tries = limit
        sw = None if row.sw is None else (row.sw, tries if row.sw == "VERIFY_FAILED" else 0)
        return tries, row.to == "VERIFIED", sw, row

    def _pin_event(
        self, st: _AppState, event: str, match: bool | None, new_pin: str | None = None, new_limit: int | None = None
    ) -> None:
        limit = new_limit if new_limit is not None else (st.pin_limit or 0)
        st.pin_tries, st.pin_verified, sw, row = self._retry(
            self.spec.retry_machines["pin"], st.pin_tries, limit, st.pin_verified, event, match
        )
        if row.value == "set":
            st.pin = new_pin
            st.pin_limit = limit
        if sw is not None and sw[0] != "OK":
            raise _Sw(*sw)

    def _parse_pin(self, app: Application, data: bytes, fmt: str | None = None) -> str:
        try:
            if (fmt or app.pin_format) == "BCD":
                return crypto.parse_social_pin_bcd(data)
            return crypto.parse_iso9564_format2_block(data)
        except ValueError:
            raise _Sw("WRONG_DATA") from None

    @staticmethod
    def _iv(st: _AppState, challenge: bytes) -> bytes:
        """The challenge followed by zeros up to the block of the card's algorithm (SSC-SM-2)."""
        return challenge.ljust(_ALGORITHMS[st.algorithm].block_size, b"\x00")

    def _decipher(self, st: _AppState, role: str | None, data: bytes) -> bytes:
        assert role is not None
        key = st.keys.get(role)
        if key is None:
            raise _Sw("REF_DATA_NOT_FOUND")
        try:
            return crypto.decipher_data(key, data, _ALGORITHMS[st.algorithm])
        except ValueError:
            raise _Sw("WRONG_DATA") from None

    # ------------------------------------------------------------------------ handlers
    def _select(self, st: _AppState, ctx: _Ctx) -> bytes:
        app, data = st.app, ctx.data
        if ctx.p1 == 0x04:
            if data == app.aid:  # the runtime already (re)selected the application
                st.current_df, st.current_ef = "", None
                code = self.spec.lifecycle.states[st.lifecycle].code
                return tlv(b"\x6f", tlv(b"\x84", app.aid) + tlv(b"\x8a", bytes([code])) + app.fci_proprietary)
            if not 5 <= len(data) <= 16:
                raise _Sw("WRONG_LENGTH")
            df = app.df_by_aid(data)
            if df is None:
                raise _Sw("FILE_NOT_FOUND")
            st.current_df, st.current_ef = df.name, None
            return tlv(b"\x6f", tlv(b"\x84", df.aid))
        if ctx.p1 == 0x03:
            if data:
                raise _Sw("WRONG_LENGTH")
            st.current_df, st.current_ef = "", None
            return b""
        if len(data) != 2:
            raise _Sw("WRONG_LENGTH")
        f = app.file_by_fid(st.current_df, int.from_bytes(data, "big"))
        if f is None:
            raise _Sw("FILE_NOT_FOUND")
        st.current_ef = f.name
        return b""

    def _record_access(self, st: _AppState, f: EFile, number: int) -> None:
        rule = self.spec.access.rule(f.name, st.access_profile)
        if number in rule.records:
            self._require(st, rule.records[number])

    def _read_record(self, st: _AppState, ctx: _Ctx) -> bytes:
        f = ctx.file
        assert f is not None
        mode = ctx.p2 & 7
        if mode == 0:  # by tag (SIMPLE-TLV)
            rec = next((r for r in f.records if r.template is None and r.items[0].tag == bytes([ctx.p1])), None)
            numbers = [] if rec is None else [rec.number]
        elif mode == 4:
            numbers = [ctx.p1] if f.record(ctx.p1) is not None else []
        else:  # 5: P1 to the last
            numbers = [r.number for r in f.records if r.number >= ctx.p1]
        if not numbers:
            raise _Sw("RECORD_NOT_FOUND")
        for n in numbers:
            self._record_access(st, f, n)
        st.current_ef = f.name
        return b"".join(st.records[(f.name, n)] for n in numbers)

    def _update_record(self, st: _AppState, ctx: _Ctx) -> bytes:
        f = ctx.file if ctx.file is not None else self._resolve_file(st, ctx.p2)
        rec = f.record(ctx.p1)
        if rec is None:
            raise _Sw("RECORD_NOT_FOUND")
        try:
            decode_record(rec, ctx.data)
        except CodecError:
            raise _Sw("WRONG_DATA") from None
        st.records[(f.name, rec.number)] = ctx.data
        st.current_ef = f.name
        return b""

    def _verify(self, st: _AppState, ctx: _Ctx) -> bytes:
        if not ctx.data:
            self._pin_event(st, "VERIFY_EMPTY", None)
            return b""
        pin = self._parse_pin(st.app, ctx.data)
        self._pin_event(st, "VERIFY", pin == st.pin)
        return b""

    def _change_pin(self, st: _AppState, ctx: _Ctx) -> bytes:
        sep = ctx.data.find(b"\xff")
        if sep < 0:
            raise _Sw("WRONG_DATA")
        old = self._parse_pin(st.app, ctx.data[:sep], "BCD")
        new = self._parse_pin(st.app, ctx.data[sep + 1 :], "BCD")
        self._pin_event(st, "CHANGE", old == st.pin, new_pin=new)
        return b""

    def _reload_pin(self, st: _AppState, ctx: _Ctx) -> bytes:
        plain = self._decipher(st, ctx.cmd.encipher_key, ctx.data)
        self._pin_event(st, "RELOAD", None, new_pin=self._parse_pin(st.app, plain))
        return b""

    def _unblock_pin(self, st: _AppState, ctx: _Ctx) -> bytes:
        self._pin_event(st, "UNBLOCK", None, new_pin=st.pin)
        return b""

    def _get_challenge(self, st: _AppState, ctx: _Ctx) -> bytes:
        n = ctx.header[4]  # Le, one the command lists (step 6)
        st.challenge = bytes(self.rng(n))[:n]
        return st.challenge

    def _key_for(self, st: _AppState, key_id: int, usage: str) -> tuple[str, bytes]:
        key = st.app.key_by_id(key_id)
        if key is None or usage not in key.usage or key.role not in st.keys:
            raise _Sw("REF_DATA_NOT_FOUND")
        if key.states is not None and st.lifecycle not in key.states:
            raise _Sw("CONDITIONS_NOT_SATISFIED")
        return key.role, st.keys[key.role]

    def _external_authenticate(self, st: _AppState, ctx: _Ctx) -> bytes:
        role, key = self._key_for(st, ctx.p2, "external_authenticate")
        assert ctx.challenge is not None
        expected = crypto.encrypt_ecb(key, self._iv(st, ctx.challenge), _ALGORITHMS[st.algorithm])
        limit = st.app.keys[role].try_limit or 0
        tries, ok, sw, _ = self._retry(
            self.spec.retry_machines["key"],
            st.key_tries[role],
            limit,
            role in st.authenticated,
            "VERIFY",
            ctx.data == expected,
        )
        st.key_tries[role] = tries
        if ok:
            st.authenticated.add(role)
        else:
            st.authenticated.discard(role)
        if sw is not None and sw[0] != "OK":
            raise _Sw(*sw)
        return b""

    def _reset_key_counter(self, st: _AppState, ctx: _Ctx) -> bytes:
        key = st.app.key_by_id(ctx.p2)
        assert key is not None and key.retry_machine is not None  # the loader checked the P2 list
        if key.role not in st.keys:
            raise _Sw("REF_DATA_NOT_FOUND")
        if key.retry_machine == "mac":
            self._mac_event(st, key.role, "RESET")
            return b""
        assert key.try_limit is not None
        st.key_tries[key.role], ok, _, _ = self._retry(
            self.spec.retry_machines["key"], st.key_tries[key.role], key.try_limit,
            key.role in st.authenticated, "RESET", None)
        if not ok:
            st.authenticated.discard(key.role)
        return b""

    def _internal_authenticate(self, st: _AppState, ctx: _Ctx) -> bytes:
        _, key = self._key_for(st, ctx.p2, "internal_authenticate")
        return crypto.encrypt_ecb(key, ctx.data, _ALGORITHMS[st.algorithm])

    def _transition(self, st: _AppState, ctx: _Ctx) -> bytes:
        t = self.spec.lifecycle.transition(ctx.cmd.name, st.lifecycle)
        if t is None:  # the loader checked: command states == transition from-states
            raise ModelError(f"no lifecycle transition {ctx.cmd.name} from {st.lifecycle}")
        targets = self._apps.values() if t.scope == "card" else [st]
        for other in targets:
            other.lifecycle = t.to
        return b""

    def _end_personalisation(self, st: _AppState, ctx: _Ctx) -> bytes:
        complete = st.pin is not None and (st.access_profile is not None or not st.app.access_profiles)
        complete = complete and all(r in st.keys for r, k in st.app.keys.items() if k.required)
        if not complete:
            raise _Sw("CONDITIONS_NOT_SATISFIED")
        return self._transition(st, ctx)

    def _put_key(self, st: _AppState, ctx: _Ctx) -> bytes:
        key = st.app.key_by_id(ctx.p2)
        if key is None:
            raise _Sw("REF_DATA_NOT_FOUND")
        value = self._decipher(st, ctx.cmd.encipher_key, ctx.data[:-3])
        if len(value) != 16 or crypto.key_check_value(value, _ALGORITHMS[st.algorithm]) != ctx.data[-3:]:
            raise _Sw("WRONG_DATA")
        self._load_key(st, key.role, value, ctx.p1)
        return b""

    def _set_pin(self, st: _AppState, ctx: _Ctx) -> bytes:
        limit = ctx.data[0]
        if not 1 <= limit <= 15:
            raise _Sw("WRONG_DATA")
        pin = self._parse_pin(st.app, self._decipher(st, ctx.cmd.encipher_key, ctx.data[1:]), "BCD")
        self._pin_event(st, "PERSONALISE", None, new_pin=pin, new_limit=limit)
        return b""

    def _set_access_profile(self, st: _AppState, ctx: _Ctx) -> bytes:
        prof = self.spec.access.profile_by_code(ctx.data[0])
        if prof is None or prof.name not in self.spec.algorithms[st.algorithm].profiles:  # SSC-PERSO-5
            raise _Sw("WRONG_DATA")
        st.access_profile = prof.name
        return b""

    def _get_data(self, st: _AppState, ctx: _Ctx) -> bytes:
        tag = ctx.p1 << 8 | ctx.p2
        obj = next((o for o in st.app.data_objects.values() if o.tag == tag), None)
        if obj is None:
            raise _Sw("INCORRECT_P1P2")
        value = st.pin_tries if obj.source == "pin_tries_left" else st.atc
        return tlv(tag.to_bytes(2, "big"), value.to_bytes(obj.length, "big"))


_Handler = Callable[[CardModel, _AppState, _Ctx], bytes]
_ACTIONS: dict[str, _Handler] = {
    "select": CardModel._select,
    "read_record": CardModel._read_record,
    "update_record": CardModel._update_record,
    "verify": CardModel._verify,
    "change_pin": CardModel._change_pin,
    "reload_pin": CardModel._reload_pin,
    "unblock_pin": CardModel._unblock_pin,
    "get_challenge": CardModel._get_challenge,
    "external_authenticate": CardModel._external_authenticate,
    "internal_authenticate": CardModel._internal_authenticate,
    "transition": CardModel._transition,
    "end_personalisation": CardModel._end_personalisation,
    "put_key": CardModel._put_key,
    "set_pin": CardModel._set_pin,
    "set_access_profile": CardModel._set_access_profile,
    "get_data": CardModel._get_data,
    "reset_key_counter": CardModel._reset_key_counter,
}
