"""ISO/IEC 7816-4 command and response APDUs (§5.1), encoded through ``construct`` layouts, and the one
builder of the card's commands, plain (:func:`build_command`) and MAC'd (:func:`mac_command`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from construct import Bytes, Int8ub, Int16ub, Struct, this

from .crypto import command_mac_iv
from .layout import CommandShape

__all__ = ["CommandApdu", "MacFunction", "ResponseApdu", "build_command", "mac_command", "mac_input"]

# The layouts are compiled once (construct generates Python for them): every APDU goes through them,
# and the interpreted form costs three times as much per command.
# The four header bytes every command starts with (ISO/IEC 7816-4 §5.1).
HEADER = Struct("cla" / Int8ub, "ins" / Int8ub, "p1" / Int8ub, "p2" / Int8ub).compile()
# Short Lc field and data (case 3/4): Lc in 1 byte, 1..255.
SHORT_BODY = Struct("lc" / Int8ub, "data" / Bytes(this.lc)).compile()
# Extended Lc (case 3E/4E): 00 then 2 bytes, 1..65535.
EXTENDED_BODY = Struct("marker" / Int8ub, "lc" / Int16ub, "data" / Bytes(this.lc)).compile()

SHORT_MAX_DATA = 255
SHORT_MAX_LE = 256
EXTENDED_MAX = 65535
EXTENDED_MAX_LE = 65536


@dataclass(frozen=True)
class CommandApdu:
    """A command APDU. ``le=None`` means no response data expected; ``le=256`` (short) or ``65536``
    (extended) means "as much as there is" and encodes as 00 / 0000."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None
    force_extended: bool = False

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            value = getattr(self, name)
            if not 0 <= value <= 0xFF:
                raise ValueError(f"{name.upper()} {value:#x} is not a byte")
        if len(self.data) > EXTENDED_MAX:
            raise ValueError(f"command data of {len(self.data)} bytes exceeds {EXTENDED_MAX}")
        if self.le is not None and not 1 <= self.le <= EXTENDED_MAX_LE:
            raise ValueError(f"Le {self.le} is outside 1..{EXTENDED_MAX_LE}")

    @property
    def extended(self) -> bool:
        return (self.force_extended or len(self.data) > SHORT_MAX_DATA
                or (self.le is not None and self.le > SHORT_MAX_LE))

    def encode(self) -> bytes:
        out: bytes = HEADER.build({"cla": self.cla, "ins": self.ins, "p1": self.p1, "p2": self.p2})
        if self.extended:
            if self.data:
                out += EXTENDED_BODY.build({"marker": 0, "lc": len(self.data), "data": self.data})
            if self.le is not None:
                le = 0 if self.le == EXTENDED_MAX_LE else self.le
                out += (b"" if self.data else b"\x00") + le.to_bytes(2, "big")
        else:
            if self.data:
                out += SHORT_BODY.build({"lc": len(self.data), "data": self.data})
            if self.le is not None:
                out += bytes((0 if self.le == SHORT_MAX_LE else self.le,))
        return out

    def with_le(self, le: int | None) -> CommandApdu:
        return CommandApdu(self.cla, self.ins, self.p1, self.p2, self.data, le, self.force_extended)

    def with_data(self, data: bytes) -> CommandApdu:
        return CommandApdu(self.cla, self.ins, self.p1, self.p2, data, self.le, self.force_extended)

    def with_cla(self, cla: int) -> CommandApdu:
        return CommandApdu(cla, self.ins, self.p1, self.p2, self.data, self.le, self.force_extended)

    @classmethod
    def decode(cls, raw: bytes) -> CommandApdu:
        """Parse any of the seven ISO cases; raises ValueError naming what is inconsistent."""
        if len(raw) < 4:
            raise ValueError(f"command APDU of {len(raw)} bytes has no complete header")
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, le=body[0] or SHORT_MAX_LE)
        if body[0] != 0 or len(body) < 3:  # short Lc
            lc = body[0]
            if lc == 0:
                raise ValueError("short Lc of 0")
            rest = body[1:]
            if len(rest) == lc:
                return cls(cla, ins, p1, p2, rest)
            if len(rest) == lc + 1:
                return cls(cla, ins, p1, p2, rest[:lc], rest[lc] or SHORT_MAX_LE)
            raise ValueError(f"Lc {lc} does not match the {len(rest)} bytes that follow")
        # Extended: 00 then 2 bytes of Lc or Le.
        value = int.from_bytes(body[1:3], "big")
        rest = body[3:]
        if not rest:
            return cls(cla, ins, p1, p2, le=value or EXTENDED_MAX_LE, force_extended=True)
        if value == 0:
            raise ValueError("extended Lc of 0")
        if len(rest) == value:
            return cls(cla, ins, p1, p2, rest, force_extended=True)
        if len(rest) == value + 2:
            le = int.from_bytes(rest[value:], "big")
            return cls(cla, ins, p1, p2, rest[:value], le or EXTENDED_MAX_LE, force_extended=True)
        raise ValueError(f"extended Lc {value} does not match the {len(rest)} bytes that follow")


