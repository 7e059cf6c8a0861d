"""`make cap`: the three Java Card packages as CAP files for Java Card 3.0.4 and 3.0.5, with
Oracle's Java Card SDK 3.2.0 converter and off-card verifier, and their on-card footprint.

    python scripts/cap.py [--target 3.0.4] [--target 3.0.5] [--out applet/target/cap]

The SDK is the user's own download from Oracle, found through JC_HOME (as ant-javacard users do);
this team's machines and CI have a copy at ../shared/javacard-sdk/jc320v25.1_kit beside the
checkout, used when JC_HOME is unset. Nothing of the SDK is copied into the project: its scripts
run where they are and read their export files in place. With no SDK at all this says so in one
line and exits 0 (a user's machine); with a JC_HOME that holds no SDK it fails.

Per target, in this order (a package imports the export files of those before it):
  1. the subset check (applet/jcsubset) against the target's API export files and the AIDs;
  2. converter: sscard.common (library), sscard.ssse, sscard.pboc -> CAP, EXP, JCA;
  3. verifycap on every CAP, with the export files of the packages it imports.
Any error or warning from either tool fails the run (the converter exits 0 even on errors, and
on an internal error prints no summary line: both are caught). Then it checks that the simulator
jar holds the very classes that were converted, and prints the footprint table: the loadable CAP
components per package (not the .class files the 3.2.0 CAP also carries), the static arrays the
card creates when it loads a package, and what each application allocates at installation
(measured in jCardSim by sscard.applet.InstallFootprint).

The AIDs, packages and applet classes come from the spec (apdu_spec/*.toml), like everything else.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from apdu_spec import load  # noqa: E402

SHARED_KIT = "../shared/javacard-sdk/jc320v25.1_kit"
TARGETS = ("3.0.4", "3.0.5")
CLASSES = ROOT / "applet/target/classes"
TEST_CLASSES = ROOT / "applet/target/test-classes"
SIM_JAR = ROOT / "simulator/target/sscard-simulator.jar"
JCSUBSET = ROOT / "applet/jcsubset/target"
PACKAGE_VERSION = "1.0"
# The load file's components, in the order GlobalPlatform loads them (Debug never goes to a card).
COMPONENTS = ("Header", "Directory", "Import", "Applet", "Class", "Method", "StaticField", "Export",
              "ConstantPool", "RefLocation", "Descriptor")
EEPROM_BUDGET = 80 * 1024


@dataclass(frozen=True)
class Package:
    java: str
    aid: bytes
    applet_class: str | None = None
    applet_aid: bytes | None = None
    app: str = "library"

    @property
    def short(self) -> str:
        return self.java.rsplit(".", 1)[1]


def fail(message: str) -> None:
    print(f"make cap: {message}", file=sys.stderr)
    raise SystemExit(1)


def find_sdk() -> Path | None:
    """JC_HOME, else the team's copy beside the checkout; None when neither (see the module doc)."""
    env = os.environ.get("JC_HOME")
    if env:
        home = Path(env)
        if not (home / "bin/converter.sh").is_file():
            fail(f"JC_HOME={env} is not a Java Card SDK (no bin/converter.sh)")
        return home
    shared = (ROOT / SHARED_KIT).resolve()
    return shared if (shared / "bin/converter.sh").is_file() else None


def java_home() -> Path:
    """The JDK for the SDK's tools (they need 17 or newer): JAVA_HOME, else the `java` on PATH."""
    env = os.environ.get("JAVA_HOME")
    home = Path(env) if env else None
    if home is None:
        java = shutil.which("java")
        if java is None:
            fail("no JDK: set JAVA_HOME (JDK 17 or newer)")
            raise AssertionError  # fail() exits
        home = Path(os.path.realpath(java)).parents[1]
    out = subprocess.run([str(home / "bin/java"), "-version"], check=False, capture_output=True, text=True).stderr
    m = re.search(r'version "(\d+)', out)
    if not m or int(m.group(1)) < 17:
        fail(f"the SDK's tools need JDK 17 or newer; {home} is {out.splitlines()[0] if out else 'no JDK'}")
    return home


def packages() -> list[Package]:
    spec = load()
    out = [Package(spec.protocol.library_java_package, spec.protocol.library_package_aid)]
    for app in spec.applications.values():
        out.append(Package(app.java_package, app.package_aid, f"{app.java_package}.{app.applet_class}",
                           app.aid, app.name))
    return out


def colon_hex(data: bytes) -> str:
    return ":".join(f"0x{b:02X}" for b in data)


