"""Batch personalisation throughput on the virtual line, measured side by side in one run.

    1 reader    one virtual PC/SC reader as a stack of blank cards (jCardSim behind pcscd)
    2 readers   both virtual readers, one worker each, sharing one journal

For each: cards per minute (wall time of the whole batch) and host CPU time per card (this process: data
preparation, secure messaging, journal, pyscard), and the ratio of the two-reader rate to the one-reader
rate; next to them the same batch on reference-model cards (no transport, the card in process), whose CPU
per card includes the model's own work: an upper bound of the host's share without PC/SC.

Not a test: numbers vary with the machine. Goal from the issue: at least 600 cards/minute with 2 readers and
at most 5 ms host CPU per card. Usage: python benchmarks/perso_batch.py [--cards N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from jcardsim_bridge import VirtualReader
from sscard import examples
from sscard.batch import Journal, JournalState, ModelCardLine, VirtualCardStack, check_batch, run_line
from sscard.batch.rehearsal import numbered_records
from sscard.keys import SoftwareBankKeys, SoftwareIssuerKeys


def batch(n: int, first: int) -> Any:
    base = json.loads(examples.read_text(examples.HOLDER))
    rows = [(i + 1, record, None) for i, record in enumerate(numbered_records(base, n, first=first))]
    return check_batch(rows, source=f"bench-{first}")


def run(slots: list[Any], n: int, first: int, journal_dir: Path) -> tuple[float, float]:
    """(cards per minute, host CPU seconds per card) of one batch of ``n`` on ``slots``."""
    keys = SoftwareIssuerKeys.load(examples.path(examples.ISSUER_KEYS))
    bank_keys = SoftwareBankKeys.load(examples.path(examples.BANK_KEYS))
    report = batch(n, first)
    with Journal(f"sqlite:///{journal_dir / f'journal-{first}.db'}") as journal:
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = run_line(report, slots, journal, keys, bank_keys=bank_keys)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    done = outcome.counts[JournalState.DONE]
    if done != n:
        raise SystemExit(f"only {done} of {n} cards done: {outcome.to_json()}")
    return n / wall * 60, cpu / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=60, help="cards per configuration (default 60)")
    args = parser.parse_args()
    n = args.cards
    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        tmp_path = Path(tmp)
        readers = [stack.enter_context(VirtualReader(log=tmp_path / f"vpcd-{i}.log", control=True)) for i in (0, 1)]
        # warm-up: JIT of the card, pcscd, imports
        run([VirtualCardStack.of(readers[0], 5, first_unique=900_000)], 5, 900, tmp_path)
        results["1 reader (PC/SC)"] = run([VirtualCardStack.of(readers[0], n, first_unique=1)], n, 1, tmp_path)
        two = [VirtualCardStack.of(readers[i], n, first_unique=1_000_000 * (i + 1)) for i in (0, 1)]
        results["2 readers (PC/SC)"] = run(two, n, 1 + n, tmp_path)
        results["1 model reader (no transport)"] = run([ModelCardLine("model", n, first_unique=5_000_000)], n,
                                                       1 + 2 * n, tmp_path)
    print(f"batch personalisation, {n} cards per configuration (financial application included)")
    for name, (rate, cpu) in results.items():
        print(f"  {name:32s} {rate:8.0f} cards/min   host CPU {cpu * 1000:6.2f} ms/card")
    one, two_rate = results["1 reader (PC/SC)"][0], results["2 readers (PC/SC)"][0]
    print(f"  2 readers / 1 reader: {two_rate / one:.2f}x   (goal: >= 600 cards/min with 2 readers, "
          "<= 5 ms host CPU per card)")


if __name__ == "__main__":
    main()
