"""Run the catalogue on one card: read its state, refuse a level that does not fit, run every check of
the level in order, and give a verdict per clause."""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib.resources
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sscard import spec_tables as t
from sscard._version import __version__
from sscard.conformance.catalogue import (
    CHECKS,
    CardState,
    Check,
    CheckFailed,
    Context,
    Level,
    Need,
    NotApplicable,
    card_side_clauses,
    fci_lifecycle,
    read_apdu,
    select_apdu,
)
from sscard.connection import answer_to_reset, exchange
from sscard.errors import CardConnectionError, SscardError
from sscard.protocol import CardProtocol
from sscard.tracing import RecordingTracer, TraceEntry

if TYPE_CHECKING:
    from sscard.connection import Connection
    from sscard.keys import BankKeys, IssuerKeys

VERDICTS = ("pass", "fail", "not-run", "not-applicable")
NO_CHECK = "no-check"
_PRECEDENCE = ("fail", "pass", "not-run", "not-applicable")


class Refused(SscardError):
    """The chosen level does not fit the card or what was given (keys, PIN): nothing was run."""


@dataclass
class CheckResult:
    id: str
    title: str
    clauses: tuple[str, ...]
    level: Level
    verdict: str
    reason: str = ""
    what: str = ""
    expected: str = ""
    actual: str = ""
    failed_clause: str | None = None
    """The one clause the failing step is about (None: every clause of the check)."""
    trace: list[TraceEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "title": self.title, "clauses": list(self.clauses),
                               "level": self.level.label, "verdict": self.verdict}
        if self.reason:
            out["reason"] = self.reason
        if self.verdict == "fail":
            if self.failed_clause:
                out["failed_clause"] = self.failed_clause
            out.update({"what": self.what, "expected": self.expected, "actual": self.actual,
                        "trace": [str(e) for e in self.trace]})
        return out


@dataclass
class ClauseResult:
    id: str
    title: str
    verdict: str
    checks: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "verdict": self.verdict, "checks": self.checks}


@dataclass
class Report:
    level: Level
    state: CardState
    checks: list[CheckResult]
    clauses: list[ClauseResult]
    date: str
    notes: list[str] = field(default_factory=list)
    stopped: str | None = None
    tool_version: str = __version__
    spec_sha256: str = ""

    @property
    def summary(self) -> dict[str, int]:
        counts = {v: 0 for v in (*VERDICTS, NO_CHECK)}
        for clause in self.clauses:
            counts[clause.verdict] += 1
        return counts

    @property
    def passed(self) -> bool:
        """True when nothing failed and the run was not cut short."""
        return self.stopped is None and not any(c.verdict == "fail" for c in self.checks)

    def failed_clauses(self) -> set[str]:
        return {c.id for c in self.clauses if c.verdict == "fail"}

    def to_json(self) -> dict[str, Any]:
        s = self.state
        return {
            "format": 1,
            "tool": {"name": "sscard conformance", "version": self.tool_version},
            "spec": {"version": self.tool_version, "sha256": self.spec_sha256},
            "date": self.date,
            "reader": s.reader,
            "atr": s.atr.hex().upper(),
            "card_id": s.card_id.hex().upper() if s.card_id else None,
            "profile": s.profile,
            "applications": {"social": {"lifecycle": s.ssse}, "finance": {"lifecycle": s.pboc}},
            "level": self.level.label,
            "result": "pass" if self.passed else "fail",
            "stopped": self.stopped,
            "notes": self.notes,
            "summary": self.summary,
            "clauses": [c.to_json() for c in self.clauses],
            "checks": [c.to_json() for c in self.checks],
        }


def spec_digest() -> str:
    """SHA-256 over the spec's TOML files (name and content, in name order), as installed."""
    digest = hashlib.sha256()
    files = sorted((f for f in importlib.resources.files("apdu_spec").iterdir() if f.name.endswith(".toml")),
                   key=lambda f: f.name)
    for f in files:
        digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


# ------------------------------------------------------------------------------ the card's state


def _raw(connection: Connection, apdu: bytes) -> tuple[bytes, int]:
    response = exchange(connection, apdu)
    return response[:-2], int.from_bytes(response[-2:], "big")


