"""Only the front-door wing (``cloudburst.cli``) reads the command line, the environment or
a terminal; everything below it takes plain values. Checked on the source, so a new module
cannot slip past."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WING = ROOT / "runtime" / "cli"
BELOW = [p for folder in ("runtime", "stdlib", "grammar") for p in sorted((ROOT / folder).rglob("*.py"))
         if WING not in p.parents]

#: Attribute reads that reach the process's environment or terminal.
FORBIDDEN_ATTRIBUTES = {("os", "environ"), ("os", "getenv"), ("os", "environb"), ("os", "putenv"),
                        ("sys", "argv"), ("sys", "stdin"), ("os", "isatty"), ("os", "get_terminal_size"),
                        ("shutil", "get_terminal_size")}
FORBIDDEN_MODULES = {"getpass", "webbrowser", "readline", "termios", "tty", "curses", "prompt_toolkit"}
FORBIDDEN_CALLS = {"input"}


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in FORBIDDEN_ATTRIBUTES or node.attr == "isatty":
                found.append(f"{where}: {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Attribute) and node.attr == "isatty":
            found.append(f"{where}: .isatty()")
        elif isinstance(node, ast.Import):
            found += [f"{where}: import {a.name}" for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in FORBIDDEN_MODULES:
                found.append(f"{where}: from {node.module} import ...")
            if node.module in ("os", "sys"):
                names = {a.name for a in node.names}
                found += [f"{where}: from {node.module} import {n}" for n in sorted(names)
                          if (node.module, n) in FORBIDDEN_ATTRIBUTES]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            found.append(f"{where}: {node.func.id}()")
    return found


def test_the_scan_sees_the_library() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in BELOW}
    assert {"runtime/engine.py", "runtime/connectors/service.py", "stdlib/registry.py"} <= names
    assert not any(n.startswith("runtime/cli/") for n in names)


def test_the_scan_finds_what_it_forbids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sample = ROOT / "runtime" / "_sample_for_scan.py"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: (
        "import os, sys, getpass\nfrom os import environ\nx = os.environ.get('A')\ny = sys.argv\n"
        "z = input('?')\nsys.stdout.isatty()\n"))
    found = _problems(sample)
    assert len(found) == 6, found


def test_no_module_below_the_wing_reads_the_environment_argv_or_a_terminal() -> None:
    problems = [problem for path in BELOW for problem in _problems(path)]
    assert problems == []


def test_the_wing_reads_the_environment_only_in_env() -> None:
    readers = sorted(p.relative_to(ROOT).as_posix() for p in WING.rglob("*.py")
                     if any("environ" in problem or "getenv" in problem for problem in _problems(p)))
    assert readers == ["runtime/cli/env.py"]
