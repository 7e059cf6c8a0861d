"""Connections: the one thing every card access goes through.

A :class:`Connection` moves bytes: one command APDU in, the response (data and status word) out. It
knows nothing of the card's applications, so sessions and tests run unchanged over a PC/SC reader
(:class:`PcscConnection`), the jCardSim card in a JVM (:class:`SimulatorConnection`) or the reference
model (:class:`ModelConnection`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable

from sscard import spec_tables as t
from sscard.errors import CardConnectionError, NoReaderError, SscardError

if TYPE_CHECKING:
    from apdu_spec.model import CardModel
    from jcardsim_bridge import AppletSpec, Simulator


@runtime_checkable
class Connection(Protocol):
    """A channel to one card."""

    @property
    def description(self) -> str:
        """What the card is, for logs and test reports (reader name, simulator, model)."""
        ...

    @property
    def atr(self) -> bytes: ...

    def transmit(self, apdu: bytes) -> bytes:
        """Send one command APDU; return the response data followed by SW1 SW2."""
        ...

    def reset(self) -> None:
        """Power-cycle the card: RAM state (selection, PIN validation, challenge) is lost."""
        ...

    def close(self) -> None: ...


def exchange(connection: Connection, apdu: bytes) -> bytes:
    """``connection.transmit(apdu)`` as sscard relies on it, whatever the Connection: the answer as ``bytes``
    (any bytes-like answer is taken) holding at least a status word. Anything else, and any failure of the
    connection (an ``OSError`` from a reader library, ...), is a :class:`CardConnectionError` naming the
    connection, the original exception as its cause. sscard's own errors pass unchanged, and so does an
    ``AssertionError``: a test harness's verdict, not a card failure."""
    try:
        answer: object = connection.transmit(apdu)
    except (SscardError, AssertionError):
        raise
    except Exception as exc:
        raise _connection_failure(connection, "", exc) from exc
    if type(answer) is bytes:
        response = answer
    else:
        try:
            response = memoryview(answer).tobytes()  # type: ignore[arg-type]
        except TypeError:
            raise CardConnectionError(f"{connection.description}: answered {type(answer).__name__}, not bytes") \
                from None
    if len(response) < 2:
        raise CardConnectionError(f"{connection.description}: response of {len(response)} bytes has no status word")
    return response


def answer_to_reset(connection: Connection) -> bytes:
    """``connection.atr`` as bytes; a connection that cannot say is a :class:`CardConnectionError` naming it
    (as :func:`exchange` does for a failing transmit)."""
    try:
        return bytes(connection.atr)
    except SscardError:
        raise
    except Exception as exc:
        raise _connection_failure(connection, "ATR: ", exc) from exc


def _connection_failure(connection: Connection, what: str, exc: Exception) -> CardConnectionError:
    """One line naming the connection and what failed in it (the original exception is the cause)."""
    text = str(exc).strip()
    return CardConnectionError(f"{connection.description}: {what}{type(exc).__name__}{': ' if text else ''}{text}")


def send_and_receive(connection: Connection, apdu: bytes) -> tuple[bytes, int]:
    """Transmit and split the response into (data, status word)."""
    response = exchange(connection, apdu)
    return response[:-2], int.from_bytes(response[-2:], "big")