def read_state(connection: Connection) -> CardState:
    """Lifecycles, card identification code, card type and profile, with nothing but SELECT and READ RECORD."""
    atr = answer_to_reset(connection)
    connection.reset()
    data, sw = _raw(connection, select_apdu(t.SSSE_AID))
    if sw == 0x6A81:
        ssse = "TERMINATED"
    elif sw == 0x9000:
        ssse = fci_lifecycle(data)
    else:
        raise Refused(f"no social security application on this card (SELECT answered {sw:04X})")
    card_id = card_type = None
    profile = "2.0"
    if ssse != "TERMINATED":
        values = {}
        for n in (1, 2, 3):
            data, sw = _raw(connection, read_apdu(5, n))
            values[n] = data[2:] if sw == 0x9000 else None
        card_id = values[1]
        card_type = values[2].decode("ascii", "replace").strip("\0 ") if values[2] else None
        # EF05 record 3, the specification version ("3.00" on a 3rd-generation card), names the profile.
        profile = "3.0" if values[3] and values[3][:1] == b"3" else "2.0"
    data, sw = _raw(connection, select_apdu(t.PBOC_AID))
    pboc = fci_lifecycle(data) if sw == 0x9000 else "TERMINATED" if sw == 0x6A81 else None
    connection.reset()
    return CardState(reader=connection.description, atr=atr, ssse=ssse, pboc=pboc, card_id=card_id,
                     card_type=card_type, profile=profile)


def _with_identities(connection: Connection, state: CardState, keys: IssuerKeys | None,
                     bank_keys: BankKeys | None) -> CardState:
    from dataclasses import replace

    from sscard.finance import FinanceSession
    from sscard.keys import CardIdentity

    issuer = bank = None
    if keys is not None and state.card_id is not None:
        try:
            issuer = CardIdentity.from_identification_code(state.card_id)
        except ValueError:
            raise Refused(f"EF05 record 1 is no card identification code: {state.card_id.hex().upper()}") from None
    if bank_keys is not None and state.pboc not in (None, "TERMINATED"):
        bank = FinanceSession(CardProtocol.of(connection)).card_identity()
    return replace(state, issuer_identity=issuer, bank_identity=bank)


def check_fit(connection: Connection, state: CardState, level: Level, *, keys: IssuerKeys | None,
              bank_keys: BankKeys | None, pin: str | None) -> list[str]:
    """Refuse (:class:`Refused`) a level that does not fit the card; return notes for the report.

    Issuer keys are checked with INTERNAL AUTHENTICATE, which has no try counter (SSC-KEY-4): a key file of
    another issuer is refused without spending anything. Bank keys have no such check in the spec."""
    notes: list[str] = []
    if state.ssse == "TERMINATED" and level > Level.READ_ONLY:
        raise Refused(f"the card is terminated: only --level read-only can run (asked {level.label})")
    if level is Level.BLANK and state.ssse != "PERSONALISATION":
        raise Refused(f"--level blank needs a blank card; this card's social security application is {state.ssse}")
    if level is Level.BLANK:
        if keys is None:
            raise Refused("--level blank needs the issuer keys with the transport key (--keys)")
        if state.pboc == "PERSONALISATION" and bank_keys is None:
            raise Refused("--level blank needs the bank keys (--bank-keys) for the blank financial application")
        notes.append("the transport keys are proven by the card only (EXTERNAL AUTHENTICATE): a wrong one costs "
                     "one of its tries")
        return notes
    if level >= Level.HOLDER and state.ssse == "PERSONALISATION":
        raise Refused(f"--level {level.label} needs a personalised card; this one is blank (try --level blank)")
    if level >= Level.ISSUER and keys is None:
        raise Refused(f"--level {level.label} needs the issuer keys (--keys)")
    if level >= Level.HOLDER and pin is None:
        notes.append("no PIN given: the checks that need the PIN were not run")
    if keys is not None and level >= Level.HOLDER:
        _check_issuer_keys(connection, state, keys)
    if bank_keys is not None and level >= Level.ISSUER:
        notes.append("bank keys: the financial application offers no check without a try (no INTERNAL "
                     "AUTHENTICATE); a bank key file of another card costs one MAC try of MAC_UDK per command")
    if level >= Level.HOLDER and pin is not None and state.ssse == "ACTIVE":
        _, sw = _raw(connection, select_apdu(t.SSSE_AID))
        _, sw = _raw(connection, bytes((0x00, 0x20, 0x00, 0x00)))
        connection.reset()
        if sw == 0x6983 or (sw & 0xFFF0 == 0x63C0 and sw & 0x0F < 2):
            raise Refused(f"the social PIN has {0 if sw == 0x6983 else sw & 0x0F} tries left: the holder checks "
                          "need at least 2 (unblock it first)")
    return notes