@dataclass(frozen=True)
class ResponseApdu:
    data: bytes
    sw: int

    @property
    def sw1(self) -> int:
        return self.sw >> 8

    @property
    def sw2(self) -> int:
        return self.sw & 0xFF

    @classmethod
    def decode(cls, raw: bytes) -> ResponseApdu:
        if len(raw) < 2:
            raise ValueError(f"response of {len(raw)} bytes has no status word")
        return cls(raw[:-2], int.from_bytes(raw[-2:], "big"))

    def encode(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")


# ------------------------------------------------------------------------------------ builders

MacFunction = Callable[[bytes, bytes], bytes]
"""``mac(data, iv) -> mac``: the full MAC (at least the MAC length; the leftmost bytes are sent) of ``data``
under a key the caller holds, with the given initial vector."""


def build_command(command: CommandShape, data: bytes = b"", *, p1: int | None = None, p2: int | None = None,
                  le: int | None = None) -> CommandApdu:
    """The APDU of a declared command: its CLA and INS, P1-P2 as given or, when omitted, the command's only
    allowed pair; Lc only with data, Le only when given."""
    if p1 is None or p2 is None:
        if command.p1p2 is None or len(command.p1p2) != 1:
            raise ValueError(f"{command.name}: P1 and P2 must be given")
        p1, p2 = command.p1p2[0] >> 8, command.p1p2[0] & 0xFF
    return CommandApdu(command.cla, command.ins, p1, p2, data, le)


def mac_input(command: CommandApdu, mac_length: int) -> bytes:
    """What the command MAC covers: CLA INS P1 P2 Lc || data, Lc counting the MAC that will follow."""
    lc = len(command.data) + mac_length
    if lc > SHORT_MAX_DATA:
        raise ValueError(f"a MAC'd command carries at most {SHORT_MAX_DATA - mac_length} data bytes, "
                         f"got {len(command.data)}")
    return bytes((command.cla, command.ins, command.p1, command.p2, lc)) + command.data


def mac_command(command: CommandApdu, challenge: bytes, mac: MacFunction, mac_length: int) -> CommandApdu:
    """``command`` (a secure-messaging CLA, data without MAC) with its MAC appended: the leftmost
    ``mac_length`` bytes of ``mac`` over :func:`mac_input`, IV from the card's ``challenge``."""
    if not command.cla & 0x04:
        raise ValueError(f"CLA {command.cla:02X} is not a secure-messaging class (b3 must be set)")
    full = mac(mac_input(command, mac_length), command_mac_iv(challenge))
    if len(full) < mac_length:
        raise ValueError(f"the MAC function returned {len(full)} bytes, need at least {mac_length}")
    return command.with_data(command.data + full[:mac_length])
