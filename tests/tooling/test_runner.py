"""``cloudburst test`` on a sample project with passing, failing and erroring tests: the
dots, the summary, the failure details, the JUnit XML, ``-k`` and the exit codes."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cloudburst.cli import main

LEAD_TEST = """\
// Lead scoring for web leads, enriched from a company API through a connection.
score = 0;
if(source == "Web")
{
\tscore = score + 10;
}
info "score " + score; // expect: score 10
company = invokeurl
[
\turl: "https://api.example.com/companies/acme"
\ttype: GET
\tconnection: "clearbit"
];
if(company.get("employees") > 100)
{
\tscore = score + 5;
}
info company.get("employees"); // expect: 250
return score; // expect return: 15
"""

CHUNKS_TEST = """\
info "total " + (2 + 3); // expect: total 5
---
info 1 + 1; // expect: 3
---
m = Map();
n = 10;
x = n / 0; // expect error: division by zero
---
info "a"
// expect syntax error: ';'
---
lines = {"a", "b"};
for each l in lines
{
\tinfo l; // expect: a
}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    crm = tmp_path / "crm"
    crm.mkdir()
    (crm / "lead_score_test.dg").write_text(LEAD_TEST)
    (crm / "lead_score_test.json").write_text(json.dumps({
        "inputs": {"source": "Web"},
        "connections": ["clearbit"],
        "http": [{"request": {"method": "GET", "url": "https://api.example.com/companies/acme"},
                  "response": {"json": {"employees": 250}}}],
    }))
    (tmp_path / "test_chunks.dg").write_text(CHUNKS_TEST)
    (tmp_path / "helper.dg").write_text("info 'not a test';\n")
    return tmp_path


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=io.StringIO(""), environ={})
    return code, out.getvalue(), err.getvalue()


def test_a_project_with_passing_and_failing_tests(project: Path) -> None:
    junit = project / "results.xml"
    code, out, _ = _run("test", str(project), "--junit-xml", str(junit))
    assert code == 1
    dots = out.splitlines()[0]
    assert sorted(dots) == sorted("....FF")
    assert "4 passed, 2 failed in" in out
    assert f"{project / 'test_chunks.dg'}:3: expected info '3'\n  got: '2'" in out
    # the last chunk prints one more line than it expects
    assert "unexpected extra info line 'b'" in out
    root = ET.parse(junit).getroot()
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "6" and suite.get("failures") == "2"
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert failed == [f"{project / 'test_chunks.dg'}:3", f"{project / 'test_chunks.dg'}:12"]


def test_k_selects_tests_and_a_green_run_exits_0(project: Path) -> None:
    code, out, _ = _run("test", str(project), "-k", "lead_score")
    assert code == 0 and out.startswith(".\n") and "1 passed in" in out


def test_an_error_on_the_wrong_line_fails(tmp_path: Path) -> None:
    (tmp_path / "div_test.dg").write_text("a = 0; // expect error: division\nb = 1 / a;\n")
    code, out, _ = _run("test", str(tmp_path))
    assert code == 1 and "expected the error on line 1" in out and "got it on line 2" in out


def test_an_unrecorded_request_never_reaches_the_network(tmp_path: Path) -> None:
    (tmp_path / "fetch_test.dg").write_text('r = getUrl("https://api.example.com/missing");\ninfo r;\n')
    code, out, _ = _run("test", str(tmp_path))
    assert code == 1 and "no recorded answer for GET https://api.example.com/missing" in out


def test_a_bad_fixture_is_an_error_naming_the_key(tmp_path: Path) -> None:
    (tmp_path / "x_test.dg").write_text("info 1; // expect: 1\n")
    (tmp_path / "x_test.json").write_text('{"input": {}}')
    code, _, err = _run("test", str(tmp_path))
    assert code == 1 and "unknown fixture key 'input'" in err


def test_no_tests_found_exits_5(tmp_path: Path) -> None:
    code, _, err = _run("test", str(tmp_path))
    assert code == 5 and "no tests found" in err


def test_json_reports_every_test_with_its_status_and_message(project: Path) -> None:
    code, out, _ = _run("test", str(project), "--json")
    report = json.loads(out)
    assert code == 1 and (report["passed"], report["failed"], report["error"]) == (4, 2, 0)
    failed = {t["name"]: t["message"] for t in report["tests"] if t["status"] == "failed"}
    assert set(failed) == {f"{project / 'test_chunks.dg'}:3", f"{project / 'test_chunks.dg'}:12"}
    assert "expected info '3'" in failed[f"{project / 'test_chunks.dg'}:3"]
    assert all(t["seconds"] >= 0 for t in report["tests"]) and len(report["tests"]) == 6
