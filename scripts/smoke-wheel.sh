#!/usr/bin/env bash
# The product as a user gets it: build the wheel and the sdist, install the wheel into a fresh venv
# outside the checkout and, from a directory that is not the checkout (nothing of it on sys.path), use it:
# version, virtual card start, personalise from the packaged examples, info, a conformance run (issuer level,
# both reports; the HTML one opened in headless chromium when installed), the window demo, stop, and the
# library from plain Python (model and simulator connections). Then the sdist: it carries the sources, a
# wheel builds from it once the jar is built there, and its tests run.
# Needs the simulator jar (make build) and pcscd + vsmartcard-vpcd (make setup).
# Usage: scripts/smoke-wheel.sh [PYTHON]    (default python3)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${1:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sscard-smoke.XXXXXX")"
export SSCARD_SIM_DIR="$WORK/sim"     # this run's virtual card, apart from any other
export XDG_CACHE_HOME="$WORK/cache"   # and its JVM archive (jcardsim_bridge), gone with the venv
unset PYTHONPATH SSCARD_SIM_JAR
cleanup() {
    local status=$?
    if [ "$status" -ne 0 ] && [ -f "$SSCARD_SIM_DIR/sim.log" ]; then
        echo "smoke test failed; the virtual card's log:" >&2
        tail -n 20 "$SSCARD_SIM_DIR/sim.log" >&2
    fi
    if [ -f "$SSCARD_SIM_DIR/state.json" ]; then "$WORK/venv/bin/sscard" sim stop >/dev/null 2>&1 || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
say() { printf '\n== %s\n' "$*"; }

say "build wheel and sdist"
"$PY" -m venv "$WORK/build-env"
"$WORK/build-env/bin/python" -m pip install -q build
rm -rf "$ROOT/build"  # setuptools stages wheels there, and would pack a file left from an earlier build
"$WORK/build-env/bin/python" -m build -q --sdist --wheel -o "$WORK/dist" "$ROOT" >/dev/null
ls "$WORK/dist"
WHEEL="$(ls "$WORK"/dist/sscard-*.whl)"
SDIST="$(ls "$WORK"/dist/sscard-*.tar.gz)"

say "install the wheel (with the window extra) into a fresh venv"
"$PY" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q "${WHEEL}[window]"
SSCARD="$WORK/venv/bin/sscard"
mkdir -p "$WORK/user" && cd "$WORK/user"

say "sscard --version"
"$SSCARD" --version
"$WORK/venv/bin/python" -m sscard --version >/dev/null
"$WORK/venv/bin/python" - "$ROOT" <<'PY'
import sys
from pathlib import Path
import jcardsim_bridge, sscard
root = Path(sys.argv[1])
for module in (sscard, jcardsim_bridge):
    assert root not in Path(module.__file__).resolve().parents, f"{module.__name__} comes from the checkout"
jar = jcardsim_bridge.find_jar()
assert root not in jar.resolve().parents, f"the jar comes from the checkout: {jar}"
print(f"sscard {sscard.__version__} from {Path(sscard.__file__).parent}, jar {jar}")
PY

say "sscard sim start"
READER="$("$SSCARD" sim start --json | "$WORK/venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["reader"])')"
echo "virtual card in $READER"

say "personalise with the packaged examples"
"$SSCARD" examples ex
"$SSCARD" personalise --reader "$READER" --holder ex/holder.json --keys ex/issuer-keys.json \
    --bank-keys ex/bank-keys.json

say "sscard info --json"
SSCARD_READER="$READER" "$SSCARD" info --json --keys ex/issuer-keys.json > info.json
"$WORK/venv/bin/python" - <<'PY'
import json
info = json.load(open("info.json"))
holder = json.load(open("ex/holder.json"))["holder"]
assert info["holder"]["social_security_number"] == holder["social_security_number"], info["holder"]
assert info["applications"]["social"]["lifecycle"] == "ISSUED", info["applications"]
print("holder and lifecycle read back:", info["holder"]["social_security_number"], "ISSUED")
PY

say "sscard conformance --level issuer: every clause it runs passes, both reports written"
"$SSCARD" app activate --reader "$READER" --keys ex/issuer-keys.json
"$SSCARD" app activate --reader "$READER" --app finance --keys ex/bank-keys.json
"$SSCARD" conformance --reader "$READER" --level issuer --keys ex/issuer-keys.json --bank-keys ex/bank-keys.json \
    --report-dir report --json > conformance.json
"$WORK/venv/bin/python" - <<'PY'
import json
from pathlib import Path
run = json.load(open("conformance.json"))
assert run["result"] == "pass", run["summary"]
assert Path(run["files"]["json"]).is_file() and Path(run["files"]["html"]).is_file(), run["files"]
print("conformance:", run["summary"], "->", run["files"]["json"], run["files"]["html"])
PY
if command -v chromium >/dev/null; then
    HTML="$("$WORK/venv/bin/python" -c 'import json; print(json.load(open("conformance.json"))["files"]["html"])')"
    chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$(realpath "$HTML")" 2>/dev/null > dom.html
    grep -q 'id="summary"' dom.html && grep -q 'id="SSC-' dom.html || { echo "the HTML report shows no summary/table in chromium" >&2; exit 1; }
    echo "the HTML report in headless chromium: summary and clause table present"
fi

say "sscard window demo"
"$SSCARD" window demo | tail -n 3

say "sscard sim stop"
"$SSCARD" sim stop

say "the library from plain Python: model and simulator connections"
"$WORK/venv/bin/python" - <<'PY'
from sscard import ModelConnection, SimulatorConnection, examples, load_key_file, load_personalisation_file, personalise
from sscard.social import SocialSecuritySession

data = load_personalisation_file(examples.path(examples.HOLDER))
issuer = load_key_file(examples.path(examples.ISSUER_KEYS))
bank = load_key_file(examples.path(examples.BANK_KEYS))
for make in (ModelConnection, SimulatorConnection):
    with make() as card:
        personalise(card, data, issuer, bank_keys=bank)
        info = SocialSecuritySession(card).read_card_info()
        print(f"{make.__name__}: card {info.card_id.hex().upper()} personalised and read back")
PY

say "the sdist: sources inside, a wheel builds from it, its tests run"
mkdir -p "$WORK/sdist" && tar -xzf "$SDIST" -C "$WORK/sdist"
SRC="$(ls -d "$WORK"/sdist/sscard-*)"
for path in pom.xml applet/pom.xml simulator/pom.xml Makefile LICENSE NOTICE docs/design.md tests/conftest.py \
        host/sscard/examples/holder.json simulator/src applet/src; do
    test -e "$SRC/$path" || { echo "sdist lacks $path" >&2; exit 1; }
done
(cd "$SRC" && mvn -B -q -ntp package -DskipTests)
"$WORK/build-env/bin/python" -m build -q --wheel -o "$WORK/dist-from-sdist" "$SRC" >/dev/null
ls "$WORK/dist-from-sdist"
"$WORK/venv/bin/python" -m pip install -q "pytest>=8" "hypothesis>=6.100"
(cd "$SRC" && PYTHONPATH=host:simulator:. "$WORK/venv/bin/python" -m pytest -q -p no:cacheprovider \
    -m "not simulator and not pcsc and not serial and not real_card" tests/host tests/spec tests/test_codec.py | tail -n 2)
say "smoke test passed"
