"""The typed, frozen form of the APDU specification (what :func:`apdu_spec.load` returns).

Every class mirrors one kind of table of the TOML files in this package; the loader
(:mod:`apdu_spec.loader`) builds them and checks every cross-reference. Nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# The record layouts are the core's, so that one codec serves the model and the host.
from sscard_core.layout import Item as Item  # noqa: PLC0414 (re-export)
from sscard_core.layout import Record as Record  # noqa: PLC0414 (re-export)


class SpecError(Exception):
    """A specification file is malformed: names the file, the path inside it and the problem.

    ``str(err)`` reads like ``ssse.toml: commands.VERIFY.status_words[2]: unknown status word 'NOPE'``.
    """

    def __init__(self, file: str, path: str, message: str) -> None:
        super().__init__(f"{file}: {path}: {message}")
        self.file = file
        self.path = path
        self.message = message


# ------------------------------------------------------------------------------ status words


@dataclass(frozen=True)
class StatusWord:
    """A status word; ``pattern`` like ``63CX`` (X nibbles carry ``parameter``)."""

    name: str
    pattern: str
    en: str
    zh: str
    parameter: str | None
    returned: bool
    note: str | None

    @property
    def base(self) -> int:
        """The value with every parameter nibble 0 (``63CX`` -> ``0x63C0``)."""
        return int(self.pattern.replace("X", "0"), 16)

    @property
    def mask(self) -> int:
        """The bits that are fixed (``63CX`` -> ``0xFFF0``)."""
        return int("".join("0" if c == "X" else "F" for c in self.pattern), 16)

    @property
    def parametrised(self) -> bool:
        return "X" in self.pattern

    def matches(self, sw: int) -> bool:
        return sw & self.mask == self.base


# ------------------------------------------------------------------------------------ clauses


@dataclass(frozen=True)
class Clause:
    id: str
    title: str
    text: str
    articles: tuple[int, ...]
    conventions: tuple[str, ...]


# --------------------------------------------------------------------------------- lifecycle


@dataclass(frozen=True)
class LifecycleState:
    name: str
    code: int
    text: str


@dataclass(frozen=True)
class LifecycleTransition:
    from_states: tuple[str, ...]
    command: str
    to: str
    scope: str  # "application" | "card"
    clause: str


@dataclass(frozen=True)
class Lifecycle:
    initial: str
    states: Mapping[str, LifecycleState]
    transitions: tuple[LifecycleTransition, ...]
    clauses: tuple[str, ...]

    def transition(self, command: str, state: str) -> LifecycleTransition | None:
        for t in self.transitions:
            if t.command == command and state in t.from_states:
                return t
        return None


@dataclass(frozen=True)
class RetryTransition:
    from_states: tuple[str, ...]
    event: str
    guard: str | None  # None | "match" | "mismatch" | "mismatch_last"
    counter: str  # "keep" | "decrement" | "reset"
    value: str  # "keep" | "set"
    to: str
    sw: str | None
    clause: str


@dataclass(frozen=True)
class RetryMachine:
    name: str
    title: str
    states: Mapping[str, str]
    transitions: tuple[RetryTransition, ...]
    clauses: tuple[str, ...]

    def find(self, state: str, event: str, guard: str | None) -> RetryTransition:
        """The row for (state, event, guard); rows without a guard match any guard."""
        for t in self.transitions:
            if state in t.from_states and t.event == event and t.guard in (None, guard):
                return t
        raise LookupError(f"retry machine {self.name}: no transition for {state} {event} {guard}")


# ---------------------------------------------------------------------------------- protocol


@dataclass(frozen=True)
class CheckStep:
    step: int
    check: str
    sw: str | None
    text: str


@dataclass(frozen=True)
class SwUse:
    sw: str
    when: str
    clause: str


@dataclass(frozen=True)
class InstallField:
    name: str
    length: int
    value: bytes | None
    text: str


@dataclass(frozen=True)
class Protocol:
    check_order: tuple[CheckStep, ...]
    check_order_clause: str
    common_status_words: tuple[SwUse, ...]
    mac_length: int
    challenge_lengths: tuple[int, ...]
    secure_messaging: Mapping[str, str]
    install: Mapping[str, tuple[InstallField, ...]]
    applications: tuple[str, ...]
    library_package_aid: bytes
    library_java_package: str
    library_constants_class: str


# ------------------------------------------------------------------------------------ access


@dataclass(frozen=True)
class Condition:
    name: str
    kind: str  # "state" | "pin" | "key" | "never"
    states: tuple[str, ...]
    key: str | None
    text: str


@dataclass(frozen=True)
class FileRule:
    read: tuple[str, ...]
    update: tuple[str, ...]
    records: Mapping[int, tuple[str, ...]]
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    name: str
    code: int
    text: str
    min_challenge_length: int
    files: Mapping[str, FileRule]
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class Access:
    conditions: Mapping[str, Condition]
    base: Mapping[str, FileRule]
    profiles: Mapping[str, Profile]

    def rule(self, file: str, profile: str | None) -> FileRule:
        """The rule of a file under a profile (None: the base rules)."""
        if profile is not None and file in self.profiles[profile].files:
            return self.profiles[profile].files[file]
        return self.base[file]

    def profile_by_code(self, code: int) -> Profile | None:
        for p in self.profiles.values():
            if p.code == code:
                return p
        return None


# ------------------------------------------------------------------------------ applications


@dataclass(frozen=True)
class EFile:
    name: str
    application: str
    df: str  # "" = application root
    fid: int | None
    sfi: int
    structure: str
    title: str
    records: tuple[Record, ...]

    def record(self, number: int) -> Record | None:
        for r in self.records:
            if r.number == number:
                return r
        return None


@dataclass(frozen=True)
class DedicatedFile:
    name: str
    aid: bytes
    fid: int
    title: str


@dataclass(frozen=True)
class DataObject:
    name: str
    tag: int
    length: int
    source: str
    title: str
    clause: str


@dataclass(frozen=True)
class Key:
    role: str
    id: int
    name: str
    title: str
    usage: tuple[str, ...]
    try_limit: int | None
    states: tuple[str, ...] | None
    required: bool
    source: str | None
    diversified: bool
    note: str | None
    clauses: tuple[str, ...]

    @property
    def retry_machine(self) -> str | None:
        """The retry machine of the key's try counter (lifecycle.toml): "key" for external
        authentication keys (SSC-KEY-3), "mac" for MAC keys (SSC-SM-6), None without a counter."""
        if self.try_limit is None:
            return None
        return "key" if "external_authenticate" in self.usage else "mac"


@dataclass(frozen=True)
class Param:
    """Allowed values of P1 or P2: ``values``, an inclusive range, anything, or SFI + modes."""

    kind: str  # "values" | "range" | "any" | "sfi_modes"
    values: tuple[int, ...] = ()
    low: int = 0
    high: int = 255

    def accepts(self, v: int) -> bool:
        if self.kind == "values":
            return v in self.values
        if self.kind == "range":
            return self.low <= v <= self.high
        if self.kind == "sfi_modes":
            return (v >> 3) != 31 and (v & 7) in self.values
        return True


@dataclass(frozen=True)
class Command:
    name: str
    application: str
    title: str
    cla: int
    ins: int
    p1: Param
    p2: Param
    p1p2: tuple[int, ...] | None
    data_lengths: tuple[int, ...] | None
    data_min: int
    data_max: int
    data_layout: str
    le: str | tuple[int, ...]  # "none" | "computed" | allowed values
    sm_key: str | None
    challenge: bool
    encipher_key: str | None
    states: tuple[str, ...]
    access: tuple[str, ...] | str  # condition names, or "file:read" / "file:update"
    action: str
    response: str
    note: str | None
    clauses: tuple[str, ...]
    status_words: tuple[SwUse, ...]
    # On a card whose algorithm is SM4 (16-byte blocks, SSC-KEY-5): these lists instead, where given.
    sm4_data_lengths: tuple[int, ...] | None = None
    sm4_le: tuple[int, ...] | None = None

    def accepts_p1p2(self, p1: int, p2: int) -> bool:
        if self.p1p2 is not None:
            return (p1 << 8 | p2) in self.p1p2
        return self.p1.accepts(p1) and self.p2.accepts(p2)

    def accepts_length(self, n: int, algorithm: str = "3DES-16") -> bool:
        """Whether Lc ``n`` is one of this command's on a card of ``algorithm`` (crypto.toml names)."""
        if algorithm == "SM4" and self.sm4_data_lengths is not None:
            return n in self.sm4_data_lengths
        if self.data_lengths is not None:
            return n in self.data_lengths
        return self.data_min <= n <= self.data_max

    def le_values(self, algorithm: str = "3DES-16") -> str | tuple[int, ...]:
        """The command's Le rule on a card of ``algorithm``."""
        if algorithm == "SM4" and self.sm4_le is not None:
            return self.sm4_le
        return self.le

    @property
    def needs_challenge(self) -> bool:
        return self.challenge or self.sm_key is not None


