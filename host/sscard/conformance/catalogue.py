"""The catalogue of conformance checks: each written from the spec (apdu_spec/clauses.toml and the
command tables), each naming the clauses it covers, the level of risk it needs and what it needs.

A check is a function of a :class:`Context`; it raises :class:`CheckFailed` (expected and actual status
word or value) or :class:`NotApplicable`, and puts back whatever it changed on a conforming card.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sscard import spec_tables as t
from sscard.connection import exchange
from sscard.records import command as spec_command
from sscard.tracing import TraceEntry, clock, mask_exchange

if TYPE_CHECKING:
    from sscard.connection import Connection
    from sscard.keys import BankCardIdentity, BankKeys, CardIdentity, IssuerKeys
    from sscard.protocol import CardProtocol


class Level(enum.IntEnum):
    """Levels of risk, in order: a run at one level runs every check of the levels below it."""

    READ_ONLY = 0
    HOLDER = 1
    ISSUER = 2
    BLANK = 3

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")

    @classmethod
    def parse(cls, text: str) -> Level:
        for level in cls:
            if level.label == text:
                return level
        raise ValueError(f"unknown level {text!r}: choose one of {', '.join(lv.label for lv in cls)}")


class Need(enum.Enum):
    """What a check needs besides its level."""

    PIN = "social security PIN"
    ISSUER_KEYS = "issuer keys"
    BANK_KEYS = "bank keys"
    TRANSPORT_KEY = "transport key"
    TERMINATE = "--allow-terminate with the card's identification code"


class CheckFailed(Exception):
    """The card answered otherwise than the spec says."""

    def __init__(self, what: str, expected: str, actual: str, clause: str | None = None) -> None:
        self.what, self.expected, self.actual, self.clause = what, expected, actual, clause
        super().__init__(f"{what}: expected {expected}, got {actual}")


class NotApplicable(Exception):
    """The clause does not apply to this card (profile, temporary card, state)."""


@dataclass(frozen=True)
class CardState:
    """What the runner reads from the card before any check."""

    reader: str
    atr: bytes
    ssse: str  # lifecycle state name
    pboc: str | None  # None: no financial application (temporary card)
    card_id: bytes | None  # EF05 record 1 value
    card_type: str | None
    profile: str  # "2.0" / "3.0"
    issuer_identity: CardIdentity | None = None
    bank_identity: BankCardIdentity | None = None

    @property
    def algorithm_block(self) -> int:
        """The SSSE's cipher block (and so its MAC challenge length): 16 on a 3.0 (SM4) card, else 8."""
        return 16 if self.profile == "3.0" else 8


@dataclass
class Context:
    """What a check works with: the card, its state, the keys and PINs given, and the check's trace."""

    connection: Connection
    protocol: CardProtocol
    state: CardState
    keys: IssuerKeys | None = None
    bank_keys: BankKeys | None = None
    pin: str | None = None
    trace: list[TraceEntry] = field(default_factory=list)
    history: list[TraceEntry] = field(default_factory=list)
    """Every exchange of the run before this check."""

    # ---------------------------------------------------------------- raw exchanges
    def send(self, apdu: bytes) -> tuple[bytes, int]:
        """One raw APDU, around the protocol chain (no 61xx/6Cxx handling), masked into the trace."""
        start = clock()
        response = exchange(self.connection, apdu)
        data, sw = response[:-2], int.from_bytes(response[-2:], "big")
        self.trace.append(mask_exchange(apdu, data, sw, clock() - start))
        self.protocol.forget_selection()  # the chain did not see this APDU: sessions select again
        return data, sw

    def expect(self, apdu: bytes, sw: int | Iterable[int], what: str, clause: str | None = None) -> bytes:
        """Send ``apdu``; fail unless the status word is ``sw`` (or one of them). ``clause``: the one clause
        of the check this step is about (a failure then fails that clause only); None: all of them."""
        allowed = {sw} if isinstance(sw, int) else set(sw)
        data, actual = self.send(apdu)
        if actual not in allowed:
            raise CheckFailed(what, " or ".join(f"{s:04X}" for s in sorted(allowed)), f"{actual:04X}", clause)
        return data

    def require(self, condition: bool, what: str, expected: str, actual: str, clause: str | None = None) -> None:
        if not condition:
            raise CheckFailed(what, expected, actual, clause)

    def power_cycle(self) -> None:
        self.protocol.reset()

    def select(self, app: str) -> bytes:
        return self.expect(select_apdu(t.APPLICATION_AIDS[app]), 0x9000, f"SELECT {app}")

    def challenge(self, length: int) -> bytes:
        return self.expect(bytes((0x00, 0x84, 0x00, 0x00, length)), 0x9000, f"GET CHALLENGE ({length} bytes)")

    def mac_apdu(self, app: str, name: str, challenge: bytes, data: bytes = b"", *, p1: int | None = None,
                 p2: int | None = None, wrong: bool = False) -> bytes:
        """Command ``name`` with its MAC over ``challenge`` (SSC-SM-2); ``wrong`` flips a MAC bit."""
        from sscard.protocol import mac_command

        keys: Any = self.keys if app == "SSSE" else self.bank_keys
        card: Any = self.state.issuer_identity if app == "SSSE" else self.state.bank_identity
        role = t.COMMANDS[app][name].sm_key
        assert keys is not None and card is not None and role is not None
        macd = mac_command(spec_command(app, name, data, p1=p1, p2=p2), challenge,
                           lambda mac_data, iv: keys.mac(role, card, mac_data, iv)).encode()
        return macd[:-1] + bytes((macd[-1] ^ 0x01,)) if wrong else macd

    def lifecycle(self, app: str) -> str:
        """The application's lifecycle from a fresh SELECT (TERMINATED on 6A81)."""
        data, sw = self.send(select_apdu(t.APPLICATION_AIDS[app]))
        if sw == 0x6A81:
            return "TERMINATED"
        self.require(sw == 0x9000, f"SELECT {app}", "9000", f"{sw:04X}")
        return fci_lifecycle(data)


# ------------------------------------------------------------------------------------ APDU helpers


def select_apdu(aid: bytes, *, cla: int = 0x00, p1: int = 0x04, p2: int = 0x00) -> bytes:
    return bytes((cla, 0xA4, p1, p2, len(aid))) + aid


def read_apdu(sfi: int, number: int, *, mode: int = 0b100, le: int = 0x00) -> bytes:
    return bytes((0x00, 0xB2, number, sfi << 3 | mode, le))


def tlv(data: bytes) -> dict[int, bytes]:
    """One level of BER-TLV (1-2 byte tags, 1-2 byte lengths) -> {tag: value}."""
    out: dict[int, bytes] = {}
    pos = 0
    while pos < len(data):
        tag = data[pos]
        pos += 1
        if tag & 0x1F == 0x1F:
            tag = tag << 8 | data[pos]
            pos += 1
        length = data[pos]
        pos += 1
        if length == 0x81:
            length = data[pos]
            pos += 1
        out[tag] = data[pos:pos + length]
        pos += length
    return out


def fci_lifecycle(fci: bytes) -> str:
    """The lifecycle state named by an FCI's 8A byte (SSC-LC-1)."""
    outer = tlv(fci)
    if 0x6F not in outer:
        raise CheckFailed("FCI", "template 6F", fci.hex().upper() or "no data")
    inner = tlv(outer[0x6F])
    code = inner.get(0x8A, b"")
    names = {s.value: s.name for s in t.Lifecycle}
    if len(code) != 1 or code[0] not in names:
        raise CheckFailed("FCI tag 8A", "a lifecycle code of lifecycle.toml", code.hex().upper() or "absent")
    return names[code[0]]


# ------------------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    clauses: tuple[str, ...]
    level: Level
    run: Callable[[Context], None]
    needs: frozenset[Need] = frozenset()
    ssse_states: tuple[str, ...] | None = None  # None: any state but TERMINATED
    profile: str | None = None  # "2.0" / "3.0" when only one applies
    financial: bool | None = None  # True: needs the financial application; False: a temporary card only
    terminates: bool = False


CHECKS: list[Check] = []


