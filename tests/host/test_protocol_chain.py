"""The protocol chain, link by link, against a scripted card; the exception table; tracer masking.

No clause speaks of the host's chain itself (the card never answers 61XX), so these tests cite the clause of
the card behaviour each link serves: 6CXX (SSC-APDU-3), short APDUs (SSC-APDU-1), the MAC input
(SSC-SM-2), declared status words (SSC-APDU-7), and personal data (art. 24 via SSC-ACC-2) and PINs
(SSC-PIN-10) kept out of logs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from cards import CardFactory
from host_helpers import reading_session

from sscard import Connection, SocialSecuritySession, crypto
from sscard import spec_tables as t
from sscard.apdu import CommandApdu, ResponseApdu
from sscard.errors import (
    ERRORS_BY_SW,
    ApduError,
    ApplicationTerminated,
    AuthenticationBlocked,
    CardConnectionError,
    ChallengeMissing,
    ConditionsNotSatisfied,
    FileNotFound,
    KeyBlocked,
    MacKeyBlocked,
    PinBlocked,
    RecordNotFound,
    SecurityConditionNotSatisfied,
    VerificationFailed,
    WrongCryptogram,
    WrongLe,
    WrongMac,
    WrongPin,
    error_for,
)
from sscard.protocol import CardProtocol, GetResponse, ResendWithLe, Transport, mac_command, mac_input
from sscard.tracing import LOGGER_NAME, RecordingTracer, mask_command, mask_response


class ScriptedCard:
    """A Connection answering from a function of the command; remembers what it was sent."""

    description = "scripted card"
    atr = bytes.fromhex("3B00")

    def __init__(self, answer: Callable[[bytes], bytes]) -> None:
        self.answer = answer
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> bytes:
        self.sent.append(bytes(apdu))
        return self.answer(bytes(apdu))

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass


H = bytes.fromhex


@pytest.mark.clause("SSC-HOST-1", "SSC-APDU-1")
def test_get_response_collects_61xx() -> None:
    """61XX: GET RESPONSE with Le = XX until 9000, data concatenated (for cards that chain)."""
    chunks = [H("0102") + H("6103"), H("030405") + H("6102"), H("0607") + H("9000")]
    card = ScriptedCard(lambda apdu: chunks.pop(0))
    response = GetResponse(Transport(card)).send(CommandApdu(0x00, 0xB2, 0x01, 0x2C, le=256))
    assert response == ResponseApdu(H("01020304050607"), 0x9000)
    assert card.sent == [H("00B2012C00"), H("00C0000003"), H("00C0000002")]


@pytest.mark.clause("SSC-HOST-1", "SSC-APDU-1")
def test_get_response_with_61_00_asks_256() -> None:
    chunks = [H("6100"), H("AA") * 256 + H("9000")]
    card = ScriptedCard(lambda apdu: chunks.pop(0))
    response = GetResponse(Transport(card)).send(CommandApdu(0x00, 0xCA, 0x9F, 0x17, le=256))
    assert len(response.data) == 256 and response.sw == 0x9000
    assert card.sent[1] == H("00C0000000")


@pytest.mark.clause("SSC-HOST-1", "SSC-APDU-3")
def test_wrong_le_is_resent_with_the_exact_length() -> None:
    """6CXX: the same command again with Le = XX; the caller sees only the final answer."""

    def answer(apdu: bytes) -> bytes:
        return H("1122334455") + H("9000") if apdu[-1] == 0x05 else H("6C05")

    card = ScriptedCard(answer)
    response = ResendWithLe(Transport(card)).send(CommandApdu(0x00, 0xB2, 0x01, 0x2C, le=2))
    assert response == ResponseApdu(H("1122334455"), 0x9000)
    assert card.sent == [H("00B2012C02"), H("00B2012C05")]


@pytest.mark.clause("SSC-HOST-1", "SSC-APDU-3")
def test_wrong_le_twice_reaches_the_caller_as_wrong_le() -> None:
    card = ScriptedCard(lambda apdu: H("6C05"))
    protocol = CardProtocol(card)
    with pytest.raises(WrongLe) as err:
        protocol.send(CommandApdu(0x00, 0xB2, 0x01, 0x2C, le=2), name="READ RECORD")
    assert err.value.exact_length == 5 and err.value.sw == 0x6C05
    assert len(card.sent) == 2  # re-sent once, not forever


@pytest.mark.clause("SSC-APDU-3", "SSC-FILE-2")
def test_chain_on_a_real_card_kind_resends_after_6cxx(card: Connection) -> None:
    """Against each card kind: READ RECORD with a wrong Le comes back whole through the chain."""
    tracer = RecordingTracer()
    protocol = CardProtocol(card, tracers=[tracer])
    protocol.send(CommandApdu(0x00, 0xA4, 0x04, 0x00, t.SSSE_AID), name="SELECT")
    data = protocol.send(CommandApdu(0x00, 0xB2, 0x01, 0x2C, le=3), name="READ RECORD")
    assert data[:2] == H("0110") and len(data) == 18
    assert [e.sw >> 8 for e in tracer.entries] == [0x90, 0x6C, 0x90]


@pytest.mark.clause("SSC-SM-2")
def test_mac_command_input_iv_and_lc() -> None:
    """The MAC covers CLA INS P1 P2 Lc(with the MAC) || data; IV = challenge || 00000000 (KAT-MAC-1)."""
    seen: list[tuple[bytes, bytes]] = []

    def mac(data: bytes, iv: bytes) -> bytes:
        seen.append((data, iv))
        return crypto.retail_mac(H("A1A2A3A4A5A6A7A8B1B2B3B4B5B6B7B8"), data, iv)

    command = mac_command(CommandApdu(0x84, 0x1E, 0x00, 0x00), H("11223344"), mac)
    assert command.encode() == H("841E000004036FDD25")
    assert seen == [(H("841E000004"), H("1122334400000000"))]
    assert mac_input(CommandApdu(0x04, 0xDC, 0x02, 0x34, H("0901AA"))) == H("04DC023407") + H("0901AA")
    with pytest.raises(ValueError, match="secure-messaging class"):
        mac_command(CommandApdu(0x80, 0x1E, 0x00, 0x00), H("11223344"), mac)


@pytest.mark.clause("SSC-SM-1", "SSC-SM-2")
def test_secure_messaging_gets_a_challenge_right_before_the_command() -> None:
    def answer(apdu: bytes) -> bytes:
        return H("11223344") + H("9000") if apdu[1] == 0x84 else H("9000")

    card = ScriptedCard(answer)
    protocol = CardProtocol(card, challenge_length=4)
    protocol.send_mac(CommandApdu(0x84, 0x1E, 0x00, 0x00),
                      lambda data, iv: crypto.retail_mac(H("A1A2A3A4A5A6A7A8B1B2B3B4B5B6B7B8"), data, iv))
    assert card.sent == [H("0084000004"), H("841E000004036FDD25")]


@pytest.mark.clause("SSC-SM-7", "SSC-SM-6")
def test_challenges_are_8_bytes_by_default_and_a_blocked_mac_key_has_its_exception() -> None:
    """8 bytes: what a 3.0-profile card requires and every card takes. 6983 to a MAC'd command: the MAC key."""
    def answer(apdu: bytes) -> bytes:
        return H("1122334455667788") + H("9000") if apdu[1] == 0x84 else H("6983")

    card = ScriptedCard(answer)
    with pytest.raises(MacKeyBlocked) as info:
        CardProtocol(card).send_mac(CommandApdu(0x84, 0x1E, 0x00, 0x00), lambda data, iv: bytes(8))
    assert info.value.sw == 0x6983
    assert card.sent[0] == H("0084000008")


