"""Reading the full basic data (EF05 + EF06) of a personalised card, measured side by side in one run.

    session      SocialSecuritySession.read_card_info() + read_holder(): SELECT + one READ RECORD
                 of all records per file (P2 b3-b1 = 101)
    item by item what existing readers do: SELECT, then one READ RECORD by tag per data item
    chain        the session's APDUs through the protocol chain alone (no decoding into typed data)
    raw          the session's own APDUs sent with a bare transmit (no host library): the difference
                 to "session" is the host library's overhead

over py4j (SimulatorConnection) and over the virtual PC/SC reader (PcscConnection). Not a test.
Usage: python benchmarks/read_card.py [--rounds N]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from jcardsim_bridge import CardControl, Simulator, VirtualReader
from sscard import Connection, PcscConnection, SimulatorConnection, examples
from sscard import spec_tables as t
from sscard.apdu import CommandApdu
from sscard.connection import default_applets
from sscard.holder import load_personalisation_file
from sscard.keys import SoftwareIssuerKeys
from sscard.personalisation import personalise
from sscard.protocol import CardProtocol
from sscard.social import SocialSecuritySession
from sscard.tracing import RecordingTracer

SELECT = bytes((0x00, 0xA4, 0x04, 0x00, len(t.SSSE_AID))) + t.SSSE_AID



def personalised(control: CardControl, connection: Connection) -> None:
    """A fresh card personalised from the example holder with the TEST keys, social application ACTIVE."""
    keys = SoftwareIssuerKeys.load(examples.path(examples.ISSUER_KEYS))
    control.fresh_card(default_applets())
    data = load_personalisation_file(examples.path(examples.HOLDER))
    personalise(connection, dataclasses.replace(data, finance=None), keys)
    SocialSecuritySession(connection, keys=keys).activate()
    connection.reset()


def session_apdu_count(connection: Connection) -> int:
    """How many APDUs a fresh session sends for the basic data (counted once, outside the timing)."""
    tracer = RecordingTracer()
    session = SocialSecuritySession(connection, tracers=[tracer])
    session.read_card_info()
    session.read_holder()
    return len(tracer.entries)


def session_read(connection: Connection, apdus: int) -> int:
    session = SocialSecuritySession(connection)  # a new session per read: a card presented anew
    session.read_card_info()
    session.read_holder()
    return apdus


def item_read_apdus() -> list[bytes]:
    apdus = [SELECT]
    for name in ("EF05", "EF06"):
        f = t.FILES[name]
        for record in f.records:
            for item in record.items:
                apdus.append(bytes((0x00, 0xB2, item.tag[0], (f.sfi << 3) | 0b000, 0x00)))
    return apdus


def session_apdus() -> list[bytes]:
    """What the session sends: SELECT, then all records of EF05 and of EF06."""
    return [SELECT] + [bytes((0x00, 0xB2, 0x01, (t.FILES[name].sfi << 3) | 0b101, 0x00)) for name in ("EF05", "EF06")]


def chain_read(protocol: CardProtocol, commands: list[CommandApdu]) -> int:
    """The session's APDUs through the protocol chain (encoding, 61xx/6Cxx handling, status-word
    checks), without decoding the data: the chain's own cost."""
    for cmd in commands:
        protocol.send(cmd)
    return len(commands)


def raw_read(connection: Connection, apdus: list[bytes]) -> int:
    for apdu in apdus:
        response = connection.transmit(apdu)
        if response[-2:] != b"\x90\x00":
            raise SystemExit(f"{apdu.hex()} answered {response.hex()}")
    return len(apdus)


def measure_interleaved(reads: dict[str, Callable[[], int]], rounds: int) -> dict[str, tuple[float, int]]:
    """Median seconds and APDU count per variant, the variants taking turns in every round so that
    JIT warm-up and machine noise fall on all of them alike."""
    for _ in range(100):
        for read in reads.values():
            read()
    samples: dict[str, list[int]] = {name: [] for name in reads}
    counts: dict[str, int] = {}
    for _ in range(rounds):
        for name, read in reads.items():
            start = time.perf_counter_ns()
            counts[name] = read()
            samples[name].append(time.perf_counter_ns() - start)
    return {name: (statistics.median(samples[name]) / 1e9, counts[name]) for name in reads}


def run_transport(name: str, control: CardControl, connection: Connection, rounds: int) -> list[tuple[str, float, int]]:
    personalised(control, connection)
    items, raw = item_read_apdus(), session_apdus()
    count = session_apdu_count(connection)
    protocol = CardProtocol(connection)
    commands = [CommandApdu.decode(apdu) for apdu in raw]
    results = measure_interleaved({
        "session (whole files)": lambda: session_read(connection, count),
        "protocol chain only, session's APDUs": lambda: chain_read(protocol, commands),
        "item by item": lambda: raw_read(connection, items),
        "raw transmit, session's APDUs": lambda: raw_read(connection, raw),
    }, rounds)
    return [(f"{name}: {label}", seconds, apdus) for label, (seconds, apdus) in results.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()

    rows: list[tuple[str, float, int]] = []
    with Simulator() as sim:
        rows += run_transport("py4j", sim.control, SimulatorConnection(sim), args.rounds)
    with tempfile.TemporaryDirectory() as tmp, VirtualReader(log=Path(tmp) / "vpcd.log", control=True) as reader:
        assert reader.control is not None
        with PcscConnection(reader.reader) as card:
            rows += run_transport("PC/SC", reader.control, card, args.rounds)

    print(f"reading EF05 + EF06 ({args.rounds} rounds each, median)")
    print(f"  {'':<44} {'APDUs':>5} {'ms/read':>9} {'ms/APDU':>9}")
    for label, seconds, apdus in rows:
        print(f"  {label:<44} {apdus:>5} {seconds * 1e3:9.3f} {seconds * 1e3 / apdus:9.4f}")
    by = {label: (seconds, apdus) for label, seconds, apdus in rows}
    print("ratios")
    for transport in ("py4j", "PC/SC"):
        session = by[f"{transport}: session (whole files)"][0]
        items = by[f"{transport}: item by item"][0]
        raw = by[f"{transport}: raw transmit, session's APDUs"][0]
        chain = by[f"{transport}: protocol chain only, session's APDUs"][0]
        print(f"  {transport}: item by item / session = {items / session:5.2f}x; host overhead over raw: "
              f"session {(session / raw - 1) * 100:5.1f} %, protocol chain alone {(chain / raw - 1) * 100:5.1f} %")


if __name__ == "__main__":
    main()