def check(id: str, title: str, clauses: Iterable[str], level: Level = Level.READ_ONLY, *,
          needs: Iterable[Need] = (), ssse_states: tuple[str, ...] | None = None, profile: str | None = None,
          financial: bool | None = None, terminates: bool = False) -> Callable[[Callable[[Context], None]],
                                                                                Callable[[Context], None]]:
    def register(fn: Callable[[Context], None]) -> Callable[[Context], None]:
        CHECKS.append(Check(id, title, tuple(clauses), level, fn, frozenset(needs), ssse_states, profile, financial,
                            terminates))
        return fn
    return register


_ACTIVE = ("ACTIVE",)
_LIVE = ("ISSUED", "ACTIVE", "BLOCKED")
_EF05, _EF06 = t.FILES["EF05"], t.FILES["EF06"]
_FIN = t.FILES["FIN_SFI1"]
_RECORD_7_NEEDS_RK = 7  # profile 3.0: EF05 record 7 (card number) behind RKSSSE (access.toml)


def _free_records(ctx: Context) -> list[tuple[str, int]]:
    """(file, record) pairs of the root files readable without any authentication under the card's profile."""
    pairs = [("EF05", r.number) for r in _EF05.records
             if ctx.state.profile == "2.0" or r.number != _RECORD_7_NEEDS_RK]
    if ctx.state.profile == "2.0":
        pairs += [("EF06", r.number) for r in _EF06.records]
    return pairs


# ---------------------------------------------------------------------------- read-only: selection


@check("RO-APP-NOTHING-SELECTED", "After power-up the runtime answers by itself", ["SSC-APP-2"])
def _nothing_selected(ctx: Context) -> None:
    ctx.power_cycle()
    ctx.expect(read_apdu(5, 1), 0x6986, "READ RECORD with nothing selected")
    ctx.expect(select_apdu(bytes.fromhex("A00000009999")), 0x6A82, "SELECT of an unknown AID, nothing selected")
    ctx.expect(select_apdu(t.SSSE_AID[:5]), 0x6A82, "SELECT of a partial AID, nothing selected")


@check("RO-APP-SELECT-SSSE", "SELECT of the SSSE answers its FCI with DF name and lifecycle",
       ["SSC-APP-3", "SSC-LC-1"])
def _select_ssse(ctx: Context) -> None:
    fci = ctx.select("SSSE")
    inner = tlv(tlv(fci).get(0x6F, b""))
    ctx.require(inner.get(0x84) == t.SSSE_AID, "FCI tag 84", t.SSSE_AID.hex().upper(),
                inner.get(0x84, b"").hex().upper() or "absent")
    ctx.require(fci_lifecycle(fci) == ctx.state.ssse, "FCI lifecycle", ctx.state.ssse, fci_lifecycle(fci))


@check("RO-APP-TWO-APPLICATIONS", "Both applications are selectable, each with its own AID and lifecycle",
       ["SSC-APP-1", "SSC-APP-3"], financial=True)
def _two_applications(ctx: Context) -> None:
    ctx.select("SSSE")
    fci = ctx.select("PBOC")
    inner = tlv(tlv(fci).get(0x6F, b""))
    ctx.require(inner.get(0x84) == t.PBOC_AID, "PBOC FCI tag 84", t.PBOC_AID.hex().upper(),
                inner.get(0x84, b"").hex().upper() or "absent")
    # Selecting the PBOC deselected the SSSE: the SSSE's READ RECORD by SFI 5 is not the PBOC's file.
    ctx.select("SSSE")
    ctx.expect(read_apdu(5, 1), 0x9000, "READ RECORD EF05 record 1 after selecting the SSSE again")


@check("RO-APP-TEMPORARY", "A temporary card has no financial application", ["SSC-APP-5"], financial=False)
def _temporary(ctx: Context) -> None:
    ctx.power_cycle()
    ctx.expect(select_apdu(t.PBOC_AID), 0x6A82, "SELECT PBOC with nothing selected")
    ctx.select("SSSE")
    ctx.expect(select_apdu(t.PBOC_AID), 0x6A82, "SELECT PBOC forwarded to the SSSE")


@check("RO-APP-SELECT-INSIDE", "SELECT of a sub-application, an EF and the root inside the SSSE", ["SSC-APP-4"],
       ssse_states=_ACTIVE)
def _select_inside(ctx: Context) -> None:
    ctx.select("SSSE")
    fci = ctx.expect(select_apdu(t.DF_AIDS["DF01"]), 0x9000, "SELECT DF01 by AID")
    inner = tlv(tlv(fci).get(0x6F, b""))
    ctx.require(inner.get(0x84) == t.DF_AIDS["DF01"], "DF01 FCI tag 84", t.DF_AIDS["DF01"].hex().upper(),
                inner.get(0x84, b"").hex().upper() or "absent")
    ctx.expect(bytes((0x00, 0xA4, 0x02, 0x00, 0x02, 0xEF, 0x05)), 0x9000, "SELECT EF05 by FID inside DF01")
    ctx.expect(bytes((0x00, 0xA4, 0x03, 0x00)), 0x9000, "SELECT of the application root (P1 03)")
    ctx.expect(select_apdu(bytes.fromhex("D156000005FF")), 0x6A82, "SELECT of an unknown DF name")


@check("RO-APP-CHANNELS", "Only the basic logical channel", ["SSC-APP-6"])
def _channels(ctx: Context) -> None:
    ctx.select("SSSE")
    for cla in (0x01, 0x03, 0x41, 0x81):
        ctx.expect(bytes((cla,)) + read_apdu(5, 1)[1:], 0x6881, f"READ RECORD on CLA {cla:02X}")
    ctx.expect(select_apdu(t.SSSE_AID, cla=0x01), 0x6881, "SELECT on logical channel 1")
    ctx.expect(bytes((0xFF,)) + read_apdu(5, 1)[1:], 0x6E00, "CLA FF reaches the application")
    ctx.expect(read_apdu(5, 1), 0x9000, "READ RECORD on channel 0: the SSSE is still selected")
    ctx.expect(bytes((0x00, 0x70, 0x00, 0x00, 0x01)), 0x6D00, "MANAGE CHANNEL (not offered)")


@check("RO-APP-SELECT-FORWARDED", "A SELECT the runtime does not take leaves the selection alone",
       ["SSC-APP-7"])
def _select_forwarded(ctx: Context) -> None:
    ctx.select("SSSE")
    ctx.expect(select_apdu(t.SSSE_AID[:6]), 0x6A82, "SELECT of a prefix of the SSSE AID")
    ctx.expect(read_apdu(5, 1), 0x9000, "READ RECORD EF05: the SSSE stays selected")
    ctx.expect(bytes((0x00, 0xA4, 0x04, 0x00)), 0x6700, "SELECT by name without data")
    ctx.expect(select_apdu(t.SSSE_AID, p2=0x0C), 0x6A86, "SELECT with P2 0C")
    ctx.expect(select_apdu(t.SSSE_AID, cla=0x0C), 0x6E00, "SELECT with CLA 0C")
    ctx.expect(read_apdu(5, 1), 0x9000, "READ RECORD EF05: the SSSE is still selected")


# ------------------------------------------------------------------------------ read-only: APDU rules


@check("RO-APDU-MALFORMED", "Malformed and over-long APDUs answer 6700", ["SSC-APDU-1"])
def _malformed(ctx: Context) -> None:
    ctx.select("SSSE")
    ctx.expect(bytes((0x00, 0xB2, 0x01)), 0x6700, "a 3-byte APDU")
    ctx.expect(select_apdu(t.SSSE_AID)[:-3], 0x6700, "SELECT whose Lc exceeds its data")
    ctx.expect(bytes((0x00, 0xB2, 0x01, 0x2C, 0x00, 0x01, 0x00)), 0x6700, "READ RECORD with an extended Le")
    ctx.expect(bytes((0x00, 0xDC, 0x01, 0x2C, 0xFF)) + bytes(256), 0x6700, "an APDU of 261 bytes")
    ctx.expect(read_apdu(5, 1), 0x9000, "READ RECORD afterwards: nothing changed")


