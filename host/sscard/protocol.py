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

from collections.abc import Iterable
from typing import Protocol

from sscard import spec_tables as t
from sscard.connection import Connection, exchange
from sscard.errors import CardConnectionError, error_for
from sscard.records import command as spec_command
from sscard.tracing import LOGGER_NAME, LoggingTracer, Tracer, clock, mask_exchange
from sscard_core import apdu as core_apdu
from sscard_core.apdu import CommandApdu, MacFunction, ResponseApdu

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

_SW_OK = 0x9000
_GET_RESPONSE_LIMIT = 64  # 64 × 256 bytes: far beyond any answer of this card
_GET_RESPONSE_INS = 0xC0  # ISO/IEC 7816-4 transport-level command, not one of the applications'

_APPLICATION_BY_AID = {aid: name for name, aid in t.APPLICATION_AIDS.items()}
_SELECT = {(c.cla, c.ins) for c in (t.COMMANDS[app]["SELECT"] for app in t.COMMANDS)}
_SELECT_BY_NAME_P1 = 0x04
_CHAIN_ATTRIBUTE = "_sscard_card_protocol"  # where CardProtocol.of keeps a connection's chain


def _selected_by(command: CommandApdu, response: ResponseApdu) -> tuple[bool, str | None]:
    """Whether ``command`` was an application SELECT, and the application it left selected (None: none).

    Only 00 A4 04 00 with a full AID is one: the card's runtime forwards any other SELECT to the selected
    application, which stays selected (SSC-APP-3, SSC-APP-7)."""
    if (command.cla, command.ins) not in _SELECT or (command.p1, command.p2) != (_SELECT_BY_NAME_P1, 0):
        return False, None
    name = _APPLICATION_BY_AID.get(command.data)
    if name is None:
        return False, None
    return True, name if response.sw == _SW_OK else None


class Processor(Protocol):
    """One link of the chain."""

    def send(self, command: CommandApdu) -> ResponseApdu: ...


class Transport:
    """ISO 7816-4 encoding over a connection, with tracing (the innermost link)."""

    def __init__(self, connection: Connection, tracers: Iterable[Tracer] = ()) -> None:
        self.connection = connection
        self.tracers: list[Tracer] = list(tracers)
        self.selected: str | None = None
        """The application the last SELECT through this transport left selected (None: none or unknown)."""
        self._log = LoggingTracer()

    def send(self, command: CommandApdu) -> ResponseApdu:
        raw = command.encode()
        start = clock()
        answer = exchange(self.connection, raw)  # bytes with a status word, or a CardConnectionError
        elapsed = clock() - start
        response = ResponseApdu.decode(answer)
        was_select, application = _selected_by(command, response)
        if was_select:
            self.selected = application
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
            more = CommandApdu(command.cla & 0x03, _GET_RESPONSE_INS, 0x00, 0x00, le=response.sw2 or 256)
            response = self.inner.send(more)
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
    return core_apdu.mac_input(command, t.MAC_LENGTH)


def mac_command(command: CommandApdu, challenge: bytes, mac: MacFunction) -> CommandApdu:
    """``command`` (CLA 84/04, data without MAC) with its 4-byte MAC appended, IV from ``challenge`` (SSC-SM-2)."""
    return core_apdu.mac_command(command, challenge, mac, t.MAC_LENGTH)


class SecureMessaging:
    """MAC'd commands: GET CHALLENGE, then the command with its MAC (challenge || 00000000 as IV).

    A challenge is good for exactly the next command the application receives (SSC-SM-1), so nothing may
    go between the two; the MAC is computed after the challenge arrives. Challenges are 8 bytes unless told
    otherwise: every access profile takes them, and a 3.0-profile card takes nothing shorter (SSC-SM-7).
    """

    def __init__(self, inner: Processor, challenge_length: int = 8) -> None:
        self.inner = inner
        self.challenge_length = challenge_length

    def send(self, command: CommandApdu) -> ResponseApdu:
        return self.inner.send(command)

    def get_challenge(self, length: int | None = None) -> bytes:
        n = length or self.challenge_length
        command = spec_command("SSSE", "GET_CHALLENGE", le=n)  # the same command in both applications
        response = self.inner.send(command)
        if response.sw != _SW_OK:
            raise error_for(response.sw, response.data, command="GET CHALLENGE", ins=command.ins)
        if len(response.data) != n:
            raise CardConnectionError(f"GET CHALLENGE answered {len(response.data)} bytes, asked for {n}")
        return response.data

    def send_mac(self, command: CommandApdu, mac: MacFunction, challenge_length: int | None = None) -> ResponseApdu:
        """GET CHALLENGE (``challenge_length`` bytes, else the default), then the MAC'd command."""
        challenge = self.get_challenge(challenge_length)
        return self.inner.send(mac_command(command, challenge, mac))


