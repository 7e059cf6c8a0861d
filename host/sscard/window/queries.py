"""Read-only look-ups for the window's screens (nothing here changes the registry). They show personal data
and the audit trail, so they too need a signed-in operator once the registry has operators (art. 24,
SSC-WIN-26)."""

from __future__ import annotations

import json

from sqlalchemy import select

from sscard.window import _core as core
from sscard.window.context import ApplicationView, AuditView, CardView, Window
from sscard.window.models import Application, AuditEntry, Card, FeeCharge
from sscard.window.operators import require_operator

__all__ = ["audit_entries", "card_status", "fees_charged", "person_applications", "person_cards"]


def card_status(window: Window, card_number: str) -> CardView:
    """A card as the registry knows it (its ``version`` can be passed back as ``expected_version``)."""
    with window.registry.transaction() as s:
        require_operator(s, window)
        return core.card_view(s, core.card_by_number(s, card_number))


def person_cards(window: Window, ssn: str) -> list[CardView]:
    with window.registry.transaction() as s:
        require_operator(s, window)
        person = core.person_by_ssn(s, ssn)
        return [core.card_view(s, c) for c in s.scalars(select(Card).where(Card.person_id == person.id)
                                                         .order_by(Card.id))]


def person_applications(window: Window, ssn: str) -> list[ApplicationView]:
    with window.registry.transaction() as s:
        require_operator(s, window)
        person = core.person_by_ssn(s, ssn)
        return [core.application_view(a) for a in s.scalars(select(Application)
                                                            .where(Application.person_id == person.id)
                                                            .order_by(Application.id))]


def fees_charged(window: Window, ssn: str) -> list[tuple[str, int, int, str]]:
    """(case, amount in fen, article, reason) of every fee charged to the person."""
    with window.registry.transaction() as s:
        require_operator(s, window)
        person = core.person_by_ssn(s, ssn)
        return [(f.fee_case, f.amount, f.article, f.reason)
                for f in s.scalars(select(FeeCharge).where(FeeCharge.person_id == person.id).order_by(FeeCharge.id))]


def audit_entries(window: Window, *, ssn: str | None = None, card_number: str | None = None,
                  action: str | None = None, limit: int | None = None) -> list[AuditView]:
    """Audit entries, oldest first, optionally of one person, one card or one action."""
    with window.registry.transaction() as s:
        require_operator(s, window)
        query = select(AuditEntry).order_by(AuditEntry.id)
        if ssn is not None:
            query = query.where(AuditEntry.person_id == core.person_by_ssn(s, ssn).id)
        if card_number is not None:
            query = query.where(AuditEntry.card_id == core.card_by_number(s, card_number).id)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        if limit is not None:
            query = query.limit(limit)
        return [AuditView(a.id, a.at, a.operator, a.window_id, a.side, a.action, a.article, a.clause, a.person_id,
                          a.card_id, a.application_id, a.journal_id, a.reason, a.actor_role, a.relationship,
                          a.agent_ref, json.loads(a.detail) if a.detail else {}) for a in s.scalars(query)]