@check("RO-APDU-LE", "Le 00, exact Le, and 6CXX for a wrong Le", ["SSC-APDU-3"])
def _le(ctx: Context) -> None:
    ctx.select("SSSE")
    full = ctx.expect(read_apdu(5, 2), 0x9000, "READ RECORD EF05 record 2 with Le 00")
    exact = ctx.expect(read_apdu(5, 2, le=len(full)), 0x9000, "READ RECORD with the exact Le")
    ctx.require(exact == full, "data with the exact Le", full.hex().upper(), exact.hex().upper())
    data, sw = ctx.send(read_apdu(5, 2, le=len(full) + 1))
    ctx.require(sw == 0x6C00 | len(full) and not data, "READ RECORD with a wrong Le",
                f"6C{len(full):02X} without data", f"{sw:04X} with {len(data)} bytes")
    ctx.expect(bytes((0x00, 0x84, 0x00, 0x00)), 0x6700, "GET CHALLENGE without Le")


@check("RO-APDU-CLA-INS", "Unknown CLA 6E00, unknown INS 6D00, unpaired CLA/INS 6E00", ["SSC-APDU-4"])
def _cla_ins(ctx: Context) -> None:
    for app in ("SSSE",) + (("PBOC",) if ctx.state.pboc not in (None, "TERMINATED") else ()):
        ctx.select(app)
        ctx.expect(bytes((0x90, 0xB2, 0x01, 0x0C, 0x00)), 0x6E00, f"{app}: CLA 90")
        ctx.expect(bytes((0x00, 0xFE, 0x00, 0x00)), 0x6D00, f"{app}: INS FE")
        ctx.expect(bytes((0x80, 0xB2, 0x01, 0x0C, 0x00)), 0x6E00, f"{app}: CLA 80 with READ RECORD's INS")


@check("RO-APDU-P1P2", "P1-P2 outside a command's values answer 6A86", ["SSC-APDU-5"])
def _p1p2(ctx: Context) -> None:
    ctx.select("SSSE")
    ctx.expect(bytes((0x00, 0x84, 0x01, 0x00, 0x08)), 0x6A86, "GET CHALLENGE P1 01")
    ctx.expect(bytes((0x00, 0xA4, 0x01, 0x00)), 0x6A86, "SELECT P1 01")
    ctx.expect(read_apdu(5, 1, mode=0b111), 0x6A86, "READ RECORD P2 mode 111")


# ---------------------------------------------------------------------------- read-only: files, access


def _check_record(ctx: Context, file: str, number: int, raw: bytes) -> None:
    record = next(r for r in t.FILES[file].records if r.number == number)
    item = record.items[0]
    expected = item.tag + bytes((item.length,))
    ctx.require(raw[:len(expected)] == expected and len(raw) == len(expected) + item.length,
                f"{file} record {number} layout", f"{expected.hex().upper()} + {item.length} bytes",
                f"{raw[:len(expected)].hex().upper()} + {len(raw) - len(expected)} bytes")


@check("RO-FILE-RECORDS", "Every freely readable record has its layout's tag and length",
       ["SSC-FILE-1", "SSC-FILE-5", "SSC-ACC-1", "SSC-ACC-5"])
def _records(ctx: Context) -> None:
    ctx.select("SSSE")
    for file, number in _free_records(ctx):
        raw = ctx.expect(read_apdu(t.FILES[file].sfi, number), 0x9000, f"READ RECORD {file} record {number}")
        _check_record(ctx, file, number, raw)


@check("RO-FILE-READ-FORMS", "READ RECORD by number, by tag, all from P1; its errors", ["SSC-FILE-2"])
def _read_forms(ctx: Context) -> None:
    ctx.select("SSSE")
    ctx.expect(read_apdu(0, 1), 0x6986, "READ RECORD of the current EF right after SELECT (none)")
    second = ctx.expect(read_apdu(5, 2), 0x9000, "READ RECORD EF05 record 2 by number")
    by_tag = ctx.expect(read_apdu(5, _EF05.records[1].items[0].tag[0], mode=0b000), 0x9000,
                        "READ RECORD EF05 by tag 02")
    ctx.require(by_tag == second, "record by tag", second.hex().upper(), by_tag.hex().upper())
    if ctx.state.profile == "2.0":
        every = ctx.expect(read_apdu(5, 5, mode=0b101), 0x9000, "READ RECORD EF05 records 5 to the last")
        tail = b"".join(ctx.expect(read_apdu(5, n), 0x9000, f"READ RECORD EF05 record {n}")
                        for n in range(5, len(_EF05.records) + 1))
        ctx.require(every == tail, "records 5.. in one READ RECORD", tail.hex().upper(), every.hex().upper())
    ctx.expect(read_apdu(0x1E, 1), 0x6A82, "READ RECORD of SFI 1E (no such file)")
    ctx.expect(read_apdu(0, 1), 0x9000, "READ RECORD of the current EF (EF05, read last)")
    ctx.expect(read_apdu(5, len(_EF05.records) + 1), 0x6A83, "READ RECORD past EF05's last record")
    ctx.expect(read_apdu(5, 0x7F, mode=0b000), 0x6A83, "READ RECORD of EF05 by an absent tag")


@check("RO-FILE-CARD-ID", "EF05 record 1 holds the card identification code", ["SSC-FILE-4"])
def _card_id(ctx: Context) -> None:
    ctx.select("SSSE")
    raw = ctx.expect(read_apdu(5, 1), 0x9000, "READ RECORD EF05 record 1")
    value = raw[2:]
    ctx.require(len(value) == 16 and value[3:8] == bytes.fromhex("D156000005"), "card identification code",
                "16 bytes: area code || D156000005 || 8 card-unique bytes", value.hex().upper())


@check("RO-ACC-PROFILE-3", "Profile 3.0: card number, EF06 and sub-applications behind RKSSSE",
       ["SSC-ACC-2", "SSC-ACC-1"], profile="3.0")
def _profile_3(ctx: Context) -> None:
    ctx.select("SSSE")
    ctx.expect(read_apdu(5, _RECORD_7_NEEDS_RK), 0x6982, "READ RECORD EF05 record 7 without RK")
    ctx.expect(read_apdu(6, 1), 0x6982, "READ RECORD EF06 record 1 without RK")
    if ctx.state.ssse == "ACTIVE":
        ctx.expect(select_apdu(t.DF_AIDS["DF01"]), 0x9000, "SELECT DF01")
        ctx.expect(read_apdu(5, 1), 0x6982, "READ RECORD DF01 EF05 without RK")


@check("RO-ACC-SUBAPP-STATE", "Sub-application records: readable only while ACTIVE (profile 2.0)",
       ["SSC-ACC-5"], profile="2.0")
def _subapp_state(ctx: Context) -> None:
    ctx.select("SSSE")
    ctx.expect(select_apdu(t.DF_AIDS["DF01"]), 0x9000, "SELECT DF01")
    expected = 0x9000 if ctx.state.ssse == "ACTIVE" else 0x6985
    raw = ctx.expect(read_apdu(5, 1), expected, f"READ RECORD DF01 EF05 record 1 ({ctx.state.ssse})")
    if expected == 0x9000:
        _check_record(ctx, "DF01_EF05", 1, raw)


@check("RO-ACC-MEDICAL-PIN", "Medical records need the PIN", ["SSC-ACC-3"], ssse_states=_ACTIVE)
def _medical(ctx: Context) -> None:
    ctx.select("SSSE")
    ctx.expect(select_apdu(t.DF_AIDS["DF04"]), 0x9000, "SELECT DF04")
    ctx.expect(read_apdu(5, 1), 0x6982, "READ RECORD DF04 EF05 without the PIN")


# ------------------------------------------------------------------------------ read-only: PIN, SM


@check("RO-PIN-EMPTY-VERIFY", "Empty VERIFY reports the tries and spends nothing", ["SSC-PIN-5", "SSC-PIN-1"],
       ssse_states=_ACTIVE)
def _empty_verify(ctx: Context) -> None:
    ctx.select("SSSE")
    _, first = ctx.send(bytes((0x00, 0x20, 0x00, 0x00)))
    ctx.require(first & 0xFFF0 == 0x63C0 or first == 0x6983, "empty VERIFY", "63CX or 6983", f"{first:04X}")
    ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), first, "a second empty VERIFY (nothing spent)")
    if first & 0xFFF0 == 0x63C0:
        ctx.require(1 <= first & 0x0F <= 15, "tries left", "1-15", str(first & 0x0F))


