"""The card's cryptography, as :mod:`sscard_core.crypto` defines it (kept here as part of the public API)."""

from sscard_core.crypto import *  # noqa: F403
from sscard_core.crypto import __all__ as __all__  # noqa: PLC0414 (re-export)
