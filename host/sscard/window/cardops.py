"""The card side of the window workflows, behind one small interface.

:class:`CardOperations` is what a workflow asks of the card in the reader: who it is, and the issuer's (or
the bank's) lifecycle and PIN commands. Two implementations:

- :class:`SessionCardOperations`, over the host library's :class:`~sscard.social.SocialSecuritySession`
  (issuer keys: the social window, and terminals of the social security platform) and
  :class:`~sscard.finance.FinanceSession` (bank keys: the bank counter). ``authorities`` says which
  applications it can change: a social window holds the issuer's keys only, a bank counter the bank's.
- :class:`FakeCard` / :class:`FakeCardOperations`, an in-memory card with fault injection for tests.

:meth:`CardOperations.read_evidence` is what recovery (:func:`sscard.window.resolve_pending`) compares: the
card's own state, read without changing anything, once under the journal's lock just before a command and
again when the command's outcome is unknown (:class:`CardEvidence`).
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from sscard.connection import Connection
from sscard.errors import (
    ApplicationTerminated,
    ConditionsNotSatisfied,
    FileNotFound,
    PinBlocked,
    SecurityConditionNotSatisfied,
    SelectFailed,
    SscardError,
    WrongPin,
    error_for,
)
from sscard.finance import FinanceSession
from sscard.keys import BankKeys, IssuerKeys
from sscard.protocol import CardProtocol
from sscard.social import SocialSecuritySession
from sscard.spec_tables import Lifecycle

__all__ = [
    "CardEvidence",
    "CardOp",
    "CardOperations",
    "FakeCard",
    "FakeCardOperations",
    "Function",
    "PresentedCard",
    "SessionCardOperations",
]


class Function(enum.StrEnum):
    """The two functions (applications) of the card (art. 2, 13)."""

    SOCIAL = "social"
    FINANCIAL = "financial"


class CardOp(enum.StrEnum):
    """The card commands a workflow may send (all need the issuer's or the bank's keys)."""

    ACTIVATE = "activate"
    BLOCK_APPLICATION = "block_application"
    UNBLOCK_APPLICATION = "unblock_application"
    BLOCK_CARD = "block_card"
    UNBLOCK_PIN = "unblock_pin"
    RESET_PIN = "reset_pin"
    CHANGE_PIN = "change_pin"                  # art. 20: with the holder's old PIN
    UPDATE_HOLDER_DATA = "update_holder_data"  # art. 6: EF06 records, UPDATE RECORD with the issuer's MAC


HOLDER_ITEMS = {1: "social_security_number", 2: "name", 3: "name_extension", 4: "sex", 5: "ethnicity",
                6: "birthplace", 7: "birth_date"}
"""EF06's records by number, named as :class:`sscard.social.Holder` names them (birth date: ISO text)."""


@dataclass(frozen=True)
class PresentedCard:
    """What the card in the reader says about itself.

    ``card_id``: the card identification code (EF05 record 1) in hex, None when the card cannot be read
    (terminated: SELECT answers 6A81). ``card_number`` None when the access profile hides it. ``social`` /
    ``financial``: each application's lifecycle, None when the card has no such application (a temporary
    card has no financial one) or it could not be selected. ``expiry_date``: the expiry written in EF05, None
    when the card holds none (compared with the registry's, SSC-WIN-24).
    """

    card_id: str | None
    card_number: str | None
    social: Lifecycle | None
    financial: Lifecycle | None
    expiry_date: _dt.date | None = None

    @property
    def terminated(self) -> bool:
        return self.social is Lifecycle.TERMINATED

    def lifecycle(self, function: Function) -> Lifecycle | None:
        return self.social if function is Function.SOCIAL else self.financial


