"""APDU tracing with personal data and PINs masked.

The protocol chain hands every exchange on the wire (GET RESPONSE, GET CHALLENGE and re-sends included)
to :func:`mask_exchange` first; tracers and the ``sscard.apdu`` logger only ever see the masked
:class:`TraceEntry`. Nothing here prints.

Masking rules (article 24 of the regulation: no personal data in logs):

- the whole command data of VERIFY (20), CHANGE PIN / RELOAD PIN (5E), PIN UNBLOCK / PBOC PIN reload (24),
  SET PIN (D4) and PUT KEY (D8): PINs, enciphered PINs and enciphered keys;
- in READ RECORD (B2) responses and UPDATE RECORD (DC) command data, the value of every record item except
  the few that are not personal: the card identification code, card type, specification version,
  initialising organisation, issue and expiry dates (EF05 records 1-6) and the PAN sequence number,
  expiry and effective dates of the financial records. Masked: the card number, everything in EF06
  (social security number, name, sex, ethnicity, birthplace, birth date), the sub-application records,
  the PAN and the cardholder name. Tags and lengths stay visible, and a MAC after record data too;
- the response data of GET RESPONSE (C0), whose meaning depends on an earlier command;
- anything that does not parse as the records it should be is masked whole.

A masked value shows as ``[n bytes masked]`` (``[1 byte masked]``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from sscard import spec_tables as t

__all__ = [
    "LOGGER_NAME",
    "LoggingTracer",
    "RecordingTracer",
    "TraceEntry",
    "Tracer",
    "mask_command",
    "mask_exchange",
    "mask_response",
]

LOGGER_NAME = "sscard.apdu"

# Commands whose whole data field is secret (PINs, enciphered PINs, enciphered keys), by what the spec says
# they do (their action), so a new such command is masked without a change here.
_SECRET_ACTIONS = frozenset({"verify", "change_pin", "reload_pin", "set_pin", "put_key"})
_SECRET_DATA_INS = frozenset(c.ins for app in t.COMMANDS.values() for c in app.values() if c.action in _SECRET_ACTIONS)
_READ_RECORD = frozenset(c.ins for app in t.COMMANDS.values() for c in app.values() if c.action == "read_record")
_UPDATE_RECORD = frozenset(c.ins for app in t.COMMANDS.values() for c in app.values() if c.action == "update_record")
_GET_RESPONSE = 0xC0  # ISO/IEC 7816-4 transport-level command, not one of the applications'


def _public_tags() -> frozenset[bytes]:
    """Tags of the record items that are not personal data (see the module docstring)."""
    tags = {item.tag for rec in t.FILES["EF05"].records if rec.number <= 6 for item in rec.items}
    tags |= {item.tag for rec in t.FILES["FIN_SFI1"].records for item in rec.items
             if item.tag.hex().upper() in ("5F34", "5F24", "5F25")}
    return frozenset(tags)


PUBLIC_TAGS = _public_tags()
_TEMPLATES = frozenset(rec.template for f in t.FILES.values() for rec in f.records if rec.template)


@dataclass(frozen=True)
class TraceEntry:
    """One exchange as tracers see it: masked hex of the command and of the response data, the status
    word, the instruction byte and how long the card took."""

    command: str
    response: str
    sw: int
    ins: int
    elapsed_ms: float
    masked: bool
    """Whether anything was masked in this exchange."""

    def __str__(self) -> str:
        answer = f"{self.response} " if self.response else ""
        return f"> {self.command}  < {answer}{self.sw:04X}  ({self.elapsed_ms:.2f} ms)"


@runtime_checkable
class Tracer(Protocol):
    """Receives every exchange of a protocol chain, already masked."""

    def record(self, entry: TraceEntry) -> None: ...


class LoggingTracer:
    """Logs each exchange at DEBUG on ``sscard.apdu`` (or the given logger)."""

    def __init__(self, logger: logging.Logger | None = None, level: int = logging.DEBUG) -> None:
        self.logger = logger or logging.getLogger(LOGGER_NAME)
        self.level = level

    def record(self, entry: TraceEntry) -> None:
        self.logger.log(self.level, "APDU %s", entry)


@dataclass
class RecordingTracer:
    """Keeps the (masked) exchanges, for reports and for counting APDUs in tests."""

    entries: list[TraceEntry] = field(default_factory=list)

    def record(self, entry: TraceEntry) -> None:
        self.entries.append(entry)

    def clear(self) -> None:
        self.entries.clear()

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[TraceEntry]:
        return iter(self.entries)

    def instructions(self) -> list[int]:
        return [e.ins for e in self.entries]


# ----------------------------------------------------------------------------------- masking


def _hex(data: bytes) -> str:
    return data.hex(" ").upper()


def _masked(n: int) -> str:
    return f"[{n} byte{'' if n == 1 else 's'} masked]"


class _Unparsable(Exception):
    pass


def _length(data: bytes, pos: int) -> tuple[int, int]:
    """BER length at ``pos``: (length, position after the length field)."""
    if pos >= len(data):
        raise _Unparsable
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    n = first & 0x7F
    if n == 0 or n > 2 or pos + 1 + n > len(data):
        raise _Unparsable
    return int.from_bytes(data[pos + 1 : pos + 1 + n], "big"), pos + 1 + n


def _ber_tag(data: bytes, pos: int) -> int:
    """Position after a BER tag starting at ``pos``."""
    if pos >= len(data):
        raise _Unparsable
    end = pos + 1
    if data[pos] & 0x1F == 0x1F:
        while end < len(data) and data[end] & 0x80:
            end += 1
        end += 1
    if end > len(data):
        raise _Unparsable
    return end


def _mask_items(data: bytes, *, ber: bool) -> list[str]:
    """Tag-length-value items with non-public values masked (SIMPLE-TLV, or BER inside a template)."""
    out: list[str] = []
    pos = 0
    while pos < len(data):
        tag_end = _ber_tag(data, pos) if ber else pos + 1
        tag = data[pos:tag_end]
        if not ber and tag == b"\x00":
            raise _Unparsable
        length, value_start = _length(data, tag_end)
        end = value_start + length
        if end > len(data):
            raise _Unparsable
        out.append(_hex(data[pos:value_start]))
        if tag in _TEMPLATES and ber is False:
            out.extend(_mask_items(data[value_start:end], ber=True))
        elif length:
            out.append(_hex(data[value_start:end]) if tag in PUBLIC_TAGS else _masked(length))
        pos = end
    return out


def _mask_records(data: bytes) -> tuple[str, bool]:
    """Record data (one or more SIMPLE-TLV records, or templates 70) with personal values masked."""
    if not data:
        return "", False
    try:
        parts = _mask_items(data, ber=False)
    except _Unparsable:
        return _masked(len(data)), True
    text = " ".join(p for p in parts if p)
    return text, "masked" in text


def mask_command(apdu: bytes) -> tuple[str, bool]:
    """The command APDU as masked hex, and whether anything was masked."""
    from sscard.apdu import CommandApdu

    if len(apdu) <= 5:
        return _hex(apdu), False
    try:
        cmd = CommandApdu.decode(apdu)
    except ValueError:
        return f"{_hex(apdu[:4])} {_masked(len(apdu) - 4)}", True
    head_len = len(apdu) - len(cmd.data) - (0 if cmd.le is None else (2 if cmd.extended else 1))
    head, tail = apdu[:head_len], apdu[head_len + len(cmd.data) :]
    if not cmd.data:
        return _hex(apdu), False
    if cmd.ins in _SECRET_DATA_INS:
        body, masked = _masked(len(cmd.data)), True
    elif cmd.ins in _UPDATE_RECORD:
        secure = bool(cmd.cla & 0x04) and len(cmd.data) > t.MAC_LENGTH
        record = cmd.data[: -t.MAC_LENGTH] if secure else cmd.data
        body, masked = _mask_records(record)
        if secure:
            body += " " + _hex(cmd.data[-t.MAC_LENGTH :])
    else:
        body, masked = _hex(cmd.data), False
    return " ".join(p for p in (_hex(head), body, _hex(tail)) if p), masked


def mask_response(command: bytes, data: bytes) -> tuple[str, bool]:
    """The response data (without SW) of ``command`` as masked hex, and whether anything was masked."""
    if not data:
        return "", False
    ins = command[1] if len(command) > 1 else -1
    if ins in _READ_RECORD:
        return _mask_records(data)
    if ins == _GET_RESPONSE:
        return _masked(len(data)), True
    return _hex(data), False


def mask_exchange(command: bytes, response_data: bytes, sw: int, elapsed: float) -> TraceEntry:
    """A :class:`TraceEntry` for one exchange on the wire (``elapsed`` in seconds)."""
    cmd_text, cmd_masked = mask_command(command)
    resp_text, resp_masked = mask_response(command, response_data)
    ins = command[1] if len(command) > 1 else -1
    return TraceEntry(cmd_text, resp_text, sw, ins, elapsed * 1000.0, cmd_masked or resp_masked)


def clock() -> float:
    """Monotonic seconds, for timing exchanges."""
    return time.perf_counter()
