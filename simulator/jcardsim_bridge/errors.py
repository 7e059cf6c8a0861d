"""Errors of the simulator bridge: each says what went wrong in one line a user can act on."""


class BridgeError(Exception):
    """Base of every error raised by :mod:`jcardsim_bridge`."""


class JarNotFound(BridgeError):
    """The simulator jar has not been built (``mvn package``) or ``SSCARD_SIM_JAR`` is wrong."""


class JvmStartError(BridgeError):
    """The JVM did not start, or did not report its gateway port in time."""


class PcscdError(BridgeError):
    """pcscd is missing, would not start, or does not offer the vpcd readers."""


class ReaderError(BridgeError):
    """The virtual reader is taken, or never showed a card."""
