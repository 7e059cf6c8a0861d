"""What the wheel and the sdist carry (issue 15): a wheel installed outside the checkout has everything the
product needs at run time (the simulator jar, the example holder and TEST keys, the spec files, the
registry migrations, py.typed, the licence texts), its metadata is right, its build stops without the jar,
and the sdist carries what building and testing need. Builds with pip (and `build` for the sdist):
marked ``packaging`` (about 10-20 s, needs the jar and the package index for setuptools)."""

from __future__ import annotations

import email
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import sscard
from sscard import examples

ROOT = Path(__file__).resolve().parents[1]
JAR = ROOT / "simulator" / "target" / "sscard-simulator.jar"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

pytestmark = pytest.mark.packaging


def _build(argv: list[str], out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # setuptools stages the wheel in ROOT/build, and a file left there from an earlier build would be packed:
    # start clean. Run away from the checkout, whose build/ would shadow the `build` package.
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-m", *argv, "-o" if argv[0] == "build" else "-w", str(out), str(ROOT)],
                          capture_output=True, text=True, check=False, timeout=600, cwd=out, env={**clean, **env})


def _build_wheel(out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return _build(["pip", "wheel", "--no-deps", "-q"], out, **env)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    if not JAR.is_file():
        pytest.skip("the simulator jar is not built (make build)")
    out = tmp_path_factory.mktemp("wheel")
    done = _build_wheel(out)
    assert done.returncode == 0, done.stderr
    [path] = out.glob("sscard-*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def test_the_wheel_carries_the_simulator_jar(wheel: zipfile.ZipFile) -> None:
    assert wheel.read("jcardsim_bridge/sscard-simulator.jar") == JAR.read_bytes()


def test_the_wheel_carries_the_run_time_files(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    wanted = {f"sscard/examples/{name}" for name in examples.NAMES}
    wanted |= {f"apdu_spec/{p.name}" for p in (ROOT / "apdu_spec").glob("*.toml")}
    migrations = ROOT / "host" / "sscard" / "window" / "migrations"
    wanted |= {f"sscard/window/migrations/{p.relative_to(migrations).as_posix()}" for p in migrations.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    wanted |= {f"{package}/py.typed" for package in ("sscard", "sscard_core", "jcardsim_bridge", "apdu_spec")}
    wanted |= {"sscard/__main__.py", "sscard/cli/__main__.py"}
    info = f"sscard-{sscard.__version__}.dist-info"
    wanted |= {f"{info}/licenses/LICENSE", f"{info}/licenses/NOTICE"}
    assert wanted - names == set()
    assert "sscard = sscard.cli:main" in wheel.read(f"{info}/entry_points.txt").decode()
    assert not [n for n in names if n.startswith(("tests/", "examples/")) or "__pycache__" in n]


def test_the_wheel_metadata(wheel: zipfile.ZipFile) -> None:
    meta = email.message_from_bytes(wheel.read(f"sscard-{sscard.__version__}.dist-info/METADATA"))
    assert meta["Version"] == sscard.__version__
    assert meta["License-Expression"] == "Apache-2.0"
    requires = meta.get_all("Requires-Dist") or []
    assert "cryptography>=43" in requires  # cryptography.hazmat.decrepit
    core = [r for r in requires if "extra ==" not in r]
    assert not [r for r in core if r.lower().startswith(("sqlalchemy", "alembic", "psycopg"))], core
    assert {"window", "postgres", "dev"} <= set(meta.get_all("Provides-Extra") or [])
    assert any(r.lower().startswith("sqlalchemy") and 'extra == "window"' in r for r in requires)
    assert any(r.startswith("psycopg[binary]") and 'extra == "postgres"' in r for r in requires)


def test_the_licence_texts() -> None:
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    # What the shaded jar bundles (simulator/pom.xml: jCardSim with its own bundles, and py4j).
    for component in ("jCardSim", "Py4J", "Bouncy Castle", "Kryo", "Objenesis"):
        assert component in notice, component
    assert PYPROJECT["project"]["license"] == "Apache-2.0"


def test_the_wheel_build_stops_without_the_jar(tmp_path: Path) -> None:
    done = _build_wheel(tmp_path, SSCARD_SIM_JAR=str(tmp_path / "missing.jar"))
    assert done.returncode != 0 and not list(tmp_path.glob("*.whl"))
    assert "the simulator jar is missing" in done.stdout + done.stderr


def test_the_sdist_carries_sources_docs_and_tests(tmp_path: Path) -> None:
    if importlib.util.find_spec("build.__main__") is None:  # the `build` frontend (pip cannot make an sdist)
        pytest.skip("the `build` package is not installed (pip install -e '.[dev]')")
    done = _build(["build", "--sdist"], tmp_path)
    assert done.returncode == 0, done.stderr
    [path] = tmp_path.glob("sscard-*.tar.gz")
    with tarfile.open(path) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    wanted = {p for p in tracked if p.startswith(("applet/", "simulator/", "docs/", "tests/", "examples/",
                                                   "apdu_spec/", "host/", "benchmarks/", "scripts/"))}
    wanted |= {"pom.xml", "Makefile", "LICENSE", "NOTICE", "README.md", "pyproject.toml", "setup.py", ".ci/run"}
    assert wanted - names == set()
    assert not [n for n in names if "/target/" in n or n.endswith(".jar")]