@dataclass(frozen=True)
class CardEvidence:
    """What the card shows of one function without changing anything (SSC-WIN-15): read just before a journalled
    command (stored in the journal entry) and again when its outcome is unknown, so that recovery compares the
    card with itself instead of guessing.

    ``lifecycle``: the function's application state (the social one for CARD BLOCK, which ends both);
    TERMINATED when the card is terminated; None when the card has no such application. ``atc``: the financial
    application's transaction counter (GET DATA 9F36), which counts the MAC'd commands it completed, in the
    same atomic update as their effect (SSC-FIN-3): unchanged across a command, the command did not take
    effect; one higher, it did. ``pin_tries``: the tries left of the
    function's PIN (0: blocked), None when the card does not say (not ACTIVE, or not asked).
    """

    lifecycle: Lifecycle | None
    atc: int | None = None
    pin_tries: int | None = None
    holder_digest: str | None = None
    """For a change of holder data (art. 6): a digest of the EF06 records the change writes, as the card holds
    them (a digest, so that the journal holds no personal data)."""

    def to_json(self) -> dict[str, Any]:
        obj: dict[str, Any] = {"lifecycle": self.lifecycle.name if self.lifecycle is not None else None,
                               "atc": self.atc, "pin_tries": self.pin_tries}
        if self.holder_digest is not None:
            obj["holder_digest"] = self.holder_digest
        return obj

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> CardEvidence:
        state = obj.get("lifecycle")
        return cls(Lifecycle[state] if state is not None else None, obj.get("atc"), obj.get("pin_tries"),
                   obj.get("holder_digest"))


@runtime_checkable
class CardOperations(Protocol):
    """The card in the window's reader, as the workflows use it."""

    @property
    def authorities(self) -> frozenset[Function]:
        """The applications this terminal holds keys for (may change)."""
        ...

    def read_card_identity(self) -> PresentedCard: ...

    def activate(self, function: Function) -> None: ...

    def block_application(self, function: Function) -> None: ...

    def unblock_application(self, function: Function) -> None: ...

    def block_card(self) -> None:
        """CARD BLOCK: every application terminated, irreversibly."""
        ...

    def unblock_pin(self, function: Function) -> None: ...

    def reset_pin(self, function: Function, new_pin: str) -> None: ...

    def pin_blocked(self, function: Function) -> bool:
        """Whether the function's PIN is blocked (asked without spending a try)."""
        ...

    def read_evidence(self, function: Function | None) -> CardEvidence:
        """The card's state for a command on ``function`` (None: CARD BLOCK), read without changing anything
        and without keys."""
        ...

    def change_pin(self, function: Function, old_pin: str, new_pin: str) -> None:
        """Art. 20: the holder's PIN change with the old PIN (social: CHANGE PIN; financial: the old PIN
        verified, then the bank's PIN CHANGE/UNBLOCK with the new one)."""
        ...

    def verify_pin(self, function: Function, pin: str) -> bool:
        """VERIFY: True when the card accepts ``pin`` (a wrong one spends a try)."""
        ...

    def read_holder_items(self, records: tuple[int, ...]) -> dict[int, str]:
        """EF06 records (numbers of :data:`HOLDER_ITEMS`) as the card holds them, as text."""
        ...

    def update_holder_data(self, items: Mapping[int, str]) -> None:
        """UPDATE RECORD with the issuer's MAC for each EF06 record given (art. 6; idempotent)."""
        ...


