"""Per-APDU cost of each way to reach the card, measured side by side in one run.

    in-JVM   jCardSim's CardSimulator timed inside the JVM (the card's own cost)
    py4j     Python → py4j → JVM (SimulatorConnection)
    PC/SC    Python → pyscard → pcscd → vpcd → our vpcd client → JVM (PcscConnection)

Prints the median per APDU and the ratios between them. Not a test: numbers vary with the machine.
Usage: python benchmarks/transport.py [--count N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from jcardsim_bridge import Simulator, VirtualReader
from sscard import PcscConnection
from sscard import spec_tables as t

# SELECT of the social security application: 15 bytes of data, answered by the applet itself.
APDU = bytes((0x00, 0xA4, 0x04, 0x00, len(t.SSSE_AID))) + t.SSSE_AID


def median_seconds(send: Callable[[bytes], bytes], count: int, warmup: int = 200) -> float:
    for _ in range(warmup):
        send(APDU)
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        response = send(APDU)
        samples.append(time.perf_counter_ns() - start)
        if response[-2:] != b"\x90\x00":
            raise SystemExit(f"unexpected response {response.hex()}")
    return statistics.median(samples) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()

    results: dict[str, float] = {}
    with Simulator() as sim:
        sim.median_transmit_nanos(APDU, 2000)  # JIT warm-up
        results["in-JVM jCardSim"] = sim.median_transmit_nanos(APDU, args.count) / 1e9
        results["Python via py4j"] = median_seconds(sim.transmit, args.count)
    with tempfile.TemporaryDirectory() as tmp, VirtualReader(log=Path(tmp) / "vpcd.log") as reader, \
            PcscConnection(reader.reader) as card:
        results["Python via PC/SC (vpcd)"] = median_seconds(card.transmit, args.count)

    print(f"median time per APDU ({args.count} APDUs each, SELECT of {len(APDU)} bytes)")
    for name, seconds in results.items():
        print(f"  {name:<26} {seconds * 1e3:9.4f} ms")
    names = list(results)
    print("ratios")
    for i, slow in enumerate(names):
        for fast in names[:i]:
            print(f"  {slow} / {fast}: {results[slow] / results[fast]:8.1f}x")


if __name__ == "__main__":
    main()