# ------------------------------------------------------------------------------------ exceptions


@pytest.mark.clause("SSC-HOST-1", "SSC-APDU-7")
def test_every_status_word_of_the_spec_has_its_exception() -> None:
    missing = [sw.name for sw in t.SW if sw is not t.SW.OK and sw not in ERRORS_BY_SW]
    assert not missing
    for sw, cls in ERRORS_BY_SW.items():
        err = error_for(sw.value | (0x02 if sw in t.SW_MASKS else 0), b"\x01", command="X")
        assert isinstance(err, cls) and isinstance(err, ApduError)
        assert err.data == b"\x01" and err.status is sw
        assert f"{err.sw:04X}" in str(err)


@pytest.mark.clause("SSC-APDU-7", "SSC-PIN-2", "SSC-PIN-3", "SSC-KEY-3")
@pytest.mark.parametrize(("sw", "ins", "cls"), [
    (0x63C4, 0x20, WrongPin), (0x63C0, 0x5E, WrongPin), (0x6983, 0x20, PinBlocked),
    (0x63C9, 0x82, WrongCryptogram), (0x6983, 0x82, KeyBlocked),
    (0x63C2, None, VerificationFailed), (0x6983, None, AuthenticationBlocked),
    (0x6982, 0x20, SecurityConditionNotSatisfied), (0x6984, 0x1E, ChallengeMissing), (0x6985, 0x20,
                                                                                        ConditionsNotSatisfied),
    (0x6988, 0x1E, WrongMac), (0x9302, 0x1E, WrongMac), (0x6A81, 0xA4, ApplicationTerminated),
    (0x6A82, 0xA4, FileNotFound), (0x6A83, 0xB2, RecordNotFound), (0x6F12, 0x00, ApduError),
])
def test_exception_by_status_word_and_command(sw: int, ins: int | None, cls: type[ApduError]) -> None:
    err = error_for(sw, ins=ins, command="CMD")
    assert type(err) is cls
    assert err.sw == sw and err.sw1 == sw >> 8 and err.sw2 == sw & 0xFF and err.data == b""
    if isinstance(err, VerificationFailed):
        assert err.tries_left == sw & 0x0F


