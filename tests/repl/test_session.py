"""Session logic without any terminal: persistence, expressions, errors, meta-commands,
cancelling a run."""

from __future__ import annotations

import _thread
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from cloudburst.cli.repl import session as session_module

#: Ten million loop iterations: far longer than any test waits.
LONG_LOOP = (
    'info "started";\n'
    "l = {1,2,3,4,5,6,7,8,9,10};\n"
    "for each a in l { for each b in l { for each c in l { for each d in l {\n"
    "for each e in l { for each f in l { for each g in l { n = n + 1; } } } } } } }\n"
)


def interrupt_when(condition: Any, timeout: float = 10.0) -> threading.Thread:
    """Press Ctrl-C (in the main thread) once ``condition()`` holds."""

    def watch() -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)
        _thread.interrupt_main()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_variables_persist_between_inputs(repl: Any) -> None:
    assert repl.run("x = 40;")
    assert repl.run("x = x + 2;")
    assert repl.run("info x;")
    assert repl.take() == ("42\n", "")
    assert repl.session.variables["x"] == 42


def test_collections_persist_and_methods_apply(repl: Any) -> None:
    repl.run('m = {"a": 1};')
    repl.run('m.put("b", 2);')
    repl.run('m.get("b")')
    repl.run("m")
    assert repl.take() == ('2\n{"a":1,"b":2}\n', "")


def test_bare_expression_shows_its_value_in_display_format(repl: Any) -> None:
    repl.run("1 + 2")
    repl.run("{1, 2, 3}")
    repl.run("true && false")
    repl.run("'01-Jan-2024'")
    repl.run("null")
    assert repl.take() == ("3\n1,2,3\nfalse\n01-Jan-2024\nnull\n", "")


def test_statement_prints_only_info(repl: Any) -> None:
    repl.run('s = "abc";')
    repl.run("s.length();")  # a statement: its value is dropped
    assert repl.take() == ("", "")


def test_functions_stay_callable_in_later_inputs(repl: Any) -> None:
    assert repl.run("int double(int a) {\n  return a * 2;\n}")
    assert repl.take() == ("", "")
    repl.run("x = 21;")
    repl.run("double(x)")
    repl.run("string greet(string who) { return \"hi \" + who; }")
    repl.run('greet("ann") + " " + double(2)')
    assert repl.take() == ("42\nhi ann 4\n", "")
    assert sorted(repl.session.function_names()) == ["double", "greet"]


def test_redefining_a_function_replaces_it(repl: Any) -> None:
    repl.run("int f() { return 1; }")
    repl.run("INT F() { return 2; }")  # function names are case-insensitive
    repl.run("f()")
    assert repl.take() == ("2\n", "")
    assert repl.session.function_names() == ["F"]


def test_function_defined_with_statements_in_one_input(repl: Any) -> None:
    repl.run("info sq(3);\nint sq(int a) { return a * a; }")
    repl.run("sq(4)")
    assert repl.take() == ("9\n16\n", "")


def test_function_with_braces_in_text_and_comments(repl: Any) -> None:
    repl.run('string wrap(string s) {\n  // closes with }\n  return "{" + s + "}";\n}\ninfo wrap("a");')
    repl.run('wrap("b")')
    assert repl.take() == ("{a}\n{b}\n", "")


def test_bad_function_is_not_kept(repl: Any) -> None:
    assert not repl.run("int f() { return nosuchthing.frobnicate(1); }")
    _, err = repl.take()
    assert "nosuchthing" in err
    assert repl.session.functions == {}
    assert repl.run("x = 1;")  # the session goes on, with nothing stuck in it


def test_runtime_error_shows_message_line_and_caret_and_session_goes_on(repl: Any) -> None:
    repl.run("x = 1;")
    assert not repl.run("y = 10;\nz = y / 0;")
    out, err = repl.take()
    assert out == ""
    assert err == (
        "<input>:2:5: error: division by zero\n"
        "    z = y / 0;\n"
        "        ^^^^^\n"
    )
    assert repl.run("x + 1")
    assert repl.take() == ("2\n", "")


def test_values_assigned_before_an_error_stay(repl: Any) -> None:
    repl.run("a = 1;\nb = a / 0;\nc = 3;")
    assert repl.session.variables == {"a": 1}


def test_syntax_error_has_caret(repl: Any) -> None:
    assert not repl.run("info x y;")
    _, err = repl.take()
    lines = err.splitlines()
    assert lines[0].startswith("<input>:1:8: error: expected ';'")
    assert lines[1:] == ["    info x y;", "           ^"]


