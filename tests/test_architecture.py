"""The structure is tested: core never imports Streamlit, every step has a page, every gate is tested."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from core import gates
from core.cli import parser
from core.steps import Step

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_never_imports_streamlit():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "core").rglob("*.py")
        if any(name == "streamlit" or name.startswith("streamlit.") for name in _imports(path))
    ]
    assert offenders == []


def test_core_never_imports_the_ui_layers():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "core").rglob("*.py")
        if any(name.split(".")[0] in {"ui", "app_pages", "app"} for name in _imports(path))
    ]
    assert offenders == []


def test_only_ui_state_touches_session_state():
    users = [
        str(path.relative_to(ROOT))
        for folder in ("ui", "app_pages")
        for path in (ROOT / folder).rglob("*.py")
        if "session_state" in path.read_text(encoding="utf-8")
    ]
    assert users == ["ui/state.py"]


def test_every_step_has_a_page():
    for step in Step:
        assert (ROOT / "app_pages" / f"{step.value}.py").is_file(), step


def test_no_legacy_pages_folder():
    assert not (ROOT / "pages").exists()


def test_every_gate_id_is_exercised_by_a_test():
    tests_text = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py") if p.name != Path(__file__).name
    )
    missing = [g.id for g in gates.GATES if f'"{g.id}"' not in tests_text]
    assert missing == []


def test_cli_help_imports_no_heavy_library():
    # `postmortem --help` must answer at once: the chart, PDF, migrations, pandas and even the domain models
    # are imported only by the verbs that use them
    script = (
        "import contextlib, io, sys\n"
        "from core import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    cli.main(['--help'])\n"
        "print(' '.join(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in done.stdout.split()}
    heavy = {"pandas", "altair", "vl_convert", "fpdf", "alembic", "sqlalchemy", "pydantic", "requests"}
    assert loaded & heavy == set()


def test_every_cli_verb_module_is_listed_in_the_parser():
    support = {"__init__", "__main__", "parser", "output", "environment", "arguments"}
    modules = {path.stem for path in (ROOT / "core" / "cli").glob("*.py")} - support
    assert sorted(parser.name(verb) for verb in parser.VERBS) == sorted(modules)
    for verb in parser.VERBS:
        assert verb.HELP and callable(verb.configure) and callable(verb.run), verb


def test_tests_and_bench_never_import_each_other():
    # what both need (factories, the language scorer, harnesses) lives in testing/, which imports neither
    forbidden = {"tests": {"bench"}, "bench": {"tests"}, "testing": {"tests", "bench"}}
    offenders = [
        str(path.relative_to(ROOT))
        for folder, others in forbidden.items()
        for path in (ROOT / folder).rglob("*.py")
        if any(name.split(".")[0] in others for name in _imports(path))
    ]
    assert offenders == []
