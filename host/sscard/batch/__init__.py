"""Batch personalisation (card vendors): a whole batch of holders checked before any card, then a line of
readers personalising card after card, journalled so that it resumes after any interruption.

:func:`read_batch` reads CSV or JSON Lines (``docs/batch.md``) and reports every problem of every record
(record number, field, reason; never the personal value), and the duplicates inside the batch, in one
:class:`BatchReport`. :class:`Journal` (SQLite or PostgreSQL) records which holder went on which card;
:func:`run_line` runs one worker per reader (:class:`PcscSlot`, or :class:`ModelCardLine` without hardware).

The journal and the line need the database stack (``sscard[window]``): they are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sscard.batch.input import (
    CSV_COLUMNS,
    BatchInputError,
    BatchProblem,
    BatchRecord,
    BatchReport,
    check_batch,
    read_batch,
)

if TYPE_CHECKING:
    from sscard.batch.journal import Journal, JournalEntry, JournalError, JournalState
    from sscard.batch.line import (
        BatchIncomplete,
        BatchRejected,
        CardSlot,
        LineEvent,
        LineOutcome,
        ModelCardLine,
        PcscSlot,
        VirtualCardStack,
        run_line,
    )

_LAZY = {
    **dict.fromkeys(("Journal", "JournalEntry", "JournalError", "JournalState"), "sscard.batch.journal"),
    **dict.fromkeys(("BatchIncomplete", "BatchRejected", "CardSlot", "LineEvent", "LineOutcome", "ModelCardLine",
                     "PcscSlot", "VirtualCardStack", "run_line"), "sscard.batch.line"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sscard.batch' has no attribute {name!r}")
    import importlib

    importlib.import_module("sscard.database")  # first: one clear error when the database stack is missing
    return getattr(importlib.import_module(module), name)


__all__ = [
    "CSV_COLUMNS",
    "BatchIncomplete",
    "BatchInputError",
    "BatchProblem",
    "BatchRecord",
    "BatchRejected",
    "BatchReport",
    "CardSlot",
    "Journal",
    "JournalEntry",
    "JournalError",
    "JournalState",
    "LineEvent",
    "LineOutcome",
    "ModelCardLine",
    "PcscSlot",
    "VirtualCardStack",
    "check_batch",
    "read_batch",
    "run_line",
]