class SessionCardOperations:
    """:class:`CardOperations` over the host library's sessions on one connection."""

    def __init__(self, connection: Connection | CardProtocol, *, issuer_keys: IssuerKeys | None = None,
                 bank_keys: BankKeys | None = None) -> None:
        protocol = connection if isinstance(connection, CardProtocol) else CardProtocol(connection)
        self.social = SocialSecuritySession(protocol, keys=issuer_keys)
        self.finance = FinanceSession(protocol, keys=bank_keys)
        self._authorities = frozenset(
            f for f, keys in ((Function.SOCIAL, issuer_keys), (Function.FINANCIAL, bank_keys)) if keys is not None)

    @property
    def authorities(self) -> frozenset[Function]:
        return self._authorities

    def _session(self, function: Function) -> SocialSecuritySession | FinanceSession:
        return self.social if function is Function.SOCIAL else self.finance

    def read_card_identity(self) -> PresentedCard:
        social = self.social.lifecycle(refresh=True)
        if social is Lifecycle.TERMINATED:
            return PresentedCard(None, None, Lifecycle.TERMINATED, None)
        info = self.social.read_card_info()
        try:
            financial: Lifecycle | None = self.finance.lifecycle(refresh=True)
        except (FileNotFound, SelectFailed):
            financial = None  # no financial application (temporary card, SSC-APP-5)
        return PresentedCard(info.card_id.hex().upper(), info.card_number, social, financial, info.expiry_date)

    def activate(self, function: Function) -> None:
        self._session(function).activate()

    def block_application(self, function: Function) -> None:
        self._session(function).block_application()

    def unblock_application(self, function: Function) -> None:
        self._session(function).unblock_application()

    def block_card(self) -> None:
        # CARD BLOCK ends every application; either application's maintenance key may send it.
        session = self.social if Function.SOCIAL in self._authorities else self.finance
        session.block_card()

    def unblock_pin(self, function: Function) -> None:
        self._session(function).unblock_pin()

    def reset_pin(self, function: Function, new_pin: str) -> None:
        self._session(function).reset_pin(new_pin)

    def pin_blocked(self, function: Function) -> bool:
        return self._session(function).pin_status().blocked

    def read_evidence(self, function: Function | None) -> CardEvidence:
        # A fresh SELECT (the FCI's lifecycle; 6A81 once terminated), so that no earlier verification hides
        # the PIN counter; then the empty VERIFY (social: spends nothing) or GET DATA 9F36 and 9F17 (financial).
        if function is not Function.FINANCIAL:
            social = self.social.lifecycle(refresh=True)
            tries = (self.social.pin_status().tries_left
                     if function is Function.SOCIAL and social is Lifecycle.ACTIVE else None)
            return CardEvidence(social, pin_tries=tries)
        try:
            financial = self.finance.lifecycle(refresh=True)
        except (FileNotFound, SelectFailed):
            return CardEvidence(None)  # no financial application (temporary card)
        if financial is Lifecycle.TERMINATED:
            return CardEvidence(financial)
        return CardEvidence(financial, atc=self.finance.transaction_counter(),
                            pin_tries=self.finance.pin_tries_left())

    def change_pin(self, function: Function, old_pin: str, new_pin: str) -> None:
        if function is Function.SOCIAL:
            self.social.change_pin(old_pin, new_pin)
            return
        # The financial application has no holder's CHANGE PIN (SSC-PIN-9): at the bank the old PIN is
        # verified, then the bank writes the new one (EMV's PIN change, an issuer command).
        self.finance.verify_pin(old_pin)
        self.finance.reset_pin(new_pin)

    def verify_pin(self, function: Function, pin: str) -> bool:
        try:
            self._session(function).verify_pin(pin)
        except (WrongPin, PinBlocked):
            return False
        return True

    def read_holder_items(self, records: tuple[int, ...]) -> dict[int, str]:
        try:
            holder = self.social.read_holder()
        except SecurityConditionNotSatisfied:  # access profile 3.0: EF06 after the terminal read key (SSC-ACC-2)
            self.social.external_authenticate()
            holder = self.social.read_holder()
        values = holder.to_json()
        return {n: str(values[HOLDER_ITEMS[n]] or "") for n in records}

    def update_holder_data(self, items: Mapping[int, str]) -> None:
        for number in sorted(items):
            value = items[number]
            self.social.update_record("EF06", number, _dt.date.fromisoformat(value) if number == 7 else value)


# ------------------------------------------------------------------------------------------ fake


FAKE_PIN_LIMITS = {Function.SOCIAL: 6, Function.FINANCIAL: 3}
"""The try limits of a :class:`FakeCard` (the spec's defaults)."""


