"""Drive Java Card applets running in jCardSim from Python.

Two ways in, one card model:

* :class:`Simulator` starts a JVM holding a jCardSim card behind a py4j gateway bound to loopback and
  talks to it directly (fast, no system services).
* :class:`VirtualReader` starts the same kind of card as a client of vsmartcard's ``vpcd`` driver so
  that pcscd shows it as an ordinary PC/SC reader (``Virtual PCD 00 00``); any PC/SC program sees it.

Nothing here knows about the social security card: any applet class and AID can be installed.
"""

from jcardsim_bridge.errors import BridgeError, JarNotFound, JvmStartError, PcscdError, ReaderError
from jcardsim_bridge.gateway import AppletSpec, CardControl, Fault, Simulator, check_fault, faults, find_jar
from jcardsim_bridge.pcscd import Pcscd, pcscd_pids
from jcardsim_bridge.vpcd import VPCD_PORTS, VirtualReader, reader_name_for_port

__all__ = [
    "VPCD_PORTS",
    "AppletSpec",
    "BridgeError",
    "CardControl",
    "Fault",
    "JarNotFound",
    "JvmStartError",
    "Pcscd",
    "PcscdError",
    "ReaderError",
    "Simulator",
    "VirtualReader",
    "check_fault",
    "faults",
    "find_jar",
    "pcscd_pids",
    "reader_name_for_port",
]
