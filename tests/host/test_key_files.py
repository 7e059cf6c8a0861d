"""Key files: the example test keys, and malformed files refused with the field named."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from host_helpers import BANK_KEYS, BANK_KEYS_FILE, ISSUER_KEYS, ISSUER_KEYS_FILE

from apdu_spec.model import CardProfile
from sscard import KeyFileError, SoftwareBankKeys, SoftwareIssuerKeys, crypto, load_key_file
from sscard.keys import BankCardIdentity, BankKeys, CardIdentity, IssuerKeys, parse_key_file

RAW = json.loads(ISSUER_KEYS_FILE.read_text(encoding="utf-8"))
CARD = CardIdentity("440200", bytes.fromhex("1122334455667788"))


@pytest.mark.clause("SSC-PERSO-1", "SSC-KEY-1", "SSC-KEY-2")
def test_example_key_files() -> None:
    assert isinstance(ISSUER_KEYS, IssuerKeys) and isinstance(BANK_KEYS, BankKeys)
    assert ISSUER_KEYS.test_keys and BANK_KEYS.test_keys and ISSUER_KEYS.city_code == "440200"
    assert "TEST KEYS" in RAW["_comment"]
    example = CardProfile.example()
    assert RAW["transport_key"]["value"] == example.ssse.perso_key.hex().upper()
    assert json.loads(BANK_KEYS_FILE.read_text())["transport_key"]["value"] == example.pboc.perso_key.hex().upper()  # type: ignore[union-attr]


@pytest.mark.clause("SSC-KEY-1")
def test_issuer_maintenance_key_is_kat_div_3() -> None:
    """The example MAINT master is the one of vector KAT-DIV-3: the card key's check value is 4FF725."""
    assert ISSUER_KEYS.key_check_value("MAINT", CARD).hex().upper() == "4FF725"
    kat = crypto.derive_card_key(bytes.fromhex("404142434445464748494A4B4C4D4E4F"), "440200", CARD.card_unique,
                                 crypto.Algorithm.TDES)
    data = bytes.fromhex("841E000004")
    iv = bytes.fromhex("1122334400000000")
    assert ISSUER_KEYS.mac("MAINT", CARD, data, iv) == crypto.retail_mac(kat, data, iv)


@pytest.mark.clause("SSC-PERSO-3", "SSC-SM-4")
def test_put_key_data_is_the_card_key_under_the_transport_key() -> None:
    wrapped = ISSUER_KEYS.wrap_card_key("RK", CARD)
    assert len(wrapped) == 27
    key = crypto.decipher_data(bytes.fromhex(RAW["transport_key"]["value"]), wrapped[:24], crypto.Algorithm.TDES)
    assert crypto.key_check_value(key, crypto.Algorithm.TDES) == wrapped[24:]
    assert wrapped[24:] == ISSUER_KEYS.key_check_value("RK", CARD)


@pytest.mark.clause("SSC-KEY-2")
def test_bank_keys_diversify_by_pan() -> None:
    card = BankCardIdentity("6217001234567890123", "01")
    assert card.factor() == bytes.fromhex("0123456789012301")  # KAT-DIV-4's factor
    assert "6217001234567890123" not in repr(card)
    other = BankCardIdentity("6217001234567890122", "01")
    assert BANK_KEYS.key_check_value("MAINT", card) != BANK_KEYS.key_check_value("MAINT", other)


def _mutated(path: str, value: Any) -> dict[str, Any]:
    raw: dict[str, Any] = copy.deepcopy(RAW)
    *parents, last = path.split(".")
    node = raw
    for p in parents:
        node = node[p]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return raw


@pytest.mark.clause("SSC-HOST-4", "SSC-KEY-1", "SSC-PERSO-1")
@pytest.mark.parametrize(("path", "value", "message"), [
    ("format", "v2", "format: must be 'sscard-keys/1'"),
    ("application", "XX", "application: must be one of SSSE, PBOC"),
    ("algorithm", "AES", "algorithm: must be one of 3DES, SM4"),
    ("city_code", "4402", "city_code: 6 digits expected"),
    ("city_code", KeyError, "city_code: 6 digits expected"),
    ("transport_key", KeyError, "transport_key: missing"),
    ("transport_key.value", "5051", "transport_key.value: 2 bytes, a key has 16"),
    ("master_keys.RK.value", "XYZ", "master_keys.RK.value: not hexadecimal"),
    ("master_keys.RK.value", "2021222324252627282930", "master_keys.RK.value: 11 bytes, a key has 16"),
    ("master_keys.IK.value", "00112233445566770011223344556677", "master_keys.IK.value: K1 = K2"),
    ("master_keys.MAINT.kcv", "000000", "master_keys.MAINT.kcv: does not match the key"),
    ("master_keys.UNBLOCK.version", 256, "master_keys.UNBLOCK.version: a key version is 0-255"),
    ("master_keys.RELOAD", KeyError, "master_keys.RELOAD: missing"),
    ("master_keys.ENC", {"value": "00" * 16}, "master_keys.ENC: not a SSSE key role"),
    ("master_keys.RK.colour", "blue", "master_keys.RK.colour: unknown field"),
    ("test_keys", "yes", "test_keys: true or false expected"),
    ("secret", 1, "secret: unknown field"),
])
def test_malformed_key_file_names_the_field(tmp_path: Path, path: str, value: Any, message: str) -> None:
    file = tmp_path / "keys.json"
    file.write_text(json.dumps(_mutated(path, value)), encoding="utf-8")
    with pytest.raises(KeyFileError) as err:
        load_key_file(file)
    assert str(err.value).startswith(f"keys.json: {message}"), str(err.value)


@pytest.mark.clause("SSC-HOST-4", "SSC-KEY-2")
def test_wrong_kind_of_key_file(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="application: this is a bank"):
        SoftwareIssuerKeys.load(BANK_KEYS_FILE)
    with pytest.raises(KeyFileError, match="application: this is a social security"):
        SoftwareBankKeys.load(ISSUER_KEYS_FILE)
    bank = json.loads(BANK_KEYS_FILE.read_text())
    bank["city_code"] = "440200"
    with pytest.raises(KeyFileError, match="city_code: bank keys are diversified by PAN"):
        parse_key_file(bank, "bank.json")
    (tmp_path / "x.json").write_text("[1, 2")
    with pytest.raises(KeyFileError, match=r"x.json: \(file\): not JSON"):
        load_key_file(tmp_path / "x.json")
    with pytest.raises(KeyFileError, match="no such file"):
        load_key_file(tmp_path / "none.json")


@pytest.mark.clause("SSC-HOST-4", "SSC-KEY-1")
def test_keys_never_show_in_repr() -> None:
    text = repr(ISSUER_KEYS) + repr(BANK_KEYS)
    for entry in [*list(RAW["master_keys"].values()), RAW["transport_key"]]:
        assert entry["value"] not in text