@dataclass
class FakeCard:
    """An in-memory card: identity, both lifecycles, PIN state, the financial ATC. ``financial`` None: a
    temporary card. A PIN is blocked when ``pin_blocked`` says so (tests set it), else it has ``pin_tries``."""

    card_id: str
    card_number: str
    social: Lifecycle = Lifecycle.ISSUED
    financial: Lifecycle | None = Lifecycle.ISSUED
    pin_blocked: dict[Function, bool] = field(default_factory=lambda: {Function.SOCIAL: False,
                                                                        Function.FINANCIAL: False})
    pin_tries: dict[Function, int] = field(default_factory=lambda: dict(FAKE_PIN_LIMITS))
    pins: dict[Function, str] = field(default_factory=lambda: {Function.SOCIAL: "123456",
                                                               Function.FINANCIAL: "1234"})
    """The PIN each application holds (a reset replaces it)."""
    atc: int = 0
    """The financial application's ATC: MAC'd financial commands accepted."""
    expiry_date: _dt.date | None = None
    """The expiry written in EF05 (None: none written)."""
    holder: dict[int, str] = field(default_factory=lambda: {1: "440203199001011230", 2: "ZHANG SAN", 3: "",
                                                            4: "1", 5: "01", 6: "440203", 7: "1990-01-01"})
    """EF06 by record number (:data:`HOLDER_ITEMS`)."""
    commands: list[str] = field(default_factory=list)
    """Every command the card executed, in order (``block_application:social``)."""

    def tries_left(self, function: Function) -> int:
        return 0 if self.pin_blocked.get(function, False) else self.pin_tries[function]


