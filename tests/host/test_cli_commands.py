"""The card commands of the ``sscard`` CLI, called as ``sscard.cli.main([...])`` with the test's card lent
through the one seam the CLI opens cards with (``sscard.cli._card.open_connection``): exit codes, one-line
errors, --json shapes (docs/cli.md), PINs only through stdin."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from cards import CardFactory
from host_helpers import (
    BANK_KEYS_FILE,
    HOLDER_FILE,
    INITIAL_PIN,
    ISSUER_KEYS,
    ISSUER_KEYS_FILE,
    ISSUER_KEYS_SM4_FILE,
    personalised_card,
)
from test_malformed_files import PATHS, SHAPES, Literal, dumps, replaced
from wrapped_connection import WrappedConnection

from sscard import Connection, KeyBlocked, Lifecycle, SocialSecuritySession
from sscard.apdu import CommandApdu
from sscard.cli import _card, main

KEYS = str(ISSUER_KEYS_FILE)
BANK = str(BANK_KEYS_FILE)


class Lent(WrappedConnection):
    """The test's card lent to one CLI call: the CLI closing it leaves it open for the test."""

    def close(self) -> None:
        pass


class Cli:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        self.readers: list[str | None] = []

    def insert(self, connection: Connection | None) -> None:
        def open_connection(reader: str | None) -> Any:
            self.readers.append(reader)
            if connection is None:
                raise AssertionError("the CLI opened the card although it should have stopped before")
            return Lent(connection)

        self.monkeypatch.setattr(_card, "open_connection", open_connection)

    def __call__(self, *argv: str, stdin: str = "") -> tuple[int, str, str]:
        self.monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(argv))
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *argv: str, stdin: str = "") -> Any:
        code, out, err = self(*argv, "--json", stdin=stdin)
        assert code == 0, err
        return json.loads(out)

    def error(self, *argv: str, stdin: str = "") -> str:
        code, out, err = self(*argv, stdin=stdin)
        assert code != 0 and out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("sscard: error: "), err
        assert "Traceback" not in err
        return lines[0].removeprefix("sscard: error: ")


def read_keys(card_factory: CardFactory) -> list[str]:
    """What `sscard info` needs to show all of the card: a 3.0 card's card number and EF06 open to the read key
    RK only (SSC-ACC-2), so the issuer keys; a 2.0 card's to anyone."""
    return ["--keys", KEYS] if card_factory.sm4 else []


def readable_card(card_factory: CardFactory) -> Connection:
    """An ACTIVE card of the kind whose holder data `sscard info` can show: the example card; on an SM4 kind one
    personalised with the example SM4 key file, the keys `--keys` can name (the example card's are not in a
    key file)."""
    return personalised_card(card_factory) if card_factory.sm4 else card_factory()


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(monkeypatch, capsys)


@pytest.mark.clause("SSC-PERSO-2", "SSC-LC-3", "SSC-LC-4", "SSC-ACC-2")
def test_personalise_info_activate(card_factory: CardFactory, cli: Cli) -> None:
    cli.insert(card_factory(state="PERSONALISATION"))
    report = cli.json("personalise", "--holder", str(HOLDER_FILE), "--keys", KEYS, "--reader", "R1")
    assert cli.readers == ["R1"]
    assert report["card_id"] == "440200D1560000051122334455667788" and report["test_keys"] is True
    assert report["applications"] == {"social": "ISSUED", "finance": None}
    assert "EF06" in report["checked"]
    info = cli.json("info", *read_keys(card_factory))
    assert info["applications"]["social"] == {"present": True, "aid": "7378312E73682EC9E7BBE1B1A3D5CF",
                                              "lifecycle": "ISSUED", "pin": None}
    assert info["applications"]["finance"]["lifecycle"] == "PERSONALISATION"
    assert info["holder"]["name"] == "张三" and info["card"]["card_number"] == "K12345678"
    assert cli.json("app", "activate", "--keys", KEYS) == {"app": "social", "action": "app activate",
                                                           "lifecycle": "ACTIVE"}
    status = cli.json("pin", "status")
    assert status == {"app": "social", "lifecycle": "ACTIVE", "tries_left": 6, "limit": None, "verified": False,
                      "blocked": False}


