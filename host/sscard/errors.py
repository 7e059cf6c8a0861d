"""Exceptions of the sscard library.

Everything the library raises on purpose derives from :class:`SscardError`, so that window software
can catch one type; each message names what was wrong.

Card answers other than 9000 become an :class:`ApduError` subclass chosen by the status word (one class
per status word of the spec that carries a meaning, see :data:`ERRORS_BY_SW`), and by the command for the
two words whose meaning depends on it (63CX and 6983: a PIN or a key). The raw status word is always
``err.sw`` and the response data ``err.data``, whatever the class.
"""

from __future__ import annotations

from sscard.spec_tables import COMMANDS, SW, SW_MASKS, SW_TEXT


class SscardError(Exception):
    """Base of all sscard errors."""


class CardConnectionError(SscardError):
    """No card could be reached: no reader, no card in it, or the card stopped answering."""


class NoReaderError(CardConnectionError):
    """The named reader does not exist, or no reader holds a card."""


class SimulatorError(SscardError):
    """The virtual card could not be started, stopped or found."""


# ------------------------------------------------------------------------------ input and state


class FieldError(SscardError, ValueError):
    """A value given to the library is wrong; ``field`` names it (``holder.name``, ``master_keys.RK``) and
    ``source`` the file it came from, when there is one."""

    def __init__(self, field: str, problem: str, *, source: str | None = None) -> None:
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{field}: {problem}")
        self.field = field
        self.problem = problem
        self.source = source


class HolderDataError(FieldError):
    """Holder or card data for personalisation is invalid (``holder.name: 31 bytes in GBK, at most 30``)."""


class KeyFileError(FieldError):
    """An issuer or bank key file is malformed; the message names the file and the field."""


class PinFormatError(SscardError, ValueError):
    """A PIN the host was asked to send is not one the card takes (refused before anything is sent)."""


class CardDataError(SscardError):
    """The card answered data that does not follow the spec's layout (tag, length, format)."""


class WrongCardState(SscardError):
    """The card is not in the state the operation needs (e.g. personalising an already issued card)."""