@check("RO-PIN-NOT-ACTIVE", "VERIFY outside ACTIVE answers 6985", ["SSC-PIN-12", "SSC-LC-2"],
       ssse_states=("ISSUED", "BLOCKED", "PERSONALISATION"))
def _pin_not_active(ctx: Context) -> None:
    ctx.select("SSSE")
    ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), 0x6985, f"empty VERIFY in {ctx.state.ssse}")


@check("RO-SM-CHALLENGE", "GET CHALLENGE lengths and freshness", ["SSC-SM-1"])
def _challenge(ctx: Context) -> None:
    ctx.select("SSSE")
    lengths = (4, 8, 16) if ctx.state.profile == "3.0" else (4, 8)
    seen = set()
    for n in lengths:
        data = ctx.challenge(n)
        ctx.require(len(data) == n, f"GET CHALLENGE Le {n:02X}", f"{n} bytes", f"{len(data)} bytes")
        seen.add(data)
    again = ctx.challenge(8)
    ctx.require(again not in seen, "a second 8-byte challenge", "a fresh value", "a repeated one", "SSC-SM-1")
    ctx.expect(bytes((0x00, 0x84, 0x00, 0x00, 0x05)), 0x6700, "GET CHALLENGE Le 05")
    if ctx.state.profile == "2.0":
        ctx.expect(bytes((0x00, 0x84, 0x00, 0x00, 0x10)), 0x6700, "GET CHALLENGE Le 10 on a 3DES card")


@check("RO-LC-PERSISTENCE", "Lifecycle and PIN tries survive a power cycle, the selection does not",
       ["SSC-LC-8"])
def _persistence(ctx: Context) -> None:
    before = ctx.lifecycle("SSSE")
    tries_before = ctx.send(bytes((0x00, 0x20, 0x00, 0x00)))[1] if before == "ACTIVE" else None
    ctx.power_cycle()
    ctx.expect(read_apdu(5, 1), 0x6986, "READ RECORD after the power cycle (nothing selected)")
    after = ctx.lifecycle("SSSE")
    ctx.require(after == before, "lifecycle after a power cycle", before, after)
    if tries_before is not None:
        ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), tries_before, "empty VERIFY after a power cycle")


@check("RO-FIN-RECORDS", "Financial records: template 70 with PAN, sequence number, dates, name",
       ["SSC-FIN-1", "SSC-FILE-1"], financial=True)
def _fin_records(ctx: Context) -> None:
    if ctx.state.pboc == "TERMINATED":
        raise NotApplicable("the financial application is terminated")
    ctx.select("PBOC")
    for record in _FIN.records:
        raw = ctx.expect(read_apdu(_FIN.sfi, record.number), 0x9000, f"READ RECORD SFI 1 record {record.number}")
        template = tlv(raw)
        ctx.require(record.template is not None and int.from_bytes(record.template, "big") in template,
                    "record template", (record.template or b"").hex().upper(), raw[:1].hex().upper())
        assert record.template is not None
        items = tlv(template[int.from_bytes(record.template, "big")])
        for item in record.items:
            value = items.get(int.from_bytes(item.tag, "big"))
            ctx.require(value is not None and len(value) == item.length, f"item {item.tag.hex().upper()}",
                        f"{item.length} bytes", "absent" if value is None else f"{len(value)} bytes")


@check("RO-FIN-GET-DATA", "GET DATA: PIN try counter and ATC; other tags 6A88", ["SSC-FIN-2"], financial=True)
def _get_data(ctx: Context) -> None:
    if ctx.state.pboc not in _LIVE:
        raise NotApplicable(f"GET DATA is not offered in {ctx.state.pboc}")
    ctx.select("PBOC")
    counter = ctx.expect(bytes((0x80, 0xCA, 0x9F, 0x17, 0x00)), 0x9000, "GET DATA 9F17")
    ctx.require(counter[:3] == bytes.fromhex("9F1701"), "GET DATA 9F17", "9F 17 01 XX", counter.hex().upper())
    atc = ctx.expect(bytes((0x80, 0xCA, 0x9F, 0x36, 0x00)), 0x9000, "GET DATA 9F36")
    ctx.require(atc[:3] == bytes.fromhex("9F3602") and len(atc) == 5, "GET DATA 9F36", "9F 36 02 XXXX",
                atc.hex().upper())
    # pboc.toml's GET DATA table answers 6A86 (P1-P2 not 9F17/9F36, check order step 5); the text of SSC-FIN-2
    # says 6A88. The command table is the more specific: the check follows it (docs/conformance.md).
    ctx.expect(bytes((0x80, 0xCA, 0x9F, 0x13, 0x00)), 0x6A86, "GET DATA of another tag")


@check("RO-APDU-CHECK-ORDER", "The first failing check of the order decides the status word", ["SSC-APDU-2"])
def _check_order(ctx: Context) -> None:
    ctx.select("SSSE")
    ctx.expect(bytes((0x90, 0xFE, 0x00, 0x00)), 0x6E00, "unknown CLA and INS: the CLA (step 2) first")
    ctx.expect(bytes((0x00, 0x84, 0x01, 0x00, 0x05)), 0x6A86, "GET CHALLENGE bad P1 and Le: P1-P2 (step 5) first")
    if ctx.state.ssse == "ACTIVE":
        ctx.expect(bytes((0x84, 0x44, 0x01, 0x00, 0x04, 0, 0, 0, 0)), 0x6985,
                   "ACTIVATE on an ACTIVE application with bad P1: the lifecycle (step 4) first")
        ctx.expect(bytes((0x84, 0x1E, 0x00, 0x00, 0x02, 0, 0)), 0x6700,
                   "APPLICATION BLOCK of a wrong length, no challenge: the length (step 6) before the challenge")


@check("RO-SM-NATIONAL-FORMS", "The national clear-text RELOAD PIN form is refused", ["SSC-SM-8"],
       ssse_states=_ACTIVE)
def _national_forms(ctx: Context) -> None:
    ctx.select("SSSE")
    ctx.expect(bytes((0x80, 0x5E, 0x00, 0x00, 0x03, 0x12, 0x34, 0x56)), 0x6A86, "80 5E 00 00 (national RELOAD PIN)")


# ------------------------------------------------------------------------------------ holder


def _tries(ctx: Context) -> int:
    _, sw = ctx.send(bytes((0x00, 0x20, 0x00, 0x00)))
    if sw == 0x6983:
        return 0
    if sw == 0x9000:
        return -1
    ctx.require(sw & 0xFFF0 == 0x63C0, "empty VERIFY", "63CX", f"{sw:04X}")
    return sw & 0x0F


def _full_tries(ctx: Context) -> int:
    """Verify the PIN (the counter goes back to its limit, SSC-PIN-4), select the SSSE again (the flag is
    cleared, SSC-PIN-6) and return the tries the empty VERIFY reports: the personalised limit."""
    assert ctx.pin is not None
    ctx.select("SSSE")
    ctx.expect(_verify_apdu(ctx.pin), 0x9000, "VERIFY with the PIN", "SSC-PIN-4")
    ctx.select("SSSE")
    return _tries(ctx)


def _verify_apdu(pin: str) -> bytes:
    from sscard.social import social_pin_data

    data = social_pin_data(pin)
    return bytes((0x00, 0x20, 0x00, 0x00, len(data))) + data


def _wrong_pin(pin: str) -> str:
    return "".join("0" if c != "0" else "1" for c in pin)


@check("HO-PIN-VERIFY", "A correct PIN verifies and resets the counter; the flag's lifetime",
       ["SSC-PIN-4", "SSC-PIN-5", "SSC-PIN-6", "SSC-ACC-3"], Level.HOLDER, needs=[Need.PIN], ssse_states=_ACTIVE)
def _verify(ctx: Context) -> None:
    assert ctx.pin is not None
    limit = _full_tries(ctx)
    ctx.expect(_verify_apdu(ctx.pin), 0x9000, "VERIFY with the PIN", "SSC-PIN-4")
    ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), 0x9000, "empty VERIFY once verified", "SSC-PIN-5")
    ctx.expect(select_apdu(t.DF_AIDS["DF04"]), 0x9000, "SELECT DF04 (keeps the verification)")
    if ctx.state.profile == "2.0":
        ctx.expect(read_apdu(5, 1), 0x9000, "READ RECORD DF04 EF05 with the PIN verified")
    ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), 0x9000, "empty VERIFY inside DF04")
    ctx.select("SSSE")
    ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), 0x63C0 | limit, "empty VERIFY after SELECT of the application")


