"""Who acts, where, and when: the :class:`Window` every workflow takes, the :class:`Applicant` standing at
it, and the views the workflows return."""

from __future__ import annotations

import datetime as _dt
import enum
from dataclasses import dataclass, field
from typing import Any

from sscard.window.calendar import WorkingDayCalendar
from sscard.window.clock import Clock, SystemClock
from sscard.window.fees import Fee, FeeSchedule
from sscard.window.registry import Registry

__all__ = [
    "ActorRole",
    "AgentGround",
    "Applicant",
    "ApplicationView",
    "AuditView",
    "CardView",
    "JournalView",
    "Receipt",
    "Side",
    "SignIn",
    "TerminalVerdict",
    "Window",
    "mask_id",
]


class Side(enum.StrEnum):
    """Where an operation is done (art. 6, 14, 20, 21): a social security service window, a partner bank's
    counter, the remote channels (phone, web, kiosk) of either platform, or a terminal that reads cards
    (hospital, pharmacy, kiosk, window reader)."""

    SOCIAL = "social"
    BANK = "bank"
    SOCIAL_PLATFORM = "social_platform"
    BANK_PLATFORM = "bank_platform"
    TERMINAL = "terminal"


class ActorRole(enum.StrEnum):
    """Who stands at the window for the holder (art. 10, 12, 14, 18)."""

    HOLDER = "holder"
    AGENT = "agent"            # 委托人 / 代理人 with a power of attorney
    GUARDIAN = "guardian"      # 监护人 (under-16 applicants, art. 10; death or disappearance, art. 18)
    HOUSEHOLD = "household"    # 户籍内家庭成员 (death or disappearance, art. 18)


class AgentGround(enum.StrEnum):
    """Art. 10 (SSC-WIN-31): the only grounds on which an agent applies for someone: old age, a disability,
    or living elsewhere (each shown by the proof or the power of attorney)."""

    ELDERLY = "elderly"
    DISABLED = "disabled"
    LIVING_ELSEWHERE = "living_elsewhere"


def mask_id(number: str | None) -> str | None:
    """An ID number reduced to its last four characters (art. 24: the log keeps no more than it needs)."""
    if not number:
        return None
    return "*" * max(len(number) - 4, 0) + number[-4:]


@dataclass(frozen=True)
class Applicant:
    """The person at the window. ``id_number`` (an agent's or guardian's) is kept masked only;
    ``proof`` references the document seen (power of attorney, household register, relationship proof);
    ``ground``: why an agent acts (art. 10)."""

    role: ActorRole = ActorRole.HOLDER
    relationship: str | None = None
    id_number: str | None = field(default=None, repr=False)
    proof: str | None = None
    ground: AgentGround | None = None

    @property
    def agent_ref(self) -> str | None:
        return mask_id(self.id_number)

    def to_payload(self) -> dict[str, str | None]:
        payload = {"role": self.role.value, "relationship": self.relationship, "agent_ref": self.agent_ref,
                   "proof": self.proof}
        if self.ground is not None:
            payload["ground"] = self.ground.value
        return payload


HOLDER = Applicant()


@dataclass(frozen=True)
class SignIn:
    """An operator's sign-in (:func:`sscard.window.sign_in`, SSC-WIN-26): the registry keeps only the SHA-256
    of ``token``, and every accepted operation checks it against the operator's current session."""

    operator: str
    token: str = field(repr=False)
    at: _dt.datetime


@dataclass(frozen=True)
class Window:
    """A service window (or bank counter, platform channel, terminal) and its operator.

    ``clock``, ``calendar`` and ``fees`` make every date and amount testable; ``partner_banks`` (empty:
    any) is the list the applicant chooses from (art. 10); ``bank`` names the bank of a bank counter (it acts
    on its own bank's cards only, SSC-WIN-27). ``signed_in``: the operator's sign-in; once the registry has
    operators, a window acts only for a signed-in operator (SSC-WIN-26).
    """

    registry: Registry
    operator: str
    window_id: str
    side: Side = Side.SOCIAL
    bank: str | None = None
    clock: Clock = field(default_factory=SystemClock)
    calendar: WorkingDayCalendar = field(default_factory=WorkingDayCalendar)
    fees: FeeSchedule = field(default_factory=FeeSchedule)
    partner_banks: frozenset[str] = frozenset()
    signed_in: SignIn | None = None

    def today(self) -> _dt.date:
        return self.clock.today()

    def now(self) -> _dt.datetime:
        return self.clock.now()


