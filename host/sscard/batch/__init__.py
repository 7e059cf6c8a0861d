"""Batch personalisation (card vendors): a whole batch of holders checked before any card is touched.

:func:`read_batch` reads CSV or JSON Lines (``docs/batch.md``) and reports every problem of every record
(record number, field, reason; never the personal value), and the duplicates inside the batch, in one
:class:`BatchReport`.
"""

from __future__ import annotations

from sscard.batch.input import (
    CSV_COLUMNS,
    BatchInputError,
    BatchProblem,
    BatchRecord,
    BatchReport,
    check_batch,
    read_batch,
)

__all__ = [
    "CSV_COLUMNS",
    "BatchInputError",
    "BatchProblem",
    "BatchRecord",
    "BatchReport",
    "check_batch",
    "read_batch",
]