@check("HO-PIN-WRONG", "A wrong PIN answers 63CX and spends a try; the correct one restores it",
       ["SSC-PIN-2", "SSC-PIN-6"], Level.HOLDER, needs=[Need.PIN], ssse_states=_ACTIVE)
def _wrong(ctx: Context) -> None:
    assert ctx.pin is not None
    limit = _full_tries(ctx)
    try:
        ctx.expect(_verify_apdu(ctx.pin), 0x9000, "VERIFY with the PIN", "SSC-PIN-4")
        ctx.expect(_verify_apdu(_wrong_pin(ctx.pin)), 0x63C0 | (limit - 1), "VERIFY with a wrong PIN",
                   "SSC-PIN-2")
        ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), 0x63C0 | (limit - 1),
                   "empty VERIFY after a wrong PIN (flag cleared, try spent)", "SSC-PIN-6")
    finally:
        ctx.send(_verify_apdu(ctx.pin))
    ctx.select("SSSE")
    ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), 0x63C0 | limit, "empty VERIFY after the correct PIN")


@check("HO-PIN-FORMAT", "Malformed PINs answer 6700 / 6A80 and spend no try", ["SSC-PIN-10"], Level.HOLDER,
       needs=[Need.PIN], ssse_states=_ACTIVE)
def _pin_format(ctx: Context) -> None:
    assert ctx.pin is not None
    limit = _full_tries(ctx)
    try:
        ctx.expect(bytes((0x00, 0x20, 0x00, 0x00, 0x01, 0x12)), 0x6700, "VERIFY with 1 byte")
        ctx.expect(bytes((0x00, 0x20, 0x00, 0x00, 0x07)) + bytes(7), 0x6700, "VERIFY with 7 bytes")
        ctx.expect(bytes((0x00, 0x20, 0x00, 0x00, 0x03, 0x12, 0xA4, 0x56)), 0x6A80, "VERIFY with a non-BCD nibble")
        ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), 0x63C0 | limit, "empty VERIFY: no try spent")
    finally:
        ctx.send(_verify_apdu(ctx.pin))


@check("HO-PIN-CHANGE", "CHANGE PIN checks the old PIN and sets the new one", ["SSC-PIN-7"], Level.HOLDER,
       needs=[Need.PIN], ssse_states=_ACTIVE)
def _change(ctx: Context) -> None:
    from sscard.social import social_pin_data

    assert ctx.pin is not None
    limit = _full_tries(ctx)
    same = social_pin_data(ctx.pin) + b"\xff" + social_pin_data(ctx.pin)
    try:
        ctx.expect(bytes((0x80, 0x5E, 0x01, 0x00, len(same))) + same, 0x9000, "CHANGE PIN to the same PIN")
        ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), 0x9000, "empty VERIFY after CHANGE PIN (verified)")
        wrong = social_pin_data(_wrong_pin(ctx.pin)) + b"\xff" + social_pin_data(ctx.pin)
        ctx.expect(bytes((0x80, 0x5E, 0x01, 0x00, len(wrong))) + wrong, 0x63C0 | (limit - 1),
                   "CHANGE PIN with a wrong old PIN")
    finally:
        ctx.send(_verify_apdu(ctx.pin))


@check("HO-PIN-BLOCKED", "No tries left: 6983 until the issuer's PIN UNBLOCK", ["SSC-PIN-3", "SSC-PIN-8"],
       Level.HOLDER, needs=[Need.PIN, Need.ISSUER_KEYS], ssse_states=_ACTIVE)
def _blocked(ctx: Context) -> None:
    assert ctx.pin is not None
    limit = _full_tries(ctx)
    try:
        for left in range(limit - 1, -1, -1):
            ctx.expect(_verify_apdu(_wrong_pin(ctx.pin)), 0x63C0 | left, f"wrong PIN ({left} left)", "SSC-PIN-2")
        ctx.expect(_verify_apdu(ctx.pin), 0x6983, "the correct PIN once blocked", "SSC-PIN-3")
        ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), 0x6983, "empty VERIFY once blocked", "SSC-PIN-3")
    finally:
        ctx.select("SSSE")
        challenge = ctx.challenge(ctx.state.algorithm_block)
        ctx.expect(ctx.mac_apdu("SSSE", "PIN_UNBLOCK", challenge), 0x9000, "PIN UNBLOCK", "SSC-PIN-8")
    ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), 0x63C0 | limit, "empty VERIFY after PIN UNBLOCK", "SSC-PIN-8")
    ctx.expect(_verify_apdu(ctx.pin), 0x9000, "VERIFY with the kept PIN", "SSC-PIN-8")


@check("HO-FIN-PIN-FORMAT", "A malformed financial PIN block answers 6A80 and spends no try", ["SSC-PIN-11"],
       Level.HOLDER, needs=[Need.PIN], financial=True)
def _fin_pin_format(ctx: Context) -> None:
    if ctx.state.pboc != "ACTIVE":
        raise NotApplicable(f"the financial application is {ctx.state.pboc}")
    ctx.select("PBOC")
    before = ctx.expect(bytes((0x80, 0xCA, 0x9F, 0x17, 0x00)), 0x9000, "GET DATA 9F17")
    ctx.expect(bytes((0x00, 0x20, 0x00, 0x80, 0x08, 0x36, 0x12, 0x34, 0x56, 0xFF, 0xFF, 0xFF, 0xFF)), 0x6A80,
               "VERIFY with a block of control nibble 3")
    ctx.expect(bytes((0x00, 0x20, 0x00, 0x80, 0x08, 0x24, 0x12, 0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)), 0x6A80,
               "VERIFY with a non-digit PIN nibble")
    after = ctx.expect(bytes((0x80, 0xCA, 0x9F, 0x17, 0x00)), 0x9000, "GET DATA 9F17")
    ctx.require(after == before, "PIN try counter after malformed blocks", before.hex().upper(), after.hex().upper())


@check("HO-PIN-RELOAD", "RELOAD PIN sets the PIN (enciphered, MAC'd) and resets the counter; bad cryptogram 6A80",
       ["SSC-PIN-9", "SSC-SM-4"], Level.HOLDER, needs=[Need.PIN, Need.ISSUER_KEYS], ssse_states=_ACTIVE)
def _reload(ctx: Context) -> None:
    from sscard.social import social_pin_data

    assert ctx.pin is not None and ctx.keys is not None and ctx.state.issuer_identity is not None
    n = ctx.state.algorithm_block
    limit = _full_tries(ctx)
    cryptogram = ctx.keys.encipher("RELOAD", ctx.state.issuer_identity, social_pin_data(ctx.pin))
    try:
        ctx.expect(_verify_apdu(_wrong_pin(ctx.pin)), 0x63C0 | (limit - 1), "a wrong PIN (to see the reset)",
                   "SSC-PIN-2")
        ctx.expect(ctx.mac_apdu("SSSE", "RELOAD_PIN", ctx.challenge(n), bytes(len(cryptogram))), 0x6A80,
                   "RELOAD PIN with a cryptogram that is not LD || PIN || padding", "SSC-SM-4")
        ctx.expect(ctx.mac_apdu("SSSE", "RELOAD_PIN", ctx.challenge(n), cryptogram), 0x9000,
                   "RELOAD PIN with the same PIN", "SSC-PIN-9")
        ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), 0x63C0 | limit, "empty VERIFY after RELOAD PIN", "SSC-PIN-9")
    finally:
        ctx.send(_verify_apdu(ctx.pin))


# ------------------------------------------------------------------------------------ issuer


