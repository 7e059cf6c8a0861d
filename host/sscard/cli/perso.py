"""``sscard perso batch``: a batch of holders personalised on a line of readers, journalled, resumable."""

from __future__ import annotations

import argparse
import threading
import time
from typing import TYPE_CHECKING, Any

from sscard.cli._output import CliError, emit_json

if TYPE_CHECKING:
    import contextlib


def register(commands: Any) -> None:
    parser = commands.add_parser("perso", help="batch personalisation (card vendors): a line of readers")
    sub = parser.add_subparsers(dest="perso_command", metavar="COMMAND", required=True)
    batch = sub.add_parser(
        "batch", help="check a batch of holders, then personalise it card after card (resumable)",
        description="Check the whole batch (CSV or JSON Lines, docs/batch.md) before any card; then one worker per "
                    "reader personalises card after card, journalled: run the same command again after any "
                    "interruption and it resumes (a half-done card is finished for its own holder).")
    batch.add_argument("input", metavar="INPUT", help="the batch: .csv or .jsonl")
    batch.add_argument("--keys", metavar="FILE", help="issuer key file (needed unless --check-only)")
    batch.add_argument("--bank-keys", metavar="FILE", help="bank key file: also personalise the financial application")
    batch.add_argument("--journal", metavar="URL", default=None,
                       help="journal database (default sqlite:///sscard-perso-journal.db; postgresql+psycopg://… "
                            "for several stations sharing one journal)")
    batch.add_argument("--batch", metavar="NAME", help="the batch's name in the journal (default: the input file name)")
    readers = batch.add_mutually_exclusive_group()
    readers.add_argument("--reader", metavar="NAME", action="append", default=[],
                         help="a PC/SC reader of the line (repeat for several)")
    readers.add_argument("--all-readers", action="store_true", help="every PC/SC reader pcscd offers")
    readers.add_argument("--virtual-cards", metavar="N", type=int,
                         help="no hardware: the virtual PC/SC reader as a stack of N blank cards (jCardSim behind "
                              "pcscd, started for the run); with --virtual-readers 2, two such readers")
    readers.add_argument("--model-cards", metavar="N", type=int,
                         help="no hardware: a reader fed with N blank reference-model cards (a rehearsal of the "
                              "batch; the journal records it like a real run, so use a journal of its own)")
    batch.add_argument("--virtual-readers", metavar="K", type=int, choices=(1, 2), default=1,
                       help="with --virtual-cards: how many virtual readers (1 or 2; default 1)")
    batch.add_argument("--skip-invalid", action="store_true",
                       help="personalise the valid records of a batch that has problems (default: stop)")
    batch.add_argument("--check-only", action="store_true", help="check the batch and stop: no journal, no card")
    batch.add_argument("--cards-csv", metavar="FILE",
                       help="write the holder → card list (batch, record, state, card-unique bytes, reason) here")
    batch.add_argument("--plain", action="store_true",
                       help="one line per card instead of live progress bars (the default when not on a terminal)")
    batch.add_argument("--json", action="store_true", help="machine-readable output (docs/batch.md)")
    batch.set_defaults(handler=run_batch)
    spoil = sub.add_parser(
        "spoil", help="give up a card cut off in its personalisation (lost, broken): its holder goes on another",
        description="Record the card as spoiled in the journal (a line that meets it again rejects it untouched) "
                    "and put its holder back in the queue for another card. Only a card in progress can be given "
                    "up. The card may hold part of the holder's data: destroy it.")
    spoil.add_argument("card", metavar="CARD_UNIQUE",
                       help="the card's 8 card-unique bytes in hex, as the line and --cards-csv show them")
    spoil.add_argument("--reason", required=True, help="why (kept in the journal; no personal data)")
    spoil.add_argument("--journal", metavar="URL", default=None,
                       help="journal database (default sqlite:///sscard-perso-journal.db)")
    spoil.add_argument("--json", action="store_true", help="machine-readable output")
    spoil.set_defaults(handler=run_spoil)


_FINISHED = ("done", "resumed-done", "failed")


class _Progress:
    """Cards finished of the batch and per reader, cards per minute and ETA: one line per event when the
    output is not a terminal, a live progress bar per reader (rich) when it is; nothing with --json."""

    def __init__(self, total: int, done: int, *, quiet: bool, bars: bool) -> None:
        self.total = total
        self.done = done
        self.started = time.monotonic()
        self.quiet = quiet
        self.lock = threading.Lock()
        self.per_reader: dict[str, int] = {}
        self._live: Any = None
        if bars and not quiet:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._live = Progress(TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[rate]:>5.0f} cards/min"), TimeRemainingColumn())
            self._overall = self._live.add_task("batch", total=total, completed=done, rate=0.0)
            self._tasks: dict[str, Any] = {}

    def __enter__(self) -> _Progress:
        if self._live is not None:
            self._live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.refresh()  # the last state on screen, not the last periodic frame
            self._live.stop()

    def rate(self, finished: int) -> float:
        minutes = (time.monotonic() - self.started) / 60
        return finished / minutes if minutes > 0 else 0.0

    def __call__(self, event: Any) -> None:
        with self.lock:
            if event.kind in _FINISHED:
                self.done += 1
                self.per_reader[event.reader] = self.per_reader.get(event.reader, 0) + 1
            if self.quiet:
                return
            new = sum(self.per_reader.values())
            if self._live is not None:
                self._show(event, new)
                return
            rate = self.rate(new)
            left = self.total - self.done
            eta = f", ETA {int(left / rate * 60) // 60}:{int(left / rate * 60) % 60:02d}" if rate and left else ""
            print(f"[{self.done}/{self.total}, {rate:.0f} cards/min{eta}] {event}", flush=True)

    def _show(self, event: Any, new: int) -> None:
        live = self._live
        if event.reader not in self._tasks:
            self._tasks[event.reader] = live.add_task(event.reader, total=None, rate=0.0)
        live.update(self._tasks[event.reader], completed=self.per_reader.get(event.reader, 0),
                    rate=self.rate(self.per_reader.get(event.reader, 0)))
        live.update(self._overall, completed=self.done, rate=self.rate(new))
        if event.kind not in ("done", "resumed-done"):  # what needs the operator's eye stays on screen
            live.console.print(str(event))


