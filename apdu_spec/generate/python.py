"""The host's tables: ``host/sscard/spec_tables.py``."""

from __future__ import annotations

from ..model import CardProfile
from ..schema import Spec
from .common import HEADER

PY_TABLES = "host/sscard/spec_tables.py"



def render_python(spec: Spec) -> str:
    out = [
        f'"""Protocol tables of the card, {HEADER}."""',
        "",
        "from __future__ import annotations",
        "",
        "import enum",
        "from typing import Final, NamedTuple",
        "",
        "from sscard_core.layout import Item, Record",
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
        "    name: str",
        "    cla: int",
        "    ins: int",
        "    p1p2: tuple[int, ...] | None",
        "    sm_key: str | None",
        "    encipher_key: str | None",
        "    states: tuple[Lifecycle, ...]",
        "    action: str",
        "",
        "",
    ]
    out += [
        "class FileDef(NamedTuple):",
        "    application: str",
        "    df: str",
        "    fid: int | None",
        "    sfi: int",
        "    records: tuple[Record, ...]",
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
        "class InstallField(NamedTuple):",
        "    name: str",
        "    length: int",
        "    value: bytes | None",
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
    out += ["}", "", "APPLET_CLASSES: Final[dict[str, str]] = {"]
    out += [f"    {a.name!r}: {a.name}_APPLET_CLASS," for a in spec.applications.values()]
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
    out += ["}", '"""SET ACCESS PROFILE codes (SSC-PERSO-5)."""', "", "ALGORITHM_CODES: Final[dict[str, int]] = {"]
    out += [f"    {a.name!r}: 0x{a.install_code:02X}," for a in spec.algorithms.values()]
    out += ["}", '"""The SSSE install parameter `algorithm` of each key algorithm (crypto.toml, SSC-KEY-5)."""', "",
            "PROFILE_ALGORITHMS: Final[dict[str, str]] = {"]
    out += [f"    {p!r}: {a.name!r}," for a in spec.algorithms.values() for p in a.profiles]
    out += [
        "}",
        '"""The key algorithm of each access profile: a card takes only its own algorithm\'s (SSC-PERSO-5)."""',
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
                f"        {c.name!r}: CommandDef({c.name!r}, 0x{c.cla:02X}, 0x{c.ins:02X}, {p1p2}, {c.sm_key!r}, "
                f"{c.encipher_key!r}, ({states},), {c.action!r}),"
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
                out.append(f"        Record({r.number}, {tmpl}, (")
                for i in r.items:
                    out.append(
                        f"            Item(bytes.fromhex({i.tag.hex().upper()!r}), {i.name!r}, "
                        f"{i.format!r}, {i.length}, {i.padding!r}),"
                    )
                out.append("        )),")
            out.append("    )),")
    out += ["}", "", "DATA_OBJECTS: Final[dict[str, int]] = {"]
    out += [f"    {o.name!r}: 0x{o.tag:04X}," for a in spec.applications.values() for o in a.data_objects.values()]
    out += ["}", "", "INSTALL_FIELDS: Final[dict[str, tuple[InstallField, ...]]] = {"]
    for name, install in spec.protocol.install.items():
        out.append(f"    {name!r}: (")
        for field in install:
            value = "None" if field.value is None else f"bytes.fromhex({field.value.hex().upper()!r})"
            out.append(f"        InstallField({field.name!r}, {field.length}, {value}),")
        out.append("    ),")
    out += ["}", '"""The applet install parameters of each application, in order (SSC-PERSO-1)."""', ""]
    example = CardProfile.example()
    transport = {"SSSE": example.ssse.perso_key, "PBOC": example.pboc.perso_key if example.pboc else None}
    out.append(f"EXAMPLE_CARD_UNIQUE: Final = bytes.fromhex({example.card_unique.hex().upper()!r})")
    out += ["EXAMPLE_TRANSPORT_KEYS: Final[dict[str, bytes]] = {"]
    out += [f"    {k!r}: bytes.fromhex({v.hex().upper()!r})," for k, v in transport.items() if v is not None]
    out += ["}", '"""Install parameters of the spec\'s example card (TEST keys, never for real cards)."""', ""]
    out += ["CLAUSES: Final[dict[str, tuple[int, ...]]] = {"]
    out += [f"    {c.id!r}: {tuple(c.articles)!r}," for c in spec.clauses.values()]
    out += ["}", '"""Clause id -> the regulation articles it serves (empty: a convention only)."""', ""]
    return "\n".join(out)


