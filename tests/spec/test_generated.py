"""Generated files are what the generator produces; they compile / import; the doc renders."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from clause_markers import scan_tests

from apdu_spec import Spec
from apdu_spec.generate import main, targets

ROOT = Path(__file__).resolve().parents[2]
JCARDSIM = Path.home() / ".m2/repository/com/klinec/jcardsim/3.0.6.0/jcardsim-3.0.6.0.jar"


def test_generated_files_are_current(spec: Spec) -> None:
    stale = [
        p.relative_to(ROOT).as_posix()
        for p, text in targets(spec, ROOT).items()
        if not p.exists() or p.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"run `python -m apdu_spec.generate`: {stale}"


def test_check_mode_reports_stale_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tests").mkdir()
    assert main(["--check", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "stale: host/sscard/spec_tables.py" in err
    assert "stale: applet/src/main/java/sscard/ssse/SsseConstants.java" in err
    assert main(["--root", str(tmp_path)]) == 0
    assert main(["--check", "--root", str(tmp_path)]) == 0


def test_generator_runs_without_the_host_library_or_any_generated_file(tmp_path: Path) -> None:
    """The spec package stands on the core alone: the generator writes every target into an empty tree with
    the host library made unimportable (its generated tables do not exist there)."""
    import sys

    (tmp_path / "tests").mkdir()
    code = ("import sys; sys.modules['sscard'] = None; sys.modules['jcardsim_bridge'] = None\n"
            "from apdu_spec.generate import main\n"
            f"sys.exit(main(['--root', {str(tmp_path)!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "host/sscard/spec_tables.py").exists() and (tmp_path / "docs/spec.md").exists()
    assert "import sscard" not in proc.stderr


def test_python_tables_import(spec: Spec) -> None:
    from sscard import spec_tables as t

    assert t.SW.VERIFY_FAILED == 0x63C0 and t.SW_MASKS[t.SW.VERIFY_FAILED] == 0xFFF0
    assert spec.applications["SSSE"].aid == t.SSSE_AID
    assert t.COMMANDS["SSSE"]["VERIFY"].ins == 0x20
    assert t.Lifecycle.ACTIVE == 0x05
    assert set(t.CLAUSES) == set(spec.clauses)


@pytest.mark.skipif(shutil.which("javac") is None or not JCARDSIM.exists(), reason="javac or jCardSim missing")
def test_java_constants_compile_for_java_8(spec: Spec, tmp_path: Path) -> None:
    files = [str(p) for p in targets(spec, ROOT) if p.suffix == ".java"]
    proc = subprocess.run(
        # -sourcepath: the generated table wiring uses the hand-written sscard.common.Tables
        ["javac", "--release", "8", "-Xlint:-options", "-cp", str(JCARDSIM), "-sourcepath",
         str(ROOT / "applet" / "src" / "main" / "java"), "-d", str(tmp_path), *files],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    for f in files:
        text = Path(f).read_text(encoding="utf-8")
        assert " int " not in text and " long " not in text and "String" not in text and " char " not in text
        if " interface " in text:  # the converter takes only primitive constants in an interface
            assert "[]" not in text and "{(byte)" not in text, f"array in interface {f}"


def test_an_array_in_a_constants_interface_is_refused() -> None:
    from apdu_spec.generate.java import _java

    with pytest.raises(ValueError, match="must be a primitive constant"):
        _java("sscard.ssse", "SsseConstants", "doc", ["byte[] AID = {(byte) 0x73};"])


def test_doc_renders_state_machines_and_traceability(spec: Spec) -> None:
    doc = (ROOT / "docs/spec.md").read_text(encoding="utf-8")
    assert doc.count("```mermaid") == 1 + len(spec.retry_machines)
    assert "ISSUED --> ACTIVE: ACTIVATE" in doc
    assert "## 12. Clauses and traceability" in doc
    assert "tests/" not in doc  # renaming a test never makes the document stale


def test_every_clause_is_checked_by_a_test_and_every_marker_names_a_clause(spec: Spec) -> None:
    found = scan_tests(ROOT / "tests", ROOT)
    assert not [c for c in spec.clauses if c not in found], "clauses no test names"
    assert not sorted(set(found) - set(spec.clauses)), "markers naming no clause"


def test_scan_finds_markers(tmp_path: Path) -> None:
    t = tmp_path / "tests"
    t.mkdir()
    (t / "test_x.py").write_text(
        "import pytest\npytestmark = pytest.mark.clause('SSC-A-1')\n"
        "@pytest.mark.clause('SSC-B-1', 'SSC-B-2')\n@pytest.mark.clause('SSC-C-1')\ndef test_a(): pass\n"
        "class TestK:\n    @pytest.mark.clause('SSC-D-1')\n    def test_b(self): pass\n",
        encoding="utf-8",
    )
    found = scan_tests(t, tmp_path)
    assert found["SSC-B-2"] == ["tests/test_x.py::test_a"]
    assert found["SSC-D-1"] == ["tests/test_x.py::TestK::test_b"]
    assert found["SSC-A-1"] == ["tests/test_x.py::TestK::test_b", "tests/test_x.py::test_a"]
