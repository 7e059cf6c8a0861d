#!/usr/bin/env bash
# The dependency floors really work: a fresh venv gets the LOWEST version every runtime dependency of
# pyproject.toml allows (`>=X` installed as `==X`, extras window and postgres included), then the host and
# window suites run on the reference model against it (no JVM, no pcscd: the floors are about the Python
# libraries). Usage: scripts/test-lowest-deps.sh [PYTHON]   (default python3; the venv goes to a temp dir)
# CI runs it with python3 (3.11, the lowest supported); give python3.12 to check the newer end.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${1:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sscard-floors.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
"$PY" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --upgrade pip
# pyproject.toml's runtime requirements with every `>=` turned into `==` (the test tools stay current).
"$WORK/venv/bin/python" - "$ROOT/pyproject.toml" > "$WORK/floors.txt" <<'PY'
import re, sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
extras = project["optional-dependencies"]
for requirement in [*project["dependencies"], *extras["window"], *extras["postgres"]]:
    if requirement.startswith("sscard["):
        continue  # the extras' own cross-references
    if "==" not in requirement and ">=" not in requirement:
        sys.exit(f"no floor in {requirement!r}: every runtime dependency needs one")
    print(re.sub(r">=", "==", requirement))
PY
echo "floors: $(tr '\n' ' ' < "$WORK/floors.txt")"
"$WORK/venv/bin/python" -m pip install -q -r "$WORK/floors.txt" "pytest>=8" "pytest-xdist>=3.5" "hypothesis>=6.100"
# Every floor must really be what got installed (no other requirement may have pulled one up).
"$WORK/venv/bin/python" - "$WORK/floors.txt" <<'PY'
import re, sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    name, wanted = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==(\S+)", line).groups()
    def release(v):  # "43" and "43.0.0" are the same release
        parts = [int(p) for p in v.split(".")]
        while parts and parts[-1] == 0:
            parts.pop()
        return parts
    if release(version(name)) != release(wanted):
        sys.exit(f"{name}: {version(name)} installed, not the floor {wanted}")
PY
cd "$ROOT"
# A SQLAlchemy warning fails the run: an old release can quietly lose a guarantee (row version checks).
PYTHONPATH="$ROOT/host:$ROOT/simulator:$ROOT" "$WORK/venv/bin/python" -m pytest -q -p no:cacheprovider -n 2 \
    -W error::sqlalchemy.exc.SAWarning \
    -m "not simulator and not pcsc and not serial and not real_card" tests/host tests/window tests/batch tests/spec