class _ContextMixin:
    def close(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def reader_names() -> list[str]:
    """Names of the PC/SC readers pcscd offers (empty when pcscd is not running)."""
    from smartcard.Exceptions import ListReadersException
    from smartcard.pcsc.PCSCExceptions import BaseSCardException
    from smartcard.System import readers

    try:
        return [str(reader) for reader in readers()]
    except (ListReadersException, BaseSCardException):  # no pcscd, or it went away
        return []


def reader_status(name: str) -> tuple[bool, bytes]:
    """(card present, ATR) for ``name``, asked without connecting, so without resetting the card."""
    from smartcard import scard

    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if result != scard.SCARD_S_SUCCESS:
        raise CardConnectionError(f"pcscd is not answering: {scard.SCardGetErrorMessage(result)}")
    try:
        result, states = scard.SCardGetStatusChange(context, 0, [(name, scard.SCARD_STATE_UNAWARE)])
        if result != scard.SCARD_S_SUCCESS:
            raise NoReaderError(f"reader {name!r}: {scard.SCardGetErrorMessage(result)}")
        _, state, atr = states[0]
        return bool(state & scard.SCARD_STATE_PRESENT), bytes(atr)
    finally:
        scard.SCardReleaseContext(context)


class PcscConnection(_ContextMixin):
    """A card in a PC/SC reader (pyscard over pcscd): real readers and the virtual one alike.

    ``reader=None`` takes the first reader that holds a card. Closing powers the card down, as pulling
    it out would.
    """

    def __init__(self, reader: str | None = None) -> None:
        from smartcard.Exceptions import CardConnectionException, NoCardException
        from smartcard.System import readers

        available = {str(r): r for r in _list_readers(readers)}
        if reader is None:
            with_card = [name for name in available if reader_status(name)[0]]
            if not with_card:
                known = ", ".join(repr(n) for n in available) or "none"
                raise NoReaderError(f"no reader holds a card (readers: {known})")
            reader = with_card[0]
        if reader not in available:
            known = ", ".join(repr(n) for n in available) or "none"
            raise NoReaderError(f"no reader named {reader!r} (readers: {known})")
        self.reader = reader
        self._connection: Any = available[reader].createConnection()
        try:
            self._connection.connect()
        except NoCardException:
            raise NoReaderError(f"reader {reader!r} holds no card") from None
        except CardConnectionException as exc:
            raise CardConnectionError(f"reader {reader!r}: {exc}") from None

    @property
    def description(self) -> str:
        return f"PC/SC reader {self.reader!r}"

    @property
    def atr(self) -> bytes:
        return bytes(self._connection.getATR())

    def transmit(self, apdu: bytes) -> bytes:
        from smartcard.Exceptions import CardConnectionException

        try:
            data, sw1, sw2 = self._connection.transmit(list(apdu))
        except CardConnectionException as exc:
            raise CardConnectionError(f"{self.description}: {exc}") from None
        return bytes(data) + bytes((sw1, sw2))

    def reset(self) -> None:
        from smartcard.scard import SCARD_UNPOWER_CARD

        self._connection.reconnect(disposition=SCARD_UNPOWER_CARD)

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.disconnect()
                self._connection.release()
            except Exception:  # noqa: BLE001 - closing a dead connection must not raise
                pass
            self._connection = None


def _list_readers(readers: Any) -> Sequence[Any]:
    from smartcard.Exceptions import ListReadersException
    from smartcard.pcsc.PCSCExceptions import BaseSCardException

    try:
        return list(readers())
    except (ListReadersException, BaseSCardException) as exc:
        raise CardConnectionError(f"pcscd is not answering (is it running? `sscard sim start` starts it): "
                                  f"{exc}") from None


class SimulatorConnection(_ContextMixin):
    """The jCardSim card through py4j.

    Owns the JVM unless given a running :class:`jcardsim_bridge.Simulator`; closing stops what it owns.
    ``fault`` seeds one of the simulator's faults into the card (``jcardsim_bridge.faults()``): a faulty
    reference card, e.g. to see ``sscard conformance`` catch it.
    """

    def __init__(self, simulator: Simulator | None = None, *, applets: Sequence[AppletSpec] | None = None,
                 fault: str | None = None) -> None:
        from jcardsim_bridge import BridgeError, Simulator

        self._owned = simulator is None
        try:
            if simulator is None:
                simulator = Simulator(applets if applets is not None else default_applets(), fault=fault)
                simulator.start()
            elif fault is not None:
                simulator.set_fault(fault)
        except BridgeError as exc:
            raise CardConnectionError(f"simulator: {exc}") from None
        self.simulator = simulator

    @property
    def description(self) -> str:
        return "jCardSim via py4j"

    @property
    def atr(self) -> bytes:
        return self.simulator.atr()

    def transmit(self, apdu: bytes) -> bytes:
        return self.simulator.transmit(apdu)

    def reset(self) -> None:
        self.simulator.power_cycle()

    def close(self) -> None:
        if self._owned:
            self.simulator.close()


def install_data(application: str, transport_key: bytes, card_unique: bytes, algorithm: str = "3DES-16") -> bytes:
    """The applet install parameters (GlobalPlatform install data, the applet's part) of ``application``:
    the fields of the spec's install layout in order (SSC-PERSO-1); ``algorithm`` (crypto.toml name,
    "3DES-16" or "SM4") is the card's key algorithm where the layout has one (SSC-KEY-5)."""
    if algorithm not in t.ALGORITHM_CODES:
        raise ValueError(f"algorithm {algorithm!r} is not one of {', '.join(t.ALGORITHM_CODES)}")
    sources = {"perso_key": transport_key, "card_unique": card_unique,
               "algorithm": bytes([t.ALGORITHM_CODES[algorithm]])}
    out = b""
    for field in t.INSTALL_FIELDS[application]:
        value = field.value if field.value is not None else sources.get(field.name)
        if value is None:
            raise ValueError(f"install field {application}.{field.name} has no value")
        if len(value) != field.length:
            raise ValueError(f"install field {application}.{field.name} must be {field.length} bytes, got {len(value)}")
        out += value
    return out


def default_applets(*, card_unique: bytes | None = None, transport_keys: Mapping[str, bytes] | None = None,
                    temporary: bool = False, algorithm: str = "3DES-16") -> list[AppletSpec]:
    """The applets of a blank sscard card as the vendor installs them, ready to be personalised: the social
    security application and (unless ``temporary``) the financial one, with their install parameters —
    by default the spec's example card (TEST transport keys, the same as ``sscard/examples/issuer-keys.json`` and
    ``sscard/examples/bank-keys.json``), a 3DES card; ``algorithm="SM4"`` makes a 3rd-generation one (SSC-KEY-5)."""
    from jcardsim_bridge import AppletSpec

    unique = card_unique if card_unique is not None else t.EXAMPLE_CARD_UNIQUE
    keys = transport_keys if transport_keys is not None else t.EXAMPLE_TRANSPORT_KEYS
    return [AppletSpec(t.APPLET_CLASSES[name], aid, install_data(name, keys[name], unique, algorithm))
            for name, aid in t.APPLICATION_AIDS.items() if name != "PBOC" or not temporary]


class ModelConnection(_ContextMixin):
    """The reference model (``apdu_spec.model.CardModel``): a card that answers as the spec says.

    Fast and deterministic, so host tests use it as a first card; the model holds no rule that is not
    in the spec tables.
    """

    # The model has no electrical interface; this is the shortest valid ATR (TS 3B, no interface or
    # historical bytes), so code that shows an ATR has one.
    ATR = bytes.fromhex("3B00")

    def __init__(self, model: CardModel | None = None) -> None:
        from apdu_spec.model import CardModel

        self.model = model if model is not None else CardModel.fresh()

    @property
    def description(self) -> str:
        return "reference model"

    @property
    def atr(self) -> bytes:
        return self.ATR

    def transmit(self, apdu: bytes) -> bytes:
        return self.model.transmit(bytes(apdu))

    def reset(self) -> None:
        self.model.power_cycle()

    def close(self) -> None:
        pass