@pytest.mark.clause("SSC-PERSO-2", "SSC-SM-5")
def test_personalise_with_bank_keys(card_factory: CardFactory, cli: Cli) -> None:
    cli.insert(card_factory(state="PERSONALISATION"))
    report = cli.json("personalise", "--holder", str(HOLDER_FILE), "--keys", KEYS, "--bank-keys", BANK)
    assert report["applications"] == {"social": "ISSUED", "finance": "ISSUED"}
    assert cli.json("app", "activate", "--app", "finance", "--keys", BANK)["lifecycle"] == "ACTIVE"
    assert cli.json("pin", "status", "--app", "finance")["tries_left"] == 3


@pytest.mark.clause("SSC-FILE-2", "SSC-PIN-5")
def test_info(card_factory: CardFactory, cli: Cli) -> None:
    card = readable_card(card_factory)
    cli.insert(card)
    info = cli.json("info", *read_keys(card_factory))
    assert set(info) == {"reader", "atr", "card", "holder", "restricted", "applications"}
    assert info["atr"] == card.atr.hex().upper() and info["reader"] == card.description
    assert set(info["card"]) == {"card_id", "area_code", "card_unique", "card_type", "spec_version", "issuer_org",
                                 "issue_date", "expiry_date", "card_number"}
    assert set(info["holder"]) == {"social_security_number", "name", "name_extension", "sex", "ethnicity",
                                   "birthplace", "birth_date"}
    assert info["card"]["issue_date"] == "2024-01-01" and info["holder"]["birth_date"] == "1990-01-01"
    assert info["applications"]["social"]["pin"] == {"tries_left": 6, "limit": None, "verified": False,
                                                     "blocked": False}
    assert info["applications"]["finance"]["pin"]["tries_left"] == 3
    assert info["restricted"] == []
    code, out, err = cli("info", *read_keys(card_factory))
    assert code == 0 and err == ""
    assert "张三" in out and "social     ACTIVE, PIN 6 tries left" in out


@pytest.mark.clause("SSC-PIN-2", "SSC-PIN-4", "SSC-PIN-7", "SSC-PIN-10")
def test_pin_verify_and_change_through_stdin(card: Connection, cli: Cli) -> None:
    cli.insert(card)
    assert cli.error("pin", "verify", stdin="111111\n") == "VERIFY: wrong PIN: 5 tries left (SW 63C5)"
    code, out, err = cli("pin", "verify", stdin="123456\n")
    assert code == 0 and "PIN correct" in out and "123456" not in out + err
    assert cli.json("pin", "verify", stdin="123456\n") == {
        "app": "social", "action": "verify", "lifecycle": "ACTIVE",
        "pin": {"tries_left": None, "limit": None, "verified": True, "blocked": False}}
    assert cli.json("pin", "change", stdin="123456\n654321\n")["pin"]["verified"] is True
    assert cli.error("pin", "verify", stdin="123456\n").startswith("VERIFY: wrong PIN")
    assert cli("pin", "verify", stdin="654321\n")[0] == 0
    assert cli.error("pin", "verify", stdin="12a\n").startswith("social security PIN: PIN must contain only")
    assert cli.error("pin", "verify") == "social PIN: no PIN on stdin (one PIN per line)"
    with pytest.raises(SystemExit) as usage:
        main(["pin", "verify", "--pin", "123456"])  # PINs never on the command line
    assert usage.value.code == 2


@pytest.mark.clause("SSC-PIN-3", "SSC-PIN-8", "SSC-PIN-9")
def test_pin_unblock_and_reset(active_card: Connection, cli: Cli) -> None:
    cli.insert(active_card)
    for _ in range(6):
        cli("pin", "verify", stdin="000000\n")
    assert cli.json("pin", "status")["blocked"] is True
    assert cli.error("pin", "verify", stdin=f"{INITIAL_PIN}\n").startswith("VERIFY: the PIN is blocked")
    with pytest.raises(SystemExit) as usage:
        main(["pin", "unblock"])  # --keys is required
    assert usage.value.code == 2
    unblocked = cli.json("pin", "unblock", "--keys", KEYS)
    assert unblocked["pin"]["tries_left"] == 6 and unblocked["action"] == "unblock"
    assert cli("pin", "verify", stdin=f"{INITIAL_PIN}\n")[0] == 0
    assert cli.json("pin", "reset", "--keys", KEYS, stdin="24680\n")["pin"]["tries_left"] == 6
    assert cli("pin", "verify", stdin="24680\n")[0] == 0


