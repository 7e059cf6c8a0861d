"""The card's SM4 next to its 3DES, in-JVM (jCardSim), measured side by side in one run.

    block        one 16-byte SM4 block (sscard.common.Sm4, Java Card code, byte/short arithmetic) and one
                 8-byte 3DES block (the Java Card API's Cipher: jCardSim runs it on the JVM's crypto)
    key schedule SM4's 32 round keys, computed once per key load
    MAC'd command APPLICATION BLOCK / UNBLOCK processed by the SSSE applet: MAC check (SM4 CBC-MAC over one
                 16-byte block, or the 3DES retail MAC), lifecycle change and ATC in one transaction

Runs sscard.applet.Sm4Bench (applet test classes) with the simulator jar and JUnit on the class path:
`make build` (or `mvn package`) first. Prints medians in microseconds and the ratios. Not a test: a chip
interprets Java Card bytecode and has a 3DES coprocessor, so the ratio there is far larger than here.
Usage: python benchmarks/sm4_card.py [--count N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_CLASSES = ROOT / "applet/target/test-classes"
SIM_JAR = ROOT / "simulator/target/sscard-simulator.jar"
M2 = Path(os.environ.get("MAVEN_REPO", Path.home() / ".m2/repository"))


def class_path() -> str:
    """Test classes, the simulator jar (jCardSim, the applets) and JUnit (TestCard asserts with it)."""
    if not (TEST_CLASSES / "sscard/applet/Sm4Bench.class").is_file() or not SIM_JAR.is_file():
        raise SystemExit("sm4_card: no compiled classes: run `make build` first")
    junit = sorted(M2.glob("junit/junit/*/junit-*.jar")) + sorted(M2.glob("org/hamcrest/hamcrest-core/*/*.jar"))
    if not junit:
        raise SystemExit(f"sm4_card: JUnit not found under {M2} (set MAVEN_REPO): run `make build` first")
    return os.pathsep.join([str(TEST_CLASSES), str(SIM_JAR), *map(str, junit)])


def measure(count: int) -> dict[str, float]:
    """name -> median nanoseconds, from one JVM."""
    java = shutil.which("java", path=str(Path(os.environ["JAVA_HOME"]) / "bin")) if "JAVA_HOME" in os.environ \
        else shutil.which("java")
    if java is None:
        raise SystemExit("sm4_card: no java on PATH (or JAVA_HOME)")
    proc = subprocess.run([java, "-cp", class_path(), "sscard.applet.Sm4Bench", str(count)],
                          check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"sm4_card: Sm4Bench failed:\n{proc.stdout}{proc.stderr}")
    results = {}
    for line in proc.stdout.splitlines():
        name, _, value = line.partition("=")
        results[name] = float(value)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000, help="blocks timed (MAC'd commands: a tenth)")
    args = parser.parse_args()
    r = measure(args.count)
    print(f"in-JVM medians (jCardSim; {args.count} blocks, {max(200, args.count // 10)} MAC'd commands each)")
    rows = [("SM4 block (16 bytes, Java Card code)", "sm4_block"), ("3DES block (8 bytes, Cipher API)", "tdes_block"),
            ("SM4 key schedule", "sm4_key_schedule"), ("MAC'd command, 3DES card", "tdes_macd_command"),
            ("MAC'd command, SM4 card", "sm4_macd_command")]
    for label, key in rows:
        print(f"  {label:<38} {r[key] / 1e3:9.2f} us")
    print("ratios")
    print(f"  SM4 block / 3DES block:             {r['sm4_block'] / r['tdes_block']:6.2f}x")
    print(f"  SM4 per byte / 3DES per byte:       {(r['sm4_block'] / 16) / (r['tdes_block'] / 8):6.2f}x")
    print(f"  MAC'd command SM4 / 3DES:           {r['sm4_macd_command'] / r['tdes_macd_command']:6.2f}x")


if __name__ == "__main__":
    main()