def _iso(value: _dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class CardView:
    """A card as the registry knows it (``version`` for optimistic checks: pass it back as
    ``expected_version`` to act only if no other window changed the card since)."""

    card_number: str
    card_id: str
    kind: str
    status: str
    social: str
    financial: str
    bank: str | None
    issue_date: _dt.date
    expiry_date: _dt.date
    ready_on: _dt.date | None
    collected_on: _dt.date | None
    person_id: int
    version: int
    blacklist: tuple[str, ...]
    """Active blacklist entries as ``function:reason``."""

    def to_json(self) -> dict[str, Any]:
        return {
            "card_number": self.card_number, "card_id": self.card_id, "kind": self.kind, "status": self.status,
            "social": self.social, "financial": self.financial, "bank": self.bank,
            "issue_date": _iso(self.issue_date), "expiry_date": _iso(self.expiry_date),
            "ready_on": _iso(self.ready_on), "collected_on": _iso(self.collected_on),
            "person_id": self.person_id, "version": self.version, "blacklist": list(self.blacklist),
        }


@dataclass(frozen=True)
class ApplicationView:
    id: int
    person_id: int
    reason: str
    status: str
    bank: str
    accepted_on: _dt.date
    deadline: _dt.date
    produced_on: _dt.date | None
    fee: int
    version: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "person_id": self.person_id, "reason": self.reason, "status": self.status,
                "bank": self.bank, "accepted_on": _iso(self.accepted_on), "deadline": _iso(self.deadline),
                "produced_on": _iso(self.produced_on), "fee": self.fee, "version": self.version}


@dataclass(frozen=True)
class Receipt:
    """What an accepted operation did: its audit entry, the card and application after it, the fee."""

    action: str
    audit_id: int
    person_id: int | None = None
    card: CardView | None = None
    application: ApplicationView | None = None
    fee: Fee | None = None
    journal_id: int | None = None
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action, "audit_id": self.audit_id, "person_id": self.person_id,
            "card": self.card.to_json() if self.card else None,
            "application": self.application.to_json() if self.application else None,
            "fee": ({"amount_fen": self.fee.amount, "yuan": self.fee.yuan, "article": self.fee.article,
                     "reason": self.fee.reason, "basis": self.fee.basis, "assumed": self.fee.assumed}
                    if self.fee else None),
            "journal_id": self.journal_id, "notes": list(self.notes),
        }


@dataclass(frozen=True)
class TerminalVerdict:
    """What a terminal concluded about a presented card (art. 14, 19)."""

    usable: bool
    reason: str
    card_number: str | None
    actions: tuple[str, ...] = ()
    receipts: tuple[Receipt, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"usable": self.usable, "reason": self.reason, "card_number": self.card_number,
                "actions": list(self.actions), "audit_ids": [r.audit_id for r in self.receipts]}


@dataclass(frozen=True)
class JournalView:
    id: int
    card_number: str
    operation: str
    function: str | None
    effect: str
    state: str
    operator: str
    window_id: str
    attempts: int
    last_error: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "card_number": self.card_number, "operation": self.operation,
                "function": self.function, "effect": self.effect, "state": self.state, "operator": self.operator,
                "window_id": self.window_id, "attempts": self.attempts, "last_error": self.last_error}


@dataclass(frozen=True)
class AuditView:
    id: int
    at: _dt.datetime
    operator: str
    window_id: str
    side: str
    action: str
    article: int | None
    clause: str | None
    person_id: int | None
    card_id: int | None
    application_id: int | None
    journal_id: int | None
    reason: str | None
    actor_role: str | None
    relationship: str | None
    agent_ref: str | None
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "operator": self.operator, "window_id": self.window_id,
                "side": self.side, "action": self.action, "article": self.article, "clause": self.clause,
                "person_id": self.person_id, "card_id": self.card_id, "application_id": self.application_id,
                "journal_id": self.journal_id, "reason": self.reason, "actor_role": self.actor_role,
                "relationship": self.relationship, "agent_ref": self.agent_ref, "detail": self.detail}
