"""``check --syntax-only`` and ``check --json``: each diagnostic has a kind and a stable
code (docs/diagnostics.md), so tools can tell "does not parse" from "does not resolve"."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cloudburst.codes import CODES, kind_of
from cloudburst.engine import Runtime
from cloudburst.errors import CloudburstError

ROOT = Path(__file__).resolve().parents[2]


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cloudburst", "check", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def write(tmp: Path, name: str, text: str) -> str:
    (tmp / name).write_text(text, encoding="utf-8")
    return str(tmp / name)


@pytest.mark.parametrize(("source", "code"), [
    ('info "abc;', "S104"),
    ("x = 1\ny = 2;", "S102"),
    ("if (true) { info 1; } else { info 2; } else { info 3; }", "S107"),
    ("info '32-Jan-2024';", "S109"),
    ("a = (b = 3) * 2;", "S111"),
    ("if (true) {\n\tinfo 1;\n", "S103"),
    ("break;", "S117"),
    ("undefined_variable.method();", "N207"),
    ('info "abc".toStrng();', "N208"),
    ('r = zoho.nosuchtask("x");', "N206"),
    ("int f(int a) { return a; }\nint f(int b) { return b; }", "N201"),
    ('void f() { return 1; }\nf();', "T304"),
    ("int f(int a) { return a; }\ninfo f(1, 2);", "A402"),
    ('info "abc".length(1);', "A403"),
    ("info if(true, 1);", "A404"),
])
def test_each_problem_has_its_code(source: str, code: str) -> None:
    with pytest.raises(CloudburstError) as info:
        Runtime(network=False).check(source, "t.dg")
    assert info.value.code == code, info.value.message


def test_codes_are_documented_and_kinds_follow_the_letter() -> None:
    doc = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"`{code}`" in doc, code
    assert {kind_of(c) for c in CODES} == {"syntax", "name", "type", "arity", "limit"}


def test_syntax_only_separates_parse_errors_from_name_errors(tmp_path: Path) -> None:
    unresolved = write(tmp_path, "names.dg", "x = foo.bar();\ninfo x;")
    broken = write(tmp_path, "broken.dg", "x = ;")
    assert check("--syntax-only", unresolved).returncode == 0
    assert check(unresolved).returncode == 3
    proc = check("--syntax-only", broken)
    assert proc.returncode == 3 and "broken.dg:1:5: error: expected a value" in proc.stderr


def test_json_gives_kind_code_and_position(tmp_path: Path) -> None:
    good = write(tmp_path, "good.dg", "info nosuchvar;")
    bad = write(tmp_path, "bad.dg", "x = foo.bar();")
    syntax = write(tmp_path, "syntax.dg", "info (1 + ;")
    proc = check("--json", good, bad, syntax)
    assert proc.returncode == 3
    report = json.loads(proc.stdout)
    assert (report["files"], report["ok"], report["with_errors"]) == (3, 1, 2)
    by_file = {d["file"]: d for d in report["diagnostics"]}
    assert by_file[good] == {"file": good, "severity": "warning", "kind": "name", "code": "N203",
                             "message": "undefined variable 'nosuchvar' (it may be supplied by the caller)",
                             "line": 1, "column": 6, "end_line": 1, "end_column": 15}
    assert (by_file[bad]["kind"], by_file[bad]["code"], by_file[bad]["line"], by_file[bad]["column"]) == (
        "name", "N207", 1, 5)
    assert by_file[syntax]["kind"] == "syntax" and re.fullmatch(r"S1\d\d", by_file[syntax]["code"])
    assert proc.stderr == ""


def test_json_reports_an_unreadable_file(tmp_path: Path) -> None:
    report = json.loads(check("--json", str(tmp_path / "missing.dg")).stdout)
    assert report["diagnostics"][0]["kind"] == "file" and report["diagnostics"][0]["code"] == "F001"