def test_unknown_variable_is_an_error(repl: Any) -> None:
    assert not repl.run("info nothing;")
    assert "nothing" in repl.take()[1]


def test_unknown_method_on_a_session_variable_is_an_error(repl: Any) -> None:
    repl.run('word = "abc";')
    assert not repl.run("word.toUpperC()")
    assert "unknown method 'toUpperC'" in repl.take()[1]
    assert repl.run("word.toUpperCase()")
    assert repl.take() == ("ABC\n", "")


def test_timing_counts_only_the_inputs_statements(repl: Any) -> None:
    repl.run("a = 1; b = 2; c = 3;")
    repl.run(":time")
    repl.take()
    repl.run("a = a + 1;")
    assert repl.take()[1].endswith(" ms, 1 statement)\n")


def test_two_names_for_one_list_stay_one_list_across_inputs(repl: Any) -> None:
    repl.run("a = list();")
    repl.run("b = a;")
    repl.run("a.add(1);")
    repl.run("b")
    assert repl.take() == ("1\n", "")


def test_unknown_method_on_a_session_variable_is_an_error(repl: Any) -> None:
    repl.run('word = "abc";')
    repl.run("word.toUpperC();")
    assert "unknown method 'toUpperC'" in repl.take()[1]


def test_top_level_return_value_is_shown(repl: Any) -> None:
    repl.run("return 5 * 5;")
    assert repl.take() == ("25\n", "")


def test_failures_are_counted(repl: Any) -> None:
    repl.run("x = 1;")
    repl.run("x / 0")
    repl.run(":nope")
    assert repl.session.failures == 2


def test_ctrl_c_cancels_a_running_script(repl: Any) -> None:
    repl.run("n = 0;")
    interrupt_when(lambda: "started" in repl.out.getvalue())
    started = time.monotonic()
    assert not repl.run(LONG_LOOP)
    assert time.monotonic() - started < 5
    out, err = repl.take()
    assert out == "started\n"
    assert "cancelled" in err
    assert 0 < repl.session.variables["n"] < 10_000_000  # stopped part-way; what ran is kept
    assert repl.run("n > 0")
    assert repl.take() == ("true\n", "")


