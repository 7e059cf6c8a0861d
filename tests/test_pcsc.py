"""The same card behind the real PC/SC stack: pyscard → pcscd → vpcd → our vpcd client → jCardSim."""

from __future__ import annotations

import pytest

from jcardsim_bridge import ReaderError, VirtualReader
from sscard import NoReaderError, PcscConnection, send_and_receive
from sscard import spec_tables as t
from sscard.connection import reader_status

pytestmark = pytest.mark.pcsc


def select(aid: bytes) -> bytes:
    return bytes((0x00, 0xA4, 0x04, 0x00, len(aid))) + aid


@pytest.mark.parametrize("aid", [t.SSSE_AID, t.PBOC_AID], ids=["ssse", "pboc"])
def test_select_both_applications(virtual_reader: VirtualReader, aid: bytes) -> None:
    with PcscConnection(virtual_reader.reader) as card:
        assert send_and_receive(card, select(aid))[1] == 0x9000
        assert card.atr


def test_default_reader_is_first_with_a_card(virtual_reader: VirtualReader) -> None:
    with PcscConnection() as card:
        assert card.reader == virtual_reader.reader


def test_reader_status_does_not_disturb_card(virtual_reader: VirtualReader) -> None:
    present, atr = reader_status(virtual_reader.reader)
    assert present and atr[0] in (0x3B, 0x3F)


def test_reset_then_select(virtual_reader: VirtualReader) -> None:
    with PcscConnection(virtual_reader.reader) as card:
        card.reset()
        assert send_and_receive(card, select(t.SSSE_AID))[1] == 0x9000


def test_unknown_reader_names_the_readers(virtual_reader: VirtualReader) -> None:
    with pytest.raises(NoReaderError, match="no reader named 'Nope'.*Virtual PCD"):
        PcscConnection("Nope")


def test_taken_port_is_refused(virtual_reader: VirtualReader) -> None:
    assert virtual_reader.port is not None
    with pytest.raises(ReaderError, match=f"port {virtual_reader.port} is taken"):
        VirtualReader(port=virtual_reader.port).start()


def test_second_card_gets_the_other_reader(virtual_reader: VirtualReader) -> None:
    with VirtualReader() as second:
        assert second.reader != virtual_reader.reader
        with PcscConnection(second.reader) as card:
            assert send_and_receive(card, select(t.SSSE_AID))[1] == 0x9000
    present, _ = reader_status(second.reader)
    assert not present
