"""The `cloudburst` command as a user meets it: output, diagnostics and exit codes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, stdin: str | None = None, tmp: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if tmp is not None:
        env["CLOUDBURST_CACHE_DIR"] = str(tmp / "cache")
    return subprocess.run([sys.executable, "-m", "cloudburst", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, env=env, cwd=ROOT)


def write(tmp: Path, text: str, name: str = "job.dg") -> str:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_hello_example_prints_info_lines_only(tmp_path: Path) -> None:
    proc = cli("run", "examples/hello.dg", tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["Hello, Ada!", "Hello, Grace!", "Hello, Linus!",
                                        '{"people":3,"letters":13}']
    assert proc.stderr == ""


def test_cached_second_run_gives_the_same_output(tmp_path: Path) -> None:
    first = cli("run", "examples/hello.dg", tmp=tmp_path)
    second = cli("run", "examples/hello.dg", tmp=tmp_path)
    assert list((tmp_path / "cache").glob("*.bin")), "the compiled script was not cached"
    assert first.stdout == second.stdout and second.returncode == 0


def test_function_file_takes_typed_arguments(tmp_path: Path) -> None:
    proc = cli("run", "examples/lead_score.dg", "--arg", "leadId=4150868000001234567", "--arg", "source=Web", tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[1])["lead"] == "4150868000001234567"
    missing = cli("run", "examples/lead_score.dg", tmp=tmp_path)
    assert missing.returncode == 2 and "missing arguments: leadId, source" in missing.stderr
    bad = cli("run", "examples/lead_score.dg", "--arg", "leadId=abc", "--arg", "source=x", tmp=tmp_path)
    assert bad.returncode == 2 and "not a whole number" in bad.stderr


def test_inputs_from_json_and_typed_args(tmp_path: Path) -> None:
    script = write(tmp_path, "info count + 1;\ninfo names.size();\ninfo rec.get(\"id\");")
    inputs = tmp_path / "in.json"
    inputs.write_text(json.dumps({"names": ["a", "b"], "rec": {"id": 12345678901234567}}))
    proc = cli("run", script, "--arg", "count:=41", "--input", str(inputs), tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["42", "2", "12345678901234567"]


def test_a_creator_workflow_gets_its_form_fields_from_dotted_args(tmp_path: Path) -> None:
    script = write(tmp_path, 'if(input.Qty > 10 && input.Email.contains("@"))\n{\n\tinfo "bulk order for " + input.Name;\n}\n'
                             'else\n{\n\tinfo "small order: " + input.Qty;\n}\n', "order_on_submit.dg")
    proc = cli("run", script, "--arg", "input.Name=Ann Lee", "--arg", "input.Qty:=12",
               "--arg", "input.Email=ann@zylker.com", tmp=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "bulk order for Ann Lee\n", "")
    inputs = tmp_path / "form.json"
    inputs.write_text(json.dumps({"input": {"Name": "Raj", "Email": "raj@zylker.com"}}))
    proc = cli("run", script, "--input", str(inputs), "--arg", "input.Qty:=3", tmp=tmp_path)
    assert proc.stdout == "small order: 3\n"  # --arg adds a field to the --input map
    clash = cli("run", script, "--arg", "input=x", "--arg", "input.Qty:=3", tmp=tmp_path)
    assert clash.returncode == 2 and "input already has a value that is not a map" in clash.stderr


def test_runtime_error_exit_1_with_position_and_caret(tmp_path: Path) -> None:
    script = write(tmp_path, 'x = 1;\ntotal = x / 0;\ninfo total;')
    proc = cli("run", script, tmp=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == f"{script}:2:9: error: division by zero"
    assert proc.stderr.splitlines()[1].strip() == "total = x / 0;"
    assert proc.stderr.splitlines()[2].strip() == "^^^^^"
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_syntax_error_exit_3(tmp_path: Path) -> None:
    script = write(tmp_path, 'x = 1\ny = 2;')
    proc = cli("run", script, tmp=tmp_path)
    assert proc.returncode == 3
    assert f"{script}:1:6: error: missing ';' at the end of line 1" in proc.stderr


def test_limit_exit_4(tmp_path: Path) -> None:
    script = write(tmp_path, 'for each i in "x,".repeat(100)\n{\n\tfor each j in "x,".repeat(100) { n = 1; }\n}')
    proc = cli("run", script, tmp=tmp_path)
    assert proc.returncode == 4
    assert "more than 5000 statements" in proc.stderr
    assert cli("run", script, "--max-statements", "0", tmp=tmp_path).returncode == 0


def test_timeout_exit_4(tmp_path: Path) -> None:
    script = write(tmp_path, 'for each i in "x,".repeat(300000)\n{\n\tfor each j in "x,".repeat(3000) { n = 1; }\n}')
    started = time.monotonic()
    proc = cli("run", script, "--max-statements", "0", "--timeout", "0.5", tmp=tmp_path)
    assert proc.returncode == 4 and "0.5 s limit" in proc.stderr
    assert time.monotonic() - started < 20


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert cli("run", str(tmp_path / "missing.dg"), tmp=tmp_path).returncode == 2
    assert cli("frobnicate").returncode == 2
    assert cli("run", "examples/hello.dg", "--arg", "novalue", tmp=tmp_path).returncode == 2


def test_stdin_script(tmp_path: Path) -> None:
    proc = cli("run", "-", stdin='info "from stdin";', tmp=tmp_path)
    assert proc.returncode == 0 and proc.stdout == "from stdin\n"


def test_ctrl_c_exits_130(tmp_path: Path) -> None:
    script = write(tmp_path, 'for each i in "x,".repeat(5000)\n{\n\tfor each j in "x,".repeat(5000) { n = 1; }\n}')
    env = dict(os.environ, CLOUDBURST_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.Popen([sys.executable, "-m", "cloudburst", "run", script, "--max-statements", "0", "--timeout", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    deadline = time.monotonic() + 60  # a loaded machine may take long to start: wait for the compiled script
    entry = "?" * 64 + ".bin"  # the compiled script, not the indexes written beside it
    while not any((tmp_path / "cache").glob(entry)) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    # where the script stopped, as the REPL shows it: file:line:col, the line and a caret
    assert re.match(rf"{re.escape(script)}:[1-3]:\d+: error: interrupted\n    .*\n +\^", err), err


def test_check_many_files_one_diagnostic_per_bad_file(tmp_path: Path) -> None:
    good = write(tmp_path, 'info x + 1;', "good.dg")
    bad1 = write(tmp_path, 'info (1 + ;\ninfo 2 +;', "bad1.dg")
    bad2 = write(tmp_path, 'x = nosuchthing.frobnicate(1);', "bad2.dg")
    proc = cli("check", good, bad1, bad2)
    assert proc.returncode == 3
    errors = [line for line in proc.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 2
    assert errors[0].startswith(f"{bad1}:1:") and errors[1].startswith(f"{bad2}:1:5: error: variable 'nosuchthing' is not defined")
    assert proc.stdout.strip() == "checked 3 files: 1 ok, 2 with errors"
    strict = cli("check", "--strict", good)
    assert strict.returncode == 3 and "undefined variable 'x'" in strict.stderr
    assert cli("check", good).returncode == 0


def test_check_warns_about_a_function_that_can_end_without_return(tmp_path: Path) -> None:
    script = write(tmp_path, "int f(int a)\n{\n\tif (a > 0) { return 1; }\n}\ninfo f(1);")
    relaxed = cli("check", "--warnings", script)
    assert relaxed.returncode == 0 and "can end without returning a value of type int" in relaxed.stderr
    strict = cli("check", "--strict", script)
    assert strict.returncode == 3 and f"{script}:1:1: error: function 'f' can end without returning" in strict.stderr


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help(flag: str) -> None:
    proc = cli(flag)
    assert proc.returncode == 0 and proc.stdout.strip()


def test_run_shows_the_return_value_last(tmp_path: Path) -> None:
    proc = cli("run", "-", stdin='info "checking";\nreturn {"ok": true};\n', tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["checking", '{"ok":true}']
    quiet = cli("run", "-", stdin='info "only info";\n', tmp=tmp_path)
    assert quiet.stdout == "only info\n"


def test_run_json_reports_info_return_type_and_counts(tmp_path: Path) -> None:
    proc = cli("run", "--json", "-", stdin='info "a";\nx = 1.50;\nreturn {"n": x, "l": [1, 2]};\n', tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["info"] == ["a"] and report["return"] == {"n": 1.5, "l": [1, 2]}
    assert report["type"] == "KEY-VALUE" and report["statements"] == 3 and report["duration_ms"] >= 0


ON_VALIDATE = """\
if(input.Quantity > 10)
{
	alert "Only 10 in stock";
	input.Quantity:ui.add(10);
	hide Discount;
	openUrl("#Report:Stock_Levels", "same window");
	cancel submit;
}
info "checked";
"""


def _order(tmp_path: Path, quantity: int) -> str:
    path = tmp_path / f"order{quantity}.json"
    path.write_text(json.dumps({"input": {"Quantity": quantity}}))
    return str(path)


def test_run_shows_creator_client_actions_in_order_on_stderr(tmp_path: Path) -> None:
    proc = cli("run", write(tmp_path, ON_VALIDATE), "--input", _order(tmp_path, 12))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "checked\n"
    assert proc.stderr.splitlines() == [
        "client action: alert Only 10 in stock",
        "client action: input.Quantity:ui.add 10",
        "client action: hide Discount",
        "client action: openUrl #Report:Stock_Levels, same window",
        "client action: cancel submit",
    ]
    report = json.loads(cli("run", "--json", write(tmp_path, ON_VALIDATE), "--input", _order(tmp_path, 12)).stdout)
    assert report["client_actions"][0] == ["alert", ["Only 10 in stock"]]
    assert report["client_actions"][3] == ["openUrl", ["#Report:Stock_Levels", "same window"]]
    quiet = cli("run", write(tmp_path, ON_VALIDATE), "--input", _order(tmp_path, 3))
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_negative_limits_are_usage_errors(tmp_path: Path) -> None:
    for option in ("--timeout", "--max-statements"):
        proc = cli("run", option, "-1", "examples/hello.dg", tmp=tmp_path)
        assert proc.returncode == 2 and "must be 0 (no limit) or more" in proc.stderr, proc.stderr


def test_a_mistyped_arg_name_is_refused_with_the_near_parameter(tmp_path: Path) -> None:
    typo = cli("run", "examples/lead_score.dg", "--arg", "leadId=5", "--arg", "sourse=Referral", tmp=tmp_path)
    assert typo.returncode == 2 and "no parameter named sourse; did you mean source?" in typo.stderr
    case = cli("run", "examples/lead_score.dg", "--arg", "LEADID=5", "--arg", "source=Web", tmp=tmp_path)
    assert case.returncode == 2 and "did you mean leadId?" in case.stderr


@pytest.mark.parametrize(("encoding", "prefix"), [("utf-16", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")])
def test_scripts_saved_by_windows_tools_are_read(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "greeting.dg"
    path.write_bytes(prefix + 'name = "Zoë";\r\ninfo "Hello " + name;\r\n'.encode(encoding))
    assert cli("check", str(path)).returncode == 0
    proc = cli("run", str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Hello Zoë\n"
