"""Command and response APDUs, as :mod:`sscard_core.apdu` defines them (part of the public API)."""

from sscard_core.apdu import CommandApdu, ResponseApdu

__all__ = ["CommandApdu", "ResponseApdu"]
