"""Malformed holder and key files (issue #13): every field of the example files given a value of the wrong
shape, and whole files that cannot be read, fail with a :class:`HolderDataError` / :class:`KeyFileError`
naming the file and the field — through the file loaders and the parsers alike — and never with a stray
TypeError, ValueError or RecursionError. A generated test replaces any one value with random JSON."""

from __future__ import annotations

import copy
import json
import math
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from host_helpers import BANK_KEYS_FILE, HOLDER_FILE, ISSUER_KEYS_FILE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sscard import (
    HolderDataError,
    KeyFileError,
    SoftwareBankKeys,
    SoftwareIssuerKeys,
    load_key_file,
    load_personalisation_file,
)
from sscard.errors import FieldError
from sscard.holder import parse_personalisation_data, validate_holder_item
from sscard.keys import parse_key_file

# ------------------------------------------------------------------------------------------- shapes


class Literal:
    """JSON text written as it is (``json.dumps`` cannot write these: they are what breaks the reader)."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.marker = f"@@{name}@@"

    def __repr__(self) -> str:
        return self.name


HUGE = Literal("huge-int", "1" * (sys.get_int_max_str_digits() + 1))  # int("…") refuses it: ValueError
NEGATIVE_HUGE = Literal("negative-huge-int", "-" + "9" * 5000)
DEEP_ARRAY = Literal("deep-array", "[" * 100_000 + "]" * 100_000)  # RecursionError in the json module
DEEP_OBJECT = Literal("deep-object", '{"a":' * 100_000 + "1" + "}" * 100_000)
WHOLE_FILE_FAULTS = (HUGE, NEGATIVE_HUGE, DEEP_ARRAY, DEEP_OBJECT)

SHAPES: dict[str, Any] = {
    "list": ["1"],
    "empty-list": [],
    "list-of-objects": [{"value": "1"}],
    "object": {},
    "object-with-value": {"value": "1"},
    "int": 1,
    "zero": 0,
    "big-int": 10 ** 4000,  # readable: under the digit limit
    "float": 1.5,
    "nan": math.nan,
    "infinity": math.inf,
    "true": True,
    "false": False,
    "null": None,
    "empty-text": "",
    "newline-text": "12\n34",
    "surrogate-text": "\ud800",
    "long-text": "9" * 5000,
    "nested": [[[[{"a": [1]}]]]],
    **{shape.name: shape for shape in WHOLE_FILE_FAULTS},
}


def dumps(obj: Any) -> str:
    """JSON text of ``obj``, :class:`Literal` values written as they are."""
    literals: list[Literal] = []

    def mark(node: Any) -> Any:
        if isinstance(node, Literal):
            literals.append(node)
            return node.marker
        if isinstance(node, dict):
            return {k: mark(v) for k, v in node.items()}
        if isinstance(node, list):
            return [mark(v) for v in node]
        return node

    text = json.dumps(mark(obj))  # ASCII: a lone surrogate is written as \ud800
    for literal in literals:
        text = text.replace(json.dumps(literal.marker), literal.text)
    return text


# ------------------------------------------------------------------------------------------- files

EXAMPLES = {"holder": HOLDER_FILE, "issuer-keys": ISSUER_KEYS_FILE, "bank-keys": BANK_KEYS_FILE}
RAW = {kind: json.loads(path.read_text(encoding="utf-8")) for kind, path in EXAMPLES.items()}


def value_paths(node: Any, prefix: str = "") -> Iterator[str]:
    """Every value of a file by its dotted path (sections and objects too), comments left out."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.startswith("_"):
                continue
            path = f"{prefix}{key}"
            yield path
            yield from value_paths(value, f"{path}.")


PATHS = {kind: list(value_paths(raw)) for kind, raw in RAW.items()}
KNOWN_FIELDS = {path for paths in PATHS.values() for path in paths}


def replaced(kind: str, path: str, value: Any) -> dict[str, Any]:
    raw: dict[str, Any] = copy.deepcopy(RAW[kind])
    *parents, last = path.split(".")
    node = raw
    for key in parents:
        node = node[key]
    node[last] = value
    return raw


def load(kind: str, path: Path) -> object:
    """The file through its public loader (the class loaders go through :func:`load_key_file`)."""
    if kind == "holder":
        return load_personalisation_file(path)
    cls = SoftwareIssuerKeys if kind == "issuer-keys" else SoftwareBankKeys
    try:
        load_key_file(path)
    except KeyFileError as plain:  # the class loader says the same
        with pytest.raises(KeyFileError) as err:
            cls.load(path)
        assert str(err.value) == str(plain)
        raise
    return cls.load(path)


def parse(kind: str, obj: Any, source: str) -> object:
    if kind == "holder":
        return parse_personalisation_data(obj, source=source)
    return parse_key_file(obj, source)


