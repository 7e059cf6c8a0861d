"""The protocol chain between a session and a :class:`~sscard.connection.Connection`.

A chain of small processors, each with ``send(command) -> response`` and each testable alone::

    session ─▶ SecureMessaging ─▶ ResendWithLe (6Cxx) ─▶ GetResponse (61xx) ─▶ Transport ─▶ Connection
                                                                                 └─ tracers (masked)

- :class:`Transport` encodes ISO 7816-4 short/extended APDUs, transmits them, decodes the answer and hands
  every exchange, masked (:mod:`sscard.tracing`), to the tracers and the ``sscard.apdu`` logger;
- :class:`GetResponse` collects ``61XX`` answers with GET RESPONSE;
- :class:`ResendWithLe` re-sends a command answered ``6CXX`` with Le = XX;
- :class:`SecureMessaging` gets a fresh challenge and MACs a command (ISO/IEC 9797-1 alg. 3 through a
  :data:`MacFunction`, so the key stays wherever it lives) just before it is sent.

:class:`CardProtocol` assembles the chain and turns status words other than 9000 into
:class:`~sscard.errors.ApduError` subclasses.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from sscard import crypto
from sscard import spec_tables as t
from sscard.apdu import CommandApdu, ResponseApdu
from sscard.connection import Connection
from sscard.errors import CardConnectionError, error_for
from sscard.tracing import LOGGER_NAME, LoggingTracer, Tracer, clock, mask_exchange

__all__ = [
    "CardProtocol",
    "GetResponse",
    "MacFunction",
    "Processor",
    "ResendWithLe",
    "SecureMessaging",
    "Transport",
    "mac_command",
    "mac_input",
]

MacFunction = Callable[[bytes, bytes], bytes]
"""``mac(data, iv) -> mac``: the full MAC (at least 4 bytes; the leftmost 4 are sent) of ``data`` under a
key the caller holds, with the given initial vector (:meth:`sscard.keys.IssuerKeys.mac` curried)."""

_SW_OK = 0x9000
_GET_RESPONSE_LIMIT = 64  # 64 × 256 bytes: far beyond any answer of this card


_APPLICATION_BY_AID = {aid: name for name, aid in t.APPLICATION_AIDS.items()}
# Which application is selected on a connection, as seen by every chain over it (two sessions, or two
# chains, may share one card: the second must know when the first selected the other application).
_SELECTION: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def _observe_selection(connection: Connection, command: CommandApdu, response: ResponseApdu) -> None:
    if command.ins == 0xA4 and command.p1 == 0x04 and command.cla & 0xFC == 0 and command.data in _APPLICATION_BY_AID:
        try:
            if response.sw == 0x9000:
                _SELECTION[connection] = _APPLICATION_BY_AID[command.data]
            else:
                _SELECTION.pop(connection, None)
        except TypeError:  # a connection that cannot be weakly referenced: no sharing across chains
            pass


class Processor(Protocol):
    """One link of the chain."""

    def send(self, command: CommandApdu) -> ResponseApdu: ...


class Transport:
    """ISO 7816-4 encoding over a connection, with tracing (the innermost link)."""

    def __init__(self, connection: Connection, tracers: Iterable[Tracer] = ()) -> None:
        self.connection = connection
        self.tracers: list[Tracer] = list(tracers)
        self._log = LoggingTracer()

    def send(self, command: CommandApdu) -> ResponseApdu:
        raw = command.encode()
        start = clock()
        answer = self.connection.transmit(raw)
        elapsed = clock() - start
        if len(answer) < 2:
            raise CardConnectionError(f"{self.connection.description}: response of {len(answer)} bytes has no "
                                      "status word")
        response = ResponseApdu.decode(answer)
        _observe_selection(self.connection, command, response)
        if self.tracers or self._log.logger.isEnabledFor(self._log.level):
            entry = mask_exchange(raw, response.data, response.sw, elapsed)
            self._log.record(entry)
            for tracer in self.tracers:
                tracer.record(entry)
        return response


class GetResponse:
    """``61XX``: fetch the rest with GET RESPONSE (``00 C0 00 00 XX``) until the card is done."""

    def __init__(self, inner: Processor) -> None:
        self.inner = inner

    def send(self, command: CommandApdu) -> ResponseApdu:
        response = self.inner.send(command)
        data = response.data
        for _ in range(_GET_RESPONSE_LIMIT):
            if response.sw1 != 0x61:
                return ResponseApdu(data, response.sw)
            response = self.inner.send(CommandApdu(command.cla & 0x03, 0xC0, 0x00, 0x00, le=response.sw2 or 256))
            data += response.data
        raise CardConnectionError(f"the card kept answering 61XX after {_GET_RESPONSE_LIMIT} GET RESPONSEs")


class ResendWithLe:
    """``6CXX``: send the same command again, once, with Le = XX (ISO 7816-3 case 2 rule)."""

    def __init__(self, inner: Processor) -> None:
        self.inner = inner

    def send(self, command: CommandApdu) -> ResponseApdu:
        response = self.inner.send(command)
        if response.sw1 == 0x6C:
            response = self.inner.send(command.with_le(response.sw2 or 256))
        return response


def mac_input(command: CommandApdu) -> bytes:
    """What the MAC covers (SSC-SM-2): CLA INS P1 P2 Lc || data, Lc counting the MAC that will follow."""
    lc = len(command.data) + t.MAC_LENGTH
    if lc > 255:
        raise ValueError(f"a MAC'd command carries at most {255 - t.MAC_LENGTH} data bytes, got {len(command.data)}")
    return bytes((command.cla, command.ins, command.p1, command.p2, lc)) + command.data


def mac_command(command: CommandApdu, challenge: bytes, mac: MacFunction) -> CommandApdu:
    """``command`` (CLA 84/04, data without MAC) with its 4-byte MAC appended, IV from ``challenge``."""
    if not command.cla & 0x04:
        raise ValueError(f"CLA {command.cla:02X} is not a secure-messaging class (b3 must be set)")
    full = mac(mac_input(command), crypto.command_mac_iv(challenge))
    if len(full) < t.MAC_LENGTH:
        raise ValueError(f"the MAC function returned {len(full)} bytes, need at least {t.MAC_LENGTH}")
    return command.with_data(command.data + full[: t.MAC_LENGTH])


class SecureMessaging:
    """MAC'd commands: GET CHALLENGE, then the command with its MAC (challenge || 00000000 as IV).

    A challenge is good for exactly the next command the application receives (SSC-SM-1), so nothing may
    go between the two; the MAC is computed after the challenge arrives.
    """

    def __init__(self, inner: Processor, challenge_length: int = 4) -> None:
        self.inner = inner
        self.challenge_length = challenge_length

    def send(self, command: CommandApdu) -> ResponseApdu:
        return self.inner.send(command)

    def get_challenge(self, length: int | None = None) -> bytes:
        n = length or self.challenge_length
        response = self.inner.send(CommandApdu(0x00, 0x84, 0x00, 0x00, le=n))
        if response.sw != _SW_OK:
            raise error_for(response.sw, response.data, command="GET CHALLENGE", ins=0x84)
        if len(response.data) != n:
            raise CardConnectionError(f"GET CHALLENGE answered {len(response.data)} bytes, asked for {n}")
        return response.data

    def send_mac(self, command: CommandApdu, mac: MacFunction) -> ResponseApdu:
        challenge = self.get_challenge()
        return self.inner.send(mac_command(command, challenge, mac))


class CardProtocol:
    """The assembled chain over one connection.

    ``transmit`` returns whatever the card answered; ``send`` / ``send_mac`` return the response data and
    raise the :class:`~sscard.errors.ApduError` subclass of any other status word than 9000.
    Every exchange is logged (masked) at DEBUG on the ``sscard.apdu`` logger and given to ``tracers``.
    """

    logger_name = LOGGER_NAME

    def __init__(self, connection: Connection, *, tracers: Iterable[Tracer] = (), challenge_length: int = 4) -> None:
        self.connection = connection
        self._selected: str | None = None
        self.transport = Transport(connection, tracers)
        self.secure_messaging = SecureMessaging(ResendWithLe(GetResponse(self.transport)), challenge_length)

    @property
    def selected(self) -> str | None:
        """The application last selected on this connection by any chain ("SSSE" / "PBOC"), None when unknown.

        Every chain over the connection sees the SELECTs of the others; traffic sent around the chains is not
        seen, nor is a power cycle done with ``connection.reset()`` (use :meth:`reset`, or new sessions).
        """
        try:
            return _SELECTION.get(self.connection)
        except TypeError:
            return self._selected

    @selected.setter
    def selected(self, application: str | None) -> None:
        self._selected = application
        try:
            if application is None:
                _SELECTION.pop(self.connection, None)
            else:
                _SELECTION[self.connection] = application
        except TypeError:
            pass

    @property
    def tracers(self) -> list[Tracer]:
        """The tracers (add or remove at will)."""
        return self.transport.tracers

    def reset(self) -> None:
        """Power-cycle the card: nothing is selected afterwards (sessions select again on their next command)."""
        self.connection.reset()
        self.selected = None

    def transmit(self, command: CommandApdu) -> ResponseApdu:
        """Send through the chain; no status word check."""
        return self.secure_messaging.send(command)

    def send(self, command: CommandApdu, *, name: str | None = None) -> bytes:
        """Send and return the response data; raise the status word's exception unless 9000."""
        return self._checked(self.transmit(command), command, name)

    def send_mac(self, command: CommandApdu, mac: MacFunction, *, name: str | None = None) -> bytes:
        """GET CHALLENGE, MAC, send; raise the status word's exception unless 9000."""
        return self._checked(self.secure_messaging.send_mac(command, mac), command, name)

    def get_challenge(self, length: int | None = None) -> bytes:
        return self.secure_messaging.get_challenge(length)

    @staticmethod
    def _checked(response: ResponseApdu, command: CommandApdu, name: str | None) -> bytes:
        if response.sw != _SW_OK:
            raise error_for(response.sw, response.data, command=name, ins=command.ins)
        return response.data