def _block_cycle(ctx: Context, app: str) -> None:
    n = ctx.state.algorithm_block if app == "SSSE" else 8
    ctx.select(app)
    try:
        ctx.expect(ctx.mac_apdu(app, "APPLICATION_BLOCK", ctx.challenge(n)), 0x9000, f"{app} APPLICATION BLOCK")
        state = ctx.lifecycle(app)
        ctx.require(state == "BLOCKED", f"{app} lifecycle after APPLICATION BLOCK", "BLOCKED", state)
        ctx.expect(bytes((0x00, 0x20, 0x00, 0x00)), 0x6985, f"{app} empty VERIFY while BLOCKED")
        ctx.expect(ctx.mac_apdu(app, "APPLICATION_BLOCK", ctx.challenge(n)), 0x9000,
                   f"{app} APPLICATION BLOCK again", "SSC-LC-5")
        if app == "SSSE":
            ctx.expect(read_apdu(5, 1), 0x9000, "EF05 readable while BLOCKED")
            if ctx.state.profile == "2.0":
                ctx.expect(select_apdu(t.DF_AIDS["DF01"]), 0x9000, "SELECT DF01")
                ctx.expect(read_apdu(5, 1), 0x6985, "DF01 EF05 while BLOCKED")
    finally:
        ctx.select(app)
        ctx.expect(ctx.mac_apdu(app, "APPLICATION_UNBLOCK", ctx.challenge(n)), {0x9000, 0x6985},
                   f"{app} APPLICATION UNBLOCK")
    state = ctx.lifecycle(app)
    ctx.require(state == "ACTIVE", f"{app} lifecycle after APPLICATION UNBLOCK", "ACTIVE", state)


@check("IS-LC-BLOCK-UNBLOCK", "APPLICATION BLOCK and UNBLOCK of the SSSE",
       ["SSC-LC-5", "SSC-LC-6", "SSC-PIN-12", "SSC-ACC-5", "SSC-SM-2"], Level.ISSUER, needs=[Need.ISSUER_KEYS],
       ssse_states=_ACTIVE)
def _ssse_block(ctx: Context) -> None:
    _block_cycle(ctx, "SSSE")


@check("IS-FIN-BLOCK-UNBLOCK", "APPLICATION BLOCK and UNBLOCK of the financial application, the ATC",
       ["SSC-LC-5", "SSC-LC-6", "SSC-SM-5", "SSC-FIN-3"], Level.ISSUER, needs=[Need.BANK_KEYS], financial=True)
def _pboc_block(ctx: Context) -> None:
    if ctx.state.pboc != "ACTIVE":
        raise NotApplicable(f"the financial application is {ctx.state.pboc}")
    ctx.select("PBOC")
    atc = int.from_bytes(ctx.expect(bytes((0x80, 0xCA, 0x9F, 0x36, 0x00)), 0x9000, "GET DATA ATC")[3:], "big")
    _block_cycle(ctx, "PBOC")
    ctx.select("PBOC")
    after = int.from_bytes(ctx.expect(bytes((0x80, 0xCA, 0x9F, 0x36, 0x00)), 0x9000, "GET DATA ATC")[3:], "big")
    ctx.require(after == atc + 3, "ATC after three completed issuer scripts", str(atc + 3), str(after), "SSC-FIN-3")


@check("IS-SM-FAILURES", "MAC'd commands without a challenge, with a spent one, with a wrong MAC",
       ["SSC-SM-1", "SSC-SM-3", "SSC-LC-8"], Level.ISSUER, needs=[Need.ISSUER_KEYS], ssse_states=_ACTIVE)
def _sm_failures(ctx: Context) -> None:
    n = ctx.state.algorithm_block
    ctx.select("SSSE")
    try:
        ctx.expect(ctx.mac_apdu("SSSE", "APPLICATION_BLOCK", bytes(n)), 0x6984,
                   "APPLICATION BLOCK with no challenge", "SSC-SM-3")
        spent = ctx.challenge(n)
        ctx.expect(read_apdu(5, 1), 0x9000, "READ RECORD (takes the challenge)")
        ctx.expect(ctx.mac_apdu("SSSE", "APPLICATION_BLOCK", spent), 0x6984,
                   "APPLICATION BLOCK on a challenge already used", "SSC-SM-1")
        lost = ctx.challenge(n)
        ctx.power_cycle()
        ctx.select("SSSE")
        ctx.expect(ctx.mac_apdu("SSSE", "APPLICATION_BLOCK", lost), 0x6984,
                   "APPLICATION BLOCK on a challenge from before a power cycle", "SSC-LC-8")
        wrong = ctx.challenge(n)
        ctx.expect(ctx.mac_apdu("SSSE", "APPLICATION_BLOCK", wrong, wrong=True), 0x6988,
                   "APPLICATION BLOCK with a wrong MAC", "SSC-SM-3")
        ctx.expect(ctx.mac_apdu("SSSE", "APPLICATION_BLOCK", wrong), 0x6984,
                   "APPLICATION BLOCK reusing the challenge a wrong MAC spent", "SSC-SM-3")
        state = ctx.lifecycle("SSSE")
        ctx.require(state == "ACTIVE", "lifecycle after refused MAC'd commands", "ACTIVE", state)
    finally:
        if ctx.lifecycle("SSSE") == "BLOCKED":  # a faulty card took one of them: put it back
            ctx.send(ctx.mac_apdu("SSSE", "APPLICATION_UNBLOCK", ctx.challenge(n)))
        ctx.send(ctx.mac_apdu("SSSE", "RESET_MAINT_KEY_COUNTER", ctx.challenge(n), p1=0x00,
                              p2=t.KEYS["SSSE"]["MAINT"].id))


@check("IS-SM-MAC-LIMIT", "The MAC failure counter blocks the key after its limit; RESET KEY COUNTER",
       ["SSC-SM-6", "SSC-KEY-6"], Level.ISSUER, needs=[Need.ISSUER_KEYS], ssse_states=_ACTIVE)
def _mac_limit(ctx: Context) -> None:
    n = ctx.state.algorithm_block
    limit = t.KEYS["SSSE"]["MAINT"].try_limit or 0
    ctx.select("SSSE")
    reset = (0x00, t.KEYS["SSSE"]["MAINT"].id)
    ctx.expect(ctx.mac_apdu("SSSE", "RESET_MAINT_KEY_COUNTER", ctx.challenge(n), p1=reset[0], p2=reset[1]),
               0x9000, "RESET KEY COUNTER of the maintenance key (start from its limit)", "SSC-KEY-6")
    try:
        for i in range(limit):
            ctx.expect(ctx.mac_apdu("SSSE", "APPLICATION_BLOCK", ctx.challenge(n), wrong=True), 0x6988,
                       f"wrong MAC {i + 1} of {limit}")
        ctx.expect(ctx.mac_apdu("SSSE", "APPLICATION_BLOCK", ctx.challenge(n)), 0x6983,
                   "a correct MAC once the counter is at 0")
    finally:
        ctx.expect(ctx.mac_apdu("SSSE", "RESET_MAINT_KEY_COUNTER", ctx.challenge(n), p1=reset[0], p2=reset[1]),
                   0x9000, "RESET KEY COUNTER of the maintenance key")
    # One wrong MAC less than the limit, then a correct one: the counter went back to the limit.
    ctx.expect(ctx.mac_apdu("SSSE", "APPLICATION_BLOCK", ctx.challenge(n), wrong=True), 0x6988, "a wrong MAC")
    ctx.expect(ctx.mac_apdu("SSSE", "RESET_MAINT_KEY_COUNTER", ctx.challenge(n), p1=reset[0], p2=reset[1]),
               0x9000, "RESET KEY COUNTER again")


@check("IS-KEY-INTERNAL-AUTH", "INTERNAL AUTHENTICATE answers the challenge under the card's key",
       ["SSC-KEY-4", "SSC-KEY-1", "SSC-KEY-5"], Level.ISSUER, needs=[Need.ISSUER_KEYS], ssse_states=_LIVE)
def _internal_auth(ctx: Context) -> None:
    import os

    assert ctx.keys is not None and ctx.state.issuer_identity is not None
    n = ctx.state.algorithm_block
    challenge = os.urandom(n)
    ctx.select("SSSE")
    answer = ctx.expect(bytes((0x00, 0x88, 0x00, t.KEYS["SSSE"]["IK"].id, n)) + challenge + b"\x00", 0x9000,
                        "INTERNAL AUTHENTICATE")
    expected = ctx.keys.authenticate("IK", ctx.state.issuer_identity, challenge)
    ctx.require(answer == expected, "INTERNAL AUTHENTICATE cryptogram", "the issuer keys' answer",
                "another value")