ERROR = {"holder": HolderDataError, "issuer-keys": KeyFileError, "bank-keys": KeyFileError}
PERSONAL = ("holder.", "finance.", "social.initial_pin", "card.card_number", "sub_applications.")


def check_field_error(err: FieldError, kind: str, file_name: str, path: str, value: Any) -> None:
    """The error names the file and the field that was replaced (or a field inside it), in one line, and
    echoes no personal data."""
    message = str(err)
    assert isinstance(err, ERROR[kind]), repr(err)
    assert err.source == file_name and message.startswith(f"{file_name}: {err.field}: "), message
    assert err.field == path or err.field.startswith(f"{path}."), message
    assert "\n" not in message and "\r" not in message, message
    assert len(message) < 300, message
    if path.startswith(PERSONAL) and isinstance(value, str) and len(value) > 3:
        assert value not in message, message


CASES = [pytest.param(kind, path, shape, id=f"{kind}:{path}:{shape}")
         for kind, paths in PATHS.items() for path in paths for shape in SHAPES]


@pytest.mark.clause("SSC-HOST-3", "SSC-HOST-4", "SSC-FILE-1")
@pytest.mark.parametrize(("kind", "path", "shape"), CASES)
def test_any_field_of_any_shape_is_refused_naming_file_and_field(tmp_path: Path, kind: str, path: str,
                                                                 shape: str) -> None:
    value = SHAPES[shape]
    file = tmp_path / EXAMPLES[kind].name
    file.write_text(dumps(replaced(kind, path, value)), encoding="utf-8")
    if isinstance(value, Literal):  # the file cannot be read at all: a file error naming the file
        with pytest.raises(ERROR[kind]) as file_err:
            load(kind, file)
        assert file_err.value.field == "(file)" and str(file) in str(file_err.value), str(file_err.value)
        assert "\n" not in str(file_err.value)
        return
    try:
        load(kind, file)
    except FieldError as err:
        check_field_error(err, kind, file.name, path, value)
        # the parser says the same of the same object
        with pytest.raises(ERROR[kind]) as parsed:
            parse(kind, json.loads(file.read_text(encoding="utf-8")), file.name)
        assert str(parsed.value) == str(err)
    else:
        parse(kind, json.loads(file.read_text(encoding="utf-8")), file.name)


# The shapes of the issue's report, pinned with their messages.
@pytest.mark.clause("SSC-HOST-3", "SSC-HOST-4")
@pytest.mark.parametrize(("kind", "path", "value", "message"), [
    ("holder", "holder.sex", ["1"], "holder.json: holder.sex: not 1 (male) or 2 (female)"),
    ("holder", "holder.ethnicity", {}, "holder.json: holder.ethnicity: not a GB 3304 code (01-56, 97, 98)"),
    ("holder", "social.access_profile", [], "holder.json: social.access_profile: list is not one of 2.0, 3.0"),
    ("holder", "card.card_type", {}, "holder.json: card.card_type: dict is not 1 (regular) or 2 (temporary)"),
    ("holder", "card.spec_version", ["2.00"], "holder.json: card.spec_version: list is not 2.00 or 3.00"),
    ("holder", "card.card_number", "K1234567٨", "holder.json: card.card_number: 9 characters (digits, capital"),
    ("holder", "sub_applications", [], "holder.json: sub_applications: an object expected"),
    ("holder", "sub_applications.DF01_EF05", "x", "holder.json: sub_applications.DF01_EF05: an object of tag"),
    ("issuer-keys", "application", ["SSSE"], "issuer-keys.json: application: must be one of SSSE, PBOC"),
    ("issuer-keys", "algorithm", {}, "issuer-keys.json: algorithm: must be one of 3DES, SM4"),
    ("issuer-keys", "format", ["sscard-keys/1"], "issuer-keys.json: format: must be 'sscard-keys/1'"),
    ("issuer-keys", "master_keys.RK.kcv", "DF928É", "issuer-keys.json: master_keys.RK.kcv: does not match"),
    ("issuer-keys", "master_keys.RK.value", "２０" * 16, "issuer-keys.json: master_keys.RK.value: not hexadecimal"),
    ("bank-keys", "application", {"PBOC": 1}, "bank-keys.json: application: must be one of SSSE, PBOC"),
    ("bank-keys", "algorithm", [], "bank-keys.json: algorithm: must be one of 3DES, SM4"),
])
def test_reported_shapes(tmp_path: Path, kind: str, path: str, value: Any, message: str) -> None:
    file = tmp_path / EXAMPLES[kind].name
    file.write_text(dumps(replaced(kind, path, value)), encoding="utf-8")
    with pytest.raises(ERROR[kind]) as err:
        load(kind, file)
    assert str(err.value).startswith(message), str(err.value)
    assert err.value.field == path and err.value.source == file.name


# ------------------------------------------------------------------------------------------- whole files

