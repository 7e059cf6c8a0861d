"""Record layouts: the items of a record and the records of a file (ISO/IEC 7816-4 record EFs).

The spec's loader (``apdu_spec``) builds these from the TOML files and the host's generated tables
(``sscard.spec_tables``) are written as these same types, so one codec (:mod:`sscard_core.codec`) reads
and writes records for the reference model, the host library and the tests alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["CommandShape", "Item", "Record"]


@dataclass(frozen=True)
class Item:
    """One data item of a record: its tag, what it is (``name``), its format and fixed length.

    ``format``: ``cn`` (packed BCD digits, padded with F), ``an`` (GBK/ASCII text), ``b`` (bytes);
    ``padding`` is the fill byte of short ``an``/``b`` values (``FF`` for ``cn``)."""

    tag: bytes
    name: str
    format: str
    length: int
    padding: bytes
    note: str | None = None

    @property
    def tlv_size(self) -> int:
        return len(self.tag) + 1 + self.length


@dataclass(frozen=True)
class Record:
    """A record: SIMPLE-TLV items (``template`` None) or a template (``70``) holding them.

    ``initial`` names what installation writes into it (``card_identification``), None: padding."""

    number: int
    template: bytes | None
    items: tuple[Item, ...]
    initial: str | None = None
    note: str | None = None

    @property
    def size(self) -> int:
        inner = sum(i.tlv_size for i in self.items)
        return inner if self.template is None else len(self.template) + 1 + inner


class CommandShape(Protocol):
    """What the command builder needs of a command declaration (the spec's or the generated tables')."""

    @property
    def name(self) -> str: ...

    @property
    def cla(self) -> int: ...

    @property
    def ins(self) -> int: ...

    @property
    def p1p2(self) -> tuple[int, ...] | None: ...