@check("IS-KEY-EXTERNAL-AUTH", "EXTERNAL AUTHENTICATE: tries on a wrong cryptogram, reset, success",
       ["SSC-KEY-3", "SSC-KEY-6", "SSC-ACC-2", "SSC-ACC-3"], Level.ISSUER, needs=[Need.ISSUER_KEYS],
       ssse_states=_ACTIVE)
def _external_auth(ctx: Context) -> None:
    from sscard_core.crypto import command_mac_iv

    assert ctx.keys is not None
    n = ctx.state.algorithm_block
    rk = t.KEYS["SSSE"]["RK"]
    limit = rk.try_limit or 0
    ctx.select("SSSE")
    ctx.expect(ctx.mac_apdu("SSSE", "RESET_KEY_COUNTER", ctx.challenge(n), p1=0x00, p2=rk.id), 0x9000,
               "RESET KEY COUNTER of RK (start from its limit)", "SSC-KEY-6")

    def authenticate(wrong: bool) -> bytes:
        challenge = ctx.challenge(n)
        assert ctx.keys is not None and ctx.state.issuer_identity is not None
        cryptogram = ctx.keys.authenticate("RK", ctx.state.issuer_identity, command_mac_iv(challenge))
        if wrong:
            cryptogram = bytes((cryptogram[0] ^ 0x01,)) + cryptogram[1:]
        return bytes((0x00, 0x82, 0x00, rk.id, len(cryptogram))) + cryptogram

    try:
        ctx.expect(authenticate(True), 0x63C0 | (limit - 1), "EXTERNAL AUTHENTICATE with a wrong cryptogram")
        ctx.expect(authenticate(True), 0x63C0 | (limit - 2), "a second wrong cryptogram")
        ctx.expect(ctx.mac_apdu("SSSE", "RESET_KEY_COUNTER", ctx.challenge(n), p1=0x00, p2=rk.id), 0x9000,
                   "RESET KEY COUNTER of RK")
        ctx.expect(authenticate(True), 0x63C0 | (limit - 1), "a wrong cryptogram after the reset")
        ctx.expect(authenticate(False), 0x9000, "EXTERNAL AUTHENTICATE with the right cryptogram")
        ctx.expect(read_apdu(6, 1), 0x9000, "READ RECORD EF06 after authentication")
        ctx.expect(read_apdu(5, _RECORD_7_NEEDS_RK), 0x9000, "READ RECORD EF05 record 7 after authentication")
        ctx.expect(select_apdu(t.DF_AIDS["DF04"]), 0x9000, "SELECT DF04")
        ctx.expect(read_apdu(5, 1), 0x6982, "READ RECORD DF04 EF05 authenticated but without the PIN", "SSC-ACC-3")
    finally:
        ctx.send(ctx.mac_apdu("SSSE", "RESET_KEY_COUNTER", ctx.challenge(n), p1=0x00, p2=rk.id))
    ctx.expect(authenticate(True), 0x63C0 | (limit - 1), "a correct authentication put the tries back")
    ctx.send(ctx.mac_apdu("SSSE", "RESET_KEY_COUNTER", ctx.challenge(n), p1=0x00, p2=rk.id))


@check("IS-ACC-UPDATE", "After issuance records change only under the maintenance key's MAC",
       ["SSC-ACC-4", "SSC-FILE-3"], Level.ISSUER, needs=[Need.ISSUER_KEYS], ssse_states=_ACTIVE, profile="2.0")
def _update(ctx: Context) -> None:
    n = ctx.state.algorithm_block
    ctx.select("SSSE")
    ctx.expect(select_apdu(t.DF_AIDS["DF01"]), 0x9000, "SELECT DF01")
    current = ctx.expect(read_apdu(5, 1), 0x9000, "READ RECORD DF01 EF05 record 1")
    p2 = 5 << 3 | 0b100
    ctx.expect(bytes((0x00, 0xDC, 0x01, p2, len(current))) + current, 0x6985, "UPDATE RECORD without MAC")
    ctx.expect(ctx.mac_apdu("SSSE", "UPDATE_RECORD_SM", ctx.challenge(n), current, p1=1, p2=p2), 0x9000,
               "UPDATE RECORD with MAC (the same value)")
    bad = bytes((current[0] ^ 0x01,)) + current[1:]
    ctx.expect(ctx.mac_apdu("SSSE", "UPDATE_RECORD_SM", ctx.challenge(n), bad, p1=1, p2=p2), 0x6A80,
               "UPDATE RECORD with another tag")
    again = ctx.expect(read_apdu(5, 1), 0x9000, "READ RECORD DF01 EF05 record 1 again")
    ctx.require(again == current, "record after the updates", current.hex().upper(), again.hex().upper())
    ctx.select("SSSE")
    ef05 = ctx.expect(read_apdu(5, 2), 0x9000, "READ RECORD EF05 record 2")
    ctx.expect(ctx.mac_apdu("SSSE", "UPDATE_RECORD_SM", ctx.challenge(n), ef05, p1=2, p2=5 << 3 | 0b100), 0x6982,
               "UPDATE RECORD of EF05 (never after personalisation)")


@check("IS-LC-OUT-OF-STATE", "A MAC'd command outside its states answers 6985", ["SSC-LC-2", "SSC-LC-4"],
       Level.ISSUER, needs=[Need.ISSUER_KEYS], ssse_states=_ACTIVE)
def _out_of_state(ctx: Context) -> None:
    n = ctx.state.algorithm_block
    ctx.select("SSSE")
    ctx.expect(ctx.mac_apdu("SSSE", "ACTIVATE", ctx.challenge(n)), 0x6985, "ACTIVATE on an ACTIVE application")
    ctx.expect(ctx.mac_apdu("SSSE", "APPLICATION_UNBLOCK", ctx.challenge(n)), 0x6985,
               "APPLICATION UNBLOCK on an ACTIVE application")
    ctx.expect(bytes((0x80, 0xDE, 0x00, 0x00)), 0x6985, "END PERSONALISATION after issuance")


@check("IS-LC-CARD-BLOCK", "CARD BLOCK terminates both applications", ["SSC-LC-7", "SSC-LC-2"], Level.ISSUER,
       needs=[Need.ISSUER_KEYS, Need.TERMINATE], ssse_states=_LIVE, terminates=True)
def _card_block(ctx: Context) -> None:
    ctx.select("SSSE")
    ctx.expect(ctx.mac_apdu("SSSE", "CARD_BLOCK", ctx.challenge(ctx.state.algorithm_block)), 0x9000, "CARD BLOCK")
    ctx.power_cycle()
    ctx.expect(select_apdu(t.SSSE_AID), 0x6A81, "SELECT SSSE after CARD BLOCK")
    ctx.expect(read_apdu(5, 1), 0x6A81, "READ RECORD on the terminated SSSE")
    if ctx.state.pboc is not None:
        ctx.expect(select_apdu(t.PBOC_AID), 0x6A81, "SELECT PBOC after CARD BLOCK")


@check("IS-SM-CHALLENGE-LENGTH", "Profile 3.0: a 4-byte challenge is too short for a MAC'd command",
       ["SSC-SM-7"], Level.ISSUER, needs=[Need.ISSUER_KEYS], ssse_states=_ACTIVE, profile="3.0")
def _challenge_length(ctx: Context) -> None:
    ctx.select("SSSE")
    short = ctx.challenge(4)
    try:
        ctx.expect(ctx.mac_apdu("SSSE", "APPLICATION_BLOCK", short), 0x6984,
                   "APPLICATION BLOCK after a 4-byte challenge")
    finally:
        if ctx.lifecycle("SSSE") == "BLOCKED":
            ctx.send(ctx.mac_apdu("SSSE", "APPLICATION_UNBLOCK", ctx.challenge(16)))


@check("IS-KEY-BANK-APART", "No social key acts on the financial application", ["SSC-KEY-2"], Level.ISSUER,
       needs=[Need.ISSUER_KEYS, Need.BANK_KEYS], financial=True)
