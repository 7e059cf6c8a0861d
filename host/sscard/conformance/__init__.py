"""Conformance checks of a card against the protocol, clause by clause (``sscard conformance``).

:mod:`.catalogue` holds the checks, :mod:`.runner` runs them on a card and gives a :class:`Report`,
:mod:`.report` writes it as JSON and HTML (docs/conformance.md)."""

from sscard.conformance.catalogue import CHECKS, Check, Level, Need, card_side_clauses
from sscard.conformance.runner import Refused, Report, read_state, run

__all__ = ["CHECKS", "Check", "Level", "Need", "Refused", "Report", "card_side_clauses", "read_state", "run"]
