"""The prompt_toolkit front end driven through a pipe input and a dummy output: Enter runs
finished input only, continuation lines are indented, Ctrl-C drops the input, Ctrl-D leaves,
Tab completes, history is kept."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from cloudburst.cli.repl.app import history_file, run_interactive

ENTER = "\r"
CTRL_C = "\x03"
CTRL_D = "\x04"
TAB = "\t"
ESC_ENTER = "\x1b\r"


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as inp:
        yield inp


def drive(repl: Any, pipe: PipeInput, *chunks: str, history: Any = None) -> InMemoryHistory:
    """Type each chunk (a pause between them, so completion can catch up even on a loaded
    machine) then Ctrl-D; returns the history the inputs went to."""
    kept = history if history is not None else InMemoryHistory()

    def typist() -> None:
        for chunk in (*chunks, CTRL_D):
            pipe.send_text(chunk)
            time.sleep(0.5)

    thread = threading.Thread(target=typist, daemon=True)
    thread.start()
    assert run_interactive(repl.session, lambda: ["crm_prod"], input=pipe, output=DummyOutput(), history=kept) == 0
    thread.join()
    return kept


def test_inputs_run_and_variables_persist(repl: Any, pipe: PipeInput) -> None:
    drive(repl, pipe, "x = 40;" + ENTER + "x + 2" + ENTER)
    assert repl.take() == ("42\n", "")


def test_unfinished_input_continues_with_indentation(repl: Any, pipe: PipeInput) -> None:
    history = drive(repl, pipe, "x = 5;" + ENTER + "if (x > 1) {" + ENTER + 'info "big";' + ENTER + "}" + ENTER
                    + ENTER)
    assert repl.take() == ("big\n", "")
    assert list(history.get_strings())[-1] == 'if (x > 1) {\n    info "big";\n}'


def test_else_on_its_own_line_after_the_closing_brace(repl: Any, pipe: PipeInput) -> None:
    drive(repl, pipe, "x = 5;" + ENTER + "if (x > 9)" + ENTER + "{" + ENTER + 'info "big";' + ENTER + "}" + ENTER,
          "else if (x > 7)" + ENTER + "{" + ENTER + 'info "medium";' + ENTER + "}" + ENTER,
          "else" + ENTER + "{" + ENTER + 'info "small";' + ENTER + "}" + ENTER + 'info "after";' + ENTER)
    assert repl.take() == ("small\nafter\n", "")


def test_an_if_block_waits_for_else_then_runs_with_the_next_statement(repl: Any, pipe: PipeInput) -> None:
    drive(repl, pipe, "if (true) { info 1; }" + ENTER, "info 2;" + ENTER, "if (false) { info 3; }" + ENTER + ENTER)
    assert repl.take() == ("1\n2\n", "")
    assert repl.session.failures == 0


def test_missing_semicolon_waits_for_more(repl: Any, pipe: PipeInput) -> None:
    drive(repl, pipe, "y = 7" + ENTER + ";" + ENTER + "y" + ENTER)
    assert repl.take() == ("7\n", "")


def test_two_empty_lines_run_an_unfinished_input(repl: Any, pipe: PipeInput) -> None:
    drive(repl, pipe, "y = 7" + ENTER + ENTER + ENTER + "1 + 1" + ENTER)
    out, err = repl.take()
    assert out == "2\n"
    assert "missing ';'" in err


def test_escape_enter_runs_at_once(repl: Any, pipe: PipeInput) -> None:
    drive(repl, pipe, "info (1" + ESC_ENTER + "2 + 2" + ENTER)
    out, err = repl.take()
    assert out == "4\n"
    assert "never closed" in err


def test_errors_show_and_the_session_goes_on(repl: Any, pipe: PipeInput) -> None:
    drive(repl, pipe, "z = 1 / 0;" + ENTER + "info \"next\";" + ENTER)
    out, err = repl.take()
    assert out == "next\n"
    assert err == "<input>:1:5: error: division by zero\n    z = 1 / 0;\n        ^^^^^\n"


def test_ctrl_c_drops_the_current_input(repl: Any, pipe: PipeInput) -> None:
    drive(repl, pipe, "if (true) {" + ENTER + "info 1;" + CTRL_C + "info 2;" + ENTER)
    assert repl.take() == ("2\n", "")


def test_ctrl_d_leaves_only_on_an_empty_line(repl: Any, pipe: PipeInput) -> None:
    pipe.send_text("x = 1;" + ENTER + CTRL_D)
    assert run_interactive(repl.session, list, input=pipe, output=DummyOutput(), history=InMemoryHistory()) == 0
    assert repl.session.variables == {"x": 1}


def test_quit_command_leaves(repl: Any, pipe: PipeInput) -> None:
    pipe.send_text(":quit" + ENTER + "info 1;" + ENTER)
    run_interactive(repl.session, list, input=pipe, output=DummyOutput(), history=InMemoryHistory())
    assert repl.take() == ("", "")


def test_tab_completes_a_variable(repl: Any, pipe: PipeInput) -> None:
    repl.run('customer_name = "Ann";')
    drive(repl, pipe, "custo", TAB, ENTER + ENTER)
    assert repl.take() == ("Ann\n", "")


def test_tab_completes_a_method_by_type(repl: Any, pipe: PipeInput) -> None:
    repl.run('word = "abc";')
    drive(repl, pipe, "word.toUpperC", TAB, "()" + ENTER)
    assert repl.take() == ("ABC\n", "")


def test_closing_brace_dedents(repl: Any, pipe: PipeInput) -> None:
    history = drive(repl, pipe, "for each i in {1, 2} {" + ENTER + "if (i > 1) {" + ENTER + "info i;" + ENTER
                    + "}" + ENTER + "}" + ENTER)
    assert repl.take() == ("2\n", "")
    assert list(history.get_strings())[-1] == "for each i in {1, 2} {\n    if (i > 1) {\n        info i;\n    }\n}"


def test_history_file_in_the_user_state_dir(isolated_user_dirs: Path) -> None:
    assert history_file() == isolated_user_dirs / "xdg_state_home" / "cloudburst" / "repl_history"


def test_history_is_saved_to_the_file(repl: Any, pipe: PipeInput, tmp_path: Path) -> None:
    path = tmp_path / "history"
    drive(repl, pipe, "a = 1;" + ENTER + "a" + ENTER, history=FileHistory(str(path)))
    assert list(FileHistory(str(path)).load_history_strings()) == ["a", "a = 1;"]


def test_connector_prompt_reads_from_the_terminal(repl: Any, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch) -> None:
    answers: list[str] = []

    def fake_main(argv: list[str], **kwargs: Any) -> int:
        answers.append(kwargs["prompt"]("Password: ", True))
        return 0

    monkeypatch.setattr("cloudburst.cli.dispatch.main", fake_main)
    drive(repl, pipe, ":connection authorize jira" + ENTER + "s3cret" + ENTER)
    assert answers == ["s3cret"]


def test_history_file_never_stores_secrets_typed_on_meta_commands(tmp_path: Any) -> None:
    from cloudburst.cli.repl.app import _MaskingHistory, mask_secrets

    assert mask_secrets(":connection authorize w --param appid=KEY123 --param user=bob") == (
        ":connection authorize w --param appid=•••• --param user=••••")
    assert mask_secrets(':connector oauth c --client-secret "s e c"') == ":connector oauth c --client-secret ••••"
    assert mask_secrets('x = "--param a=b";') == 'x = "--param a=b";'
    history = _MaskingHistory(str(tmp_path / "history"))
    history.store_string(":connection authorize w --param appid=KEY123")
    assert "KEY123" not in (tmp_path / "history").read_text()


def test_secret_prompt_shows_nothing_while_typing(repl: Any, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    answers: list[str] = []
    screen = io.StringIO()

    class Recording(DummyOutput):
        def write(self, data: str) -> None:
            screen.write(data)

        def write_raw(self, data: str) -> None:
            screen.write(data)

    def fake_main(argv: list[str], **kwargs: Any) -> int:
        answers.append(kwargs["prompt"]("Password: ", True))
        return 0

    monkeypatch.setattr("cloudburst.cli.dispatch.main", fake_main)

    def typist() -> None:
        for chunk in (":connection authorize jira" + ENTER, "s3cret" + ENTER, CTRL_D):
            pipe.send_text(chunk)
            time.sleep(0.5)

    thread = threading.Thread(target=typist, daemon=True)
    thread.start()
    run_interactive(repl.session, lambda: [], input=pipe, output=Recording(), history=InMemoryHistory())
    thread.join()
    assert answers == ["s3cret"]
    assert "s3cret" not in screen.getvalue() and "******" not in screen.getvalue()