def test_ctrl_c_leaves_behind_a_run_stuck_in_a_call(repl: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    entered = threading.Event()

    def slow() -> int:
        entered.set()
        release.wait(10)
        return 1

    monkeypatch.setattr(session_module, "_CANCEL_GRACE", 0.2)
    repl.session.runtime.register_function("slow", slow)
    interrupt_when(entered.is_set)
    assert not repl.run("x = slow();")
    release.set()
    assert "left behind" in repl.take()[1]
    assert "x" not in repl.session.variables
    assert repl.run("1 + 1")


def test_vars_lists_variables_with_types_and_functions(repl: Any) -> None:
    repl.run(":vars")
    assert repl.take() == ("no variables or functions yet\n", "")
    repl.run('name = "Ann"; n = 3; l = {1, 2};')
    repl.run("void hello() { info 1; }")
    repl.run(":vars")
    assert repl.take() == (
        "l = 1,2  (LIST)\n"
        "n = 3  (NUMBER)\n"
        "name = Ann  (TEXT)\n"
        "hello()  (function)\n",
        "",
    )


def test_vars_shortens_long_values(repl: Any) -> None:
    repl.run('s = "x".leftpad(200);')
    repl.run(":vars")
    line = repl.take()[0].splitlines()[0]
    assert line.endswith("...  (TEXT)")
    assert len(line) < 100


def test_reset_forgets_everything(repl: Any) -> None:
    repl.run("x = 1;")
    repl.run("int f() { return 1; }")
    repl.run(":reset")
    assert repl.session.variables == {} and repl.session.functions == {}
    assert not repl.run("f()")


def test_time_toggles_timing(repl: Any) -> None:
    repl.run(":time")
    assert repl.take() == ("timing is on\n", "")
    repl.run("x = 1; y = 2;")
    out, err = repl.take()
    assert out == ""
    assert err.startswith("(") and err.endswith(" ms, 2 statements)\n")
    repl.run(":time")
    repl.run("x = 1;")
    assert repl.take() == ("timing is off\n", "")


def test_load_runs_a_file_in_the_session(repl: Any, tmp_path: Path) -> None:
    script = tmp_path / "lib.dg"
    script.write_text("base = 10;\nint add(int a) {\n  return a + 5;\n}\ninfo \"loaded\";\n",
                      encoding="utf-8")
    assert repl.run(f":load {script}")
    repl.run("add(base)")
    assert repl.take() == ("loaded\n15\n", "")


def test_load_errors_name_the_file(repl: Any, tmp_path: Path) -> None:
    script = tmp_path / "bad file.dg"
    script.write_text("x = 1;\ny = x / 0;\n", encoding="utf-8")
    assert not repl.run(f':load "{script}"')
    _, err = repl.take()
    assert err.startswith(f"{script}:2:5: error: division by zero")
    assert not repl.run(f":load {tmp_path / 'missing.dg'}")
    assert "cannot read" in repl.take()[1]
    assert not repl.run(":load")
    assert "usage: :load FILE" in repl.take()[1]


def test_load_of_a_single_function_file_defines_it(repl: Any, tmp_path: Path) -> None:
    script = tmp_path / "export.dg"
    script.write_text("string shout(string s) {\n  return s.toUpperCase();\n}\n", encoding="utf-8")
    assert repl.run(f":load {script}")
    repl.run('shout("hey")')
    assert repl.take() == ("HEY\n", "")


def test_quit_and_help(repl: Any) -> None:
    repl.run(":help")
    out, _ = repl.take()
    for command in (":help", ":vars", ":reset", ":load FILE", ":time", ":quit", ":connector", ":connection", ":forms"):
        assert command in out
    assert not repl.session.finished
    repl.run(":quit")
    assert repl.session.finished


def test_unknown_and_malformed_commands(repl: Any) -> None:
    assert not repl.run(":frobnicate")
    assert "unknown command ':frobnicate'" in repl.take()[1]
    assert not repl.run(":")
    assert not repl.run(':load "unclosed')
    assert "cannot read the command" in repl.take()[1]


def test_connector_commands_are_forwarded(repl: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_main(argv: list[str], **kwargs: Any) -> int:
        seen["argv"] = argv
        seen.update(kwargs)
        kwargs["stdout"].write("listed\n")
        return 0

    monkeypatch.setattr("cloudburst.cli.dispatch.main", fake_main)
    assert repl.run(':connector create "My API" --auth-type api_key')
    assert seen["argv"] == ["connector", "create", "My API", "--auth-type", "api_key"]
    assert seen["stdout"] is repl.out and seen["stderr"] is repl.err
    assert repl.take() == ("listed\n", "")


def test_connection_commands_against_a_real_store(repl: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from cryptography.fernet import Fernet

    monkeypatch.setenv("CLOUDBURST_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("CLOUDBURST_SECRET_KEY", Fernet.generate_key().decode())
    assert repl.run(":connector create Weather --auth api_key")
    assert repl.run(":connector list")
    out, _ = repl.take()
    assert "weather" in out
    assert not repl.run(":connection show nosuch")
    assert "nosuch" in repl.take()[1]
    assert repl.session.failures == 1


def test_forms_command_and_form_access(tmp_path: Any) -> None:
    """`:forms` lists the forms of the session's store; inputs read and write them, each
    input its own transaction."""
    import io

    from cloudburst.cli.repl.commands import execute
    from cloudburst.cli.repl.session import Session
    from cloudburst.engine import Runtime
    from cloudburst.forms.schema import parse_schema
    from cloudburst.forms.store import FormStore

    url = f"sqlite:///{tmp_path / 'repl.db'}"
    store = FormStore(url)
    store.apply(parse_schema({"forms": {"Tasks": {"fields": {"Title": {"type": "single_line", "required": True}}}}}))
    store.close()
    out, err = io.StringIO(), io.StringIO()
    with Runtime(store=url, network=False) as runtime:
        session = Session(runtime, out=out, err=err)
        assert execute(session, 'insert into Tasks [ Title = "write docs" ];')
        assert not execute(session, "insert into Tasks [ ];")
        assert "enter a value for Title" in err.getvalue()
        assert execute(session, 'task = Tasks[Title == "write docs"];')
        assert execute(session, 'task.Title = "write more docs";')  # a later input writes it
        assert execute(session, 'info Tasks[Title == "write more docs"].count();')
        assert out.getvalue().endswith("1\n")
        assert execute(session, ":forms")
        assert "Tasks  1 record\n" in out.getvalue()
        assert execute(session, ":forms Tasks")
        assert "Title  single_line  required" in out.getvalue()
        assert not execute(session, ":forms Nope")
        assert "form 'Nope' does not exist" in err.getvalue()