WHOLE_FILES: dict[str, tuple[bytes, str]] = {
    "deep-array": (("[" * 100_000 + "]" * 100_000).encode(), "nested too deeply"),
    "deep-object": (('{"a":' * 100_000 + "1" + "}" * 100_000).encode(), "nested too deeply"),
    "deep-in-a-field": (b'{"card": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "nested too deeply"),
    "huge-int": (HUGE.text.encode(), "digits"),
    "huge-int-in-a-field": (b'{"format": ' + HUGE.text.encode() + b"}", "digits"),
    "not-json": (b"{card: 1}", "not JSON"),
    "truncated": (b'{"card": {', "not JSON"),
    "empty": (b"", "not JSON"),
    "not-utf-8": ('{"a": "张三"}'.encode("gbk"), "UTF-8"),
    "utf-16": ('{"a": 1}'.encode("utf-16"), "UTF-8"),
    "bom": (b"\xef\xbb\xbf{}", "not JSON"),
    "nul": (b"\x00", "not JSON"),
    "array": (b"[]", "a JSON object expected"),
    "string": (b'"sscard-keys/1"', "a JSON object expected"),
    "number": (b"1", "a JSON object expected"),
    "null": (b"null", "a JSON object expected"),
    "true": (b"true", "a JSON object expected"),
}


@pytest.mark.clause("SSC-HOST-3", "SSC-HOST-4")
@pytest.mark.parametrize("kind", list(EXAMPLES))
@pytest.mark.parametrize("fault", list(WHOLE_FILES))
def test_unreadable_files_are_a_file_error_naming_the_file(tmp_path: Path, kind: str, fault: str) -> None:
    content, problem = WHOLE_FILES[fault]
    file = tmp_path / EXAMPLES[kind].name
    file.write_bytes(content)
    with pytest.raises(ERROR[kind]) as err:
        load(kind, file)
    message = str(err.value)
    assert err.value.field == "(file)" and file.name in message and problem in message, message
    assert "\n" not in message and len(message) < 300 + len(str(file)), message


@pytest.mark.clause("SSC-HOST-3", "SSC-HOST-4")
@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_missing_file_and_directory(tmp_path: Path, kind: str) -> None:
    with pytest.raises(ERROR[kind], match="no such file") as err:
        load(kind, tmp_path / "none.json")
    assert err.value.field == "(file)" and str(tmp_path / "none.json") in str(err.value)
    with pytest.raises(ERROR[kind]) as err:
        load(kind, tmp_path)
    assert err.value.field == "(file)" and str(tmp_path) in str(err.value)


# ------------------------------------------------------------------------------------------- the parsers


@pytest.mark.clause("SSC-HOST-3", "SSC-HOST-4")
@pytest.mark.parametrize("kind", list(EXAMPLES))
@pytest.mark.parametrize("obj", [[], "x", 1, None, 10 ** 5000, {1: "a"}, {("t",): 1}],
                         ids=["list", "text", "int", "null", "huge-int", "int-key", "tuple-key"])
def test_parsers_take_any_python_object(kind: str, obj: Any) -> None:
    """What the parsers get need not come from JSON: any object is refused with a field error, never a
    TypeError (non-text keys) or a ValueError (an int too long to print)."""
    with pytest.raises(ERROR[kind]) as err:
        parse(kind, obj, "given")
    assert str(err.value).startswith("given: ") and "\n" not in str(err.value)


@pytest.mark.clause("SSC-HOST-3", "SSC-HOST-4")
@pytest.mark.parametrize("kind", list(EXAMPLES))
@pytest.mark.parametrize("name", ["a\nb", "\ud800", "x" * 500, "\x1b[31mred"])
def test_unknown_field_names_are_shown_safely(kind: str, name: str) -> None:
    """An unknown field is named, but on one printable line: no newline, escape or lone surrogate reaches
    the terminal from a file's key."""
    raw = copy.deepcopy(RAW[kind])
    raw[name] = 1
    with pytest.raises(ERROR[kind]) as err:
        parse(kind, raw, "given")
    message = str(err.value)
    assert message.isprintable() and len(message) < 300, message
    message.encode("utf-8")  # printable on a UTF-8 terminal


@pytest.mark.clause("SSC-HOST-3")
@pytest.mark.parametrize("record", range(1, 8))
@pytest.mark.parametrize("shape", [s for s, v in SHAPES.items() if not isinstance(v, Literal)])
def test_holder_item_check_takes_any_shape(record: int, shape: str) -> None:
    """The check of one EF06 item (changing holder data later) refuses any wrong shape with the field."""
    value = SHAPES[shape]
    try:
        validate_holder_item(record, value)
    except HolderDataError as err:
        assert err.field.startswith("holder.") and "\n" not in str(err)


# ------------------------------------------------------------------------------------------- generated

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40) | st.sampled_from(
    ["1", "2", "01", "97", "2.0", "3.0", "2.00", "3.00", "SSSE", "PBOC", "3DES", "SM4", "sscard-keys/1",
     "440200", "2024-01-01", "20240101", "K12345678", "00" * 16])
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
ALL_PATHS = [(kind, path) for kind, paths in PATHS.items() for path in paths]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    folder = tmp_path_factory.mktemp("generated")
    return lambda kind: folder / EXAMPLES[kind].name


