"""The REPL when standard input is not a terminal: plain statements in, plain results out."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from cloudburst.cli.repl.pipe import run_piped


def test_runs_each_statement_when_finished(repl: Any) -> None:
    status = run_piped(repl.session, [
        "x = 5;\n",
        "x + 1\n",
        "l = {1,\n",
        "2, 3};\n",
        "l.size()\n",
    ])
    assert status == 0
    assert repl.take() == ("6\n3\n", "")


def test_else_on_its_own_line_joins_the_if(repl: Any) -> None:
    status = run_piped(repl.session, [
        "x = 1;",
        "if (x > 3)",
        "{",
        '    info "big";',
        "}",
        "else if (x > 0)",
        "{",
        '    info "small";',
        "}",
        "else",
        "{",
        '    info "none";',
        "}",
        "info \"done\";",
    ])
    assert status == 0
    assert repl.take() == ("small\ndone\n", "")


def test_block_at_the_end_of_input_runs(repl: Any) -> None:
    run_piped(repl.session, ["for each i in {1, 2} {", "  info i;", "}"])
    assert repl.take() == ("1\n2\n", "")


def test_errors_go_on_and_set_the_status(repl: Any) -> None:
    status = run_piped(repl.session, ["y = 1 / 0;", "info \"after\";"])
    assert status == 1
    out, err = repl.take()
    assert out == "after\n"
    assert "division by zero" in err and "^" in err


def test_unfinished_input_at_the_end_is_reported(repl: Any) -> None:
    assert run_piped(repl.session, ["x = 5;", "info x"]) == 1
    assert "missing ';'" in repl.take()[1]


def test_quit_stops_reading(repl: Any) -> None:
    status = run_piped(repl.session, ["info 1;", ":quit", "info 2;"])
    assert status == 0
    assert repl.take() == ("1\n", "")


def test_quit_after_a_held_block(repl: Any) -> None:
    run_piped(repl.session, ["if (true) { info 1; }", ":quit", "info 2;"])
    assert repl.take() == ("1\n", "")


def test_cloudburst_repl_with_piped_stdin_prints_plain_text() -> None:
    source = (
        "x = 20;\n"
        "int twice(int a) {\n"
        "    return a * 2;\n"
        "}\n"
        "twice(x) + 2\n"
        ":vars\n"
        "bad = x / 0;\n"
        "info \"still here\";\n"
    )
    proc = subprocess.run([sys.executable, "-m", "cloudburst", "repl"], input=source, capture_output=True,
                          text=True, timeout=60)
    assert proc.stdout == "42\nx = 20  (NUMBER)\ntwice()  (function)\nstill here\n"
    assert "division by zero" in proc.stderr
    assert "\x1b" not in proc.stdout + proc.stderr
    assert "dg>" not in proc.stdout
    assert proc.returncode == 1


def _piped(source: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cloudburst", "repl"], input=source, capture_output=True,
                          text=True, timeout=60)


def test_piped_input_reads_like_the_same_script() -> None:
    source = (
        "lead = {\"score\": 42};\n"
        "if (lead.get(\"score\") > 50)\n"
        "{\n"
        "\tinfo \"hot\";\n"
        "}\n"
        "\n"
        "// otherwise\n"
        "else if (lead.get(\"score\") > 40)\n"
        "{\n"
        "\tinfo \"warm\";\n"
        "}\n"
        "total = lead.get(\"score\") + missing;\n"
        "info \"end\";\n"
    )
    proc = _piped(source)
    assert proc.stdout == "warm\nend\n"
    assert proc.stderr.startswith("<input>:12:29: error: variable 'missing' is used before it has a value\n"
                                  "    total = lead.get(\"score\") + missing;\n")
    assert proc.returncode == 1


def test_an_if_block_before_other_statements_runs_once() -> None:
    proc = _piped("x = 2;\nif (x > 1)\n{\n  info \"big\";\n}\nelsewhere = 3;\ninfo elsewhere;\n")
    assert (proc.stdout, proc.stderr, proc.returncode) == ("big\n3\n", "", 0)


def test_an_error_in_a_bare_expression_shows_it_as_typed() -> None:
    proc = _piped("names = {\"Ann\", \"Bo\"};\n\n   names.get(5)\n")
    assert proc.stderr.startswith("<input>:3:4: error: get: index 5 is out of range for a list of size 2\n"
                                  "       names.get(5)\n"
                                  "       ^^^^^^^^^^")
