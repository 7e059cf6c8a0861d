"""What the two application sessions share: selection and the FCI, the spec-driven command helpers,
secure messaging through a key store, and the issuer's lifecycle commands.

:class:`~sscard.social.SocialSecuritySession` and :class:`~sscard.finance.FinanceSession` derive from
:class:`ApplicationSession`; window software uses those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from sscard import crypto
from sscard import spec_tables as t
from sscard.apdu import CommandApdu
from sscard.connection import Connection
from sscard.errors import ApplicationTerminated, CardDataError, PinFormatError, SscardError
from sscard.keys import PERSO, CardKeys
from sscard.protocol import CardProtocol
from sscard.records import READ_BY_NUMBER, command, parse_ber, record_p2, record_values
from sscard.spec_tables import Lifecycle
from sscard.tracing import Tracer
from sscard_core.crypto import social_pin_bcd as pin_bcd

__all__ = ["ApplicationSession", "Fci", "PinStatus", "parse_fci"]

CardT = TypeVar("CardT")


@dataclass(frozen=True)
class Fci:
    """What SELECT of an application answers: 6F {84 DF name, 8A lifecycle status, A5 proprietary}."""

    df_name: bytes
    lifecycle: Lifecycle | None
    proprietary: bytes = b""


def parse_fci(data: bytes) -> Fci:
    """The FCI template of a SELECT answer (SSC-APP-3, SSC-LC-1)."""
    objects = dict(parse_ber(data))
    template = objects.get(b"\x6f")
    if template is None:
        raise CardDataError(f"SELECT answered no FCI template 6F ({len(data)} bytes)")
    inner = dict(parse_ber(template))
    code = inner.get(b"\x8a")
    lifecycle = None
    if code is not None:
        if len(code) != 1:
            raise CardDataError(f"FCI lifecycle status 8A of {len(code)} bytes")
        try:
            lifecycle = Lifecycle(code[0])
        except ValueError:
            raise CardDataError(f"FCI lifecycle status {code[0]:02X} is not one of the spec's") from None
    return Fci(inner.get(b"\x84", b""), lifecycle, inner.get(b"\xa5", b""))


@dataclass(frozen=True)
class PinStatus:
    """The PIN as the card tells it without spending a try.

    ``tries_left``: None when the card does not say (the PIN is verified: the counter is then at its
    limit). ``limit``: the personalised try limit when knowable; neither application of this card reveals
    it, so it is None unless the caller knows it. ``blocked``: no tries left (6983).
    """

    tries_left: int | None
    verified: bool
    blocked: bool
    limit: int | None = None


class ApplicationSession(Generic[CardT]):
    """One card application over a protocol chain (built from a connection unless one is given).

    Nothing is sent on construction; the first command selects the application. Methods raise
    :class:`~sscard.errors.ApduError` subclasses for refusals and never print.
    """

    application: ClassVar[str]
    aid: ClassVar[bytes]

    def __init__(self, connection: Connection | CardProtocol, *, keys: CardKeys[CardT] | None = None,
                 tracers: Iterable[Tracer] = ()) -> None:
        if isinstance(connection, CardProtocol):
            self.protocol = connection
            self.protocol.tracers.extend(tracers)
        else:
            self.protocol = CardProtocol.of(connection)
            self.protocol.tracers.extend(tracer for tracer in tracers if tracer not in self.protocol.tracers)
        self.keys = keys
        if keys is not None and keys.application != self.application:
            raise SscardError(f"{keys.application} keys given to the {self.application} session")
        self._fci: Fci | None = None

    # ------------------------------------------------------------------ commands
    def _command(self, name: str, data: bytes = b"", *, p1: int | None = None, p2: int | None = None,
                 le: int | None = None) -> CommandApdu:
        return command(self.application, name, data, p1=p1, p2=p2, le=le)

    def _send(self, name: str, data: bytes = b"", *, p1: int | None = None, p2: int | None = None,
              le: int | None = None) -> bytes:
        self._ensure_selected(name)
        return self.protocol.send(self._command(name, data, p1=p1, p2=p2, le=le), name=_display(name))

    def _send_mac(self, name: str, data: bytes = b"", *, p1: int | None = None, p2: int | None = None) -> bytes:
        """A MAC'd command under the key role the spec names for it (commands' ``sm`` column)."""
        keys = self._require_keys(name)
        role = t.COMMANDS[self.application][name].sm_key
        if role is None:
            raise ValueError(f"{self.application} {name} carries no MAC")
        card = self.card_identity()
        self._ensure_selected(name)
        return self.protocol.send_mac(self._command(name, data, p1=p1, p2=p2),
                                      lambda mac_data, iv: keys.mac(role, card, mac_data, iv),
                                      name=_display(name), challenge_length=keys.algorithm.block_size)

    def _require_keys(self, what: str) -> CardKeys[CardT]:
        if self.keys is None:
            who = "issuer" if self.application == "SSSE" else "bank"
            raise SscardError(f"{what.replace('_', ' ')} needs the {who} keys (keys=…)")
        return self.keys

    def _ensure_selected(self, name: str) -> None:
        """Select the application unless this session knows it is the one selected on the card."""
        if self._fci is None or self.protocol.selected != self.application:
            self.select()

    # ------------------------------------------------------------------ selection
    def select(self) -> Fci:
        """SELECT the application (clears the PIN verification, authentications and challenge)."""
        data = self.protocol.send(self._command("SELECT", self.aid, p1=0x04, p2=0x00), name="SELECT")
        self._fci = parse_fci(data)
        self._selected_application()
        return self._fci

    def _selected_application(self) -> None:
        """Hook: the application was (re)selected, its root is the current DF."""

    @property
    def fci(self) -> Fci:
        if self._fci is None:
            return self.select()
        return self._fci

    def lifecycle(self, *, refresh: bool = False) -> Lifecycle:
        """The lifecycle state from the SELECT FCI (TERMINATED when SELECT answers 6A81).

        Selects when not selected yet or when ``refresh``; a re-selection ends the PIN verification.
        """
        if self._fci is None or refresh or self.protocol.selected != self.application:
            try:
                self.select()
            except ApplicationTerminated:
                self._fci = None
                return Lifecycle.TERMINATED
        assert self._fci is not None
        if self._fci.lifecycle is None:
            raise CardDataError("the FCI carries no lifecycle status (8A)")
        return self._fci.lifecycle

    def _changed_state(self) -> None:
        """Forget the cached FCI after a lifecycle command (the next lifecycle() re-selects)."""
        self._fci = None

    # ------------------------------------------------------------------ per application
    def card_identity(self) -> CardT:  # pragma: no cover - overridden
        """What the key store diversifies the card keys with, read from the card."""
        raise NotImplementedError

    def pin_status(self) -> PinStatus:  # pragma: no cover - overridden
        raise NotImplementedError

    def verify_pin(self, pin: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def change_pin(self, old_pin: str, new_pin: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def reset_pin(self, new_pin: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def external_authenticate(self, role: str) -> None:
        """EXTERNAL AUTHENTICATE with key ``role``: a fresh challenge of one block of the keys' algorithm
        (8 bytes 3DES, 16 SM4), enciphered by the key store (SSC-KEY-3, SSC-KEY-5). ``PERSO`` (the transport
        key) needs no card identity."""
        keys = self._require_keys("EXTERNAL_AUTHENTICATE")
        card: Any = self.card_identity() if role != PERSO else None
        self._ensure_selected("EXTERNAL_AUTHENTICATE")
        challenge = self.protocol.get_challenge(keys.algorithm.block_size)
        cryptogram = keys.authenticate(role, card, crypto.command_mac_iv(challenge))
        self._send("EXTERNAL_AUTHENTICATE", cryptogram, p1=0x00, p2=t.KEYS[self.application][role].id)

    # ------------------------------------------------------------------ issuer (MAC'd) lifecycle commands
    def activate(self) -> None:
        """ACTIVATE: ISSUED -> ACTIVE (SSC-LC-4), MAC under the maintenance key."""
        self._send_mac("ACTIVATE")
        self._changed_state()

    def block_application(self) -> None:
        """APPLICATION BLOCK: ACTIVE/BLOCKED -> BLOCKED (SSC-LC-5), e.g. after a loss report."""
        self._send_mac("APPLICATION_BLOCK")
        self._changed_state()

    def unblock_application(self) -> None:
        """APPLICATION UNBLOCK: BLOCKED -> ACTIVE (SSC-LC-6), e.g. a cancelled loss report."""
        self._send_mac("APPLICATION_UNBLOCK")
        self._changed_state()

    def block_card(self) -> None:
        """CARD BLOCK: every application of the card TERMINATED, irreversibly (SSC-LC-7)."""
        self._send_mac("CARD_BLOCK")
        self._changed_state()

    def unblock_pin(self) -> None:
        """PIN UNBLOCK with issuer authority: the try counter back at its limit, the PIN kept (SSC-PIN-8)."""
        self._send_mac("PIN_UNBLOCK")

    def reset_key_counter(self, role: str) -> None:
        """RESET KEY COUNTER: key ``role``'s try counter back at its limit (SSC-KEY-6), e.g. the read key RK
        after garbage EXTERNAL AUTHENTICATEs locked it, or a MAC key after wrong MACs (SSC-SM-6). The MAC is
        under the key the spec names for that reset (the maintenance key; for the maintenance key itself the
        PIN unblock key)."""
        key = t.KEYS[self.application].get(role)
        if key is None:
            raise ValueError(f"the {self.application} application has no key {role!r}")
        for name, cmd in t.COMMANDS[self.application].items():
            if cmd.action == "reset_key_counter" and key.id in {pp & 0xFF for pp in cmd.p1p2 or ()}:
                self._send_mac(name, p1=0x00, p2=key.id)
                return
        raise ValueError(f"the {self.application} application has no counter reset for key {role} (SSC-KEY-6)")

    # ------------------------------------------------------------------ personalisation (card vendors)
    # The steps of the one personalisation flow (sscard.personalisation.personalise_application), each a
    # command of the PERSONALISATION state, sent after EXTERNAL AUTHENTICATE with the transport key.
    def put_key(self, role: str, card: CardT) -> None:
        """PUT KEY: the card key ``role`` (diversified for ``card``), enciphered under the transport key by
        the key store, with its check value; P1 is the key version (SSC-PERSO-2)."""
        keys = self._require_keys("PUT_KEY")
        self._send("PUT_KEY", keys.wrap_card_key(role, card), p1=keys.key_version(role),
                   p2=t.KEYS[self.application][role].id)

    def set_pin(self, pin: str, try_limit: int) -> None:
        """SET PIN: the holder's initial PIN (BCD, enciphered under the transport key) and its try limit."""
        keys = self._require_keys("SET_PIN")
        if not 1 <= try_limit <= 15:
            raise ValueError(f"PIN try limit {try_limit} is not 1-15")
        try:
            block = pin_bcd(pin)
        except ValueError as exc:
            raise PinFormatError(f"initial PIN: {exc}") from None
        transport_key_card: Any = None  # the transport key is not diversified
        self._send("SET_PIN", bytes([try_limit]) + keys.encipher(PERSO, transport_key_card, block))

    def write_record(self, file: str, number: int, values: Mapping[bytes, str | bytes]) -> None:
        """UPDATE RECORD without MAC (PERSONALISATION only): record ``number`` of ``file`` with the given
        item values (tag -> digits, text or bytes), padding elsewhere. The file's DF must be the current one."""
        spec = t.FILES[file]
        if spec.application != self.application:
            raise ValueError(f"{file} is not a file of the {self.application} application")
        self._send("UPDATE_RECORD", record_values(file, number, values), p1=number,
                   p2=record_p2(spec.sfi, READ_BY_NUMBER))

    def end_personalisation(self) -> None:
        """END PERSONALISATION: PERSONALISATION -> ISSUED once keys, PIN (and access profile) are set."""
        self._send("END_PERSONALISATION")
        self._changed_state()


def _display(name: str) -> str:
    """A command's spec name as error messages show it (``UPDATE_RECORD_SM`` -> ``UPDATE RECORD``)."""
    return name.removesuffix("_SM").replace("_", " ")
