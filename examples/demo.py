"""The main job, end to end against the virtual card (no hardware needed).

A card vendor personalises a blank card, the service window activates it at pick-up, the holder
mistypes the PIN until it locks, the window unlocks it, a loss report blocks the card and cancelling
the report unblocks it; then a service-window scenario over the registry. Every step is a real
`sscard` command against the virtual card behind pcscd (`sscard sim start`), exactly as a user types
it. Run with `make demo`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sscard.batch.rehearsal import numbered_records

SSCARD = str(Path(sys.executable).with_name("sscard"))
# The example holder and TEST keys ship with the package; `sscard examples DIR` writes copies (main()).
EXAMPLES = Path(tempfile.mkdtemp(prefix="sscard-demo-"))
KEYS = str(EXAMPLES / "issuer-keys.json")
BANK_KEYS = str(EXAMPLES / "bank-keys.json")


class DemoFailed(Exception):
    pass


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


CARD_COMMANDS = {"personalise", "info", "pin", "app", "card"}
READER: list[str] = []  # set once `sim start` says which reader holds our card


def sscard(*args: str, stdin: str | None = None, expect: int = 0) -> int:
    if args[0] in CARD_COMMANDS and READER:
        args = (*args, "--reader", READER[0])  # other cards may sit in the other virtual reader
    shown = f"$ sscard {' '.join(args)}"
    if stdin is not None:
        shown = f"$ printf '…' | sscard {' '.join(args)}    # PINs on stdin, never on the command line"
    print(shown, flush=True)
    code = subprocess.run([SSCARD, *args], input=stdin, text=True, check=False).returncode
    if code != expect:
        raise DemoFailed(f"`sscard {' '.join(args)}` exited {code}, expected {expect}")
    return code


def card_session() -> None:
    step("the blank card in the virtual reader")
    sscard("readers")

    step("card vendor: personalise from the holder record and the issuer's (TEST) keys")
    sscard("personalise", "--holder", str(EXAMPLES / "holder.json"), "--keys", KEYS, "--bank-keys", BANK_KEYS)

    step("service window: pick-up, the social function is activated (art. 13); the bank activates its own")
    sscard("app", "activate", "--keys", KEYS)
    sscard("app", "activate", "--app", "finance", "--keys", BANK_KEYS)

    step("read the card back: issuer data, holder, both applications")
    sscard("info")

    step("the holder mistypes the social PIN: the tries go down, then the PIN locks (art. 21)")
    for _ in range(5):
        sscard("pin", "verify", stdin="000000\n", expect=1)
    sscard("pin", "status")
    sscard("pin", "verify", stdin="000000\n", expect=1)
    sscard("pin", "verify", stdin="123456\n", expect=1)  # even the right PIN is refused now

    step("the financial PIN is a separate PIN with its own counter (art. 20)")
    sscard("pin", "status", "--app", "finance")

    step("service window: unlock the social PIN with the issuer's authority; the old PIN works again")
    sscard("pin", "unblock", "--keys", KEYS)
    sscard("pin", "verify", stdin="123456\n")

    step("loss report: the window blocks the application on the card (art. 14); nothing works")
    sscard("app", "block", "--keys", KEYS)
    sscard("pin", "verify", stdin="123456\n", expect=1)

    step("the card is found before a replacement was applied for: the report is cancelled (art. 15)")
    sscard("app", "unblock", "--keys", KEYS)
    sscard("pin", "verify", stdin="123456\n")
    sscard("pin", "status")


def batch_line() -> None:
    step("card vendor: a batch of 5 fictitious holders, checked whole, then personalised card after card on the "
         "virtual line (two PC/SC readers, each a stack of blank cards), journalled so it can resume")
    with tempfile.TemporaryDirectory(prefix="sscard-demo-") as tmp:
        holder = json.loads((EXAMPLES / "holder.json").read_text(encoding="utf-8"))
        batch = Path(tmp) / "holders.jsonl"
        batch.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in numbered_records(holder, 5)),
                         encoding="utf-8")
        journal = f"sqlite:///{Path(tmp) / 'journal.db'}"
        sscard("perso", "batch", str(batch), "--check-only")
        sscard("perso", "batch", str(batch), "--keys", KEYS, "--bank-keys", BANK_KEYS, "--journal", journal,
               "--virtual-cards", "3", "--virtual-readers", "2", "--cards-csv", str(Path(tmp) / "cards.csv"))
        print((Path(tmp) / "cards.csv").read_text(encoding="utf-8"), end="")
        step("the same command again: the journal says every holder is done, no card is touched twice")
        sscard("perso", "batch", str(batch), "--keys", KEYS, "--bank-keys", BANK_KEYS, "--journal", journal,
               "--virtual-cards", "1")


def main() -> int:
    already = subprocess.run([SSCARD, "sim", "status"], capture_output=True, check=False).returncode == 0
    if already:
        print("a virtual card is already running: stop it first (`sscard sim stop`) so the demo starts "
              "from a blank card", file=sys.stderr)
        return 1
    try:
        step("copies of the example holder record and the TEST keys that come with sscard")
        sscard("examples", str(EXAMPLES), "--force")
        step("start the virtual card (jCardSim behind pcscd's vpcd reader)")
        print("$ sscard sim start --json", flush=True)
        started = subprocess.run([SSCARD, "sim", "start", "--json"], capture_output=True, text=True, check=False)
        if started.returncode != 0:
            raise DemoFailed(started.stderr.strip())
        READER.append(json.loads(started.stdout)["reader"])
        print(f"virtual card ready in {READER[0]!r}")
        try:
            card_session()
        finally:
            step("stop the virtual card")
            sscard("sim", "stop")
        batch_line()
        step("service window and registry: loss report, blacklist hit at a terminal, replacement, "
             "old card blocked")
        sscard("window", "demo")
    except DemoFailed as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    print("\ndemo complete")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(EXAMPLES, ignore_errors=True)
