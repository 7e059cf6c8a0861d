"""Generate the Java constants, the host's Python tables and docs/spec.md from the spec.

``python -m apdu_spec.generate`` writes every target; ``--check`` writes nothing and exits 1
listing each file that is not what the generator produces. Output is deterministic: spec order
or sorted, no timestamps. ``--root DIR`` picks the checkout (default: the one holding this
package).
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable
from pathlib import Path

from . import load
from .loader import ACTIONS
from .model import AppProfile, CardModel, CardProfile
from .schema import Application, Command, Param, Spec

HEADER = "generated from apdu_spec/*.toml by `python -m apdu_spec.generate`; do not edit"
JAVA_ROOT = "applet/src/main/java"
PY_TABLES = "host/sscard/spec_tables.py"
DOC = "docs/spec.md"
CLA_NAMES = {0x00: "CLA_ISO", 0x04: "CLA_ISO_SM", 0x80: "CLA_PROPRIETARY", 0x84: "CLA_PROPRIETARY_SM"}
FORMAT_CODES = {"cn": 1, "an": 2, "b": 3}
CONDITION_BITS = {"state": 0x01, "pin": 0x02, "key": 0x04, "never": 0x80}

# Table layouts the applets read (sscard.common interprets them; one row per command, key, file,
# record, item, data object). Column offsets go to CommonConstants; the tables to each
# application's constants interface.
CMD_COLUMNS = (
    ("CLA", 1), ("INS", 1), ("STATES", 1), ("FLAGS", 1), ("MAC_KEY", 1), ("ENC_KEY", 1), ("ACTION", 1),
    ("P1", 3), ("P2", 3), ("DATA", 3), ("LE", 3), ("ACCESS", 1), ("ACCESS_KEY", 1), ("NEXT_STATE", 1),
)
CMD_FLAGS = {"SM": 0x01, "CHALLENGE": 0x02, "FILE_READ": 0x04, "FILE_UPDATE": 0x08, "CARD_SCOPE": 0x10}
PARAM_KINDS = {"any": 0, "values": 1, "range": 2, "sfi_modes": 3, "p1p2": 4}
LEN_KINDS = {"values": 1, "range": 2}
LE_KINDS = {"none": 0, "computed": 1, "values": 2}
ACTION_CODES = {name: i + 1 for i, name in enumerate(sorted(ACTIONS))}
USAGE_BITS = {u: 1 << i for i, u in enumerate(("external_authenticate", "internal_authenticate", "mac", "encipher"))}
KEY_COLUMNS = (("ID", 1), ("USAGE", 1), ("TRY_LIMIT", 1), ("STATES", 1), ("FLAGS", 1))
KEY_FLAGS = {"REQUIRED": 0x01, "INSTALL": 0x02}
FILE_COLUMNS = (("DF", 1), ("FLAGS", 1), ("FID", 2), ("SFI", 1), ("FIRST_RECORD", 1), ("RECORD_COUNT", 1))
FILE_FLAGS = {"FID": 0x01}
FILE_ACCESS_COLUMNS = (("READ", 1), ("READ_KEY", 1), ("UPDATE", 1), ("UPDATE_KEY", 1))
RECORD_COLUMNS = (
    ("NUMBER", 1), ("TAG", 1), ("FLAGS", 1), ("SIZE", 1), ("OFFSET", 2), ("FIRST_ITEM", 1), ("ITEM_COUNT", 1),
)
RECORD_FLAGS = {"SIMPLE_TLV": 0x01}
RECORD_ACCESS_COLUMNS = (("READ", 1), ("READ_KEY", 1))
ITEM_COLUMNS = (("OFFSET", 1), ("LENGTH", 1), ("FORMAT", 1))
DO_COLUMNS = (("TAG", 2), ("LENGTH", 1), ("SOURCE", 1))
DO_SOURCES = {"pin_tries_left": 1, "atc": 2}
PIN_FORMAT_CODES = {"BCD": 1, "ISO9564_2": 2}


# ---------------------------------------------------------------------------------- Java


def _jb(v: int) -> str:
    return f"(byte) 0x{v & 0xFF:02X}"


def _js(v: int) -> str:
    return f"(short) 0x{v & 0xFFFF:04X}"


def _jarr(data: bytes) -> str:
    return "{" + ", ".join(_jb(b) for b in data) + "}"


def _ident(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text).upper()


def _java(package: str, cls: str, doc: str, body: list[str]) -> str:
    lines = [
        f"// {HEADER}",
        f"package {package};",
        "",
        "/**",
        f" * {doc}",
        " */",
        '@SuppressWarnings("unused")',
        f"public interface {cls} {{",
    ]
    for line in body:
        lines.append(f"    {line}" if line else "")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _condition_bits(spec: Spec, app: Application, conds: Iterable[str]) -> int:
    bits = 0
    for c in conds:
        cond = spec.access.conditions[c]
        bits |= CONDITION_BITS[cond.kind]
    return bits


def _columns(table: str, columns: tuple[tuple[str, int], ...]) -> list[str]:
    out, off = [], 0
    for name, width in columns:
        out.append(f"byte {table}_{name} = (byte) {off};")
        off += width
    out.append(f"byte {table}_ENTRY_SIZE = (byte) {off};")
    return out


def _cond_state_mask(spec: Spec) -> int:
    """The states of the `state` access conditions: the table has one bit for them, so they must agree."""
    masks = {_state_mask(spec, c.states) for c in spec.access.conditions.values() if c.kind == "state"}
    if len(masks) > 1:
        raise ValueError("access.toml: state conditions with different states do not fit COND_STATE")
    return masks.pop() if masks else 0


def _access(spec: Spec, app: Application, conds: Iterable[str], where: str) -> tuple[int, int]:
    """A condition list as (COND_ bits, key id). The applet checks state conditions first (6985),
    then the others (6982): the order the lists are written in must agree, and one key at most."""
    conds = list(conds)
    kinds = [spec.access.conditions[c].kind for c in conds]
    if "state" in kinds and any(k != "state" for k in kinds[: kinds.index("state")]):
        raise ValueError(f"{where}: state conditions must come first")
    keys = [spec.access.conditions[c].key for c in conds if spec.access.conditions[c].kind == "key"]
    if len(keys) > 1:
        raise ValueError(f"{where}: at most one key condition fits the table")
    key_id = app.keys[keys[0]].id if keys and keys[0] is not None else 0
    return _condition_bits(spec, app, conds), key_id


def _shared_ins(spec: Spec) -> dict[str, int]:
    """Commands with the same INS in every application that has them go to CommonConstants."""
    seen: dict[str, set[int]] = {}
    for app in spec.applications.values():
        for c in app.commands.values():
            seen.setdefault(c.name, set()).add(c.ins)
    return {name: next(iter(v)) for name, v in seen.items() if len(v) == 1}


def render_common(spec: Spec) -> str:
    b: list[str] = ["// ---- status words (status_words.toml); X nibbles carry a parameter: OR it in"]
    for s in spec.status_words.values():
        b.append(f"/** {s.pattern} {s.en}{'' if s.returned else ' (never returned by this card)'} */")
        b.append(f"short SW_{s.name} = {_js(s.base)};")
    b += ["", "// ---- classes"]
    clas = sorted({c.cla for a in spec.applications.values() for c in a.commands.values()})
    b += [f"byte {CLA_NAMES.get(c, f'CLA_{c:02X}')} = {_jb(c)};" for c in clas]
    b += ["", "// ---- instructions with the same code in every application"]
    b += [f"byte INS_{n} = {_jb(v)};" for n, v in sorted(_shared_ins(spec).items(), key=lambda x: (x[1], x[0]))]
    b += ["", "// ---- lifecycle states (ISO 7816-4 life cycle status byte, FCI tag 8A; lifecycle.toml)"]
    b += [f"byte LC_{s.name} = {_jb(s.code)};" for s in spec.lifecycle.states.values()]
    b += ["", "// ---- access profiles (SET ACCESS PROFILE data)"]
    b += [f"byte PROFILE_{_ident(p.name)} = {_jb(p.code)};" for p in spec.access.profiles.values()]
    b += ["", "// ---- access condition bits (ACC_* constants of the application interfaces)"]
    b += [f"byte COND_{k.upper()} = {_jb(v)};" for k, v in CONDITION_BITS.items()]
    b += ["", "// ---- record item formats (record layout tables)"]
    b += [f"byte FMT_{k.upper()} = {_jb(v)};" for k, v in FORMAT_CODES.items()]
    b += ["", "// ---- secure messaging (protocol.toml)", f"byte MAC_LENGTH = {_jb(spec.protocol.mac_length)};"]
    b += [f"byte CHALLENGE_LENGTH_{n} = {_jb(n)};" for n in spec.protocol.challenge_lengths]
    b += ["", "// ---- lifecycle states as bits: state masks of COMMANDS and KEYS, bit i = i-th state"]
    b += [f"byte LC_BIT_{s} = {_jb(1 << i)};" for i, s in enumerate(spec.lifecycle.states)]
    b.append(f"byte LC_BIT_INITIAL = {_jb(_state_mask(spec, [spec.lifecycle.initial]))};")
    b.append(f"byte LC_BITS_ALL = {_jb(_state_mask(spec, spec.lifecycle.states))};")
    b += ["", "// ---- states a `state` access condition (COND_STATE) requires"]
    b.append(f"byte COND_STATE_STATES = {_jb(_cond_state_mask(spec))};")
    b += ["", "// ---- PIN formats"]
    b += [f"byte PIN_FORMAT_{k} = {_jb(v)};" for k, v in PIN_FORMAT_CODES.items()]
    b += ["", "// ---- command table (COMMANDS of the application interfaces): columns, flags, kinds"]
    b += _columns("CMD", CMD_COLUMNS)
    b += [f"byte CMD_FLAG_{k} = {_jb(v)};" for k, v in CMD_FLAGS.items()]
    b += ["// P1, P2: kind, a, b. VALUES: a = offset in CMD_VALUES, b = count; RANGE: a..b; SFI_MODES: a = mask of",
          "// the b3-b1 modes (bit m), SFI 31 refused; P1P2 (in the P1 column): a = offset of b P1-P2 pairs"]
    b += [f"byte PARAM_{k.upper()} = {_jb(v)};" for k, v in PARAM_KINDS.items()]
    b += ["// DATA: kind, a, b. VALUES: a = offset in CMD_VALUES, b = count; RANGE: a..b"]
    b += [f"byte LEN_{k.upper()} = {_jb(v)};" for k, v in LEN_KINDS.items()]
    b += ["// LE: kind, a, b. NONE: Le ignored; COMPUTED: 00, absent or exact else 6CXX; VALUES: as DATA"]
    b += [f"byte LE_{k.upper()} = {_jb(v)};" for k, v in LE_KINDS.items()]
    b += ["// actions (what the command does, step 9)"]
    b += [f"byte ACT_{k.upper()} = {_jb(v)};" for k, v in ACTION_CODES.items()]
    b += ["", "// ---- key table (KEYS): columns, usage bits, flags"]
    b += _columns("KEYS", KEY_COLUMNS)
    b += [f"byte USAGE_{k.upper()} = {_jb(v)};" for k, v in USAGE_BITS.items()]
    b += [f"byte KEYS_FLAG_{k} = {_jb(v)};" for k, v in KEY_FLAGS.items()]
    b += ["", "// ---- file system tables (FILES, FILE_ACCESS, RECORDS, RECORD_ACCESS, ITEMS)"]
    b += _columns("FILES", FILE_COLUMNS)
    b += [f"byte FILES_FLAG_{k} = {_jb(v)};" for k, v in FILE_FLAGS.items()]
    b += _columns("FILE_ACCESS", FILE_ACCESS_COLUMNS)
    b += _columns("RECORDS", RECORD_COLUMNS)
    b += [f"byte RECORDS_FLAG_{k} = {_jb(v)};" for k, v in RECORD_FLAGS.items()]
    b += _columns("RECORD_ACCESS", RECORD_ACCESS_COLUMNS)
    b += _columns("ITEMS", ITEM_COLUMNS)
    b += ["", "// ---- data objects (DATA_OBJECTS, GET DATA)"]
    b += _columns("DATA_OBJECTS", DO_COLUMNS)
    b += [f"byte DO_SOURCE_{k.upper()} = {_jb(v)};" for k, v in DO_SOURCES.items()]
    b += ["", f"byte[] LIBRARY_PACKAGE_AID = {_jarr(spec.protocol.library_package_aid)};"]
    return _java(
        spec.protocol.library_java_package,
        spec.protocol.library_constants_class,
        "Constants both applications share: status words, classes, lifecycle codes.",
        b,
    )


def _state_mask(spec: Spec, states: Iterable[str]) -> int:
    names = list(spec.lifecycle.states)
    mask = 0
    for s in states:
        mask |= 1 << names.index(s)
    return mask


def _initial_records(spec: Spec, app: Application) -> tuple[dict[tuple[str, int], bytes], int]:
    """Every record as the reference model creates it at installation, and the offset (in the
    concatenation of all records, file by file) where the install parameters' card-unique bytes
    land (-1: nowhere). Asking the model twice, with card-unique bytes 00.. and FF.., keeps the
    oracle the only place that says what installation writes (SSC-FILE-4, SSC-FILE-5)."""
    images = []
    for fill in (0x00, 0xFF):
        blank = AppProfile(perso_key=bytes(16), keys={}, pin="0000")
        card = CardModel(CardProfile(bytes([fill]) * 8, blank, blank), spec=spec)
        images.append({(f.name, r.number): card.record(app.name, f.name, r.number)
                       for f in app.files.values() for r in f.records})
    flat = [b"".join(img.values()) for img in images]
    diff = [i for i in range(len(flat[0])) if flat[0][i] != flat[1][i]]
    if diff and diff != list(range(diff[0], diff[0] + 8)):
        raise ValueError(f"{app.name}: the card-unique bytes are not 8 consecutive record bytes")
    return images[0], diff[0] if diff else -1


def _lv_list(items: Iterable[bytes]) -> bytes:
    return b"".join(bytes([len(i)]) + i for i in items)


def _row(values: Iterable[int], comment: str) -> str:
    return f"    {', '.join(_jb(v) for v in values)}, // {comment}"


def _table(name: str, doc: str, rows: list[str]) -> list[str]:
    return ["", f"// {doc}", f"byte[] {name} = {{", *rows, "};"]


def _command_rows(spec: Spec, app: Application) -> tuple[list[str], bytes]:
    values: list[int] = []

    def offset(vals: Iterable[int]) -> int:
        off = len(values)
        values.extend(vals)
        return off

    def param(p: Param) -> tuple[int, int, int]:
        if p.kind == "values":
            return PARAM_KINDS["values"], offset(p.values), len(p.values)
        if p.kind == "range":
            return PARAM_KINDS["range"], p.low, p.high
        if p.kind == "sfi_modes":
            return PARAM_KINDS["sfi_modes"], sum(1 << m for m in p.values), 0
        return PARAM_KINDS["any"], 0, 0

    rows = []
    for c in app.commands.values():
        flags = (CMD_FLAGS["SM"] if c.sm else 0) | (CMD_FLAGS["CHALLENGE"] if c.challenge else 0)
        flags |= {"file:read": CMD_FLAGS["FILE_READ"], "file:update": CMD_FLAGS["FILE_UPDATE"]}.get(
            c.access if isinstance(c.access, str) else "", 0
        )
        transition = next((t for t in spec.lifecycle.transitions if t.command == c.name), None)
        if transition is not None and transition.scope == "card":
            flags |= CMD_FLAGS["CARD_SCOPE"]
        if c.p1p2 is not None:
            p1 = (PARAM_KINDS["p1p2"], offset(b for v in c.p1p2 for b in (v >> 8, v & 0xFF)), len(c.p1p2))
            p2 = (PARAM_KINDS["any"], 0, 0)
        else:
            p1, p2 = param(c.p1), param(c.p2)
        if c.data_lengths is not None:
            data = (LEN_KINDS["values"], offset(c.data_lengths), len(c.data_lengths))
        else:
            data = (LEN_KINDS["range"], c.data_min, c.data_max)
        if isinstance(c.le, tuple):
            le = (LE_KINDS["values"], offset(c.le), len(c.le))
        else:
            le = (LE_KINDS[c.le], 0, 0)
        access = (0, 0) if isinstance(c.access, str) else _access(spec, app, c.access, f"{app.name} {c.name}")
        row = [
            c.cla,
            c.ins,
            _state_mask(spec, c.states),
            flags,
            app.keys[c.sm].id if c.sm else 0,
            app.keys[c.encipher_key].id if c.encipher_key else 0,
            ACTION_CODES[c.action],
            *p1,
            *p2,
            *data,
            *le,
            *access,
            _state_mask(spec, [transition.to]) if transition else 0,
        ]
        rows.append(_row(row, c.name))
    if len(values) > 255:
        raise ValueError(f"{app.name}: CMD_VALUES longer than a byte offset reaches")
    return rows, bytes(values)


def render_app(spec: Spec, app: Application) -> str:
    shared = _shared_ins(spec)
    b: list[str] = [
        f"byte[] AID = {_jarr(app.aid)};",
        f"byte[] PACKAGE_AID = {_jarr(app.package_aid)};",
        f"byte DEFAULT_PIN_TRY_LIMIT = {_jb(app.default_pin_try_limit)};",
        f"byte[] FCI_PROPRIETARY = {_jarr(app.fci_proprietary)};",
        f"byte PIN_FORMAT = {_jb(PIN_FORMAT_CODES[app.pin_format])};",
        "/** The AIDs of the card's other applications (length, AID; ...): CARD BLOCK ends them too. */",
        f"byte[] OTHER_APPLICATIONS = {_jarr(_lv_list(a.aid for a in spec.applications.values() if a is not app))};",
        "/** Lifecycle status byte (FCI tag 8A) of each state, by state bit (LC_BIT_*) position. */",
        f"byte[] LIFECYCLE_CODES = {_jarr(bytes(s.code for s in spec.lifecycle.states.values()))};",
    ]
    b += ["", "// ---- install parameters (protocol.toml [install])"]
    off = 0
    for fld in spec.protocol.install[app.name]:
        b.append(f"short INSTALL_OFF_{fld.name.upper()} = {off};")
        if fld.value is not None and len(fld.value) == 1:
            b.append(f"byte INSTALL_{fld.name.upper()} = {_jb(fld.value[0])};")
        off += fld.length
    b.append(f"short INSTALL_LENGTH = {off};")
    own = [c for c in app.commands.values() if c.name not in shared]
    if own:
        b += ["", "// ---- instructions of this application"]
        b += [f"byte INS_{c.name} = {_jb(c.ins)};" for c in own]

    rows, values = _command_rows(spec, app)
    doc = "---- commands, in spec order (the first row a CLA-INS-P1-P2 fits decides): CMD_* columns"
    b += _table("COMMANDS", doc, rows)
    b += ["/** Value lists the COMMANDS rows point into (P1/P2 values, P1-P2 pairs, data lengths, Le values). */"]
    b.append(f"byte[] CMD_VALUES = {_jarr(values)};")

    key_rows = []
    for k in app.keys.values():
        usage = sum(USAGE_BITS[u] for u in k.usage)
        flags = (KEY_FLAGS["REQUIRED"] if k.required else 0) | (KEY_FLAGS["INSTALL"] if k.source == "install" else 0)
        states = _state_mask(spec, k.states) if k.states is not None else _state_mask(spec, spec.lifecycle.states)
        key_rows.append(_row([k.id, usage, k.try_limit or 0, states, flags], f"{k.role} {k.name}"))
    doc = "---- keys: KEYS_* columns (try limit 0: no try counter; states: where it authenticates)"
    b += _table("KEYS", doc, key_rows)
    b += [f"byte KEY_{k.role} = {_jb(k.id)}; // {k.name}: {k.title}" for k in app.keys.values()]

    if app.dfs:
        b += ["", "// ---- sub-applications (DFs): index 1.. in DFS order; 0 is the application root"]
        dfs_table = b"".join(bytes([len(d.aid)]) + d.aid + d.fid.to_bytes(2, "big") for d in app.dfs.values())
        b.append(f"byte[] DFS = {_jarr(dfs_table)};")
        b += [f"short {d.name}_FID = {_js(d.fid)};" for d in app.dfs.values()]
    else:
        b += ["", "// ---- sub-applications (DFs): none", "byte[] DFS = {};"]

    profiles = list(spec.access.profiles.values()) if app.access_profiles else []
    variants: list[str | None] = [None] + [p.name for p in profiles]
    b += ["", "// ---- access profiles: SET ACCESS PROFILE codes; profile i is access variant i + 1 (0: none set)"]
    b.append(f"byte[] PROFILES = {_jarr(bytes(p.code for p in profiles))};")
    b.append(f"byte ACCESS_VARIANTS = {_jb(len(variants))};")

    images, card_unique = _initial_records(spec, app)
    dfs = list(app.dfs)
    file_rows: list[str] = []
    access_rows: list[str] = []
    record_rows: list[str] = []
    raccess_rows: list[str] = []
    item_rows: list[str] = []
    file_ids: list[str] = []
    image = b""
    for fi, f in enumerate(app.files.values()):
        first = len(record_rows)
        for r in f.records:
            raw = images[(f.name, r.number)]
            items: list[str] = []
            pos = 0 if r.template is None else len(r.template) + 1
            for it in r.items:
                pos += len(it.tag) + 1
                where = f"{f.name} record {r.number} {it.tag.hex().upper()}"
                items.append(_row([pos, it.length, FORMAT_CODES[it.format]], where))
                pos += it.length
            simple = r.template is None and len(r.items) == 1 and len(r.items[0].tag) == 1
            record_rows.append(_row(
                [r.number, r.items[0].tag[0] if simple else 0, RECORD_FLAGS["SIMPLE_TLV"] if simple else 0, len(raw),
                 len(image) >> 8, len(image) & 0xFF, len(item_rows), len(items)],
                f"{f.name} record {r.number}",
            ))
            item_rows += items
            image += raw
            for v in variants:
                rule = spec.access.rule(f.name, v)
                raccess_rows.append(_row(_access(spec, app, rule.records.get(r.number, ()), f"{f.name} {r.number}"),
                                         f"{f.name} record {r.number}, {v or 'no profile'}"))
        for v in variants:
            rule = spec.access.rule(f.name, v)
            access_rows.append(_row([*_access(spec, app, rule.read, f"{f.name} read"),
                                     *_access(spec, app, rule.update, f"{f.name} update")],
                                    f"{f.name}, {v or 'no profile'}"))
        fid = f.fid or 0
        file_rows.append(_row([dfs.index(f.df) + 1 if f.df else 0, FILE_FLAGS["FID"] if f.fid is not None else 0,
                               fid >> 8, fid & 0xFF, f.sfi, first, len(f.records)], f"{f.name}: {f.title}"))
        file_ids.append(f"byte FILE_{f.name} = {_jb(fi)}; // row of {f.name} in FILES")
    b += _table("FILES", "---- files: FILES_* columns (DF index, FID, SFI, records)", file_rows)
    b += file_ids
    doc = "read and update conditions (COND_ bits, key id) per file and access variant"
    b += _table("FILE_ACCESS", doc, access_rows)
    b += _table("RECORDS", "records: RECORDS_* columns (offset: into RECORD_IMAGES and the record store)", record_rows)
    b += _table("RECORD_ACCESS", "extra read conditions per record and access variant", raccess_rows)
    b += _table("ITEMS", "data items: value offset in the record, length, format (FMT_*)", item_rows)
    b += ["", "/** Every record as installation creates it (tags, lengths, padding; SSC-FILE-5), file by file. */"]
    b.append(f"byte[] RECORD_IMAGES = {_jarr(image)};")
    b.append("/** Where installation writes the 8 card-unique bytes in RECORD_IMAGES (-1: nowhere; SSC-FILE-4). */")
    b.append(f"short CARD_UNIQUE_OFFSET = {card_unique};")

    do_rows = [
        _row([o.tag >> 8, o.tag & 0xFF, o.length, DO_SOURCES[o.source]], o.name) for o in app.data_objects.values()
    ]
    b += _table("DATA_OBJECTS", "---- data objects (GET DATA): DATA_OBJECTS_* columns", do_rows)
    return _java(app.java_package, app.constants_class, f"Constants of the {app.title}.", b)


# ---------------------------------------------------------------------------------- Python


def render_python(spec: Spec) -> str:
    out = [
        f'"""Protocol tables of the card, {HEADER}."""',
        "",
        "from __future__ import annotations",
        "",
        "import enum",
        "from typing import Final, NamedTuple",
        "",
        "",
    ]
    out.append("class SW(enum.IntEnum):")
    out.append('    """Status words; parametrised ones (X nibbles) hold their base value, see SW_MASKS."""')
    out.append("")
    for s in spec.status_words.values():
        out.append(f"    {s.name} = 0x{s.base:04X}")
        out.append(f'    """{s.pattern}: {s.en}"""')
    out += ["", "", "SW_MASKS: Final[dict[SW, int]] = {"]
    out += [f"    SW.{s.name}: 0x{s.mask:04X}," for s in spec.status_words.values() if s.parametrised]
    out += ["}", '"""Fixed bits of the parametrised status words: sw & mask == base."""', ""]
    out += ["SW_TEXT: Final[dict[SW, tuple[str, str]]] = {"]
    out += [f"    SW.{s.name}: ({s.en!r}, {s.zh!r})," for s in spec.status_words.values()]
    out += ["}", '"""English and Chinese meaning of each status word."""', ""]
    out += ["SW_RETURNED: Final[frozenset[SW]] = frozenset({"]
    out += [f"    SW.{s.name}," for s in spec.status_words.values() if s.returned]
    out += ["})", "", ""]
    out += ["class Lifecycle(enum.IntEnum):", '    """Application lifecycle states (FCI tag 8A codes)."""', ""]
    out += [f"    {s.name} = 0x{s.code:02X}" for s in spec.lifecycle.states.values()]
    out += ["", ""]
    out += [
        "class CommandDef(NamedTuple):",
        "    cla: int",
        "    ins: int",
        "    p1p2: tuple[int, ...] | None",
        "    sm_key: str | None",
        "    encipher_key: str | None",
        "    states: tuple[Lifecycle, ...]",
        "",
        "",
    ]
    out += [
        "class ItemDef(NamedTuple):",
        "    tag: bytes",
        "    name: str",
        "    format: str",
        "    length: int",
        "    padding: bytes",
        "",
        "",
    ]
    out += [
        "class RecordDef(NamedTuple):",
        "    number: int",
        "    template: bytes | None",
        "    items: tuple[ItemDef, ...]",
        "",
        "",
    ]
    out += [
        "class FileDef(NamedTuple):",
        "    application: str",
        "    df: str",
        "    fid: int | None",
        "    sfi: int",
        "    records: tuple[RecordDef, ...]",
        "",
        "",
    ]
    out += [
        "class KeyDef(NamedTuple):",
        "    id: int",
        "    name: str",
        "    usage: tuple[str, ...]",
        "    try_limit: int | None",
        "",
        "",
    ]
    out.append(f"LIBRARY_PACKAGE_AID: Final = bytes.fromhex({spec.protocol.library_package_aid.hex().upper()!r})")
    for app in spec.applications.values():
        out.append(f"{app.name}_AID: Final = bytes.fromhex({app.aid.hex().upper()!r})")
        out.append(f"{app.name}_PACKAGE_AID: Final = bytes.fromhex({app.package_aid.hex().upper()!r})")
        out.append(f"{app.name}_APPLET_CLASS: Final = {app.java_package + '.' + app.applet_class!r}")
    out += ["", "APPLICATION_AIDS: Final[dict[str, bytes]] = {"]
    out += [f"    {a.name!r}: {a.name}_AID," for a in spec.applications.values()]
    out += ["}", "", "DF_AIDS: Final[dict[str, bytes]] = {"]
    out += [
        f"    {d.name!r}: bytes.fromhex({d.aid.hex().upper()!r}),"
        for a in spec.applications.values()
        for d in a.dfs.values()
    ]
    out += ["}", "", "DEFAULT_PIN_TRY_LIMIT: Final[dict[str, int]] = {"]
    out += [f"    {a.name!r}: {a.default_pin_try_limit}," for a in spec.applications.values()]
    out += ["}", "", "PIN_FORMAT: Final[dict[str, str]] = {"]
    out += [f"    {a.name!r}: {a.pin_format!r}," for a in spec.applications.values()]
    out += ["}", "", "ACCESS_PROFILES: Final[dict[str, int]] = {"]
    out += [f"    {p.name!r}: 0x{p.code:02X}," for p in spec.access.profiles.values()]
    out += [
        "}",
        "",
        f"MAC_LENGTH: Final = {spec.protocol.mac_length}",
        f"CHALLENGE_LENGTHS: Final = {tuple(spec.protocol.challenge_lengths)!r}",
        "",
    ]
    out += ["COMMANDS: Final[dict[str, dict[str, CommandDef]]] = {"]
    for a in spec.applications.values():
        out.append(f"    {a.name!r}: {{")
        for c in a.commands.values():
            states = ", ".join(f"Lifecycle.{s}" for s in c.states)
            p1p2 = "None" if c.p1p2 is None else "(" + "".join(f"0x{v:04X}, " for v in c.p1p2) + ")"
            out.append(
                f"        {c.name!r}: CommandDef(0x{c.cla:02X}, 0x{c.ins:02X}, {p1p2}, {c.sm!r}, "
                f"{c.encipher_key!r}, ({states},)),"
            )
        out.append("    },")
    out += ["}", "", "KEYS: Final[dict[str, dict[str, KeyDef]]] = {"]
    for a in spec.applications.values():
        out.append(f"    {a.name!r}: {{")
        for k in a.keys.values():
            out.append(f"        {k.role!r}: KeyDef(0x{k.id:02X}, {k.name!r}, {tuple(k.usage)!r}, {k.try_limit!r}),")
        out.append("    },")
    out += ["}", "", "FILES: Final[dict[str, FileDef]] = {"]
    for a in spec.applications.values():
        for f in a.files.values():
            fid = f"0x{f.fid:04X}" if f.fid is not None else None
            out.append(f"    {f.name!r}: FileDef({a.name!r}, {f.df!r}, {fid}, {f.sfi}, (")
            for r in f.records:
                tmpl = "None" if r.template is None else f"bytes.fromhex({r.template.hex().upper()!r})"
                out.append(f"        RecordDef({r.number}, {tmpl}, (")
                for i in r.items:
                    out.append(
                        f"            ItemDef(bytes.fromhex({i.tag.hex().upper()!r}), {i.item!r}, "
                        f"{i.format!r}, {i.length}, {i.padding!r}),"
                    )
                out.append("        )),")
            out.append("    )),")
    out += ["}", "", "DATA_OBJECTS: Final[dict[str, int]] = {"]
    out += [f"    {o.name!r}: 0x{o.tag:04X}," for a in spec.applications.values() for o in a.data_objects.values()]
    out += ["}", "", "CLAUSES: Final[dict[str, tuple[int, ...]]] = {"]
    out += [f"    {c.id!r}: {tuple(c.articles)!r}," for c in spec.clauses.values()]
    out += ["}", '"""Clause id -> the regulation articles it serves (empty: a convention only)."""', ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------- tests


def scan_tests(tests_dir: Path, root: Path) -> dict[str, list[str]]:
    """clause id -> test ids, from ``@pytest.mark.clause("ID", ...)`` markers (statically)."""
    found: dict[str, set[str]] = {}

    def clause_ids(node: ast.expr) -> list[str]:
        ids: list[str] = []
        for call in ast.walk(node):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "clause":
                ids += [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        return ids

    for path in sorted(tests_dir.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        module_ids: list[str] = []
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets
            ):
                module_ids += clause_ids(stmt.value)

        def visit(body: list[ast.stmt], prefix: str, inherited: list[str], rel: str = rel) -> None:
            for stmt in body:
                if isinstance(stmt, ast.ClassDef):
                    ids = inherited + [i for d in stmt.decorator_list for i in clause_ids(d)]
                    visit(stmt.body, f"{prefix}{stmt.name}::", ids)
                elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name.startswith("test"):
                    ids = inherited + [i for d in stmt.decorator_list for i in clause_ids(d)]
                    for cid in ids:
                        found.setdefault(cid, set()).add(f"{rel}::{prefix}{stmt.name}")

        visit(tree.body, "", module_ids)
    return {k: sorted(v) for k, v in sorted(found.items())}


# ---------------------------------------------------------------------------------- docs


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _p1p2(c: Command) -> str:
    if c.p1p2 is not None:
        return ", ".join(f"{v:04X}" for v in c.p1p2)

    def one(p: object) -> str:
        from .schema import Param

        assert isinstance(p, Param)
        if p.kind == "values":
            return "/".join(f"{v:02X}" for v in p.values)
        if p.kind == "range":
            return f"{p.low:02X}-{p.high:02X}"
        if p.kind == "sfi_modes":
            return "SFI<<3 \\| " + "/".join(f"{m:03b}" for m in p.values)
        return "any"

    return f"P1 {one(c.p1)}; P2 {one(c.p2)}"


def _data(c: Command) -> str:
    if c.data_lengths is not None:
        return "Lc " + "/".join(str(n) for n in c.data_lengths)
    return f"Lc {c.data_min}-{c.data_max}"


def _mermaid_lifecycle(spec: Spec) -> list[str]:
    out = ["```mermaid", "stateDiagram-v2", f"    [*] --> {spec.lifecycle.initial}"]
    for t in spec.lifecycle.transitions:
        for s in t.from_states:
            label = t.command + (" (whole card)" if t.scope == "card" else "")
            out.append(f"    {s} --> {t.to}: {label}")
    out += ["    TERMINATED --> [*]", "```"]
    return out


def _mermaid_retry(spec: Spec, name: str) -> list[str]:
    m = spec.retry_machines[name]
    out = ["```mermaid", "stateDiagram-v2", "    [*] --> UNVERIFIED"]
    edges: dict[tuple[str, str], list[str]] = {}
    for t in m.transitions:
        label = t.event + (f" [{t.guard}]" if t.guard else "") + (f" / {t.sw}" if t.sw else "")
        for s in t.from_states:
            edges.setdefault((s, t.to), []).append(label)
    for (a, z), labels in edges.items():
        out.append(f"    {a} --> {z}: {'; '.join(labels)}")
    out.append("```")
    return out


def render_doc(spec: Spec, tests: dict[str, list[str]]) -> str:
    o: list[str] = [
        f"<!-- {HEADER} -->",
        "",
        "# sscard protocol specification",
        "",
        "The protocol between host and card, generated from the tables in `apdu_spec/`. The "
        "applet constants, the host tables and the reference model come from the same tables. "
        "Clause ids (`SSC-…`) tie each rule to the regulation article(s) it serves and to the tests "
        "that check it (§12).",
        "",
    ]
    o += [
        "## 1. Applications",
        "",
        "| application | AID | Java package | package AID | PIN | default try limit |",
        "|---|---|---|---|---|---|",
    ]
    for a in spec.applications.values():
        o.append(
            f"| {a.title} | `{a.aid.hex().upper()}` | `{a.java_package}` ({a.applet_class}) | "
            f"`{a.package_aid.hex().upper()}` | {a.pin_format} | {a.default_pin_try_limit} |"
        )
    o.append(
        f"| common library | — | `{spec.protocol.library_java_package}` | "
        f"`{spec.protocol.library_package_aid.hex().upper()}` | — | — |"
    )
    o += ["", "SSSE sub-applications:", "", "| DF | AID | FID | title |", "|---|---|---|---|"]
    for a in spec.applications.values():
        for df in a.dfs.values():
            o.append(f"| {df.name} | `{df.aid.hex().upper()}` | `{df.fid:04X}` | {df.title} |")
    o += [
        "",
        f"## 2. Check order ({spec.protocol.check_order_clause})",
        "",
        "| step | check | status word | rule |",
        "|---|---|---|---|",
    ]
    for step in spec.protocol.check_order:
        sw = f"`{spec.status_words[step.sw].pattern}` {step.sw}" if step.sw else ""
        o.append(f"| {step.step} | {step.check} | {sw} | {_cell(step.text)} |")
    o += ["", "Any command may also answer:", ""]
    o += [
        f"- `{spec.status_words[u.sw].pattern}` {u.sw}: {u.when} ({u.clause})"
        for u in spec.protocol.common_status_words
    ]
    o += ["", "## 3. Commands", ""]
    for a in spec.applications.values():
        o += [
            f"### {a.title}",
            "",
            "| command | CLA | INS | P1-P2 | data | Le | MAC key | states | access | clauses |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for c in a.commands.values():
            access = c.access if isinstance(c.access, str) else (", ".join(c.access) or "—")
            le = c.le if isinstance(c.le, str) else "/".join(f"{v:02X}" for v in c.le)
            o.append(
                f"| {c.name} | `{c.cla:02X}` | `{c.ins:02X}` | {_p1p2(c)} | {_data(c)} | {le} | {c.sm or '—'} | "
                f"{', '.join(c.states)} | {access} | {', '.join(c.clauses)} |"
            )
        o.append("")
        for c in a.commands.values():
            o += [
                f"#### {a.name} {c.name}: {c.title}",
                "",
                f"Data: {_cell(c.data_layout)}. Response: {_cell(c.response)}.",
            ]
            if c.note:
                o += ["", f"Note: {_cell(c.note)}"]
            o += ["", "| status word | when | clause |", "|---|---|---|"]
            for u in c.status_words:
                o.append(f"| `{spec.status_words[u.sw].pattern}` {u.sw} | {_cell(u.when)} | {u.clause} |")
            o.append("")
    o += ["## 4. Files and records", ""]
    for a in spec.applications.values():
        for f in a.files.values():
            fid = f"FID `{f.fid:04X}`, " if f.fid is not None else ""
            o += [
                f"### {f.name}: {f.title} ({a.name}{', ' + f.df if f.df else ''}; {fid}SFI {f.sfi})",
                "",
                "| rec | template | tag | item | format | length | padding | note |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for r in f.records:
                for i in r.items:
                    tmpl = r.template.hex().upper() if r.template else ""
                    note = " ".join(x for x in (r.note if len(r.items) == 1 else None, i.note) if x)
                    o.append(
                        f"| {r.number} | {tmpl} | `{i.tag.hex().upper()}` | {_cell(i.item)} | {i.format} "
                        f"| {i.length} | "
                        f"`{i.padding.hex().upper()}` | {_cell(note)} |"
                    )
            o.append("")
    o += ["## 5. Access conditions", "", "| condition | kind | meaning |", "|---|---|---|"]
    o += [f"| {c.name} | {c.kind} | {c.text} |" for c in spec.access.conditions.values()]
    o += ["", "| file | profile | read | update | record overrides | clauses |", "|---|---|---|---|---|---|"]
    for fname, rule in spec.access.base.items():
        rows = [("base", rule)] + [(p.name, p.files[fname]) for p in spec.access.profiles.values() if fname in p.files]
        for pname, rl in rows:
            rec = "; ".join(f"rec {n}: {', '.join(c)}" for n, c in rl.records.items())
            o.append(
                f"| {fname} | {pname} | {', '.join(rl.read) or 'always'} | {', '.join(rl.update) or 'always'} | "
                f"{rec} | {', '.join(rl.clauses)} |"
            )
    o += [
        "",
        "Profiles: "
        + "; ".join(f"**{p.name}** (code `{p.code:02X}`): {p.text}" for p in spec.access.profiles.values()),
        "",
    ]
    o += ["## 6. Status words", "", "| SW | name | meaning | 含义 | returned | note |", "|---|---|---|---|---|---|"]
    for s in spec.status_words.values():
        meaning = s.en + (f" ({s.parameter})" if s.parameter else "")
        o.append(
            f"| `{s.pattern}` | {s.name} | {_cell(meaning)} | {s.zh} | {'yes' if s.returned else 'no'} "
            f"| {_cell(s.note or '')} |"
        )
    o += ["", "## 7. Keys and cryptography", ""]
    for a in spec.applications.values():
        o += [
            f"### {a.title}",
            "",
            "| role | id | name | usage | try limit | states | required | clauses |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for k in a.keys.values():
            o.append(
                f"| {k.role} | `{k.id:02X}` | {k.name} | {', '.join(k.usage)} | {k.try_limit or '—'} | "
                f"{', '.join(k.states) if k.states else 'any'} | {'yes' if k.required else 'no'} "
                f"| {', '.join(k.clauses)} |"
            )
        d = spec.diversifications[a.diversification]
        o += ["", f"Diversification ({d.clause}): {_cell(d.text)}", ""]
        o += [f"{i + 1}. {factor}: {_cell(text)}" for i, (factor, text) in enumerate(d.steps)]
        o.append("")
    o += ["| algorithm | key | block | on the card | profiles |", "|---|---|---|---|---|"]
    o += [
        f"| {g.name} | {g.key_length} | {g.block} | {g.card} | {', '.join(g.profiles)} |"
        for g in spec.algorithms.values()
    ]
    o += ["", "Secure messaging rules:", ""]
    o += [f"- **{k}**: {_cell(v)}" for k, v in spec.protocol.secure_messaging.items()]
    o += ["", "Install parameters (application-specific part of the install data):", ""]
    for app, fields in spec.protocol.install.items():
        o.append(
            f"- {app}: "
            + " ‖ ".join(
                f"{f.name} ({f.length})" + (f" = `{f.value.hex().upper()}`" if f.value else "") for f in fields
            )
        )
    o += ["", "## 8. State machines", "", "### Application lifecycle (one per application)", ""]
    o += _mermaid_lifecycle(spec)
    o += ["", "| state | code | meaning |", "|---|---|---|"]
    o += [f"| {s.name} | `{s.code:02X}` | {s.text} |" for s in spec.lifecycle.states.values()]
    o += ["", "| from | command | to | scope | clause |", "|---|---|---|---|---|"]
    o += [
        f"| {', '.join(t.from_states)} | {t.command} | {t.to} | {t.scope} | {t.clause} |"
        for t in spec.lifecycle.transitions
    ]
    for name, m in spec.retry_machines.items():
        o += ["", f"### {m.title}", ""]
        o += _mermaid_retry(spec, name)
        o += ["", "| from | event | guard | counter | value | to | SW | clause |", "|---|---|---|---|---|---|---|---|"]
        o += [
            f"| {', '.join(t.from_states)} | {t.event} | {t.guard or ''} | {t.counter} | {t.value} | {t.to} | "
            f"{t.sw or ''} | {t.clause} |"
            for t in m.transitions
        ]
    o += [
        "",
        "## 9. Known-answer vectors",
        "",
        "| id | title | function | expected | KCV | model check | clauses |",
        "|---|---|---|---|---|---|---|",
    ]
    for v in spec.vectors:
        model = (
            f"{v.model.application} {v.model.state}: `{v.model.apdu.hex().upper()}` → `{v.model.sw:04X}`"
            if v.model
            else ""
        )
        o.append(
            f"| {v.id} | {_cell(v.title)} | `{v.function}` | `{v.expected.hex().upper()}` | "
            f"{v.kcv.hex().upper() if v.kcv else ''} | {model} | {', '.join(v.clauses)} |"
        )
    o += ["", "## 10. Regulation articles", "", "| art. | summary | clauses |", "|---|---|---|"]
    for n, text in spec.articles.items():
        ids = [c.id for c in spec.clauses.values() if n in c.articles]
        o.append(f"| {n} | {text} | {', '.join(ids)} |")
    o += ["", "## 11. Conventions", ""]
    o += [f"- **{k}**: {v}" for k, v in spec.conventions.items()]
    covered = [c for c in spec.clauses if c in tests]
    o += [
        "",
        "## 12. Clauses and traceability",
        "",
        f"{len(spec.clauses)} clauses, {len(covered)} checked by tests (marker `@pytest.mark.clause`).",
        "",
        "| clause | title | articles | conventions | rule | tests |",
        "|---|---|---|---|---|---|",
    ]
    for cl in spec.clauses.values():
        t = "<br>".join(f"`{x}`" for x in tests.get(cl.id, [])) or "**untested**"
        o.append(
            f"| {cl.id} | {cl.title} | {', '.join(map(str, cl.articles))} | {', '.join(cl.conventions)} | "
            f"{_cell(cl.text)} | {t} |"
        )
    untested = [c for c in spec.clauses if c not in tests]
    o += ["", "Untested clauses: " + (", ".join(untested) if untested else "none") + "."]
    unknown = sorted(set(tests) - set(spec.clauses))
    if unknown:
        o += ["", "Markers naming no clause: " + ", ".join(unknown) + "."]
    return "\n".join(o) + "\n"


# ---------------------------------------------------------------------------------- driver


def render_app_tables(spec: Spec, app: Application) -> str:
    """``<App>Tables``: the engine's view (sscard.common.Tables) of the application's generated tables,
    so that neither applet wires them by hand."""
    prefix = app.constants_class.removesuffix("Constants")
    has_card_unique = any(f.name == "card_unique" for f in spec.protocol.install[app.name])
    fields = [
        ("commands", "COMMANDS"), ("commandValues", "CMD_VALUES"), ("keys", "KEYS"), ("dfs", "DFS"),
        ("profiles", "PROFILES"), ("accessVariants", "ACCESS_VARIANTS"), ("files", "FILES"),
        ("fileAccess", "FILE_ACCESS"), ("records", "RECORDS"), ("recordAccess", "RECORD_ACCESS"),
        ("items", "ITEMS"), ("recordImages", "RECORD_IMAGES"), ("cardUniqueRecordOffset", "CARD_UNIQUE_OFFSET"),
        ("dataObjects", "DATA_OBJECTS"), ("otherApplications", "OTHER_APPLICATIONS"),
        ("lifecycleCodes", "LIFECYCLE_CODES"), ("fciProprietary", "FCI_PROPRIETARY"), ("pinFormat", "PIN_FORMAT"),
        ("installVersion", "INSTALL_VERSION"), ("installLength", "INSTALL_LENGTH"),
        ("installPersoKeyOffset", "INSTALL_OFF_PERSO_KEY"),
        ("installCardUniqueOffset", "INSTALL_OFF_CARD_UNIQUE" if has_card_unique else "-1"),
    ]
    lines = [
        f"// {HEADER}",
        f"package {app.java_package};",
        "",
        f"import {spec.protocol.library_java_package}.Tables;",
        "",
        f"/** The {app.name} tables of {app.constants_class}, as the shared engine reads them. */",
        f"final class {prefix}Tables implements {app.constants_class} {{",
        "",
        f"    private {prefix}Tables() {{",
        "    }",
        "",
        "    /** Called once, at installation. */",
        "    static Tables make() {",
        "        Tables t = new Tables();",
        *[f"        t.{name} = {value};" for name, value in fields],
        "        return t;",
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def targets(spec: Spec, root: Path) -> dict[Path, str]:
    out: dict[Path, str] = {}
    common_dir = spec.protocol.library_java_package.replace(".", "/")
    out[root / JAVA_ROOT / common_dir / f"{spec.protocol.library_constants_class}.java"] = render_common(spec)
    for app in spec.applications.values():
        package_dir = root / JAVA_ROOT / app.java_package.replace(".", "/")
        out[package_dir / f"{app.constants_class}.java"] = render_app(spec, app)
        out[package_dir / f"{app.constants_class.removesuffix('Constants')}Tables.java"] = render_app_tables(spec, app)
    out[root / PY_TABLES] = render_python(spec)
    out[root / DOC] = render_doc(spec, scan_tests(root / "tests", root))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m apdu_spec.generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 listing stale files")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    spec = load()
    stale = []
    for path, text in targets(spec, args.root).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path.relative_to(args.root).as_posix())
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(args.root).as_posix()}")
    if stale:
        for s in stale:
            print(f"stale: {s} (run `python -m apdu_spec.generate`)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