class PersonalisationError(SscardError):
    """Personalisation ran but the read-back differs from what was written; ``field`` names the first
    difference."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"read-back after personalisation: {field}: {problem}")
        self.field = field


class CardAuthenticationFailed(SscardError):
    """INTERNAL AUTHENTICATE answered a cryptogram the issuer keys do not produce: not a genuine card of
    this issuer (or not this card's keys)."""


class UnsupportedOperation(SscardError):
    """The operation does not exist for this application (e.g. the holder changing the financial PIN)."""


# ------------------------------------------------------------------------------ card answers


def sw_enum(sw: int) -> SW | None:
    """The :class:`SW` member a status word value belongs to (``0x63C2`` -> ``SW.VERIFY_FAILED``)."""
    try:
        return SW(sw)
    except ValueError:
        pass
    for member, mask in SW_MASKS.items():
        if sw & mask == member.value:
            return member
    return None


class ApduError(SscardError):
    """The card answered a status word other than 9000.

    ``sw`` is the raw status word, ``data`` the response data (usually empty), ``command`` the name of the
    command that was refused (``"VERIFY"``), when known.
    """

    def __init__(self, sw: int, data: bytes = b"", command: str | None = None) -> None:
        self.sw = sw
        self.data = bytes(data)
        self.command = command
        super().__init__(self._message())

    @property
    def sw1(self) -> int:
        return self.sw >> 8

    @property
    def sw2(self) -> int:
        return self.sw & 0xFF

    @property
    def status(self) -> SW | None:
        """The spec's name of the status word, when it has one."""
        return sw_enum(self.sw)

    def describe(self) -> str:
        """What the status word means, in words (without the command or the SW)."""
        member = self.status
        if member is None:
            return "unknown status word"
        return SW_TEXT[member][0]

    def _message(self) -> str:
        where = f"{self.command}: " if self.command else ""
        return f"{where}{self.describe()} (SW {self.sw:04X})"


class VerificationFailed(ApduError):
    """63CX: a PIN or cryptogram was wrong; ``tries_left`` is X."""

    @property
    def tries_left(self) -> int:
        return self.sw & 0x0F

    def describe(self) -> str:
        return f"verification failed, {self.tries_left} {_tries(self.tries_left)} left"


class WrongPin(VerificationFailed):
    """63CX to VERIFY or CHANGE PIN: the PIN was wrong; ``tries_left`` tries remain (0: now blocked)."""

    def describe(self) -> str:
        if self.tries_left == 0:
            return "wrong PIN: no tries left, the PIN is now blocked (unblock needs issuer authority)"
        return f"wrong PIN: {self.tries_left} {_tries(self.tries_left)} left"


class WrongCryptogram(VerificationFailed):
    """63CX to EXTERNAL AUTHENTICATE: the cryptogram was wrong (wrong key); ``tries_left`` of the key."""

    def describe(self) -> str:
        return f"wrong authentication cryptogram (wrong key): {self.tries_left} {_tries(self.tries_left)} left"


class AuthenticationBlocked(ApduError):
    """6983: the PIN or key has no tries left."""


class PinBlocked(AuthenticationBlocked):
    """6983 to a PIN command: the PIN is blocked until an issuer PIN UNBLOCK or RELOAD."""

    def describe(self) -> str:
        return "the PIN is blocked: it needs an issuer unblock or reset"


class KeyBlocked(AuthenticationBlocked):
    """6983 to EXTERNAL AUTHENTICATE: the key has no tries left."""

    def describe(self) -> str:
        return "the authentication key is blocked (no tries left)"


class MacKeyBlocked(AuthenticationBlocked):
    """6983 to a MAC'd command: its MAC key met too many wrong MACs (SSC-SM-6) and computes none until the
    issuer resets its counter (SSC-KEY-6)."""

    def describe(self) -> str:
        return "the command's MAC key is blocked after too many wrong MACs: the issuer must reset it"


class WrongLength(ApduError):
    """6700: Lc, Le or the APDU itself has a length the command does not take."""


class WrongLe(ApduError):
    """6CXX: Le was wrong; ``exact_length`` is XX (the protocol chain normally re-sends by itself)."""

    @property
    def exact_length(self) -> int:
        return self.sw2 or 256


class BytesRemaining(ApduError):
    """61XX that reached a caller (the protocol chain normally fetches it with GET RESPONSE)."""


class LogicalChannelNotSupported(ApduError):
    """6881: the CLA names a logical channel the card does not open (this card: only channel 0)."""


class IncompatibleFile(ApduError):
    """6981: the command does not fit the file's structure."""


class SecurityConditionNotSatisfied(ApduError):
    """6982: an access condition (external authentication, PIN, personalisation key) is not met."""


class ChallengeMissing(ApduError):
    """6984: no challenge for this command, or it was used already (challenges are single-use)."""


class ConditionsNotSatisfied(ApduError):
    """6985: the command is not allowed in the application's lifecycle state (not active, blocked, ...)."""

    def describe(self) -> str:
        return "not allowed in the application's current state (not yet activated, blocked, or personalising)"


class CommandNotAllowed(ApduError):
    """6986: no current EF, or no application selected."""


class WrongMac(ApduError):
    """6988 (or PBOC 9302): the secure-messaging MAC did not verify; the challenge is spent."""


class SelectFailed(ApduError):
    """6999: the Java Card runtime found no applet with this AID (nothing selected)."""


class WrongData(ApduError):
    """6A80: the command data is malformed (record layout, PIN encoding, cryptogram)."""


class ApplicationTerminated(ApduError):
    """6A81 (or PBOC 9303): the application is terminated: the card was blocked, irreversibly."""

    def describe(self) -> str:
        return "the application is terminated (card blocked)"


class FileNotFound(ApduError):
    """6A82: no such application, DF or EF."""


class RecordNotFound(ApduError):
    """6A83: no such record (or no record with this tag)."""


class IncorrectP1P2(ApduError):
    """6A86 (or 6B00 from other cards): P1-P2 are not ones the command defines."""


class ReferenceDataNotFound(ApduError):
    """6A88: the referenced key or data object does not exist or is not loaded."""


class InsNotSupported(ApduError):
    """6D00: the selected application has no command with this INS."""


class ClaNotSupported(ApduError):
    """6E00: the selected application has no command with this CLA (or this CLA/INS pair)."""


class CardInternalError(ApduError):
    """6F00: the card hit an error it has no status word for (a card bug)."""


ERRORS_BY_SW: dict[SW, type[ApduError]] = {
    SW.BYTES_REMAINING: BytesRemaining,
    SW.WRONG_LE: WrongLe,
    SW.VERIFY_FAILED: VerificationFailed,
    SW.WRONG_LENGTH: WrongLength,
    SW.LOGICAL_CHANNEL_NOT_SUPPORTED: LogicalChannelNotSupported,
    SW.INCOMPATIBLE_FILE: IncompatibleFile,
    SW.SECURITY_NOT_SATISFIED: SecurityConditionNotSatisfied,
    SW.AUTH_BLOCKED: AuthenticationBlocked,
    SW.REF_DATA_NOT_USABLE: ChallengeMissing,
    SW.CONDITIONS_NOT_SATISFIED: ConditionsNotSatisfied,
    SW.COMMAND_NOT_ALLOWED: CommandNotAllowed,
    SW.SM_INCORRECT: WrongMac,
    SW.SELECT_FAILED: SelectFailed,
    SW.WRONG_DATA: WrongData,
    SW.FUNC_NOT_SUPPORTED: ApplicationTerminated,
    SW.FILE_NOT_FOUND: FileNotFound,
    SW.RECORD_NOT_FOUND: RecordNotFound,
    SW.INCORRECT_P1P2: IncorrectP1P2,
    SW.REF_DATA_NOT_FOUND: ReferenceDataNotFound,
    SW.WRONG_P1P2: IncorrectP1P2,
    SW.INS_NOT_SUPPORTED: InsNotSupported,
    SW.CLA_NOT_SUPPORTED: ClaNotSupported,
    SW.UNCAUGHT_ERROR: CardInternalError,
    SW.MAC_INVALID_PBOC: WrongMac,
    SW.APP_PERMANENTLY_BLOCKED: ApplicationTerminated,
}
"""The exception class of every status word of the spec except 9000 (a test checks none is missing)."""

# Instructions whose 63CX / 6983 concern a PIN (VERIFY, CHANGE PIN) or a key (EXTERNAL AUTHENTICATE), by
# what the spec says each command does.
_PIN_INS = frozenset(c.ins for app in COMMANDS.values() for c in app.values() if c.action in ("verify", "change_pin"))
_KEY_INS = frozenset(c.ins for app in COMMANDS.values() for c in app.values() if c.action == "external_authenticate")


def error_for(sw: int, data: bytes = b"", *, command: str | None = None, ins: int | None = None,
              macd: bool = False) -> ApduError:
    """The exception for a refused command: by status word, refined for PINs and keys by ``ins``, and for
    the MAC key of a MAC'd command (``macd``)."""
    member = sw_enum(sw)
    cls: type[ApduError] = ERRORS_BY_SW.get(member, ApduError) if member is not None else ApduError
    if macd and cls is AuthenticationBlocked:
        cls = MacKeyBlocked
    elif ins in _PIN_INS:
        cls = {VerificationFailed: WrongPin, AuthenticationBlocked: PinBlocked}.get(cls, cls)
    elif ins in _KEY_INS:
        cls = {VerificationFailed: WrongCryptogram, AuthenticationBlocked: KeyBlocked}.get(cls, cls)
    return cls(sw, data, command)


def _tries(n: int) -> str:
    return "try" if n == 1 else "tries"