@pytest.mark.clause("SSC-HOST-1", "SSC-PIN-2")
def test_wrong_pin_message_names_the_tries() -> None:
    assert str(error_for(0x63C2, ins=0x20, command="VERIFY")) == "VERIFY: wrong PIN: 2 tries left (SW 63C2)"
    assert "1 try left" in str(error_for(0x63C1, ins=0x20))
    assert "blocked" in str(error_for(0x63C0, ins=0x20))


# ------------------------------------------------------------------------------------ masking

PIN = "123456"
NAME = "张三"
NAME_GBK = NAME.encode("gbk")


def _forbidden(text: str) -> list[str]:
    """Forms of the PIN and the name that must never appear in a trace or log."""
    needles = [PIN, NAME, NAME_GBK.hex().upper(), NAME_GBK.hex(" ").upper(), "12 34 56"]
    return [n for n in needles if n in text]


@pytest.mark.clause("SSC-HOST-2", "SSC-PIN-10", "SSC-ACC-2")
@pytest.mark.parametrize("apdu", [
    "0020000003123456",                           # VERIFY
    "805E010007123456FF654321",                   # CHANGE PIN
    "845E00000C" + "EE914DBA36EB2A0B" + "E87401BF",  # RELOAD PIN (enciphered)
    "80D4000009" + "06" + "1122334455667788",     # SET PIN
    "80D801021B" + "00" * 27,                     # PUT KEY
    "8424000214" + "00" * 20,                     # PBOC PIN reload
])
def test_secret_command_data_is_masked(apdu: str) -> None:
    text, masked = mask_command(H(apdu))
    assert masked and "masked" in text
    assert text.startswith(H(apdu)[:5].hex(" ").upper())
    assert not _forbidden(text)