def run_batch(args: argparse.Namespace) -> int:
    import contextlib

    from sscard.batch import read_batch

    report = read_batch(args.input)
    if args.check_only or (report.problems and not args.skip_invalid):
        return _report_problems(report, args.json, stopped=bool(report.problems))

    from sscard.keys import SoftwareBankKeys, SoftwareIssuerKeys

    if args.keys is None:
        raise CliError("--keys FILE is needed to personalise (only --check-only goes without)")
    keys = SoftwareIssuerKeys.load(args.keys)
    bank_keys = SoftwareBankKeys.load(args.bank_keys) if args.bank_keys else None
    with contextlib.ExitStack() as stack:
        slots = _slots(args, stack)
        return _run(args, report, slots, keys, bank_keys)


def _slots(args: argparse.Namespace, stack: contextlib.ExitStack[Any]) -> list[Any]:
    import tempfile
    from pathlib import Path

    from sscard.batch import ModelCardLine, PcscSlot, VirtualCardStack
    from sscard.connection import reader_names

    if args.virtual_cards is not None:
        if args.virtual_cards < 1:
            raise CliError("--virtual-cards: give at least 1 card")
        from jcardsim_bridge import BridgeError, VirtualReader

        log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sscard-line-")))
        stacks: list[Any] = []
        for n in range(args.virtual_readers):
            try:
                reader = stack.enter_context(VirtualReader(log=log_dir / f"vpcd-{n}.log", control=True))
            except BridgeError as exc:
                raise CliError(f"virtual reader: {exc}") from None
            # each reader's cards have card-unique bytes of their own
            stacks.append(VirtualCardStack.of(reader, args.virtual_cards, first_unique=1 + n * 1_000_000))
        return stacks
    if args.model_cards is not None:
        if args.model_cards < 1:
            raise CliError("--model-cards: give at least 1 card")
        return [ModelCardLine("model-reader", args.model_cards)]
    names = reader_names() if args.all_readers else list(args.reader)
    if not names:
        raise CliError("no reader for the line: give --reader NAME (repeat it for several), --all-readers, or "
                       "--virtual-cards N / --model-cards N for a rehearsal without hardware")
    return [PcscSlot(name) for name in names]


def _run(args: argparse.Namespace, report: Any, slots: list[Any], keys: Any, bank_keys: Any) -> int:
    import sys
    from pathlib import Path

    from sscard.batch import BatchIncomplete, BatchRejected, Journal, JournalState, run_line
    from sscard.batch.journal import DEFAULT_JOURNAL_URL

    name = args.batch or Path(args.input).name
    with Journal(args.journal or DEFAULT_JOURNAL_URL) as journal:
        before = journal.counts(name)
        finished = before[JournalState.DONE] + before[JournalState.FAILED]
        bars = sys.stdout.isatty() and not args.plain
        with _Progress(len(report.valid), finished, quiet=args.json, bars=bars) as progress:
            try:
                outcome = run_line(report, slots, journal, keys, bank_keys=bank_keys, batch=name,
                                   skip_invalid=args.skip_invalid, on_event=progress)
                incomplete: str | None = None
            except BatchRejected as exc:
                return _report_problems(exc.report, args.json, stopped=True)
            except BatchIncomplete as exc:
                outcome, incomplete = exc.outcome, str(exc)
    if args.cards_csv:
        Path(args.cards_csv).write_text(outcome.cards_csv(), encoding="utf-8")
    if args.json:
        emit_json(outcome.to_json())
    else:
        counts = ", ".join(f"{n} {state.value.replace('_', ' ')}" for state, n in outcome.counts.items())
        print(f"batch {name!r}: {counts}")
        for entry in outcome.entries:
            if entry.state is JournalState.FAILED:
                print(f"failed: record {entry.record} card {entry.card_unique}: {entry.reason}")
    if incomplete is not None:
        raise CliError(f"{incomplete}; run the same command again to resume")
    return 1 if outcome.counts[JournalState.FAILED] else 0


def _report_problems(report: Any, as_json: bool, *, stopped: bool) -> int:
    if as_json:
        emit_json(report.to_json())
    else:
        for problem in report.problems:
            print(problem)
        print(f"{report.source}: {len(report.records)} record(s), {len(report.valid)} valid, "
              f"{len(report.problems)} problem(s)" + ("; nothing was personalised" if stopped else ""))
    return 1 if report.problems else 0


def run_spoil(args: argparse.Namespace) -> int:
    try:
        card = bytes.fromhex(args.card)
    except ValueError:
        card = b""
    if len(card) != 8:
        raise CliError(f"CARD_UNIQUE {args.card!r}: give the card's 8 card-unique bytes as 16 hex digits")
    from sscard.batch import Journal
    from sscard.batch.journal import DEFAULT_JOURNAL_URL

    with Journal(args.journal or DEFAULT_JOURNAL_URL) as journal:
        entry = journal.spoil(card, args.reason)
    if args.json:
        emit_json({"card_unique": card.hex().upper(), "batch": entry.batch, "record": entry.record,
                   "state": entry.state.value})
    else:
        print(f"card {card.hex().upper()} spoiled; batch {entry.batch!r} record {entry.record} is pending again "
              "(destroy the card: it may hold part of the holder's data)")
    return 0
