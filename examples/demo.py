"""The main job, end to end against the virtual card (no hardware needed).

Starts the virtual card behind a PC/SC reader with `sscard sim start`, lists the readers, opens the
card through PC/SC like any terminal would, selects both applications and prints every APDU exchanged,
then stops what it started. Run with `make demo`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sscard import PcscConnection, send_and_receive
from sscard import spec_tables as t

SSCARD = str(Path(sys.executable).with_name("sscard"))


def step(title: str) -> None:
    print(f"\n== {title}")


def sscard(*args: str) -> int:
    print(f"$ sscard {' '.join(args)}", flush=True)
    return subprocess.run([SSCARD, *args], check=False).returncode


def exchange(card: PcscConnection, label: str, apdu: bytes) -> int:
    data, sw = send_and_receive(card, apdu)
    print(f"  {label}")
    print(f"    > {apdu.hex(' ').upper()}")
    print(f"    < {(data.hex(' ').upper() + ' ') if data else ''}{sw:04X}")
    return sw


def main() -> int:
    already = subprocess.run([SSCARD, "sim", "status"], capture_output=True, check=False).returncode == 0
    step("start the virtual card (jCardSim behind pcscd's vpcd reader)")
    if already:
        print("the virtual card is already running: using it")
    elif sscard("sim", "start") != 0:
        return 1
    try:
        step("PC/SC readers")
        sscard("readers")
        step("select both applications through PC/SC")
        with PcscConnection() as card:
            print(f"  card in {card.reader!r}, ATR {card.atr.hex(' ').upper()}")
            results = [
                exchange(card, f"SELECT {name}", bytes((0x00, 0xA4, 0x04, 0x00, len(aid))) + aid)
                for name, aid in (("social security application (SSSE)", t.SSSE_AID),
                                  ("financial application (PBOC debit)", t.PBOC_AID))
            ]
        if any(sw != 0x9000 for sw in results):
            print("a SELECT failed", file=sys.stderr)
            return 1
    finally:
        if not already:
            step("stop the virtual card")
            sscard("sim", "stop")
    return 0


if __name__ == "__main__":
    sys.exit(main())