@pytest.mark.clause("SSC-HOST-2", "SSC-ACC-2", "SSC-FILE-1")
def test_record_values_are_masked_except_public_items() -> None:
    ef05 = H("0110440200D1560000051122334455667788") + H("020131") + H("070949") + b"12345678"
    text, masked = mask_response(H("00B2012D00"), ef05)
    assert "44 02 00 D1 56" in text  # the card identification code is not personal
    assert "31" in text and masked and "[9 bytes masked]" in text
    name_record = H("091E") + NAME_GBK.ljust(30, b"\x00")
    text, masked = mask_response(H("00B2023400"), name_record)
    assert text == "09 1E [30 bytes masked]" and masked
    update, masked = mask_command(H("00DC023420") + name_record)
    assert update == "00 DC 02 34 20 09 1E [30 bytes masked]" and masked
    pboc = H("701C5A0A6217001234567890122F5F3401015F24033412315F2503240101")
    text, _ = mask_response(H("00B2010C00"), pboc)
    assert "62 17 00" not in text and "5F 24 03 34 12 31" in text


@pytest.mark.clause("SSC-HOST-2", "SSC-ACC-2")
def test_unparsable_record_data_is_masked_whole() -> None:
    text, masked = mask_response(H("00B2023400"), H("09FF") + NAME_GBK)
    assert text == "[6 bytes masked]" and masked


@pytest.mark.clause("SSC-HOST-2", "SSC-PIN-10", "SSC-ACC-2", "SSC-PIN-4")
def test_pin_and_name_never_reach_the_log(card: Connection, card_factory: CardFactory,
                                         caplog: pytest.LogCaptureFixture) -> None:
    """Through a whole session on each card kind: DEBUG log and recorded trace hold no PIN, no name."""
    tracer = RecordingTracer()
    with caplog.at_level(logging.DEBUG, logger=LOGGER_NAME):
        session = reading_session(card, card_factory, tracers=[tracer])
        holder = session.read_holder()
        session.verify_pin(PIN)
        session.change_pin(PIN, "654321")
        session.change_pin("654321", PIN)
        session.read_card_info()
    assert holder.name == NAME
    records = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
    assert len(records) == len(tracer) >= 6
    everything = "\n".join(records + [str(e) for e in tracer] + [repr(holder), repr(session.read_card_info())])
    assert not _forbidden(everything)
    assert holder.social_security_number not in everything
    assert "[3 bytes masked]" in everything  # the VERIFY data


# ------------------------------------------------------------------------------ third-party connections


class BrokenConnection(ScriptedCard):
    """A Connection whose transmit raises what a third-party reader library might."""

    description = "broken reader"

    def __init__(self, exc: BaseException) -> None:
        super().__init__(lambda apdu: H("9000"))
        self.exc = exc

    def transmit(self, apdu: bytes) -> bytes:
        self.sent.append(bytes(apdu))
        raise self.exc


@pytest.mark.clause("SSC-HOST-1")
@pytest.mark.parametrize("kind", ["bytearray", "memoryview", "array", "bytes-subclass"])
def test_transport_takes_any_bytes_like_answer(kind: str) -> None:
    """A Connection may answer a bytearray (or any bytes-like object): the chain works on bytes."""
    import array

    class Sub(bytes):
        pass

    def answer(apdu: bytes) -> bytes:
        raw = H("0102") + H("9000")
        wrapped = {"bytearray": bytearray(raw), "memoryview": memoryview(raw), "array": array.array("B", raw),
                   "bytes-subclass": Sub(raw)}[kind]
        return wrapped  # type: ignore[return-value]

    response = CardProtocol(ScriptedCard(answer)).transmit(CommandApdu(0x00, 0xB2, 0x01, 0x2C, le=2))
    assert response == ResponseApdu(H("0102"), 0x9000)
    assert type(response.data) is bytes


@pytest.mark.clause("SSC-HOST-1")
@pytest.mark.parametrize("answer", ["9000", None, 0x9000, [0x90, 0x00], 2, 1.5],
                         ids=["text", "none", "int", "list", "small-int", "float"])