@pytest.mark.clause("SSC-HOST-3", "SSC-HOST-4", "SSC-FILE-1")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(ALL_PATHS), value=JSON_VALUES)
def test_any_one_value_replaced_by_random_json(scratch: Callable[[str], Path], target: tuple[str, str],
                                               value: Any) -> None:
    """Either the file still loads, or the loader raises the file's error naming the file and a field of
    the format — the one replaced or, through a cross-field rule, another one."""
    kind, path = target
    file = scratch(kind)
    file.write_text(json.dumps(replaced(kind, path, value)), encoding="utf-8")
    try:
        load(kind, file)
    except FieldError as err:
        message = str(err)
        assert isinstance(err, ERROR[kind]), repr(err)
        assert err.source == file.name and message.startswith(f"{file.name}: {err.field}: "), message
        assert (err.field in KNOWN_FIELDS or err.field.startswith(f"{path}.") or err.field in ("finance",)), message
        assert "\n" not in message, message


# ------------------------------------------------------------------------------------------- the holiday calendar

CALENDAR_FILES: dict[str, tuple[bytes, str, str]] = {
    "deep-array": (b"holidays = " + b"[" * 100_000 + b"]" * 100_000, "calendar", "nested too deeply"),
    "deep-table": (b"holidays = " + b"{a=" * 10_000 + b"1" + b"}" * 10_000, "calendar", "nested too deeply"),
    "huge-int": (b"holidays = [" + HUGE.text.encode() + b"]", "calendar", "digits"),
    "not-utf-8": ('holidays = ["国庆"]'.encode("gbk"), "calendar", "UTF-8"),
    "not-toml": (b"holidays = [", "calendar", "not TOML"),
    "holidays-table": (b"holidays = {a = 1}", "calendar.holidays", "a list of dates expected"),
    "element-table": (b"holidays = [{a = 1}]", "calendar.holidays[0]", "dict is not a date"),
    "element-int": (b"holidays = [1]", "calendar.holidays[0]", "int is not a date"),
    "element-long-text": (b'holidays = ["' + b"9" * 10_000 + b'"]', "calendar.holidays[0]", "str is not YYYY-MM-DD"),
    "last-date": (b'holidays = ["9999-12-31"]', "", ""),  # date.max has no next day: still a holiday
    "range-to-the-last-date": (b'holidays = ["9999-12-30..9999-12-31"]', "", ""),
    "range-of-ages": (b'holidays = ["0001-01-01..9999-12-31"]', "calendar.holidays[0]", "at most 366"),
    "unknown-key": (b'"a\\nb" = 1', "calendar.'a\\nb'", "unknown key"),
}


@pytest.mark.clause("SSC-WIN-3")
@pytest.mark.parametrize("fault", list(CALENDAR_FILES))
def test_calendar_file_faults_name_the_file_and_key(tmp_path: Path, fault: str) -> None:
    """The holiday calendar (TOML) has the same kinds of faults: each is a FieldError naming the file and the
    key, one line, never a RecursionError, ValueError, UnicodeDecodeError or OverflowError."""
    from sscard.window import WorkingDayCalendar

    content, field, problem = CALENDAR_FILES[fault]
    file = tmp_path / "holidays.toml"
    file.write_bytes(content)
    if not field:
        assert WorkingDayCalendar.load(file).holidays
        return
    with pytest.raises(FieldError) as err:
        WorkingDayCalendar.load(file)
    message = str(err.value)
    assert err.value.field == field and err.value.source == str(file) and problem in message, message
    assert "\n" not in message and len(message) < 300 + len(str(file)), message


@pytest.mark.clause("SSC-WIN-3")
@pytest.mark.parametrize("value", [10 ** 5000, [[[[]]]], {"a": 1}, None, "x" * 10_000],
                         ids=["huge-int", "nested", "object", "null", "long-text"])
def test_calendar_from_mapping_takes_any_value(value: Any) -> None:
    from sscard.window import WorkingDayCalendar

    with pytest.raises(FieldError) as err:
        WorkingDayCalendar.from_mapping({"workdays": [value]}, "given")
    assert err.value.field == "calendar.workdays[0]" and len(str(err.value)) < 200
    if not isinstance(value, dict):
        with pytest.raises(FieldError, match="calendar: a table"):
            WorkingDayCalendar.from_mapping(value, "given")
