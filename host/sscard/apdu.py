"""ISO/IEC 7816-4 command and response APDUs (§5.1), encoded through ``construct`` layouts."""

from __future__ import annotations

from dataclasses import dataclass

from construct import Bytes, Int8ub, Int16ub, Struct, this

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
