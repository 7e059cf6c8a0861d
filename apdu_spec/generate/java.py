"""The Java side: ``CommonConstants`` (library package) and, per application, ``<App>Constants`` and
``<App>Tables`` (the engine's view of that application's tables)."""

from __future__ import annotations

from collections.abc import Iterable

from ..loader import ACTIONS
from ..model import AppProfile, CardModel, CardProfile
from ..schema import Application, Param, Spec
from .common import HEADER

JAVA_ROOT = "applet/src/main/java"
CLA_NAMES = {0x00: "CLA_ISO", 0x04: "CLA_ISO_SM", 0x80: "CLA_PROPRIETARY", 0x84: "CLA_PROPRIETARY_SM"}
FORMAT_CODES = {"cn": 1, "an": 2, "b": 3}
CONDITION_BITS = {"state": 0x01, "pin": 0x02, "key": 0x04, "never": 0x80}

# Table layouts the applets read (sscard.common interprets them; one row per command, key, file,
# record, item, data object). Column offsets go to CommonConstants; the tables to each
# application's constants interface.
CMD_COLUMNS = (
    ("CLA", 1), ("INS", 1), ("STATES", 1), ("FLAGS", 1), ("MAC_KEY", 1), ("ENC_KEY", 1), ("ACTION", 1),
    ("P1", 3), ("P2", 3), ("DATA", 3), ("LE", 3), ("ACCESS", 1), ("ACCESS_KEY", 1), ("NEXT_STATE", 1),
    ("DATA_SM4", 3), ("LE_SM4", 3),
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





def _jb(v: int) -> str:
    return f"(byte) 0x{v & 0xFF:02X}"


def _js(v: int) -> str:
    return f"(short) 0x{v & 0xFFFF:04X}"


def _jarr(data: bytes) -> str:
    return "{" + ", ".join(_jb(b) for b in data) + "}"


def _ident(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text).upper()


def _java(package: str, cls: str, doc: str, body: list[str]) -> str:
    """A constants interface. Java Card's converter takes only primitive compile-time constants in
    an interface (an array there fails the package), so arrays go to a class (``_array``)."""
    for line in body:
        code = "" if line.lstrip().startswith(("//", "/*", "*")) else line.split("//")[0]
        if "[" in code or "{" in code:
            raise ValueError(f"{package}.{cls}: an interface field must be a primitive constant: {line}")
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
    b += ["", "// ---- key algorithms (crypto.toml install_code: the SSSE install parameter `algorithm`, SSC-KEY-5)"]
    b += [f"byte ALGORITHM_{_ident(a.name)} = {_jb(a.install_code)};" for a in spec.algorithms.values()]
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
    b += ["// DATA: kind, a, b. VALUES: a = offset in CMD_VALUES, b = count; RANGE: a..b. DATA_SM4, LE_SM4: the same",
          "// on a card whose algorithm is SM4 (SSC-KEY-5)"]
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
    aid = spec.protocol.library_package_aid.hex().upper()
    b += ["", f"// package AID {aid}: a converter and loader parameter, not card data"]
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
    return ["", f"// {doc}", f"static final byte[] {name} = {{", *rows, "};"]


def _array(name: str, data: bytes) -> str:
    """A table field of ``<App>Tables``: a static array, which the converter turns into the package's
    static field image (created once, when the package is loaded)."""
    return f"static final byte[] {name} = {_jarr(data)};"


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
        flags = (CMD_FLAGS["SM"] if c.sm_key else 0) | (CMD_FLAGS["CHALLENGE"] if c.challenge else 0)
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
        data_sm4 = data if c.sm4_data_lengths is None else (
            LEN_KINDS["values"], offset(c.sm4_data_lengths), len(c.sm4_data_lengths))
        le_sm4 = le if c.sm4_le is None else (LE_KINDS["values"], offset(c.sm4_le), len(c.sm4_le))
        access = (0, 0) if isinstance(c.access, str) else _access(spec, app, c.access, f"{app.name} {c.name}")
        row = [
            c.cla,
            c.ins,
            _state_mask(spec, c.states),
            flags,
            app.keys[c.sm_key].id if c.sm_key else 0,
            app.keys[c.encipher_key].id if c.encipher_key else 0,
            ACTION_CODES[c.action],
            *p1,
            *p2,
            *data,
            *le,
            *access,
            _state_mask(spec, [transition.to]) if transition else 0,
            *data_sm4,
            *le_sm4,
        ]
        rows.append(_row(row, c.name))
    if len(values) > 255:
        raise ValueError(f"{app.name}: CMD_VALUES longer than a byte offset reaches")
    return rows, bytes(values)


def _app_members(spec: Spec, app: Application) -> tuple[list[str], list[str]]:
    """The application's constants: (primitive constants of ``<App>Constants``, array fields of
    ``<App>Tables``)."""
    shared = _shared_ins(spec)
    b: list[str] = [
        f"// applet AID {app.aid.hex().upper()}, package AID {app.package_aid.hex().upper()}:"
        " converter and loader parameters, not card data",
        f"byte DEFAULT_PIN_TRY_LIMIT = {_jb(app.default_pin_try_limit)};",
        f"byte PIN_FORMAT = {_jb(PIN_FORMAT_CODES[app.pin_format])};",
    ]
    a: list[str] = [
        _array("FCI_PROPRIETARY", app.fci_proprietary),
        "/** The AIDs of the card's other applications (length, AID; ...): CARD BLOCK ends them too. */",
        _array("OTHER_APPLICATIONS", _lv_list(x.aid for x in spec.applications.values() if x is not app)),
        "/** Lifecycle status byte (FCI tag 8A) of each state, by state bit (LC_BIT_*) position. */",
        _array("LIFECYCLE_CODES", bytes(s.code for s in spec.lifecycle.states.values())),
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
    a += _table("COMMANDS", doc, rows)
    a += ["/** Value lists the COMMANDS rows point into (P1/P2 values, P1-P2 pairs, data lengths, Le values). */"]
    a.append(_array("CMD_VALUES", values))

    key_rows = []
    for k in app.keys.values():
        usage = sum(USAGE_BITS[u] for u in k.usage)
        flags = (KEY_FLAGS["REQUIRED"] if k.required else 0) | (KEY_FLAGS["INSTALL"] if k.source == "install" else 0)
        states = _state_mask(spec, k.states) if k.states is not None else _state_mask(spec, spec.lifecycle.states)
        key_rows.append(_row([k.id, usage, k.try_limit or 0, states, flags], f"{k.role} {k.name}"))
    doc = "---- keys: KEYS_* columns (try limit 0: no try counter; states: where it authenticates)"
    a += _table("KEYS", doc, key_rows)
    b += ["", "// ---- key ids (KEYS rows)"]
    b += [f"byte KEY_{k.role} = {_jb(k.id)}; // {k.name}: {k.title}" for k in app.keys.values()]

    if app.dfs:
        a += ["", "// ---- sub-applications (DFs): length, AID, FID; index 1.. in this order; 0 is the root"]
        dfs_table = b"".join(bytes([len(d.aid)]) + d.aid + d.fid.to_bytes(2, "big") for d in app.dfs.values())
        a.append(_array("DFS", dfs_table))
        b += ["", "// ---- sub-applications (DFs, the DFS table of the Tables class)"]
        b += [f"short {d.name}_FID = {_js(d.fid)};" for d in app.dfs.values()]
    else:
        a += ["", "// ---- sub-applications (DFs): none", _array("DFS", b"")]

    profiles = list(spec.access.profiles.values()) if app.access_profiles else []
    variants: list[str | None] = [None] + [p.name for p in profiles]
    a += ["", "// ---- access profiles: SET ACCESS PROFILE codes; profile i is access variant i + 1 (0: none set)"]
    a.append(_array("PROFILES", bytes(p.code for p in profiles)))
    a += ["", "// ---- the algorithm (ALGORITHM_*) of each access profile: SET ACCESS PROFILE takes the card's"
          " (SSC-PERSO-5)"]
    a.append(_array("PROFILE_ALGORITHMS", bytes(_profile_algorithm(spec, p.name) for p in profiles)))
    a += ["", "// ---- minimum challenge length by access variant (SSC-SM-7)"]
    minimum = bytes([app.min_challenge_length, *(p.min_challenge_length for p in profiles)])
    a.append(_array("CHALLENGE_MINIMUM", minimum))
    b += ["", "// ---- access variants: none set, then one per access profile"]
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
    a += _table("FILES", "---- files: FILES_* columns (DF index, FID, SFI, records)", file_rows)
    b += ["", "// ---- files: rows of FILES"]
    b += file_ids
    doc = "read and update conditions (COND_ bits, key id) per file and access variant"
    a += _table("FILE_ACCESS", doc, access_rows)
    a += _table("RECORDS", "records: RECORDS_* columns (offset: into RECORD_IMAGES and the record store)", record_rows)
    a += _table("RECORD_ACCESS", "extra read conditions per record and access variant", raccess_rows)
    a += _table("ITEMS", "data items: value offset in the record, length, format (FMT_*)", item_rows)
    a += ["", "/** Every record as installation creates it (tags, lengths, padding; SSC-FILE-5), file by file. */"]
    a.append(_array("RECORD_IMAGES", image))
    b += ["", "/** Where installation writes the 8 card-unique bytes in RECORD_IMAGES (-1: nowhere; SSC-FILE-4). */"]
    b.append(f"short CARD_UNIQUE_OFFSET = {card_unique};")

    do_rows = [
        _row([o.tag >> 8, o.tag & 0xFF, o.length, DO_SOURCES[o.source]], o.name) for o in app.data_objects.values()
    ]
    a += _table("DATA_OBJECTS", "---- data objects (GET DATA): DATA_OBJECTS_* columns", do_rows)
    return b, a


def render_app(spec: Spec, app: Application) -> str:
    tables = app.constants_class.removesuffix("Constants") + "Tables"
    doc = (f"Constants of the {app.title}.\n *\n * <p>Primitive constants only: the tables (arrays) are"
           f" static fields of {{@link {tables}}},\n * as Java Card's converter takes nothing else in an interface.")
    return _java(app.java_package, app.constants_class, doc, _app_members(spec, app)[0])


def _profile_algorithm(spec: Spec, profile: str) -> int:
    found = [a.install_code for a in spec.algorithms.values() if profile in a.profiles]
    if len(found) != 1:
        raise ValueError(f"access profile {profile} needs exactly one algorithm in crypto.toml, has {len(found)}")
    return found[0]


def render_app_tables(spec: Spec, app: Application) -> str:
    """``<App>Tables``: the application's tables (static arrays: the converter refuses them in the
    constants interface) and the engine's view of them (sscard.common.Tables), so that neither applet
    wires them by hand."""
    prefix = app.constants_class.removesuffix("Constants")
    has_card_unique = any(f.name == "card_unique" for f in spec.protocol.install[app.name])
    has_algorithm = any(f.name == "algorithm" for f in spec.protocol.install[app.name])
    fields = [
        ("commands", "COMMANDS"), ("commandValues", "CMD_VALUES"), ("keys", "KEYS"), ("dfs", "DFS"),
        ("profiles", "PROFILES"), ("profileAlgorithms", "PROFILE_ALGORITHMS"),
        ("challengeMinimum", "CHALLENGE_MINIMUM"), ("accessVariants", "ACCESS_VARIANTS"),
        ("files", "FILES"),
        ("fileAccess", "FILE_ACCESS"), ("records", "RECORDS"), ("recordAccess", "RECORD_ACCESS"),
        ("items", "ITEMS"), ("recordImages", "RECORD_IMAGES"), ("cardUniqueRecordOffset", "CARD_UNIQUE_OFFSET"),
        ("dataObjects", "DATA_OBJECTS"), ("otherApplications", "OTHER_APPLICATIONS"),
        ("lifecycleCodes", "LIFECYCLE_CODES"), ("fciProprietary", "FCI_PROPRIETARY"), ("pinFormat", "PIN_FORMAT"),
        ("installVersion", "INSTALL_VERSION"), ("installLength", "INSTALL_LENGTH"),
        ("installPersoKeyOffset", "INSTALL_OFF_PERSO_KEY"),
        ("installCardUniqueOffset", "INSTALL_OFF_CARD_UNIQUE" if has_card_unique else "-1"),
        ("installAlgorithmOffset", "INSTALL_OFF_ALGORITHM" if has_algorithm else "-1"),
    ]
    lines = [
        f"// {HEADER}",
        f"package {app.java_package};",
        "",
        f"import {spec.protocol.library_java_package}.Tables;",
        "",
        "/**",
        f" * The {app.name} tables (the arrays {app.constants_class} lays out), as the shared engine reads them.",
        " * Static arrays of constants: the converter writes them into the package's static field image, so",
        " * the card creates them once, when the package is loaded; the applet only references them.",
        " */",
        f"final class {prefix}Tables implements {app.constants_class} {{",
        *[f"    {line}" if line else "" for line in _app_members(spec, app)[1]],
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