def test_transport_refuses_an_answer_that_is_not_bytes(answer: object) -> None:
    """Not bytes-like (an int would silently become zero bytes): a CardConnectionError naming the
    connection and what it answered."""
    card = ScriptedCard(lambda apdu: answer)  # type: ignore[arg-type,return-value]
    with pytest.raises(CardConnectionError) as err:
        CardProtocol(card).send(CommandApdu(0x00, 0xB2, 0x01, 0x2C, le=2))
    assert str(err.value).startswith("scripted card: ") and type(answer).__name__ in str(err.value)


@pytest.mark.clause("SSC-HOST-1")
@pytest.mark.parametrize("exc", [
    OSError(5, "Input/output error"), ConnectionResetError("peer gone"), TimeoutError(), RuntimeError("py4j"),
    ValueError("bad apdu"), TypeError("list expected"), EOFError(),
], ids=lambda e: type(e).__name__)
def test_connection_failures_become_card_connection_errors(exc: Exception) -> None:
    """Whatever a third-party Connection's transmit raises reaches the caller as a CardConnectionError
    naming the connection, with the original as its cause."""
    card = BrokenConnection(exc)
    with pytest.raises(CardConnectionError) as err:
        CardProtocol(card).send(CommandApdu(0x00, 0xB2, 0x01, 0x2C, le=2), name="READ RECORD")
    assert str(err.value).startswith("broken reader: ") and type(exc).__name__ in str(err.value)
    assert err.value.__cause__ is exc
    with pytest.raises(CardConnectionError, match="broken reader"):  # and through a session
        SocialSecuritySession(BrokenConnection(exc)).lifecycle()


@pytest.mark.clause("SSC-HOST-1")
def test_sscard_errors_and_assertions_from_a_connection_pass_unchanged() -> None:
    """An sscard error raised by a Connection is already what callers catch; an AssertionError is a test
    harness's verdict (a twin's disagreement) and must not become a card error."""
    from sscard.errors import NoReaderError

    gone = NoReaderError("reader 'R' holds no card")
    with pytest.raises(NoReaderError) as err:
        CardProtocol(BrokenConnection(gone)).transmit(CommandApdu(0x00, 0xB2, 0x01, 0x2C, le=2))
    assert err.value is gone
    with pytest.raises(AssertionError, match="twin"):
        CardProtocol(BrokenConnection(AssertionError("twin"))).transmit(CommandApdu(0x00, 0xB2, 0x01, 0x2C))


@pytest.mark.clause("SSC-HOST-1")
def test_send_and_receive_is_wrapped_the_same_way() -> None:
    from sscard import send_and_receive

    data, sw = send_and_receive(ScriptedCard(lambda apdu: bytearray(H("AB9000"))), H("00B2012C01"))  # type: ignore[arg-type,return-value]
    assert (data, sw) == (H("AB"), 0x9000) and type(data) is bytes
    error = OSError("unplugged")
    with pytest.raises(CardConnectionError, match="broken reader: OSError: unplugged") as err:
        send_and_receive(BrokenConnection(error), H("00B2012C01"))
    assert err.value.__cause__ is error


@pytest.mark.clause("SSC-APP-3", "SSC-APP-7")
def test_chain_sees_only_application_selects(card: Connection) -> None:
    """The chain's view of the selected application follows the runtime: a SELECT other than 00 A4 04 00 with a
    full AID leaves the application selected, on the card and in the chain."""
    protocol = CardProtocol.of(card)
    aid = t.APPLICATION_AIDS["SSSE"]
    assert protocol.transport.send(CommandApdu(0x00, 0xA4, 0x04, 0x00, aid)).sw == 0x9000
    assert protocol.selected == "SSSE"
    assert protocol.transport.send(CommandApdu(0x00, 0xA4, 0x04, 0x08, aid)).sw == 0x6A86  # P2 08: forwarded
    assert protocol.selected == "SSSE"
    assert protocol.transport.send(CommandApdu(0x00, 0xA4, 0x04, 0x00, aid[:-1])).sw == 0x6A82  # part of the AID
    assert protocol.selected == "SSSE"
    assert protocol.transport.send(CommandApdu(0x00, 0xB2, 0x01, 0x2C, le=256)).sw == 0x9000  # the SSSE answers
