"""``cloudburst fmt``: the layout, its properties over every script in the repository, and
the command's behaviour (in place, --check, --diff, stdin, bad input)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from cloudburst.cli import main
from cloudburst.errors import CloudburstError
from cloudburst.tooling.formatter import format_source, layout, same_program

ROOT = Path(__file__).resolve().parents[2]
_CHUNK = re.compile(r"^---[ \t]*$", re.M)


def _repository_scripts() -> list[tuple[str, str]]:
    """Every script (and every spec chunk) in tests/ and examples/ that parses."""
    found = []
    for path in sorted([*ROOT.glob("tests/**/*.dg"), *ROOT.glob("examples/**/*.dg")]):
        text = path.read_text(encoding="utf-8")
        if "<%" in text:
            continue
        for i, chunk in enumerate(_CHUNK.split(text)):
            found.append((f"{path.relative_to(ROOT)}#{i}", chunk))
    return found


SCRIPTS = _repository_scripts()


def _comments(source: str) -> list[str]:
    """The comments, found by the highlighter (an independent reading of the source)."""
    from pygments.token import Comment

    from cloudburst.highlight import DelugeLexer

    return [text.rstrip() for kind, text in DelugeLexer().get_tokens(source)
            if kind in Comment and text.strip() and text.strip() not in ("/*", "*/")]


def _parses(source: str) -> bool:
    try:
        format_source(source)
    except CloudburstError:
        return False
    return True


@pytest.mark.parametrize("name,source", SCRIPTS, ids=[n for n, _ in SCRIPTS])
def test_formatting_is_idempotent_and_keeps_the_program(name: str, source: str) -> None:
    if not _parses(source):
        pytest.skip("not a valid script (an expected-error spec chunk)")
    once = format_source(source, name)
    assert format_source(once, name) == once
    assert same_program(source, once)
    for comment in _comments(source):  # every comment survives, word for word
        assert comment in once


def test_enough_repository_scripts_are_checked() -> None:
    assert sum(_parses(s) for _, s in SCRIPTS) > 150


def test_zoho_layout() -> None:
    source = (
        "// totals\n"
        "void notify(string name,int n){\n"
        "x=1;y = -x+3*( 2-1 );   // trailing\n"
        "if(x>1){info \"big\";}else if (x==1) {info \"one\";}\n"
        "else{\n  info \"small\";\n}\n\n\n"
        "m = {\"a\":1,\"b\":{1,2,-3}};\n"
        "for each  r in {1,2,3} { info r; }\n"
        "resp = invokeurl\n[\nurl :\"https://example.com\"\ntype :GET\nresponse - decoding: \"utf-8\"\n];\n"
        "l = List: String({\"a\"});\n"
        "if(!m.isEmpty() && x != 2) { input.Status:ui.add(\"x\"); }\n"
        "}\n"
    )
    assert format_source(source) == (
        "// totals\n"
        "void notify(string name, int n)\n{\n"
        "\tx = 1;\n"
        "\ty = -x + 3 * (2 - 1); // trailing\n"
        "\tif(x > 1)\n\t{\n\t\tinfo \"big\";\n\t}\n"
        "\telse if(x == 1)\n\t{\n\t\tinfo \"one\";\n\t}\n"
        "\telse\n\t{\n\t\tinfo \"small\";\n\t}\n\n"
        "\tm = {\"a\": 1, \"b\": {1, 2, -3}};\n"
        "\tfor each r in {1, 2, 3}\n\t{\n\t\tinfo r;\n\t}\n"
        "\tresp = invokeurl\n\t[\n\t\turl: \"https://example.com\"\n\t\ttype: GET\n"
        "\t\tresponse-decoding: \"utf-8\"\n\t];\n"
        "\tl = List:String({\"a\"});\n"
        "\tif(!m.isEmpty() && x != 2)\n\t{\n\t\tinput.Status:ui.add(\"x\");\n\t}\n"
        "}\n"
    )


def test_a_multi_line_call_keeps_its_breaks_and_is_indented_by_brackets() -> None:
    source = 'resp = zoho.crm.updateRecord("Deals", id,\n{"Stage": "Won",\n"Amount": 10});\n'
    assert layout(source) == 'resp = zoho.crm.updateRecord("Deals", id,\n\t{"Stage": "Won",\n\t\t"Amount": 10});\n'


def test_a_task_block_without_semicolon_ends_its_statement() -> None:
    source = ('if(due)\n{\nsendmail\n[\nfrom :zoho.adminuserid\nto :owner\nsubject :"Due"\nmessage :"m"\n]\n'
              'count = count + 1;\nr = invokeurl\n[\nurl :"https://example.com"\ntype :GET\n];\ninfo r;\n}\n')
    assert layout(source) == (
        'if(due)\n{\n\tsendmail\n\t[\n\t\tfrom: zoho.adminuserid\n\t\tto: owner\n\t\tsubject: "Due"\n'
        '\t\tmessage: "m"\n\t]\n\tcount = count + 1;\n\tr = invokeurl\n\t[\n\t\turl: "https://example.com"\n'
        '\t\ttype: GET\n\t];\n\tinfo r;\n}\n')


def test_blank_lines_collapse_to_one_and_none_inside_braces() -> None:
    assert layout("a = 1;\n\n\n\nb = 2;\nif(a)\n{\n\n  b = 3;\n\n}\n") == (
        "a = 1;\n\nb = 2;\nif(a)\n{\n\tb = 3;\n}\n")


def _run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=io.StringIO(stdin), environ={})
    return code, out.getvalue(), err.getvalue()


def test_fmt_rewrites_in_place_then_check_passes(tmp_path: Path) -> None:
    folder = tmp_path / "scripts"
    (folder / "sub").mkdir(parents=True)
    messy = folder / "sub" / "lead.dg"
    messy.write_text('if(x>1){info "big";}\n')
    tidy = folder / "ok.dg"
    tidy.write_text("a = 1;\n")
    (folder / "notes.txt").write_text("not a script {")
    code, _, err = _run("fmt", "--check", str(folder))
    assert code == 1 and f"would reformat {messy}" in err and "ok.dg" not in err
    assert messy.read_text() == 'if(x>1){info "big";}\n'
    code, _, err = _run("fmt", str(folder))
    assert code == 0 and f"reformatted {messy}" in err
    assert messy.read_text() == 'if(x > 1)\n{\n\tinfo "big";\n}\n'
    assert _run("fmt", "--check", str(folder))[0] == 0


def test_fmt_diff_prints_and_changes_nothing(tmp_path: Path) -> None:
    script = tmp_path / "a.dg"
    script.write_text("x=1;\n")
    code, out, _ = _run("fmt", "--diff", str(script))
    assert code == 1 and "-x=1;" in out and "+x = 1;" in out
    assert script.read_text() == "x=1;\n"


def test_fmt_stdin_to_stdout() -> None:
    code, out, err = _run("fmt", "-", stdin="info  1+2 ;")
    assert (code, out, err) == (0, "info 1 + 2;\n", "")


def test_a_script_that_does_not_parse_is_reported_and_left_alone(tmp_path: Path) -> None:
    script = tmp_path / "bad.dg"
    script.write_text("x = 1;\ny = (2;\n")
    code, _, err = _run("fmt", str(script))
    assert code == 3 and f"{script}:2:" in err and "Traceback" not in err
    assert script.read_text() == "x = 1;\ny = (2;\n"


def test_fmt_json_names_each_file_and_its_status(tmp_path: Path) -> None:
    import json

    (tmp_path / "messy.dg").write_text("x=1;\n")
    (tmp_path / "tidy.dg").write_text("x = 1;\n")
    (tmp_path / "bad.dg").write_text("y = (2;\n")
    code, out, err = _run("fmt", "--check", "--json", str(tmp_path))
    report = json.loads(out)
    status = {Path(f["path"]).name: f["status"] for f in report["files"]}
    assert status == {"bad.dg": "error", "messy.dg": "would reformat", "tidy.dg": "unchanged"}
    assert (code, report["changed"], report["errors"], err) == (3, 1, 1, "")
    assert "bad.dg:1:" in report["files"][0]["error"]
    assert (tmp_path / "messy.dg").read_text() == "x=1;\n"
    code, out, _ = _run("fmt", "--json", str(tmp_path / "messy.dg"))
    assert code == 0 and json.loads(out)["files"] == [{"path": str(tmp_path / "messy.dg"), "status": "reformatted"}]
    assert (tmp_path / "messy.dg").read_text() == "x = 1;\n"