def _bank_apart(ctx: Context) -> None:
    from sscard.protocol import mac_command

    if ctx.state.pboc != "ACTIVE":
        raise NotApplicable(f"the financial application is {ctx.state.pboc}")
    keys, card = ctx.keys, ctx.state.issuer_identity
    assert keys is not None and card is not None
    ctx.select("PBOC")
    command = spec_command("PBOC", "APPLICATION_BLOCK")
    try:
        social = mac_command(command, ctx.challenge(8), lambda d, iv: keys.mac("MAINT", card, d, iv[:8]) if
                             keys.algorithm.block_size == 8 else keys.mac("MAINT", card, d, iv + bytes(8))[:8])
        ctx.expect(social.encode(), 0x6988, "PBOC APPLICATION BLOCK under the social maintenance key")
    finally:
        # A correct bank MAC puts the PBOC's MAC failure counter back to its limit (SSC-SM-6).
        if ctx.lifecycle("PBOC") == "BLOCKED":
            ctx.send(ctx.mac_apdu("PBOC", "APPLICATION_UNBLOCK", ctx.challenge(8)))
        else:
            ctx.send(ctx.mac_apdu("PBOC", "APPLICATION_BLOCK", ctx.challenge(8)))
            ctx.send(ctx.mac_apdu("PBOC", "APPLICATION_UNBLOCK", ctx.challenge(8)))


# ------------------------------------------------------------------------------ blank (before personalisation)

_BLANK = ("PERSONALISATION",)


def _perso_commands(ctx: Context) -> dict[str, bytes]:
    """Well-formed personalisation commands of the SSSE (valid under the keys given), by name."""
    from sscard.keys import CardIdentity
    from sscard.records import record_values
    from sscard_core.crypto import social_pin_bcd as pin_bcd

    assert ctx.keys is not None and ctx.state.card_id is not None
    card = CardIdentity(ctx.keys.city_code, ctx.state.card_id[8:16])
    rk = t.KEYS["SSSE"]["RK"]
    record = record_values("EF05", 2, {b"\x02": "1"})
    return {
        "PUT KEY": bytes((0x80, 0xD8, ctx.keys.key_version("RK"), rk.id)) + _lc(ctx.keys.wrap_card_key("RK", card)),
        "SET PIN": bytes((0x80, 0xD4, 0x00, 0x00))
        + _lc(b"\x06" + ctx.keys.encipher("PERSO", _NO_CARD, pin_bcd("123456"))),
        "SET ACCESS PROFILE": bytes((0x80, 0xDA, 0x00, 0x00, 0x01, t.ACCESS_PROFILES[ctx.state.profile])),
        "UPDATE RECORD": bytes((0x00, 0xDC, 0x02, 5 << 3 | 0b100)) + _lc(record),
        "END PERSONALISATION": bytes((0x80, 0xDE, 0x00, 0x00)),
    }


_NO_CARD: Any = None  # the transport key is not diversified (sscard.session.ApplicationSession.set_pin)


def _lc(data: bytes) -> bytes:
    return bytes((len(data),)) + data


def _transport_authenticate(ctx: Context) -> None:
    from sscard_core.crypto import command_mac_iv

    assert ctx.keys is not None
    challenge = ctx.challenge(ctx.state.algorithm_block)
    cryptogram = ctx.keys.authenticate("PERSO", _NO_CARD, command_mac_iv(challenge))
    ctx.expect(bytes((0x00, 0x82, 0x00, t.KEYS["SSSE"]["PERSO"].id)) + _lc(cryptogram), 0x9000,
               "EXTERNAL AUTHENTICATE with the transport key")


@check("BL-FILE-INSTALLED", "A blank card: every record exists, EF05 record 1 from the install parameters",
       ["SSC-FILE-5", "SSC-FILE-4", "SSC-PERSO-1"], Level.BLANK, ssse_states=_BLANK)
def _installed(ctx: Context) -> None:
    ctx.select("SSSE")
    for file in ("EF05", "EF06"):
        for record in t.FILES[file].records:
            raw = ctx.expect(read_apdu(t.FILES[file].sfi, record.number), 0x9000,
                             f"READ RECORD {file} record {record.number} of a blank card", "SSC-FILE-5")
            _check_record(ctx, file, record.number, raw)
    value = ctx.expect(read_apdu(5, 1), 0x9000, "READ RECORD EF05 record 1")[2:]
    ctx.require(value[:8] == bytes.fromhex("000000D156000005"), "card identification code of a blank card",
                "000000 D156000005 || 8 card-unique bytes", value.hex().upper(), "SSC-FILE-4")


@check("BL-PERSO-NEEDS-TRANSPORT-KEY", "Personalisation commands need the transport key's authentication",
       ["SSC-PERSO-2"], Level.BLANK, needs=[Need.ISSUER_KEYS], ssse_states=_BLANK)
def _needs_transport_key(ctx: Context) -> None:
    ctx.select("SSSE")
    for name, apdu in _perso_commands(ctx).items():
        ctx.expect(apdu, 0x6982, f"{name} without EXTERNAL AUTHENTICATE")


@check("BL-PERSO-REFUSALS", "PUT KEY, SET PIN, SET ACCESS PROFILE and END PERSONALISATION refuse bad input",
       ["SSC-PERSO-3", "SSC-PERSO-4", "SSC-PERSO-5", "SSC-LC-3"], Level.BLANK, needs=[Need.ISSUER_KEYS],
       ssse_states=_BLANK)
def _perso_refusals(ctx: Context) -> None:
    ctx.select("SSSE")
    _transport_authenticate(ctx)
    commands = _perso_commands(ctx)
    put = commands["PUT KEY"]
    ctx.expect(put[:-1] + bytes((put[-1] ^ 0x01,)), 0x6A80, "PUT KEY with a wrong check value", "SSC-PERSO-3")
    ctx.expect(put[:3] + b"\x0f" + put[4:], 0x6A88, "PUT KEY of an unknown key id", "SSC-PERSO-3")
    pin = commands["SET PIN"]
    ctx.expect(pin[:5] + b"\x00" + pin[6:], 0x6A80, "SET PIN with try limit 00", "SSC-PERSO-4")
    ctx.expect(pin[:5] + b"\x10" + pin[6:], 0x6A80, "SET PIN with try limit 10", "SSC-PERSO-4")
    other = "2.0" if ctx.state.profile == "3.0" else "3.0"
    ctx.expect(bytes((0x80, 0xDA, 0x00, 0x00, 0x01, t.ACCESS_PROFILES[other])), 0x6A80,
               f"SET ACCESS PROFILE {other} (not this card's algorithm)", "SSC-PERSO-5")
    ctx.expect(bytes((0x80, 0xDA, 0x00, 0x00, 0x01, 0x21)), 0x6A80, "SET ACCESS PROFILE 21", "SSC-PERSO-5")
    ctx.expect(commands["END PERSONALISATION"], 0x6985, "END PERSONALISATION before the keys and PIN",
               "SSC-LC-3")
    state = ctx.lifecycle("SSSE")
    ctx.require(state == "PERSONALISATION", "lifecycle after a refused END PERSONALISATION", "PERSONALISATION",
                state, "SSC-LC-3")


# ------------------------------------------------------------------------- the whole run


@check("RO-APDU-NO-6F00", "No exchange of the run answered 6F00 or a status word the spec does not declare",
       ["SSC-APDU-6", "SSC-APDU-7"])
def _no_uncaught(ctx: Context) -> None:
    bad = [e for e in ctx.history if e.sw == 0x6F00]
    ctx.require(not bad, "status words of the run", "never 6F00", f"6F00 to {bad[0].command}" if bad else "",
                "SSC-APDU-6")
    declared = {int(sw) for sw in t.SW_RETURNED}
    masks = {int(sw): mask for sw, mask in t.SW_MASKS.items() if sw in t.SW_RETURNED}
    undeclared = [e for e in ctx.history
                  if e.sw not in declared and not any(e.sw & m == base for base, m in masks.items())]
    ctx.require(not undeclared, "status words of the run", "only status words the spec declares",
                f"{undeclared[0].sw:04X} to {undeclared[0].command}" if undeclared else "", "SSC-APDU-7")


# ---------------------------------------------------------------------- card-side clauses


def card_side_clauses() -> list[str]:
    """The clauses with a card obligation: all but the service window's (WIN) and the host library's (HOST)."""
    return [c for c in t.CLAUSES if not c.startswith(("SSC-WIN-", "SSC-HOST-"))]


def by_level(level: Level) -> list[Check]:
    return [c for c in CHECKS if c.level <= level]