@pytest.mark.clause("SSC-LC-5", "SSC-LC-6", "SSC-LC-7", "SSC-PIN-12")
def test_app_block_unblock_and_card_block(active_card: Connection, cli: Cli) -> None:
    cli.insert(active_card)
    assert cli.json("app", "block", "--keys", KEYS)["lifecycle"] == "BLOCKED"
    assert cli.error("pin", "verify", stdin=f"{INITIAL_PIN}\n").startswith("VERIFY: ")
    assert cli.json("app", "unblock", "--keys", KEYS)["lifecycle"] == "ACTIVE"
    assert cli.error("card", "block", "--keys", KEYS) == "card block cannot be undone: confirm with --yes"
    assert SocialSecuritySession(active_card).lifecycle(refresh=True) is Lifecycle.ACTIVE
    assert cli.json("card", "block", "--keys", KEYS, "--yes") == {"app": "social", "action": "card block",
                                                                  "lifecycle": "TERMINATED"}
    info = cli.json("info")
    assert info["applications"]["social"]["lifecycle"] == "TERMINATED" and info["card"] is None
    assert info["applications"]["finance"]["lifecycle"] == "TERMINATED"
    assert "terminated" in cli.error("app", "unblock", "--keys", KEYS)


@pytest.mark.clause("SSC-PIN-1", "SSC-KEY-2", "SSC-SM-5")
def test_finance_app(active_card: Connection, cli: Cli) -> None:
    cli.insert(active_card)
    assert cli.json("pin", "status", "--app", "finance")["tries_left"] == 3
    assert cli("pin", "verify", "--app", "finance", stdin="1234\n")[0] == 0
    assert "changed at the bank" in cli.error("pin", "change", "--app", "finance")
    assert "this is a social security (SSSE) key file" in cli.error("pin", "reset", "--app", "finance",
                                                                    "--keys", KEYS, stdin="4321\n")
    assert cli.json("pin", "reset", "--app", "finance", "--keys", BANK, stdin="4321\n")["app"] == "finance"
    assert cli("pin", "verify", "--app", "finance", stdin="4321\n")[0] == 0
    assert cli.json("pin", "status")["tries_left"] == 6  # the social PIN untouched


@pytest.mark.clause("SSC-FILE-1", "SSC-KEY-1")
def test_bad_files_fail_before_the_card_is_touched(tmp_path: Path, cli: Cli) -> None:
    cli.insert(None)
    holder = json.loads(HOLDER_FILE.read_text(encoding="utf-8"))
    holder["holder"]["name"] = "张" * 15 + "A"
    bad_holder = tmp_path / "holder.json"
    bad_holder.write_text(json.dumps(holder, ensure_ascii=False), encoding="utf-8")
    assert cli.error("personalise", "--holder", str(bad_holder), "--keys", KEYS) == \
        "holder.json: holder.name: 31 bytes in GBK, at most 30"
    holder = json.loads(HOLDER_FILE.read_text(encoding="utf-8"))
    holder["holder"]["birth_date"] = "2023-02-30"
    bad_holder.write_text(json.dumps(holder, ensure_ascii=False), encoding="utf-8")
    assert cli.error("personalise", "--holder", str(bad_holder), "--keys", KEYS) == \
        "holder.json: holder.birth_date: not a real date (YYYY-MM-DD)"
    keys = json.loads(ISSUER_KEYS_FILE.read_text(encoding="utf-8"))
    keys["master_keys"]["MAINT"]["value"] = "00"
    bad_keys = tmp_path / "keys.json"
    bad_keys.write_text(json.dumps(keys), encoding="utf-8")
    assert cli.error("personalise", "--holder", str(HOLDER_FILE), "--keys", str(bad_keys)) == \
        "keys.json: master_keys.MAINT.value: 1 bytes, a key has 16"
    assert cli.error("app", "activate", "--keys", str(bad_keys)).startswith("keys.json: master_keys.MAINT")
    assert cli.error("pin", "reset", "--keys", str(bad_keys), stdin="24680\n").startswith("keys.json: ")
    assert cli.error("card", "block", "--keys", str(bad_keys), "--yes").startswith("keys.json: ")
    assert cli.readers == []


@pytest.mark.clause("SSC-LC-3")
def test_personalise_refuses_a_personalised_card(card: Connection, cli: Cli) -> None:
    cli.insert(card)
    message = cli.error("personalise", "--holder", str(HOLDER_FILE), "--keys", KEYS)
    assert message == ("the social security application is ACTIVE, not PERSONALISATION: this card has been "
                       "personalised already")


