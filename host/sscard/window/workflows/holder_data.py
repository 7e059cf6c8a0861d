"""Changes of the holder's personal data (art. 6): the name, an identity-number correction (also a passport
holder who receives a permanent-residence ID, art. 9), sex, ethnicity, birth date. The registry and the
card's EF06 change together: UPDATE RECORD with the issuer's MAC, journalled like every card operation
(SSC-WIN-15), the values kept in the registry's ``holder_changes`` (the journal and the log hold no
personal data).
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sscard.errors import HolderDataError
from sscard.holder import validate_holder_item
from sscard.id_numbers import IdKind
from sscard.window import _core as core
from sscard.window.cardops import CardOp, CardOperations, Function
from sscard.window.context import HOLDER, Applicant, Receipt, Side, Window
from sscard.window.errors import RuleViolation, WindowError
from sscard.window.models import Card, CardStatus, FunctionStatus, HolderChange, JournalEntry, Person
from sscard.window.workflows import _common as common

__all__ = ["PersonalData", "change_personal_data"]

CLAUSE = "SSC-WIN-34"
PROOF_LENGTH = 120
"""``holder_changes.proof``: a reference to the document seen."""


@dataclass(frozen=True)
class PersonalData:
    """What changes (None: unchanged). ``id_number`` with ``id_kind`` / ``nationality`` as at registration
    (:func:`~sscard.window.register_person`); its birth date and sex, where the number carries them, go to
    the card with it."""

    name: str | None = None
    name_extension: str | None = None
    id_number: str | None = None
    id_kind: IdKind | str | None = None
    nationality: str | None = None
    sex: str | None = None
    ethnicity: str | None = None
    birth_date: _dt.date | None = None

    def __repr__(self) -> str:  # personal data: only which fields change (art. 24)
        return f"PersonalData({', '.join(k for k, v in vars(self).items() if v is not None)})"


_SEX_IN_NUMBER = (IdKind.RESIDENT, IdKind.HMT_RESIDENCE_PERMIT)


def _number_has_birth_date(person: Person) -> bool:
    """Whether the registered number carries the birth date (then only a corrected number changes it)."""
    return person.id_kind in _SEX_IN_NUMBER or (person.id_kind == IdKind.FOREIGN_PERMANENT_RESIDENCE
                                                and len(person.ssn) == 18)


def _violation(problem: str) -> RuleViolation:
    return RuleViolation(6, CLAUSE, problem)


def _card_item(record: int, value: str) -> str:
    try:
        validate_holder_item(record, value)
    except HolderDataError as exc:
        raise _violation(str(exc)) from None
    return value


def _plan_values(person: Person, change: PersonalData) -> tuple[dict[str, Any], dict[int, str]]:
    """The registry's new values (by column) and the card's (by EF06 record), checked."""
    registry: dict[str, Any] = {}
    card: dict[int, str] = {}
    if change.name is not None:
        registry["name"] = change.name.strip()
        card[2] = _card_item(2, change.name.strip())
    if change.name_extension is not None:
        card[3] = _card_item(3, change.name_extension)
    if change.id_number is not None:
        identity = common.identity_of(change.id_number, change.id_kind, change.nationality, change.birth_date,
                                      known=person.birth_date)
        if identity.key != person.ssn:
            registry.update(ssn=identity.key, id_kind=identity.kind.value, nationality=identity.nationality)
            if identity.kind is IdKind.PASSPORT or len(identity.number) != 18:
                raise _violation(f"a {identity.kind.value} number of {len(identity.number)} characters does not fit "
                                 "the card's 18-character social security number: the registry cannot change "
                                 "without the card; the card office issues the national social security number")
            card[1] = _card_item(1, identity.number)
        if identity.birth_date is not None:
            registry["birth_date"] = identity.birth_date
            card[7] = identity.birth_date.isoformat()
        if identity.sex is not None and identity.kind in _SEX_IN_NUMBER:
            if change.sex is not None and change.sex != identity.sex:
                raise _violation("the sex given is not the one the new number's sequence gives")
            card[4] = identity.sex
    elif change.birth_date is not None:
        if _number_has_birth_date(person):
            raise _violation("the birth date is part of the identity number: correct the number (id_number)")
        registry["birth_date"] = change.birth_date
        card[7] = change.birth_date.isoformat()
    if change.sex is not None and 4 not in card:
        if change.id_number is None and person.id_kind in _SEX_IN_NUMBER:
            raise _violation("the sex is part of the identity number's sequence: correct the number (id_number)")
        card[4] = _card_item(4, change.sex)
    if change.ethnicity is not None:
        card[5] = _card_item(5, change.ethnicity)
    registry = {k: v for k, v in registry.items() if getattr(person, k) != v}
    if not registry and not card:
        raise WindowError("personal data change: nothing changes")
    return registry, card


def _json(value: dict[str, Any]) -> str:
    return json.dumps({k: (v.isoformat() if isinstance(v, _dt.date) else v) for k, v in value.items()},
                      ensure_ascii=False, sort_keys=True)


def change_personal_data(window: Window, ssn: str, change: PersonalData, *, proof: str,
                         card_ops: CardOperations | None = None, applicant: Applicant = HOLDER) -> Receipt:
    """Art. 6 (SSC-WIN-34): a service window changes the holder's personal data on the document ``proof``
    references (the household register's change, a police certificate, the new ID): the registry and, when
    the holder's card is in use, the card's EF06 under the issuer's MAC, journalled (SSC-WIN-15).

    ``ssn``: the number the person is registered under. The card in use must be presented (``card_ops``
    with the issuer's keys); a card reported lost or blocked keeps its data (the replacement carries the new),
    and one awaiting pick-up was made with the old data (the receipt says so: an exchange, art. 17). The
    values pass the rules of personalisation (SSC-HOST-3) and of the identity numbers (SSC-WIN-30); a number
    that does not fit the card's field is refused."""
    core.require_side(window, (Side.SOCIAL,), 6, CLAUSE, "a change of personal data")
    if not proof or not proof.strip():
        raise _violation("the document proving the change is required (proof: its reference)")
    if len(proof.strip()) > PROOF_LENGTH:
        raise WindowError(f"proof: a reference of at most {PROOF_LENGTH} characters, not the document itself")
    common.check_applicant(applicant, 6, CLAUSE)
    presented = card_ops.read_card_identity() if card_ops is not None else None

    def plan(s: Session) -> core.CardStep | Receipt:
        person = core.person_by_ssn(s, ssn)
        core.claim(s, person)
        registry, items = _plan_values(person, change)
        if "ssn" in registry and s.scalars(select(Person.id).where(Person.ssn == registry["ssn"])).first():
            raise RuleViolation(9, "SSC-WIN-1", "one person one entry: the new number is registered to another "
                                "person")
        previous = {k: getattr(person, k) for k in registry}
        live = s.scalars(select(Card).where(Card.live_person_id == person.id)).one_or_none()
        row = HolderChange(person_id=person.id, card_id=live.id if live else None, status="pending",
                           changes=json.dumps({"registry": json.loads(_json(registry)),
                                               "card": {str(n): v for n, v in items.items()}},
                                              ensure_ascii=False, sort_keys=True),
                           previous=_json(previous), proof=proof.strip(), requested_at=window.now(),
                           window_id=window.window_id)
        s.add(row)
        s.flush()
        payload = {"change_id": row.id, "records": sorted(items), "actor": applicant.to_payload()}
        usable = (live is not None and live.social == FunctionStatus.ACTIVE
                  and not common.remaining_losses(s, live))
        if not usable or not items:
            notes = _registry_only_notes(s, person, live)
            return _apply(s, window, row, None, payload, notes=notes)
        assert live is not None
        core.claim(s, live)
        if card_ops is None or presented is None:
            raise WindowError(f"the holder's card {live.card_number} is in use: present it (card_ops with the "
                              "issuer's keys) so that the card changes with the registry")
        if Function.SOCIAL not in card_ops.authorities:
            raise WindowError("this terminal holds no issuer keys: it cannot write the holder's data to the card")
        core.check_presented(live, presented)
        payload["target_digest"] = core.holder_digest(items)
        return core.CardStep(live, CardOp.UPDATE_HOLDER_DATA, Function.SOCIAL, "holder_data", payload, items)

    return core.run_card_step(window, card_ops, plan)


def _registry_only_notes(s: Session, person: Person, live: Card | None) -> tuple[str, ...]:
    if live is not None:
        return (f"card {live.card_number} ({live.social}, blacklist {common.remaining_losses(s, live) or 'none'}) "
                "keeps the old data: the replacement card carries the new (art. 16)",)
    waiting = s.scalars(select(Card).where(Card.person_id == person.id,
                                           Card.status == CardStatus.AWAITING_PICKUP.value)).first()
    if waiting is not None:
        return (f"card {waiting.card_number}, awaiting pick-up, was made with the old data: exchange it for changed "
                "data (art. 17)",)
    return ()


def _apply(s: Session, window: Window, row: HolderChange, entry: JournalEntry | None, payload: dict[str, Any],
           notes: tuple[str, ...] = ()) -> Receipt:
    person = common.person_by_id(s, row.person_id)
    if entry is not None:
        core.claim(s, person)
    registry = json.loads(row.changes)["registry"]
    for column, value in registry.items():
        setattr(person, column, _dt.date.fromisoformat(value) if column == "birth_date" else value)
    row.status = "applied"
    row.applied_at = window.now()
    s.flush()
    card = s.get(Card, entry.card_id) if entry is not None else None
    audit_id = core.audit(s, window, "change_personal_data", article=6, clause=CLAUSE, person_id=person.id,
                          card_id=card.id if card else None, journal_id=entry.id if entry else None,
                          actor=payload.get("actor"),
                          detail={"change_id": row.id, "registry_fields": sorted(registry),
                                  "card_records": payload.get("records", []) if card else [],
                                  **(common.recovery(payload) or {})})
    return common.receipt(s, "change_personal_data", audit_id, person_id=person.id, card=card,
                          journal_id=entry.id if entry else None, notes=notes)


@core.effect("holder_data")
def _holder_data_effect(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> Receipt:
    row = s.get(HolderChange, payload["change_id"])
    assert row is not None
    card = s.get(Card, entry.card_id)
    assert card is not None
    core.claim(s, card)
    return _apply(s, window, row, entry, payload)


def _holder_data_failed(s: Session, window: Window, entry: JournalEntry, payload: dict[str, Any]) -> None:
    row = s.get(HolderChange, payload["change_id"])
    if row is not None:
        row.status = "failed"


def _holder_data_items(window: Window, payload: dict[str, Any]) -> dict[int, str]:
    """The EF06 values of a journalled change, from the registry (for recovery's UPDATE RECORD sent again)."""
    with window.registry.transaction() as s:
        row = s.get(HolderChange, payload["change_id"])
        assert row is not None
        return {int(n): v for n, v in json.loads(row.changes)["card"].items()}


core.FAILURES["holder_data"] = _holder_data_failed
core.ITEMS["holder_data"] = _holder_data_items
