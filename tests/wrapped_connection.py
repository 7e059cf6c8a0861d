"""A connection that stands for another one: tests that make a card die, vanish or misbehave mid-way override
``transmit`` and keep the rest."""

from __future__ import annotations

from sscard import Connection


class WrappedConnection:
    """Everything as ``inner`` does it; subclasses change :meth:`transmit`."""

    def __init__(self, inner: Connection) -> None:
        self.inner = inner

    @property
    def description(self) -> str:
        return self.inner.description

    @property
    def atr(self) -> bytes:
        return self.inner.atr

    def transmit(self, apdu: bytes) -> bytes:
        return self.inner.transmit(apdu)

    def reset(self) -> None:
        self.inner.reset()

    def close(self) -> None:
        self.inner.close()