@pytest.mark.clause("SSC-KEY-4")
def test_keys_of_another_card_fail_with_one_line(card: Connection, cli: Cli) -> None:
    """The example profile card does not hold keys derived from the example masters: refused, one line."""
    cli.insert(card)
    assert cli.error("app", "block", "--keys", KEYS) == \
        "APPLICATION BLOCK: Secure messaging data object incorrect (wrong MAC) (SW 6988)"
    assert ISSUER_KEYS.city_code == "440200"


@pytest.mark.clause("SSC-APP-2")
def test_no_card_is_one_line(monkeypatch: pytest.MonkeyPatch, cli: Cli) -> None:
    from sscard.errors import NoReaderError

    def no_reader(reader: str | None) -> Any:
        raise NoReaderError("no reader holds a card (readers: none)")

    monkeypatch.setattr(_card, "open_connection", no_reader)
    assert cli.error("info") == "no reader holds a card (readers: none)"


@pytest.mark.clause("SSC-ACC-2", "SSC-ACC-1")
def test_info_on_a_profile_3_card(card_factory: CardFactory, cli: Cli) -> None:
    import dataclasses

    from host_helpers import HOLDER

    data = dataclasses.replace(HOLDER, card=dataclasses.replace(HOLDER.card, spec_version="3.00"),
                               social=dataclasses.replace(HOLDER.social, access_profile="3.0"))
    cli.insert(personalised_card(card_factory, "ACTIVE", data=data, finance=False))
    info = cli.json("info")
    assert info["restricted"] == ["card_number", "holder"] and info["holder"] is None
    assert info["card"]["card_number"] is None and info["card"]["spec_version"] == "3.00"
    code, out, _ = cli("info")
    assert code == 0 and "(restricted)" in out and "give --keys" in out
    info = cli.json("info", "--keys", str(ISSUER_KEYS_SM4_FILE))  # a 3.0 card is an SM4 card (SSC-KEY-5)
    assert info["restricted"] == [] and info["holder"]["name"] == "张三"


# ------------------------------------------------------------------------------ malformed files (issue #13)

CLI_SHAPES = ("list", "object-with-value", "big-int", "surrogate-text", "huge-int", "deep-array")
PERSONALISE_FILES = {"holder": "--holder", "issuer-keys": "--keys", "bank-keys": "--bank-keys"}


def _personalise_args(kind: str, bad: Path) -> list[str]:
    files = {"--holder": str(HOLDER_FILE), "--keys": KEYS, "--bank-keys": BANK, PERSONALISE_FILES[kind]: str(bad)}
    return ["personalise", *(arg for option, path in files.items() for arg in (option, path))]


@pytest.mark.clause("SSC-HOST-3", "SSC-HOST-4", "SSC-FILE-1")
@pytest.mark.parametrize(("kind", "path", "shape"), [
    pytest.param(kind, path, shape, id=f"{kind}:{path}:{shape}")
    for kind in PERSONALISE_FILES for path in PATHS[kind] for shape in CLI_SHAPES])
def test_malformed_file_is_one_line_naming_file_and_field(tmp_path: Path, cli: Cli, kind: str, path: str,
                                                          shape: str) -> None:
    """``sscard personalise`` with one value of one file replaced: ``sscard: error: <file>: <field>: …``
    (a file error naming the file when the file cannot be read at all), before any card is opened —
    never "unexpected"."""
    cli.insert(None)
    value = SHAPES[shape]
    bad = tmp_path / f"bad-{kind}.json"
    bad.write_text(dumps(replaced(kind, path, value)), encoding="utf-8")
    message = cli.error(*_personalise_args(kind, bad))
    assert "unexpected" not in message and "please report" not in message, message
    if isinstance(value, Literal):
        assert "(file)" in message and str(bad) in message, message
    else:
        assert message.startswith(f"{bad.name}: {path}"), message
    assert cli.readers == []


@pytest.mark.clause("SSC-HOST-1")
@pytest.mark.parametrize("exc", [OSError(19, "No such device"), RuntimeError("gateway closed")],
                         ids=["OSError", "RuntimeError"])