def run_tool(cmd: list[str], env: dict[str, str], ok_line: str, what: str) -> str:
    """Runs an SDK tool; fails unless it printed `ok_line` and no error or warning line."""
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env)
    output = proc.stdout + proc.stderr
    bad = [line for line in output.splitlines()
           if re.search(r"\b(SEVERE|WARNING|Error|Warning|Exception)\b", line) and ok_line not in line]
    if proc.returncode != 0 or ok_line not in output or bad:
        sys.stderr.write(output)
        fail(f"{what} failed" + (f": {bad[0].strip()}" if bad else ""))
    return output


def preflight(target: str, sdk: Path, java: str, pkgs: list[Package]) -> None:
    """The subset check with the target's export files and the AIDs (names what the converter would refuse)."""
    classpath = os.pathsep.join([str(JCSUBSET / "classes"), *sorted(str(p) for p in (JCSUBSET / "lib").glob("*.jar"))])
    args = [java, "-cp", classpath, "sscard.jcsubset.JavaCardSubset", "--target", target, "--jc-home", str(sdk)]
    for p in pkgs:
        args += ["--package", p.java, "--package-aid", f"{p.java}={p.aid.hex()}"]
        if p.applet_class:
            assert p.applet_aid is not None
            args += ["--applet", f"{p.applet_class}={p.applet_aid.hex()}"]
    proc = subprocess.run([*args, str(CLASSES)], check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        fail(f"subset check for Java Card {target} failed")
    print(f"  {proc.stdout.strip()}")


def cap_path(out: Path, p: Package) -> Path:
    return out / p.java.replace(".", "/") / "javacard" / f"{p.short}.cap"


def exp_path(out: Path, p: Package) -> Path:
    return out / p.java.replace(".", "/") / "javacard" / f"{p.short}.exp"


def convert(target: str, sdk: Path, env: dict[str, str], pkgs: list[Package], out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for p in pkgs:
        cmd = [str(sdk / "bin/converter.sh"), "-nobanner", "-classdir", str(CLASSES), "-exportpath", str(out),
               "-target", target, "-out", "CAP", "EXP", "JCA", "-d", str(out)]
        if p.applet_class:
            assert p.applet_aid is not None
            cmd += ["-applet", colon_hex(p.applet_aid), p.applet_class]
        cmd += [p.java, colon_hex(p.aid), PACKAGE_VERSION]
        run_tool(cmd, env, "conversion completed with 0 errors and 0 warnings", f"converting {p.java} for {target}")
        print(f"  {p.java}: converter 0 errors and 0 warnings -> {cap_path(out, p).relative_to(ROOT)}")
    for i, p in enumerate(pkgs):
        # its own export file and those of the packages it may import (the ones converted before it)
        exports = [str(exp_path(out, q)) for q in pkgs[: i + 1]]
        cmd = [str(sdk / "bin/verifycap.sh"), "-nobanner", "-target", target, *exports, str(cap_path(out, p))]
        run_tool(cmd, env, "Verification completed with 0 warnings and 0 errors", f"verifycap {p.java} for {target}")
        print(f"  {p.java}: verifycap 0 warnings and 0 errors")


def same_classes_as_simulator(pkgs: list[Package]) -> int:
    """The simulator jar runs exactly the class files the converter read."""
    if not SIM_JAR.is_file():
        fail(f"{SIM_JAR.relative_to(ROOT)} missing: run `make build`")
    count = 0
    with zipfile.ZipFile(SIM_JAR) as jar:
        for p in pkgs:
            folder = p.java.replace(".", "/")
            for cls in sorted((CLASSES / folder).glob("*.class")):
                name = f"{folder}/{cls.name}"
                try:
                    in_jar = jar.read(name)
                except KeyError:
                    fail(f"{name} is not in the simulator jar: rebuild (`make build`)")
                if hashlib.sha256(in_jar).digest() != hashlib.sha256(cls.read_bytes()).digest():
                    fail(f"{name} differs between {CLASSES.relative_to(ROOT)} and the simulator jar: rebuild")
                count += 1
    return count


def components(cap: Path) -> dict[str, int]:
    """Sizes of the loadable components (each file is the component: tag, size, info)."""
    sizes: dict[str, int] = {}
    with zipfile.ZipFile(cap) as z:
        for info in z.infolist():
            name = info.filename.rsplit("/", 1)[-1]
            if info.filename.endswith(".cap") and name[:-4] in COMPONENTS:
                sizes[name[:-4]] = info.file_size
    return sizes


def static_arrays(cap: Path) -> int:
    """Bytes of the arrays the StaticField component initialises (the card creates them at load)."""
    with zipfile.ZipFile(cap) as z:
        name = next((n for n in z.namelist() if n.endswith("/StaticField.cap")), None)
        if name is None:
            return 0
        data = z.read(name)
    _tag, _size, _image, _refs, count = struct.unpack(">BHHHH", data[:9])
    pos, total = 9, 0
    for _ in range(count):
        _type, n = struct.unpack(">BH", data[pos:pos + 3])
        total += n
        pos += 3 + n
    return total


def install_footprint(java: str) -> dict[str, dict[str, int]]:
    """What each application allocates at installation (sscard.applet.InstallFootprint, in jCardSim)."""
    cp = os.pathsep.join([str(TEST_CLASSES), str(SIM_JAR)])
    cmd = [java, "-cp", cp, "sscard.applet.InstallFootprint"]
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        fail("measuring the install footprint failed (run `make build` first)")
    out: dict[str, dict[str, int]] = {}
    for line in proc.stdout.splitlines():
        key, value = line.split("=")
        app, field = key.split(".")
        out.setdefault(app, {})[field] = int(value)
    return out


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def footprint_table(target: str, out: Path, java: str, pkgs: list[Package]) -> str:
    install = install_footprint(java)
    shown = [c for c in COMPONENTS if any(c in components(cap_path(out, p)) for p in pkgs)]
    lines = [f"On-card footprint, Java Card {target} CAP files (bytes; {out.relative_to(ROOT)}):", ""]
    lines.append("| Package | " + " | ".join(shown) + " | **Load file** | Static arrays |")
    lines.append("|---" * (len(shown) + 3) + "|")
    load_total = 0
    arrays_total = 0
    for p in pkgs:
        sizes = components(cap_path(out, p))
        total = sum(sizes.values())
        arrays = static_arrays(cap_path(out, p))
        load_total += total
        arrays_total += arrays
        cells = [str(sizes[c]) if c in sizes else "-" for c in shown]
        lines.append(f"| `{p.java}` | " + " | ".join(cells) + f" | **{total}** | {arrays} |")
    lines += ["", "| Application (instance) | Persistent at install | Objects (sscard / arrays / keys / crypto engines)"
              " | Transient CLEAR_ON_RESET | Transient CLEAR_ON_DESELECT |", "|---|---|---|---|---|"]
    persistent_total = 0
    for p in pkgs:
        if p.applet_class is None:
            continue
        # an SSSE is installed with 3DES keys or SM4 ones (SSC-KEY-5): both rows, the larger one counts
        variants = [(p.app, install[p.app])]
        if f"{p.app}_SM4" in install:
            variants.append((f"{p.app}, SM4 card", install[f"{p.app}_SM4"]))
        persistent_total += max(u["persistent_bytes"] for _, u in variants)
        for label, u in variants:
            lines.append(f"| {label} (`{p.applet_class.rsplit('.', 1)[1]}`) | {u['persistent_bytes']} | "
                         f"{u['objects']} / {u['arrays']} / {u['keys']} / {u['crypto_engines']} | "
                         f"{u['transient_reset_bytes']} | {u['transient_deselect_bytes']} |")
    whole = load_total + arrays_total + persistent_total
    lines += ["", f"Whole product in EEPROM: {load_total} (load files) + {arrays_total} (static arrays) + "
              f"{persistent_total} (install allocations) = **{whole} bytes ({kb(whole)})**, "
              f"{100 * whole / EEPROM_BUDGET:.0f}% of 80 KB: {kb(EEPROM_BUDGET - whole)} to spare "
              "(before the card's per-object headers and its crypto engines' own memory)."]
    if whole > EEPROM_BUDGET:
        fail(f"the product needs {whole} bytes, more than 80 KB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", action="append", choices=TARGETS, help="default: both")
    parser.add_argument("--out", type=Path, default=ROOT / "applet/target/cap")
    args = parser.parse_args(argv)
    sdk = find_sdk()
    if sdk is None:
        print("make cap: skipped: no Java Card SDK (set JC_HOME to Oracle's Java Card SDK 3.2.0;"
              f" none at {SHARED_KIT})")
        return 0
    if not (CLASSES / "sscard").is_dir() or not (JCSUBSET / "lib").is_dir() or not TEST_CLASSES.is_dir():
        fail("no compiled classes: run `make build` first")
    env = {**os.environ, "JAVA_HOME": str(java_home())}
    java = str(Path(env["JAVA_HOME"]) / "bin/java")
    pkgs = packages()
    out_root = args.out.resolve()
    print(f"make cap: Java Card SDK {sdk} (JAVA_HOME={env['JAVA_HOME']})")
    tables = []
    for target in args.target or TARGETS:
        print(f"Java Card {target}:")
        preflight(target, sdk, java, pkgs)
        convert(target, sdk, env, pkgs, out_root / target)
        tables.append(footprint_table(target, out_root / target, java, pkgs))
    n = same_classes_as_simulator(pkgs)
    print(f"  the simulator jar runs the same {n} class files the converter read")
    print()
    print("\n\n".join(tables))
    (out_root / "footprint.md").write_text("\n\n".join(tables) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
