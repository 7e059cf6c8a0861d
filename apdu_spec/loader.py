"""Read the TOML files of the specification and validate them into a :class:`Spec`.

Every problem raises :class:`SpecError` naming the file, the path inside it (``commands.VERIFY.
status_words[2]``) and what is wrong. Unknown fields are errors too, so a typo cannot silently
drop a rule.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from .schema import (
    Access,
    AlgorithmSpec,
    Application,
    CheckStep,
    Clause,
    Command,
    Condition,
    DataObject,
    DedicatedFile,
    Diversification,
    EFile,
    FileRule,
    InstallField,
    Item,
    Key,
    Lifecycle,
    LifecycleState,
    LifecycleTransition,
    Param,
    Profile,
    Protocol,
    Record,
    RetryMachine,
    RetryTransition,
    Spec,
    SpecError,
    StatusWord,
    SwUse,
    Vector,
    VectorModel,
)

FILES = (
    "status_words.toml",
    "clauses.toml",
    "lifecycle.toml",
    "protocol.toml",
    "access.toml",
    "crypto.toml",
)
CLAUSE_ID = re.compile(r"^SSC-[A-Z]+-[1-9][0-9]*$")
NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
ACTIONS = frozenset(
    {
        "select",
        "read_record",
        "update_record",
        "verify",
        "change_pin",
        "reload_pin",
        "unblock_pin",
        "get_challenge",
        "external_authenticate",
        "internal_authenticate",
        "transition",
        "end_personalisation",
        "put_key",
        "set_pin",
        "set_access_profile",
        "get_data",
        "reset_key_counter",
    }
)
KEY_USAGES = frozenset({"external_authenticate", "internal_authenticate", "mac", "encipher"})
FORMATS = {"cn": ("F",), "an": ("00", "20"), "b": ("00",)}
PIN_FORMATS = frozenset({"BCD", "ISO9564_2"})
GUARDS = frozenset({"match", "mismatch", "mismatch_last"})
COUNTER_ACTIONS = frozenset({"keep", "decrement", "reset"})
VALUE_ACTIONS = frozenset({"keep", "set"})
DATA_SOURCES = frozenset({"pin_tries_left", "atc"})
RECORD_INITIALS = frozenset({"card_identification"})
CHECKS = (
    "challenge_taken",
    "apdu_format",
    "cla",
    "ins",
    "lifecycle",
    "p1p2",
    "length",
    "secure_messaging",
    "access",
    "semantics",
    "le",
)


class _Node:
    """A TOML table being read: knows its file and path, and which keys were read."""

    def __init__(self, file: str, path: str, data: Mapping[str, Any]) -> None:
        self.file = file
        self.path = path
        self.data = data
        self.used: set[str] = set()

    def sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str | None, message: str) -> SpecError:
        return SpecError(self.file, self.sub(key) if key is not None else self.path or "(top)", message)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str) -> Any:
        self.used.add(key)
        if key not in self.data:
            raise self.error(key, "missing field")
        return self.data[key]

    def opt(self, key: str) -> Any:
        self.used.add(key)
        return self.data.get(key)

    def text(self, key: str) -> str:
        v = self.raw(key)
        if not isinstance(v, str):
            raise self.error(key, f"expected a string, got {type(v).__name__}")
        return v

    def opt_str(self, key: str) -> str | None:
        return None if self.opt(key) is None else self.text(key)

    def num(self, key: str) -> int:
        v = self.raw(key)
        if not isinstance(v, int) or isinstance(v, bool):
            raise self.error(key, f"expected an integer, got {type(v).__name__}")
        return v

    def opt_int(self, key: str) -> int | None:
        return None if self.opt(key) is None else self.num(key)

    def flag(self, key: str, default: bool) -> bool:
        v = self.opt(key)
        if v is None:
            return default
        if not isinstance(v, bool):
            raise self.error(key, f"expected true or false, got {v!r}")
        return v

    def hex(self, key: str, length: int | None = None) -> bytes:
        return _hex(self, key, self.text(key), length)

    def strs(self, key: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        if default is not None and self.opt(key) is None:
            return default
        v = self.raw(key)
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise self.error(key, "expected a list of strings")
        return tuple(v)

    def ints(self, key: str) -> tuple[int, ...]:
        v = self.raw(key)
        if not isinstance(v, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in v):
            raise self.error(key, "expected a list of integers")
        return tuple(v)

    def table(self, key: str) -> _Node:
        v = self.raw(key)
        if not isinstance(v, dict):
            raise self.error(key, "expected a table")
        return _Node(self.file, self.sub(key), v)

    def opt_table(self, key: str) -> _Node | None:
        return None if self.opt(key) is None else self.table(key)

    def tables(self, key: str) -> Iterator[tuple[str, _Node]]:
        """The sub-tables of table ``key``, in file order."""
        t = self.table(key)
        for name in t.data:
            yield name, t.table(name)
        t.done()

    def array(self, key: str) -> Iterator[_Node]:
        v = self.raw(key)
        if not isinstance(v, list):
            raise self.error(key, "expected an array of tables")
        for i, x in enumerate(v):
            path = f"{self.sub(key)}[{i}]"
            if not isinstance(x, dict):
                raise SpecError(self.file, path, "expected a table")
            yield _Node(self.file, path, x)

    def done(self) -> None:
        for k in self.data:
            if k not in self.used:
                raise self.error(k, "unknown field")


def _hex(node: _Node, key: str, text: str, length: int | None = None) -> bytes:
    try:
        value = bytes.fromhex(text)
    except ValueError:
        raise node.error(key, f"not hexadecimal: {text!r}") from None
    if length is not None and len(value) != length:
        raise node.error(key, f"expected {length} bytes, got {len(value)}")
    return value


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.refs: dict[str, list[str]] = {}
        self.pending_clauses: list[tuple[_Node, str, str]] = []
        self.pending_sws: list[tuple[_Node, str, str, bool]] = []
        self.pending_challenges: list[tuple[_Node, str, int]] = []

    # ------------------------------------------------------------------ plumbing
    def read(self, name: str) -> _Node:
        path = self.root / name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SpecError(name, "(file)", f"missing specification file {path}") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise SpecError(name, "(syntax)", str(e)) from None
        return _Node(name, "", data)

    def clause_ref(self, node: _Node, key: str, clause: str) -> str:
        self.pending_clauses.append((node, key, clause))
        self.refs.setdefault(clause, []).append(f"{node.file}: {node.sub(key)}")
        return clause

    def clause_refs(self, node: _Node, key: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        values = node.strs(key, default)
        for i, c in enumerate(values):
            self.clause_ref(node, f"{key}[{i}]", c)
        return values

    def challenge_length(self, node: _Node, key: str) -> int:
        """A minimum challenge length (SSC-SM-7): one GET CHALLENGE can give (checked in :func:`load`)."""
        n = node.num(key)
        self.pending_challenges.append((node, key, n))
        return n

    def sw_ref(self, node: _Node, key: str, name: str, *, returned: bool = True) -> str:
        self.pending_sws.append((node, key, name, returned))
        return name

    # ------------------------------------------------------------------ files
    def status_words(self) -> dict[str, StatusWord]:
        doc = self.read("status_words.toml")
        out: dict[str, StatusWord] = {}
        seen: dict[str, str] = {}
        for name, t in doc.tables("status_words"):
            if not NAME.match(name):
                raise t.error(None, f"status word name {name!r} must be UPPER_CASE")
            pattern = t.text("sw").upper()
            if not re.fullmatch(r"[0-9A-F]{2}[0-9A-FX]{2}", pattern) or re.search(r"X[0-9A-F]", pattern):
                raise t.error("sw", f"{pattern!r} is not four hex digits with trailing X parameter nibbles")
            if pattern in seen:
                raise t.error("sw", f"{pattern} is already defined as {seen[pattern]}")
            seen[pattern] = name
            parameter = t.opt_str("parameter")
            if ("X" in pattern) != (parameter is not None):
                raise t.error("parameter", "a parameter description is required exactly when the pattern has X nibbles")
            out[name] = StatusWord(
                name, pattern, t.text("en"), t.text("zh"), parameter, t.flag("returned", True), t.opt_str("note")
            )
            t.done()
        doc.done()
        return out

    def clauses(self) -> tuple[dict[int, str], dict[str, str], dict[str, Clause]]:
        doc = self.read("clauses.toml")
        arts_node = doc.table("articles")
        articles: dict[int, str] = {}
        for k in arts_node.data:
            if not k.isdigit():
                raise arts_node.error(k, "article keys are article numbers")
            articles[int(k)] = arts_node.text(k)
        arts_node.done()
        conv_node = doc.table("conventions")
        conventions = {k: conv_node.text(k) for k in list(conv_node.data)}
        conv_node.done()
        clauses: dict[str, Clause] = {}
        first: dict[str, str] = {}
        for t in doc.array("clauses"):
            cid = t.text("id")
            if not CLAUSE_ID.match(cid):
                raise t.error("id", f"clause id {cid!r} does not look like SSC-AREA-N")
            if cid in clauses:
                raise t.error("id", f"duplicate clause id {cid!r} (first at {first[cid]})")
            first[cid] = t.path
            arts = t.ints("articles") if t.has("articles") else ()
            for i, a in enumerate(arts):
                if a not in articles:
                    raise t.error(f"articles[{i}]", f"unknown regulation article {a}")
            convs = t.strs("conventions", ())
            for i, c in enumerate(convs):
                if c not in conventions:
                    raise t.error(f"conventions[{i}]", f"unknown convention {c!r}")
            if not arts and not convs:
                raise t.error(None, f"clause {cid} is tied to no article and no convention")
            clauses[cid] = Clause(cid, t.text("title"), t.text("text"), arts, convs)
            t.done()
        doc.done()
        return articles, conventions, clauses

    def lifecycle(self) -> tuple[Lifecycle, dict[str, RetryMachine]]:
        doc = self.read("lifecycle.toml")
        lc = doc.table("lifecycle")
        states: dict[str, LifecycleState] = {}
        for name, t in lc.tables("states"):
            code = t.num("code")
            if not 0 <= code <= 0xFF:
                raise t.error("code", "a lifecycle code is one byte")
            states[name] = LifecycleState(name, code, t.text("text"))
            t.done()
        initial = lc.text("initial")
        if initial not in states:
            raise lc.error("initial", f"undefined state {initial!r}")
        transitions = []
        for t in lc.array("transitions"):
            frm = t.strs("from")
            for i, s in enumerate(frm):
                if s not in states:
                    raise t.error(f"from[{i}]", f"transition from an undefined state {s!r}")
            to = t.text("to")
            if to not in states:
                raise t.error("to", f"transition to an undefined state {to!r}")
            scope = t.opt_str("scope") or "application"
            if scope not in ("application", "card"):
                raise t.error("scope", f"scope must be application or card, got {scope!r}")
            transitions.append(
                LifecycleTransition(frm, t.text("command"), to, scope, self.clause_ref(t, "clause", t.text("clause")))
            )
            t.done()
        lifecycle = Lifecycle(initial, states, tuple(transitions), self.clause_refs(lc, "clauses"))
        lc.done()
        machines: dict[str, RetryMachine] = {}
        for mname, m in doc.tables("retry_machines"):
            st_node = m.table("states")
            mstates = {k: st_node.text(k) for k in list(st_node.data)}
            st_node.done()
            rows = []
            for t in m.array("transitions"):
                frm = t.strs("from")
                for i, s in enumerate(frm):
                    if s not in mstates:
                        raise t.error(f"from[{i}]", f"transition from an undefined state {s!r}")
                to = t.text("to")
                if to not in mstates:
                    raise t.error("to", f"transition to an undefined state {to!r}")
                guard = t.opt_str("guard")
                if guard is not None and guard not in GUARDS:
                    raise t.error("guard", f"unknown guard {guard!r} (one of {sorted(GUARDS)})")
                counter = t.text("counter")
                if counter not in COUNTER_ACTIONS:
                    raise t.error("counter", f"unknown counter action {counter!r}")
                value = t.text("value")
                if value not in VALUE_ACTIONS:
                    raise t.error("value", f"unknown value action {value!r}")
                sw = t.opt_str("sw")
                if sw is not None:
                    self.sw_ref(t, "sw", sw)
                rows.append(
                    RetryTransition(
                        frm,
                        t.text("event"),
                        guard,
                        counter,
                        value,
                        to,
                        sw,
                        self.clause_ref(t, "clause", t.text("clause")),
                    )
                )
                t.done()
            # determinism: no two rows may answer the same (state, event, guard)
            seen: dict[tuple[str, str, str | None], int] = {}
            for i, r in enumerate(rows):
                for s in r.from_states:
                    guards = (r.guard,) if r.guard else (None, *sorted(GUARDS))
                    for g in guards:
                        if (s, r.event, g) in seen:
                            raise SpecError(
                                doc.file,
                                f"retry_machines.{mname}.transitions[{i}]",
                                f"overlaps transitions[{seen[(s, r.event, g)]}] for {s} {r.event}",
                            )
                        seen[(s, r.event, g)] = i
            machines[mname] = RetryMachine(mname, m.text("title"), mstates, tuple(rows), self.clause_refs(m, "clauses"))
            m.done()
        doc.done()
        for needed in ("pin", "key", "mac"):
            if needed not in machines:
                raise SpecError(doc.file, "retry_machines", f"missing retry machine {needed!r}")
        return lifecycle, machines

    def protocol(self, lifecycle: Lifecycle) -> Protocol:
        doc = self.read("protocol.toml")
        co = doc.table("check_order")
        steps = []
        for t in co.array("steps"):
            check = t.text("check")
            if check not in CHECKS:
                raise t.error("check", f"unknown check {check!r}")
            sw = t.opt_str("sw")
            if sw is not None:
                self.sw_ref(t, "sw", sw)
            steps.append(CheckStep(t.num("step"), check, sw, t.text("text")))
            t.done()
        if [s.check for s in steps] != list(CHECKS):
            raise co.error("steps", f"the checks must be, in this order: {', '.join(CHECKS)}")
        co_clause = self.clause_ref(co, "clause", co.text("clause"))
        co.done()
        cs = doc.table("common_status_words")
        common = tuple(self.sw_use(t) for t in cs.array("list"))
        self.clause_ref(cs, "clause", cs.text("clause"))
        cs.done()
        sm = doc.table("secure_messaging")
        self.clause_refs(sm, "clauses")
        mac_length = sm.num("mac_length")
        challenge_lengths = sm.ints("challenge_lengths")
        texts: dict[str, str] = {}
        for k in list(sm.data):
            if k in ("clauses", "mac_length", "challenge_lengths"):
                continue
            v = sm.raw(k)
            if isinstance(v, dict):
                for alg, text in v.items():
                    texts[f"{k} ({alg})"] = str(text)
            else:
                texts[k] = str(v)
        sm.done()
        lib = doc.table("library")
        apps = lib.strs("applications")
        install: dict[str, tuple[InstallField, ...]] = {}
        for app, t in doc.tables("install"):
            fields = []
            for f in t.array("fields"):
                length = f.num("length")
                value = f.hex("value", length) if f.has("value") else None
                fields.append(InstallField(f.text("name"), length, value, f.text("text")))
                f.done()
            self.clause_ref(t, "clause", t.text("clause"))
            install[app] = tuple(fields)
            t.done()
        proto = Protocol(
            tuple(steps),
            co_clause,
            common,
            mac_length,
            challenge_lengths,
            texts,
            install,
            apps,
            lib.hex("package_aid"),
            lib.text("java_package"),
            lib.text("constants_class"),
        )
        lib.done()
        doc.done()
        return proto

    def sw_use(self, t: _Node) -> SwUse:
        use = SwUse(self.sw_ref(t, "sw", t.text("sw")), t.text("when"), self.clause_ref(t, "clause", t.text("clause")))
        t.done()
        return use

    def access(self, lifecycle: Lifecycle) -> tuple[Access, _Node]:
        doc = self.read("access.toml")
        conditions: dict[str, Condition] = {}
        for name, t in doc.tables("conditions"):
            kind = t.text("kind")
            if kind not in ("state", "pin", "key", "never"):
                raise t.error("kind", f"unknown condition kind {kind!r}")
            states = t.strs("states") if kind == "state" else ()
            for i, s in enumerate(states):
                if s not in lifecycle.states:
                    raise t.error(f"states[{i}]", f"undefined lifecycle state {s!r}")
            key = t.text("key") if kind == "key" else None
            conditions[name] = Condition(name, kind, states, key, t.text("text"))
            t.done()

        def rules(node: _Node) -> dict[str, FileRule]:
            out: dict[str, FileRule] = {}
            for fname, t in node.tables("files"):
                ops = {}
                for op in ("read", "update"):
                    ops[op] = t.strs(op)
                    for i, c in enumerate(ops[op]):
                        if c not in conditions:
                            raise t.error(f"{op}[{i}]", f"unknown access condition {c!r}")
                records: dict[int, tuple[str, ...]] = {}
                rec_node = t.opt_table("records")
                if rec_node is not None:
                    for k in list(rec_node.data):
                        if not k.isdigit():
                            raise rec_node.error(k, "record keys are record numbers")
                        conds = rec_node.strs(k)
                        for i, c in enumerate(conds):
                            if c not in conditions:
                                raise rec_node.error(f"{k}[{i}]", f"unknown access condition {c!r}")
                        records[int(k)] = conds
                    rec_node.done()
                out[fname] = FileRule(ops["read"], ops["update"], records, self.clause_refs(t, "clauses"))
                t.done()
            return out

        base_node = doc.table("base")
        base = rules(base_node)
        base_node.done()
        profiles: dict[str, Profile] = {}
        for pname, t in doc.tables("profiles"):
            files = rules(t) if t.has("files") else {}
            code = t.num("code")
            min_challenge = self.challenge_length(t, "min_challenge_length")
            profiles[pname] = Profile(pname, code, t.text("text"), min_challenge, files, self.clause_refs(t, "clauses"))
            t.done()
        return Access(conditions, base, profiles), doc

    def application(self, name: str, lifecycle: Lifecycle) -> Application:
        fname = f"{name}.toml"
        doc = self.read(fname)
        a = doc.table("application")
        app_name = a.text("name")
        pin_format = a.text("pin_format")
        if pin_format not in PIN_FORMATS:
            raise a.error("pin_format", f"unknown PIN format {pin_format!r}")
        dfs: dict[str, DedicatedFile] = {}
        if doc.has("dfs"):
            for dname, t in doc.tables("dfs"):
                dfs[dname] = DedicatedFile(dname, t.hex("aid"), int.from_bytes(t.hex("fid", 2)), t.text("title"))
                t.done()
        files: dict[str, EFile] = {}
        for file_name, t in doc.tables("files"):
            files[file_name] = self.efile(app_name, file_name, t, dfs, files)
        data_objects: dict[str, DataObject] = {}
        if doc.has("data_objects"):
            for oname, t in doc.tables("data_objects"):
                tag = int.from_bytes(t.hex("tag", 2))
                source = t.text("source")
                if source not in DATA_SOURCES:
                    raise t.error("source", f"unknown data source {source!r}")
                data_objects[oname] = DataObject(
                    oname, tag, t.num("length"), source, t.text("title"), self.clause_ref(t, "clause", t.text("clause"))
                )
                t.done()
        keys: dict[str, Key] = {}
        ids: dict[int, str] = {}
        for role, t in doc.tables("keys"):
            kid = t.num("id")
            if kid in ids:
                raise t.error("id", f"key id {kid:#04x} already used by {ids[kid]}")
            ids[kid] = role
            usage = t.strs("usage")
            for i, u in enumerate(usage):
                if u not in KEY_USAGES:
                    raise t.error(f"usage[{i}]", f"unknown key usage {u!r}")
            states = t.strs("states") if t.has("states") else None
            for i, s in enumerate(states or ()):
                if s not in lifecycle.states:
                    raise t.error(f"states[{i}]", f"undefined lifecycle state {s!r}")
            try_limit = t.opt_int("try_limit")
            counted = "external_authenticate" in usage or "mac" in usage
            if counted != (try_limit is not None):
                raise t.error("try_limit", "external authentication keys and MAC keys, and only they, have a try limit")
            if "external_authenticate" in usage and "mac" in usage:
                raise t.error("usage", "a key is not both an external authentication key and a MAC key: "
                              "its one try counter would count two different things")
            if try_limit is not None and not 1 <= try_limit <= 15:
                raise t.error("try_limit", "a try limit is 1-15 (it must fit the X of 63CX)")
            keys[role] = Key(
                role,
                kid,
                t.text("name"),
                t.text("title"),
                usage,
                try_limit,
                states,
                t.flag("required", False),
                t.opt_str("source"),
                t.flag("diversified", True),
                t.opt_str("note"),
                self.clause_refs(t, "clauses"),
            )
            t.done()
        commands: dict[str, Command] = {}
        for cname, t in doc.tables("commands"):
            commands[cname] = self.command(app_name, cname, t, lifecycle, keys)
        app = Application(
            app_name,
            fname,
            a.text("title"),
            a.hex("aid"),
            a.hex("package_aid"),
            a.text("java_package"),
            a.text("applet_class"),
            a.text("constants_class"),
            pin_format,
            a.num("default_pin_try_limit"),
            self.challenge_length(a, "min_challenge_length"),
            a.flag("access_profiles", False),
            a.hex("fci_proprietary"),
            a.text("diversification"),
            self.clause_refs(a, "clauses"),
            dfs,
            files,
            data_objects,
            keys,
            commands,
        )
        a.done()
        doc.done()
        return app

    def efile(
        self, app: str, name: str, t: _Node, dfs: Mapping[str, DedicatedFile], files: Mapping[str, EFile]
    ) -> EFile:
        df = t.text("df")
        if df and df not in dfs:
            raise t.error("df", f"undefined DF {df!r}")
        fid = int.from_bytes(t.hex("fid", 2)) if t.has("fid") else None
        sfi = t.num("sfi")
        if not 1 <= sfi <= 30:
            raise t.error("sfi", f"SFI {sfi} outside 1-30")
        for other in files.values():
            if other.df == df and other.sfi == sfi:
                raise t.error("sfi", f"SFI {sfi} already used by {other.name} in the same DF")
            if fid is not None and other.df == df and other.fid == fid:
                raise t.error("fid", f"FID {fid:04X} already used by {other.name} in the same DF")
        structure = t.text("structure")
        if structure not in ("linear_fixed", "transparent"):
            raise t.error("structure", f"unknown file structure {structure!r}")
        records = []
        for i, r in enumerate(t.array("records")):
            number = r.num("number")
            if number != i + 1:
                raise r.error("number", f"records are numbered 1, 2, ... in order: expected {i + 1}, got {number}")
            initial = r.opt_str("initial")
            if initial is not None and initial not in RECORD_INITIALS:
                raise r.error("initial", f"unknown initial value {initial!r}")
            if r.has("template"):
                template: bytes | None = r.hex("template")
                items = tuple(self.item(n) for n in r.array("items"))
                if not items:
                    raise r.error("items", "a template holds at least one item")
            else:
                template = None
                items = (self.item(r, close=False),)
            record = Record(number, template, items, initial, r.opt_str("note"))
            if record.size > 255:
                raise r.error(None, f"record of {record.size} bytes does not fit a short APDU")
            records.append(record)
            r.done()
        f = EFile(name, app, df, fid, sfi, structure, t.text("title"), tuple(records))
        t.done()
        return f

    def item(self, n: _Node, close: bool = True) -> Item:
        fmt = n.text("format")
        if fmt not in FORMATS:
            raise n.error("format", f"unknown format {fmt!r} (cn, an or b)")
        padding = n.text("padding").upper()
        if padding not in FORMATS[fmt]:
            raise n.error("padding", f"format {fmt} pads with {' or '.join(FORMATS[fmt])}, not {padding!r}")
        length = n.num("length")
        if not 1 <= length <= 127:
            raise n.error("length", f"item length {length} outside 1-127")
        it = Item(
            n.hex("tag"),
            n.text("item"),
            fmt,
            length,
            b"\xff" if padding == "F" else bytes.fromhex(padding),
            n.opt_str("note"),
        )
        if close:
            n.done()
        return it

    def param(self, t: _Node, key: str) -> Param:
        v = t.raw(key)
        if v == "any":
            return Param("any")
        if isinstance(v, list):
            return Param("values", tuple(_hex(t, f"{key}[{i}]", x, 1)[0] for i, x in enumerate(v)))
        if isinstance(v, dict):
            n = t.table(key)
            if n.has("sfi_modes"):
                modes = n.ints("sfi_modes")
                for i, m in enumerate(modes):
                    if not 0 <= m <= 7:
                        raise n.error(f"sfi_modes[{i}]", "a mode is 3 bits")
                n.done()
                return Param("sfi_modes", modes)
            low, high = n.hex("from", 1)[0], n.hex("to", 1)[0]
            if low > high:
                raise n.error("to", "empty range")
            n.done()
            return Param("range", low=low, high=high)
        raise t.error(key, 'expected "any", a list of hex values or a table')

    def command(self, app: str, name: str, t: _Node, lifecycle: Lifecycle, keys: Mapping[str, Key]) -> Command:
        if t.has("p1p2"):
            if t.has("p1") or t.has("p2"):
                raise t.error("p1p2", "give either p1p2 or p1 and p2")
            p1p2: tuple[int, ...] | None = tuple(
                int.from_bytes(_hex(t, f"p1p2[{i}]", x, 2)) for i, x in enumerate(t.strs("p1p2"))
            )
            p1 = p2 = Param("any")
        else:
            p1p2 = None
            p1, p2 = self.param(t, "p1"), self.param(t, "p2")
        data = t.table("data")
        lengths = data.ints("lengths") if data.has("lengths") else None
        sm4_lengths = data.ints("sm4_lengths") if data.has("sm4_lengths") else None
        if sm4_lengths is not None and lengths is None:
            raise data.error("sm4_lengths", "only beside lengths")
        dmin = data.opt_int("min") or 0
        dmax = data.opt_int("max") if data.has("max") else 255
        layout = data.text("layout")
        if lengths is None and not data.has("min"):
            raise data.error("lengths", "missing field (or give min and max)")
        data.done()
        le_raw = t.raw("le")
        le: str | tuple[int, ...]
        if isinstance(le_raw, list):
            le = t.ints("le")
        elif le_raw in ("none", "computed"):
            le = str(le_raw)
        else:
            raise t.error("le", f'expected "none", "computed" or a list of Le values, got {le_raw!r}')
        sm4_le = t.ints("sm4_le") if t.has("sm4_le") else None
        if sm4_le is not None and not isinstance(le, tuple):
            raise t.error("sm4_le", "only beside a list of Le values")
        sm = t.opt_str("sm")
        if sm is not None and (sm not in keys or "mac" not in keys[sm].usage):
            raise t.error("sm", f"no key {sm!r} with usage mac in this application")
        enc = t.opt_str("encipher_key")
        if enc is not None and (enc not in keys or "encipher" not in keys[enc].usage):
            raise t.error("encipher_key", f"no key {enc!r} with usage encipher in this application")
        states = t.strs("states")
        for i, s in enumerate(states):
            if s not in lifecycle.states:
                raise t.error(f"states[{i}]", f"undefined lifecycle state {s!r}")
        access_raw = t.raw("access")
        access: tuple[str, ...] | str
        if isinstance(access_raw, str):
            if access_raw not in ("file:read", "file:update"):
                raise t.error(
                    "access", f'expected a list of conditions, "file:read" or "file:update", got {access_raw!r}'
                )
            access = access_raw
        else:
            access = t.strs("access")
        action = t.text("action")
        if action not in ACTIONS:
            raise t.error("action", f"unknown action {action!r}")
        sws = tuple(self.sw_use(n) for n in t.array("status_words"))
        cmd = Command(
            name,
            app,
            t.text("title"),
            t.hex("cla", 1)[0],
            t.hex("ins", 1)[0],
            p1,
            p2,
            p1p2,
            lengths,
            dmin,
            dmax if dmax is not None else 255,
            layout,
            le,
            sm,
            t.flag("challenge", False),
            enc,
            states,
            access,
            action,
            t.text("response"),
            t.opt_str("note"),
            self.clause_refs(t, "clauses"),
            sws,
            sm4_lengths,
            sm4_le,
        )
        t.done()
        return cmd

    def crypto(
        self, profiles: Mapping[str, Profile]
    ) -> tuple[dict[str, AlgorithmSpec], dict[str, Diversification], tuple[Vector, ...], _Node]:
        doc = self.read("crypto.toml")
        algorithms: dict[str, AlgorithmSpec] = {}
        for name, t in doc.tables("algorithms"):
            card = t.text("card")
            if card not in ("implemented", "planned"):
                raise t.error("card", f"expected implemented or planned, got {card!r}")
            profs = t.strs("profiles")
            for i, p in enumerate(profs):
                if p not in profiles:
                    raise t.error(f"profiles[{i}]", f"unknown access profile {p!r}")
            algorithms[name] = AlgorithmSpec(
                name,
                t.num("key_length"),
                t.num("block"),
                card,
                t.num("install_code"),
                profs,
                t.text("text"),
                self.clause_ref(t, "clause", t.text("clause")),
            )
            t.done()
        divs: dict[str, Diversification] = {}
        for name, t in doc.tables("diversification"):
            steps = []
            for s in t.array("steps"):
                steps.append((s.text("factor"), s.text("text")))
                s.done()
            divs[name] = Diversification(
                name, tuple(steps), t.text("text"), self.clause_ref(t, "clause", t.text("clause"))
            )
            t.done()
        vectors: list[Vector] = []
        ids: set[str] = set()
        for t in doc.array("vectors"):
            vid = t.text("id")
            if vid in ids:
                raise t.error("id", f"duplicate vector id {vid!r}")
            ids.add(vid)
            inputs_node = t.table("inputs")
            inputs = {k: inputs_node.text(k) for k in list(inputs_node.data)}
            inputs_node.done()
            model = None
            m = t.opt_table("model")
            if m is not None:
                keys_node = m.table("keys")
                mkeys = {k: keys_node.hex(k, 16) for k in list(keys_node.data)}
                keys_node.done()
                then = []
                for i, pair in enumerate(m.raw("then") if m.has("then") else []):
                    if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
                        raise m.error(f"then[{i}]", "expected [apdu hex, sw hex]")
                    then.append((_hex(m, f"then[{i}]", pair[0]), int.from_bytes(_hex(m, f"then[{i}]", pair[1], 2))))
                model = VectorModel(
                    m.text("application"),
                    m.text("state"),
                    mkeys,
                    m.hex("challenge") if m.has("challenge") else None,
                    m.hex("apdu"),
                    int.from_bytes(m.hex("sw", 2)),
                    m.hex("response") if m.has("response") else None,
                    m.text("state_after"),
                    tuple(then),
                    m.opt_str("profile"),
                )
                m.done()
            vectors.append(
                Vector(
                    vid,
                    t.text("title"),
                    t.text("function"),
                    inputs,
                    t.hex("expected"),
                    t.hex("kcv", 3) if t.has("kcv") else None,
                    self.clause_refs(t, "clauses"),
                    model,
                )
            )
            t.done()
        return algorithms, divs, tuple(vectors), doc


def _check_command_sws(
    app: Application,
    cmd: Command,
    returned: Mapping[str, bool],
    conditions: Mapping[str, Condition],
    lifecycle: Lifecycle,
) -> None:
    """Status words a command must list because of what it is (check order steps 4-10)."""
    path = f"commands.{cmd.name}.status_words"
    listed = {u.sw for u in cmd.status_words}
    live = [s for s in lifecycle.states if s != "TERMINATED"]
    needed: list[tuple[str, str]] = [("OK", "every command can succeed")]
    if cmd.p1p2 is not None or cmd.p1.kind != "any" or cmd.p2.kind != "any":
        needed.append(("INCORRECT_P1P2", "P1-P2 are restricted (check order step 5)"))
    if set(cmd.states) != set(live):
        needed.append(("CONDITIONS_NOT_SATISFIED", "the command is refused in some lifecycle states (step 4)"))
    if cmd.needs_challenge:
        needed.append(("REF_DATA_NOT_USABLE", "the command needs a challenge (step 7)"))
    if cmd.sm_key is not None:
        needed += [
            ("REF_DATA_NOT_FOUND", "the command is MAC'd (step 7)"),
            ("SM_INCORRECT", "the command is MAC'd (step 7)"),
            ("AUTH_BLOCKED", "the command is MAC'd and its MAC key can block (step 7, SSC-SM-6)"),
        ]
        if cmd.le == "computed":
            raise SpecError(app.file, f"commands.{cmd.name}.le", "a MAC'd command has no response of computed "
                            "length: step 10 comes after its effect and the ATC (SSC-FIN-3)")
    if cmd.le == "computed":
        needed.append(("WRONG_LE", "the response length is computed (step 10)"))
    conds = cmd.access if isinstance(cmd.access, tuple) else ()
    if any(conditions[c].kind in ("pin", "key", "never") for c in conds):
        needed.append(("SECURITY_NOT_SATISFIED", "the command has authentication conditions (step 8)"))
    for sw, why in needed:
        if sw not in listed:
            raise SpecError(app.file, path, f"missing {sw!r}: {why}")
    for i, u in enumerate(cmd.status_words):
        if u.sw in returned and not returned[u.sw]:
            raise SpecError(app.file, f"{path}[{i}].sw", f"status word {u.sw!r} is marked returned = false")


def load(path: str | Path | None = None) -> Spec:
    """Load and validate the specification from the directory ``path`` (default: this package)."""
    if path is None:
        root = Path(str(resources.files("apdu_spec")))
    else:
        root = Path(path)
    ld = _Loader(root)
    status_words = ld.status_words()
    articles, conventions, clauses = ld.clauses()
    lifecycle, machines = ld.lifecycle()
    protocol = ld.protocol(lifecycle)
    access, access_doc = ld.access(lifecycle)
    applications: dict[str, Application] = {}
    for name in protocol.applications:
        app = ld.application(name, lifecycle)
        if app.name in applications:
            raise SpecError(app.file, "application.name", f"duplicate application name {app.name!r}")
        applications[app.name] = app
    algorithms, divs, vectors, crypto_doc = ld.crypto(access.profiles)

    # --- minimum challenge lengths: one GET CHALLENGE of every application can give
    for node, field, n in ld.pending_challenges:
        for app in applications.values():
            gc = next((c for c in app.commands.values() if c.action == "get_challenge"), None)
            if gc is None or not isinstance(gc.le, tuple) or not any(le >= n for le in gc.le):
                raise SpecError(node.file, node.sub(field), f"{n}-byte challenges: {app.name} GET CHALLENGE gives none")
    # --- keys named by reset_key_counter commands have a try counter
    for app in applications.values():
        for reset in app.commands.values():
            if reset.action != "reset_key_counter":
                continue
            for i, p1p2 in enumerate(reset.p1p2 or ()):
                target = app.key_by_id(p1p2 & 0xFF)
                if target is None or target.try_limit is None:
                    raise SpecError(app.file, f"commands.{reset.name}.p1p2[{i}]", "names no key with a try counter")
                if target.role == reset.sm_key:
                    raise SpecError(app.file, f"commands.{reset.name}.p1p2[{i}]",
                                    f"{target.role} cannot vouch for its own reset: once blocked it verifies no MAC")
            if reset.p1p2 is None:
                raise SpecError(app.file, f"commands.{reset.name}.p1p2", "RESET KEY COUNTER names its keys in p1p2")
    # --- status word references (collected while reading)
    for node, key, name, _ in ld.pending_sws:
        if name not in status_words:
            raise SpecError(node.file, node.sub(key), f"unknown status word {name!r}")
    # --- clause references
    for node, key, cid in ld.pending_clauses:
        if cid not in clauses:
            raise SpecError(node.file, node.sub(key), f"unknown clause id {cid!r}")
    # --- lifecycle transitions name commands every application has
    for i, tr in enumerate(lifecycle.transitions):
        for app in applications.values():
            cmd = app.commands.get(tr.command)
            where = f"lifecycle.transitions[{i}].command"
            if cmd is None:
                raise SpecError("lifecycle.toml", where, f"no command {tr.command!r} in {app.file}")
            if cmd.action not in ("transition", "end_personalisation"):
                raise SpecError(
                    app.file,
                    f"commands.{cmd.name}.action",
                    f"a command that causes a lifecycle transition has action transition, not {cmd.action!r}",
                )
            if set(cmd.states) != set(tr.from_states):
                raise SpecError(
                    app.file,
                    f"commands.{cmd.name}.states",
                    f"must equal the transition's from-states {list(tr.from_states)} (lifecycle.toml {where})",
                )
    for app in applications.values():
        for cmd in app.commands.values():
            if cmd.action in ("transition", "end_personalisation") and not any(
                t.command == cmd.name for t in lifecycle.transitions
            ):
                raise SpecError(app.file, f"commands.{cmd.name}.action", "no lifecycle transition names this command")
            if "TERMINATED" in cmd.states:
                raise SpecError(
                    app.file, f"commands.{cmd.name}.states", "no command is allowed in TERMINATED (SSC-LC-2)"
                )
            conds = cmd.access if isinstance(cmd.access, tuple) else ()
            for i, c in enumerate(conds):
                if c not in access.conditions:
                    raise SpecError(app.file, f"commands.{cmd.name}.access[{i}]", f"unknown access condition {c!r}")
            if isinstance(cmd.access, str) and cmd.action not in ("read_record", "update_record"):
                raise SpecError(app.file, f"commands.{cmd.name}.access", "file rules apply to record commands only")
            _check_command_sws(app, cmd, {n: s.returned for n, s in status_words.items()}, access.conditions, lifecycle)
        # commands sharing CLA/INS: same states, disjoint P1-P2
        groups: dict[tuple[int, int], list[Command]] = {}
        for cmd in app.commands.values():
            groups.setdefault((cmd.cla, cmd.ins), []).append(cmd)
        for group in groups.values():
            for other in group[1:]:
                first = group[0]
                if set(other.states) != set(first.states):
                    raise SpecError(
                        app.file,
                        f"commands.{other.name}.states",
                        f"shares CLA/INS with {first.name} and must have the same states",
                    )
                if first.p1p2 is None or other.p1p2 is None or set(first.p1p2) & set(other.p1p2):
                    raise SpecError(
                        app.file,
                        f"commands.{other.name}.p1p2",
                        f"shares CLA/INS with {first.name}: both need disjoint p1p2 lists",
                    )
        for role, kdef in app.keys.items():
            if kdef.source is not None and kdef.source != "install":
                raise SpecError(app.file, f"keys.{role}.source", f"unknown kdef.source {kdef.source!r}")
        if app.name not in protocol.install:
            raise SpecError("protocol.toml", "install", f"no install parameters for application {app.name!r}")
        if app.diversification not in divs:
            raise SpecError(app.file, "application.diversification", f"unknown diversification {app.diversification!r}")
    # --- access rules name existing files, every file has a rule
    all_files = {f: app for app in applications.values() for f in app.files}
    for fname in access.base:
        if fname not in all_files:
            raise SpecError("access.toml", f"base.files.{fname}", "no such file in any application")
    for fname, app in all_files.items():
        if fname not in access.base:
            raise SpecError("access.toml", "base.files", f"no access rule for file {fname!r} of {app.file}")
    for pname, prof in access.profiles.items():
        for fname, rule in prof.files.items():
            if fname not in all_files:
                raise SpecError("access.toml", f"profiles.{pname}.files.{fname}", "no such file in any application")
            for rec in rule.records:
                if all_files[fname].files[fname].record(rec) is None:
                    raise SpecError("access.toml", f"profiles.{pname}.files.{fname}.records.{rec}", "no such record")
    for cname, cond in access.conditions.items():
        if cond.key is not None and not any(cond.key in a.keys for a in applications.values()):
            raise SpecError("access.toml", f"conditions.{cname}.key", f"no application has a key {cond.key!r}")
    # --- vectors refer to existing applications, keys and states
    for i, v in enumerate(vectors):
        if v.model is None:
            continue
        where = f"vectors[{i}].model"
        if v.model.application not in applications:
            raise SpecError("crypto.toml", f"{where}.application", f"unknown application {v.model.application!r}")
        for s in (v.model.state, v.model.state_after):
            if s not in lifecycle.states:
                raise SpecError("crypto.toml", f"{where}.state", f"undefined lifecycle state {s!r}")
        for role in v.model.keys:
            if role not in applications[v.model.application].keys:
                raise SpecError("crypto.toml", f"{where}.keys.{role}", f"no key {role!r} in {v.model.application}")
    access_doc.done()
    crypto_doc.done()
    return Spec(
        status_words,
        articles,
        conventions,
        clauses,
        lifecycle,
        machines,
        protocol,
        access,
        applications,
        algorithms,
        divs,
        vectors,
        {k: tuple(v) for k, v in sorted(ld.refs.items())},
    )