class CardProtocol:
    """The assembled chain over one connection.

    ``transmit`` returns whatever the card answered; ``send`` / ``send_mac`` return the response data and
    raise the :class:`~sscard.errors.ApduError` subclass of any other status word than 9000.
    Every exchange is logged (masked) at DEBUG on the ``sscard.apdu`` logger and given to ``tracers``.
    """

    logger_name = LOGGER_NAME

    def __init__(self, connection: Connection, *, tracers: Iterable[Tracer] = (), challenge_length: int = 8) -> None:
        self.connection = connection
        self.transport = Transport(connection, tracers)
        self.secure_messaging = SecureMessaging(ResendWithLe(GetResponse(self.transport)), challenge_length)

    @classmethod
    def of(cls, connection: Connection) -> CardProtocol:
        """The chain of ``connection``: made on first use and kept on the connection, so that every session
        built from the same connection shares one chain, one view of the selected application and one
        list of tracers. A connection that cannot hold it (``__slots__``) gets a new chain each time."""
        chain = getattr(connection, _CHAIN_ATTRIBUTE, None)
        if isinstance(chain, CardProtocol) and chain.connection is connection:
            return chain
        chain = cls(connection)
        try:
            setattr(connection, _CHAIN_ATTRIBUTE, chain)
        except AttributeError:
            pass
        return chain

    @property
    def selected(self) -> str | None:
        """The application last selected through this chain ("SSSE" / "PBOC"), None when none or unknown.

        The chain owns this: sessions that share a card share its chain (:meth:`of` a connection, or the
        same :class:`CardProtocol` given), so each sees when another selected the other application. Traffic sent around
        the chain is not seen, nor is a power cycle done with ``connection.reset()`` (use :meth:`reset`).
        """
        return self.transport.selected

    def forget_selection(self) -> None:
        """Assume nothing is selected (the next session command selects its application again)."""
        self.transport.selected = None

    @property
    def tracers(self) -> list[Tracer]:
        """The tracers (add or remove at will)."""
        return self.transport.tracers

    def reset(self) -> None:
        """Power-cycle the card: nothing is selected afterwards (sessions select again on their next command)."""
        self.connection.reset()
        self.forget_selection()

    def transmit(self, command: CommandApdu) -> ResponseApdu:
        """Send through the chain; no status word check."""
        return self.secure_messaging.send(command)

    def send(self, command: CommandApdu, *, name: str | None = None) -> bytes:
        """Send and return the response data; raise the status word's exception unless 9000."""
        return self._checked(self.transmit(command), command, name)

    def send_mac(self, command: CommandApdu, mac: MacFunction, *, name: str | None = None,
                 challenge_length: int | None = None) -> bytes:
        """GET CHALLENGE, MAC, send; raise the status word's exception unless 9000. An SM4 card's
        commands take a 16-byte challenge (``challenge_length``), the IV of one SM4 block (SSC-SM-2)."""
        response = self.secure_messaging.send_mac(command, mac, challenge_length)
        if response.sw != _SW_OK:
            raise error_for(response.sw, response.data, command=name, ins=command.ins, macd=True)
        return response.data

    def get_challenge(self, length: int | None = None) -> bytes:
        return self.secure_messaging.get_challenge(length)

    @staticmethod
    def _checked(response: ResponseApdu, command: CommandApdu, name: str | None) -> bytes:
        if response.sw != _SW_OK:
            raise error_for(response.sw, response.data, command=name, ins=command.ins)
        return response.data