class FakeCardOperations:
    """:class:`CardOperations` over a :class:`FakeCard`, answering as the real card would (status words
    6985 / 6A81 / 6A82 as :class:`~sscard.errors.ApduError` subclasses), with fault injection:
    :meth:`fail_next` makes the next call of an operation raise."""

    def __init__(self, card: FakeCard, authorities: frozenset[Function] | None = None) -> None:
        self.card = card
        self._authorities = authorities if authorities is not None else frozenset(Function)
        self._faults: dict[str, list[BaseException | Callable[[], BaseException]]] = {}

    @property
    def authorities(self) -> frozenset[Function]:
        return self._authorities

    def fail_next(self, operation: str, error: BaseException | Callable[[], BaseException] | None = None) -> None:
        """The next ``operation`` (``"block_card"``, ``"activate"``, ...) raises ``error`` (default: the card
        answers 6985) without changing the card."""
        self._faults.setdefault(operation, []).append(error if error is not None else (lambda: error_for(0x6985)))

    def _maybe_fail(self, operation: str) -> None:
        pending = self._faults.get(operation)
        if pending:
            fault = pending.pop(0)
            raise fault() if callable(fault) else fault

    def _lifecycle(self, function: Function) -> Lifecycle:
        if self.card.social is Lifecycle.TERMINATED:
            raise ApplicationTerminated(0x6A81, b"", "SELECT")
        value = self.card.social if function is Function.SOCIAL else self.card.financial
        if value is None:
            raise FileNotFound(0x6A82, b"", "SELECT")
        return value

    def _set(self, function: Function, value: Lifecycle) -> None:
        if function is Function.SOCIAL:
            self.card.social = value
        else:
            self.card.financial = value

    def _need(self, function: Function) -> None:
        if function not in self._authorities:
            raise SscardError(f"{function.value}: this terminal holds no keys for that application")

    def read_card_identity(self) -> PresentedCard:
        self._maybe_fail("read_card_identity")
        if self.card.social is Lifecycle.TERMINATED:
            return PresentedCard(None, None, Lifecycle.TERMINATED, None)
        return PresentedCard(self.card.card_id, self.card.card_number, self.card.social, self.card.financial,
                             self.card.expiry_date)

    def _accepted(self, function: Function) -> None:
        """The card accepted a MAC'd command of ``function`` (its lifecycle allowed it): the ATC counts it."""
        if function is Function.FINANCIAL:
            self.card.atc = min(self.card.atc + 1, 0xFFFF)

    def _transition(self, op: str, function: Function, allowed: tuple[Lifecycle, ...], to: Lifecycle) -> None:
        self._need(function)
        current = self._lifecycle(function)
        self._maybe_fail(op)
        if current not in allowed:
            raise ConditionsNotSatisfied(0x6985, b"", op.upper())
        self._accepted(function)
        self._set(function, to)
        self.card.commands.append(f"{op}:{function.value}")

    def activate(self, function: Function) -> None:
        self._transition("activate", function, (Lifecycle.ISSUED,), Lifecycle.ACTIVE)

    def block_application(self, function: Function) -> None:
        self._transition("block_application", function, (Lifecycle.ACTIVE, Lifecycle.BLOCKED), Lifecycle.BLOCKED)

    def unblock_application(self, function: Function) -> None:
        self._transition("unblock_application", function, (Lifecycle.BLOCKED,), Lifecycle.ACTIVE)

    def block_card(self) -> None:
        if not self._authorities:
            raise SscardError("card block: this terminal holds no keys")
        self._lifecycle(Function.SOCIAL)
        self._maybe_fail("block_card")
        if Function.SOCIAL not in self._authorities:
            self._accepted(Function.FINANCIAL)  # sent by the bank, through the financial application
        self.card.social = Lifecycle.TERMINATED
        if self.card.financial is not None:
            self.card.financial = Lifecycle.TERMINATED
        self.card.commands.append("block_card")

    def unblock_pin(self, function: Function) -> None:
        self._pin_command("unblock_pin", function)

    def reset_pin(self, function: Function, new_pin: str) -> None:
        self._pin_command("reset_pin", function, new_pin)

    def _pin_command(self, op: str, function: Function, new_pin: str | None = None) -> None:
        self._need(function)
        if self._lifecycle(function) is not Lifecycle.ACTIVE:
            raise ConditionsNotSatisfied(0x6985, b"", op.upper())
        self._maybe_fail(op)
        self._accepted(function)
        self.card.pin_blocked[function] = False
        self.card.pin_tries[function] = FAKE_PIN_LIMITS[function]
        if new_pin is not None:
            self.card.pins[function] = new_pin
        self.card.commands.append(f"{op}:{function.value}")

    def pin_blocked(self, function: Function) -> bool:
        self._lifecycle(function)
        return self.card.pin_blocked.get(function, False)

    def read_evidence(self, function: Function | None) -> CardEvidence:
        self._maybe_fail("read_evidence")
        if self.card.social is Lifecycle.TERMINATED or function is None:
            return CardEvidence(self.card.social)
        state = self.card.social if function is Function.SOCIAL else self.card.financial
        if state is None:
            return CardEvidence(None)
        if function is Function.SOCIAL:
            tries = self.card.tries_left(function) if state is Lifecycle.ACTIVE else None
            return CardEvidence(state, pin_tries=tries)
        return CardEvidence(state, atc=self.card.atc, pin_tries=self.card.tries_left(function))

    def change_pin(self, function: Function, old_pin: str, new_pin: str) -> None:
        if function is Function.FINANCIAL:
            self._need(function)  # the bank's PIN command
        if self._lifecycle(function) is not Lifecycle.ACTIVE:
            raise ConditionsNotSatisfied(0x6985, b"", "CHANGE PIN")
        if not self.verify_pin(function, old_pin):
            raise WrongPin(0x63C0 | self.card.tries_left(function), b"", "CHANGE PIN")
        self._maybe_fail("change_pin")
        if function is Function.FINANCIAL:
            self._accepted(function)
        self.card.pins[function] = new_pin
        self.card.commands.append(f"change_pin:{function.value}")

    def verify_pin(self, function: Function, pin: str) -> bool:
        if self._lifecycle(function) is not Lifecycle.ACTIVE:
            raise ConditionsNotSatisfied(0x6985, b"", "VERIFY")
        if self.card.tries_left(function) == 0:
            return False
        if pin != self.card.pins[function]:
            self.card.pin_tries[function] -= 1
            if self.card.pin_tries[function] == 0:
                self.card.pin_blocked[function] = True
            return False
        self.card.pin_tries[function] = FAKE_PIN_LIMITS[function]
        return True

    def read_holder_items(self, records: tuple[int, ...]) -> dict[int, str]:
        self._maybe_fail("read_holder_items")
        self._lifecycle(Function.SOCIAL)
        return {n: self.card.holder[n] for n in records}

    def update_holder_data(self, items: Mapping[int, str]) -> None:
        self._need(Function.SOCIAL)
        if self._lifecycle(Function.SOCIAL) is not Lifecycle.ACTIVE:
            raise ConditionsNotSatisfied(0x6985, b"", "UPDATE RECORD")
        for number in sorted(items):
            self._maybe_fail("update_holder_data")  # a fault may strike between two records
            self.card.holder[number] = items[number]
            self.card.commands.append(f"update_record:EF06.{number}")
