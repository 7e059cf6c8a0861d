"""Errors of the service-window layer.

Every refusal the regulation dictates is a :class:`RuleViolation` that names the article and the clause
(``art. 16 (SSC-WIN-9): ...``), so the window can show the holder why. Races between windows end in a
:class:`ConflictError` naming the record that conflicted; the winner's operation stands, nothing is lost.
Card/registry consistency problems are :class:`CardOperationFailed` (the card refused: nothing was recorded)
and :class:`RegistryPending` (the card changed but the registry write did not complete: the journal keeps it
for :func:`sscard.window.resolve_pending`); :class:`OutcomeNeedsHolder` when recovery cannot establish what the
card did without the holder.
"""

from __future__ import annotations

from sscard.errors import SscardError

__all__ = [
    "AuthenticationFailed",
    "CardMismatch",
    "CardOperationFailed",
    "ConflictError",
    "NotFound",
    "OutcomeNeedsHolder",
    "RegistryError",
    "RegistryPending",
    "RuleViolation",
    "WindowError",
]


class WindowError(SscardError):
    """Base of the window layer's errors."""


class RuleViolation(WindowError):
    """The regulation refuses the operation; ``article`` is the article, ``clause`` the spec clause."""

    def __init__(self, article: int, clause: str, problem: str) -> None:
        super().__init__(f"art. {article} ({clause}): {problem}")
        self.article = article
        self.clause = clause
        self.problem = problem


class ConflictError(WindowError):
    """Another window changed the same record at the same time; ``what`` names it (``card K12345678``).

    The other window's operation stands; re-read and decide again.
    """

    def __init__(self, what: str, problem: str) -> None:
        super().__init__(f"conflict on {what}: {problem}")
        self.what = what
        self.problem = problem


class NotFound(WindowError, LookupError):
    """No such person, card, application or journal entry in the registry."""


class CardMismatch(WindowError):
    """The card in the reader is not the card the operation names."""


class CardOperationFailed(WindowError):
    """The card refused or could not be reached; the registry records no success (the journal entry
    ``journal_id`` is marked failed). The card's own error is the ``__cause__``."""

    def __init__(self, operation: str, journal_id: int, cause: BaseException) -> None:
        super().__init__(f"card operation {operation} failed, nothing recorded (journal #{journal_id}): {cause}")
        self.operation = operation
        self.journal_id = journal_id


class RegistryPending(WindowError):
    """The card changed but the registry write did not complete: journal entry ``journal_id`` keeps the
    operation for :func:`sscard.window.resolve_pending` (never silently lost)."""

    def __init__(self, operation: str, journal_id: int, cause: BaseException) -> None:
        super().__init__(f"card operation {operation} done on the card but the registry write failed; kept as "
                         f"journal #{journal_id} for `resolve_pending`: {cause}")
        self.operation = operation
        self.journal_id = journal_id


class OutcomeNeedsHolder(WindowError):
    """:func:`sscard.window.resolve_pending` cannot establish what the card did: the card's state cannot show
    whether the command ran, and the command can be repeated safely only with the holder (or the card was
    changed outside the journal). Nothing is recorded, the entry is left ``needs_holder`` (the card stays
    locked for other card operations); ``reason`` says what the card showed, ``needs`` what resolves it."""

    def __init__(self, operation: str, journal_id: int, reason: str, needs: str) -> None:
        super().__init__(f"card operation {operation} (journal #{journal_id}): outcome unknown, needs the holder: "
                         f"{reason}; {needs}")
        self.operation = operation
        self.journal_id = journal_id
        self.reason = reason
        self.needs = needs


class AuthenticationFailed(WindowError):
    """A sign-in was refused: unknown or disabled operator, or a wrong secret (which of them is not said)."""


class RegistryError(WindowError):
    """The registry database could not be reached or answered an error the layer does not expect."""