def _check_issuer_keys(connection: Connection, state: CardState, keys: IssuerKeys) -> None:
    import os

    from sscard.keys import CardIdentity

    if state.card_id is None:
        raise Refused("the card identification code (EF05 record 1) cannot be read: issuer keys cannot be checked")
    identity = CardIdentity.from_identification_code(state.card_id)
    if identity.area_code != keys.city_code:
        raise Refused(f"the issuer keys are for area {keys.city_code}, the card is of area {identity.area_code}")
    if (keys.algorithm.block_size == 16) != (state.profile == "3.0"):
        raise Refused(f"the issuer keys are {keys.algorithm.name}, the card has access profile {state.profile}")
    block = keys.algorithm.block_size
    challenge = os.urandom(block)
    _raw(connection, select_apdu(t.SSSE_AID))
    answer, sw = _raw(connection, bytes((0x00, 0x88, 0x00, t.KEYS["SSSE"]["IK"].id, block)) + challenge + b"\x00")
    connection.reset()
    if sw != 0x9000:
        raise Refused(f"INTERNAL AUTHENTICATE answered {sw:04X}: the issuer keys cannot be checked on this card")
    if answer != keys.authenticate("IK", identity, challenge):
        raise Refused("the issuer keys do not fit this card (INTERNAL AUTHENTICATE, no try spent): keys of "
                      "another issuer?")


# ------------------------------------------------------------------------------------- the run


def _applicability(check: Check, state: CardState) -> str | None:
    if state.ssse == "TERMINATED" and check.id != "RO-APDU-NO-6F00":
        return "the card is terminated"
    if check.ssse_states is not None and state.ssse not in check.ssse_states:
        return f"the social security application is {state.ssse} (needs {' or '.join(check.ssse_states)})"
    if check.profile is not None and state.profile != check.profile:
        return f"access profile {state.profile} (the clause is about {check.profile})"
    if check.financial is True and state.pboc is None:
        return "a temporary card: no financial application"
    if check.financial is False and state.pboc is not None:
        return "not a temporary card"
    return None


def _missing(check: Check, given: dict[Need, bool]) -> list[str]:
    return [need.value for need in check.needs if not given.get(need)]


class _Execution:
    """The checks of one run, executed in order against one card; stops at a card that stops answering."""

    def __init__(self, connection: Connection, level: Level, *, keys: IssuerKeys | None, bank_keys: BankKeys | None,
                 given: dict[Need, bool]) -> None:
        self.connection, self.level, self.keys, self.bank_keys, self.given = connection, level, keys, bank_keys, given
        self.protocol = CardProtocol(connection)
        self.recorder = RecordingTracer()
        self.protocol.tracers.append(self.recorder)
        self.results: list[CheckResult] = []
        self.history: list[TraceEntry] = []
        self.stopped: str | None = None

    def execute(self, checks: Sequence[Check], state: CardState, pin: str | None) -> None:
        for chk in checks:
            result = CheckResult(chk.id, chk.title, chk.clauses, chk.level, "not-run")
            self.results.append(result)
            if self.stopped is not None:
                result.reason = "the run stopped before this check"
                continue
            if chk.level > self.level:
                result.reason = f"needs --level {chk.level.label}"
                continue
            reason = _applicability(chk, state)
            if reason is not None:
                result.verdict, result.reason = "not-applicable", reason
                continue
            missing = _missing(chk, {**self.given, Need.PIN: pin is not None})
            if missing:
                result.reason = "needs " + ", ".join(missing)
                continue
            self._one(chk, result, Context(self.connection, self.protocol, state, keys=self.keys,
                                           bank_keys=self.bank_keys, pin=pin, history=list(self.history)))

    def _one(self, chk: Check, result: CheckResult, ctx: Context) -> None:
        self.recorder.clear()
        try:
            self.protocol.reset()
            chk.run(ctx)
            result.verdict = "pass"
        except CheckFailed as exc:
            result.verdict, result.what, result.expected, result.actual = "fail", exc.what, exc.expected, exc.actual
            result.failed_clause = exc.clause
        except NotApplicable as exc:
            result.verdict, result.reason = "not-applicable", str(exc)
        except CardConnectionError as exc:
            result.verdict, result.reason = "not-run", f"the card stopped answering: {exc}"
            self.stopped = f"{chk.id}: {exc}"
        except SscardError as exc:
            result.verdict, result.what, result.expected, result.actual = "fail", "host library", "9000", str(exc)
        result.trace = ctx.trace + self.recorder.entries  # checks send raw APDUs; the library's come via the tracer
        self.history += result.trace