@dataclass(frozen=True)
class Application:
    name: str
    file: str
    title: str
    aid: bytes
    package_aid: bytes
    java_package: str
    applet_class: str
    constants_class: str
    pin_format: str
    default_pin_try_limit: int
    min_challenge_length: int
    access_profiles: bool
    fci_proprietary: bytes
    diversification: str
    clauses: tuple[str, ...]
    dfs: Mapping[str, DedicatedFile]
    files: Mapping[str, EFile]
    data_objects: Mapping[str, DataObject]
    keys: Mapping[str, Key]
    commands: Mapping[str, Command]

    def key_by_id(self, key_id: int) -> Key | None:
        for k in self.keys.values():
            if k.id == key_id:
                return k
        return None

    def file_by_sfi(self, df: str, sfi: int) -> EFile | None:
        for f in self.files.values():
            if f.df == df and f.sfi == sfi:
                return f
        return None

    def file_by_fid(self, df: str, fid: int) -> EFile | None:
        for f in self.files.values():
            if f.df == df and f.fid == fid:
                return f
        return None

    def df_by_aid(self, aid: bytes) -> DedicatedFile | None:
        for d in self.dfs.values():
            if d.aid == aid:
                return d
        return None

    @property
    def clas(self) -> tuple[int, ...]:
        return tuple(sorted({c.cla for c in self.commands.values()}))

    @property
    def inss(self) -> tuple[int, ...]:
        return tuple(sorted({c.ins for c in self.commands.values()}))