def test_a_failing_connection_is_one_line(cli: Cli, exc: Exception) -> None:
    """A third-party Connection whose transmit raises: one line naming the connection, not "unexpected"."""

    class Unplugged(Lent):
        description = "PC/SC reader 'Unplugged 00'"

        def transmit(self, apdu: bytes) -> bytes:
            raise exc

    cli.monkeypatch.setattr(_card, "open_connection", lambda reader: Unplugged(None))  # type: ignore[arg-type]
    message = cli.error("info")
    assert message.startswith("PC/SC reader 'Unplugged 00': ") and type(exc).__name__ in message, message


@pytest.mark.clause("SSC-HOST-1", "SSC-FILE-2")
def test_a_connection_answering_bytearrays_works(card_factory: CardFactory, cli: Cli) -> None:
    class Bytearrays(Lent):
        def transmit(self, apdu: bytes) -> bytes:
            return bytearray(self.inner.transmit(apdu))  # type: ignore[return-value]

    card = readable_card(card_factory)
    cli.monkeypatch.setattr(_card, "open_connection", lambda reader: Bytearrays(card))
    assert cli.json("info", *read_keys(card_factory))["holder"]["name"] == "张三"


@pytest.mark.clause("SSC-KEY-6", "SSC-KEY-3")
def test_app_reset_key_brings_back_a_locked_read_key(active_card: Connection, cli: Cli) -> None:
    session = SocialSecuritySession(active_card, keys=ISSUER_KEYS)
    session.select()
    protocol = session.protocol
    block = ISSUER_KEYS.algorithm.block_size  # 8 bytes (3DES) or 16 (SM4, SSC-KEY-5)
    for _ in range(10):  # garbage cryptograms: no secret needed to lock RK
        protocol.get_challenge(block)
        assert protocol.transmit(CommandApdu(0x00, 0x82, 0x00, 0x02, bytes(block))).sw & 0xFFF0 in (0x63C0, 0x6980)
    with pytest.raises(KeyBlocked):
        session.external_authenticate("RK")
    cli.insert(active_card)
    assert cli.json("app", "reset-key", "RK", "--keys", KEYS) == {"app": "social", "action": "app reset-key RK",
                                                                   "lifecycle": "ACTIVE"}
    SocialSecuritySession(active_card, keys=ISSUER_KEYS).external_authenticate("RK")
    with pytest.raises(SystemExit) as usage:  # IK has no counter to reset: argparse's usage error
        cli("app", "reset-key", "IK", "--keys", KEYS)
    assert usage.value.code == 2


@pytest.mark.clause("SSC-KEY-5")
def test_virtual_card_of_an_unknown_algorithm_is_refused_before_it_starts(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`sscard sim start` makes a 3DES or (--sm4) an SM4 card; any other algorithm is named, nothing started."""
    from sscard import virtual_card

    monkeypatch.setenv("SSCARD_SIM_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="algorithm 'AES-128' is not one of 3DES-16, SM4"):
        virtual_card.start(algorithm="AES-128")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------ sscard apdu (testers)


@pytest.mark.clause("SSC-APDU-1", "SSC-APP-1")
def test_apdu_sends_raw_commands_and_names_each_status_word(card: Connection, cli: Cli) -> None:
    cli.insert(card)
    result = cli.json("apdu", "--select", "ssse", "00B2 012C 00", "00 84 00 00 08", "80FF000000")  # EF05 rec 1
    assert result["atr"] == card.atr.hex().upper()
    select, record, challenge, unknown = result["exchanges"]
    assert select["command"].startswith("00A40400") and select["sw"] == "9000"
    assert record["command"] == "00B2012C00" and record["sw"] == "9000" and record["data"]
    assert challenge["sw"] == "9000" and len(challenge["data"]) == 16
    assert unknown["sw"] == "6D00" and unknown["meaning"] == "Instruction code not supported"
    code, out, _ = cli("apdu", "00A4040005A000000333")
    assert code == 0 and out.splitlines()[1] == "> 00A4040005A000000333"
    assert out.splitlines()[2] == "< 6A82  (File or application not found)"


def test_apdu_refuses_what_is_not_an_apdu_before_the_card(cli: Cli) -> None:
    cli.insert(None)
    assert cli.error("apdu", "00A4", "zz") == "APDU '00A4': 2 bytes; a command APDU has at least CLA INS P1 P2"
    assert cli.error("apdu", "00A40400", "0g") == "APDU '0g': not hexadecimal bytes"
    assert cli.error("apdu", "--select", "A000", "00A40400") == \
        "--select 'A000': an AID has 5 to 16 bytes, not 2"
    assert cli.readers == []
