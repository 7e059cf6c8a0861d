"""Exceptions of the sscard library.

Everything the library raises on purpose derives from :class:`SscardError`, so that window software
can catch one type; each message names what was wrong.
"""


class SscardError(Exception):
    """Base of all sscard errors."""


class CardConnectionError(SscardError):
    """No card could be reached: no reader, no card in it, or the card stopped answering."""


class NoReaderError(CardConnectionError):
    """The named reader does not exist, or no reader holds a card."""


class SimulatorError(SscardError):
    """The virtual card could not be started, stopped or found."""