# ------------------------------------------------------------------------------------ crypto


@dataclass(frozen=True)
class AlgorithmSpec:
    name: str
    key_length: int
    block: int
    card: str  # "implemented" | "planned"
    install_code: int  # the SSSE install parameter `algorithm`
    profiles: tuple[str, ...]
    text: str
    clause: str


@dataclass(frozen=True)
class Diversification:
    name: str
    steps: tuple[tuple[str, str], ...]
    text: str
    clause: str


@dataclass(frozen=True)
class VectorModel:
    application: str
    state: str
    keys: Mapping[str, bytes]
    challenge: bytes | None
    apdu: bytes
    sw: int
    response: bytes | None
    state_after: str
    then: tuple[tuple[bytes, int], ...]
    access_profile: str | None = None  # the card's profile (and with it its algorithm); None: 2.0


@dataclass(frozen=True)
class Vector:
    id: str
    title: str
    function: str
    inputs: Mapping[str, str]
    expected: bytes
    kcv: bytes | None
    clauses: tuple[str, ...]
    model: VectorModel | None


# -------------------------------------------------------------------------------------- spec


@dataclass(frozen=True)
class Spec:
    """The whole protocol, validated."""

    status_words: Mapping[str, StatusWord]
    articles: Mapping[int, str]
    conventions: Mapping[str, str]
    clauses: Mapping[str, Clause]
    lifecycle: Lifecycle
    retry_machines: Mapping[str, RetryMachine]
    protocol: Protocol
    access: Access
    applications: Mapping[str, Application]
    algorithms: Mapping[str, AlgorithmSpec]
    diversifications: Mapping[str, Diversification]
    vectors: tuple[Vector, ...]
    references: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """clause id -> where the spec cites it (``file: path``), for the traceability matrix."""

    def sw(self, name: str) -> int:
        return self.status_words[name].base

    def sw_name(self, sw: int) -> str | None:
        """The name of a status word value (parametrised ones match their pattern)."""
        for s in self.status_words.values():
            if s.matches(sw):
                return s.name
        return None
