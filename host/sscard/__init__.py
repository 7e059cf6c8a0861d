"""sscard: host library for the social security card (社会保障卡).

Connections move APDUs to a card (a PC/SC reader, the jCardSim simulator or the reference model);
everything above them is independent of which card kind it talks to.
"""

from sscard.connection import (
    Connection,
    ModelConnection,
    PcscConnection,
    SimulatorConnection,
    reader_names,
    send_and_receive,
)
from sscard.errors import CardConnectionError, NoReaderError, SimulatorError, SscardError

__all__ = [
    "CardConnectionError",
    "Connection",
    "ModelConnection",
    "NoReaderError",
    "PcscConnection",
    "SimulatorConnection",
    "SimulatorError",
    "SscardError",
    "reader_names",
    "send_and_receive",
]
__version__ = "0.1.0"