def _personalise(connection: Connection, keys: IssuerKeys, bank_keys: BankKeys | None,
                 state: CardState) -> tuple[CardState, str]:
    """Personalise a blank card from the example holder file (TEST data) with the keys given, activate both
    applications; the card's new state and its social PIN."""
    from dataclasses import replace

    from sscard import examples
    from sscard.finance import FinanceSession
    from sscard.holder import load_personalisation_file
    from sscard.personalisation import personalise
    from sscard.social import SocialSecuritySession

    data = load_personalisation_file(examples.path(examples.HOLDER))
    if keys.algorithm.block_size == 16:  # a 3rd-generation card: profile 3.0 (SSC-KEY-5, SSC-PERSO-5)
        data = replace(data, card=replace(data.card, spec_version="3.00"),
                       social=replace(data.social, access_profile="3.0"))
    finance = bank_keys if state.pboc == "PERSONALISATION" else None
    protocol = CardProtocol(connection)
    personalise(protocol, data, keys, bank_keys=finance)
    if finance is not None:
        FinanceSession(protocol, keys=finance).activate()
    SocialSecuritySession(protocol, keys=keys).activate()
    connection.reset()
    return _with_identities(connection, read_state(connection), keys, bank_keys), data.social.initial_pin


def run(connection: Connection, level: Level, *, keys: IssuerKeys | None = None, bank_keys: BankKeys | None = None,
        pin: str | None = None, allow_terminate: str | None = None,
        checks: Sequence[Check] | None = None) -> Report:
    """Read the card, refuse a level that does not fit (:class:`Refused`), run the checks, give the report.

    At ``blank`` level the blank card's checks run first; then the card is personalised from the example
    holder file (TEST data) with the keys given, both applications activated, and every other check runs on
    it with the holder's PIN. A card that stops answering
    (:class:`~sscard.errors.CardConnectionError`) ends the run: the report says at which check
    (``stopped``) and the checks after it are not run."""
    from dataclasses import replace

    state = read_state(connection)
    if level is Level.BLANK and keys is not None:  # a blank card names no profile yet: the keys' algorithm does
        state = replace(state, profile="3.0" if keys.algorithm.block_size == 16 else "2.0")
    notes = check_fit(connection, state, level, keys=keys, bank_keys=bank_keys, pin=pin)
    state = _with_identities(connection, state, keys, bank_keys)
    terminate_ok = (allow_terminate is not None and state.card_id is not None
                    and allow_terminate.upper() == state.card_id.hex().upper())
    if allow_terminate is not None and not terminate_ok and level is not Level.BLANK:
        raise Refused(f"--allow-terminate {allow_terminate} is not this card's identification code")
    given = {Need.ISSUER_KEYS: keys is not None, Need.BANK_KEYS: bank_keys is not None, Need.TERMINATE: terminate_ok}
    ordered = sorted(checks if checks is not None else CHECKS, key=lambda c: (c.terminates, c.id == "RO-APDU-NO-6F00"))
    execution = _Execution(connection, level, keys=keys, bank_keys=bank_keys, given=given)
    if level is Level.BLANK:
        assert keys is not None
        blank = [c for c in ordered if c.ssse_states == ("PERSONALISATION",)]
        execution.execute(blank, state, pin)
        ordered = [c for c in ordered if c not in blank]
        if execution.stopped is None:
            try:
                state, pin = _personalise(connection, keys, bank_keys, state)
                notes.append("personalised from the example holder file (TEST data) and activated")
            except SscardError as exc:
                execution.stopped = f"personalisation: {exc}"
        # CARD BLOCK only with the identification code the personalised card now carries
        execution.given[Need.TERMINATE] = (allow_terminate is not None and state.card_id is not None
                                           and allow_terminate.upper() == state.card_id.hex().upper())
    execution.execute(ordered, state, pin)
    if execution.stopped is None:
        try:
            execution.protocol.reset()
        except CardConnectionError as exc:
            execution.stopped = f"the final power cycle: {exc}"
    return Report(level=level, state=state, checks=execution.results, clauses=clause_verdicts(execution.results),
                  notes=notes, stopped=execution.stopped,
                  date=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"), spec_sha256=spec_digest())


def clause_verdicts(results: Sequence[CheckResult]) -> list[ClauseResult]:
    """One verdict per card-side clause: fail if a check of it failed (on a step about this clause, or about
    all of the check's), else pass if one passed, else not-run if
    one could run at a higher level or with more given, else not-applicable; no-check when none names it."""
    from apdu_spec import load

    titles = {c.id: c.title for c in load().clauses.values()}
    out = []
    for clause in card_side_clauses():
        mine = [r for r in results if clause in r.clauses]
        # A check that failed on a step about another of its clauses did not finish this one's steps.
        verdicts = {"not-run" if r.verdict == "fail" and r.failed_clause not in (None, clause) else r.verdict
                    for r in mine}
        verdict = next((v for v in _PRECEDENCE if v in verdicts), NO_CHECK)
        out.append(ClauseResult(clause, titles.get(clause, ""), verdict, [r.id for r in mine]))
    return out
