"""The terminal front end (prompt_toolkit): highlighting, history, auto-suggestion,
completion, and Enter that runs only a finished input (an ``if`` block waits one more line
for a Zoho-style ``else`` on its own line)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit import print_formatted_text
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.formatted_text import FormattedText, StyleAndTextTuples
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout.processors import Processor, Transformation, TransformationInput
from prompt_toolkit.lexers import PygmentsLexer
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style

from cloudburst.highlight import DelugeLexer
from cloudburst.cli.repl.commands import execute
from cloudburst.cli.repl.completion import DelugeCompleter
from cloudburst.cli.repl.incomplete import awaits_else, is_complete
from cloudburst.cli.repl.session import Session

__all__ = ["build_prompt", "run_interactive", "history_file", "PROMPT", "ErrorStream"]

PROMPT = "dg> "
INDENT = "    "

_STYLE = Style.from_dict({
    "prompt": "ansicyan bold",
    "continuation": "ansibrightblack",
    "error": "ansired",
})


def history_file() -> Path:
    """Where the input history lives: the user state dir (``~/.local/state/cloudburst``)."""
    import platformdirs

    return Path(platformdirs.user_state_dir("cloudburst")) / "repl_history"


#: Secrets typed into `:connection authorize --param KEY=VALUE` or `:connector oauth
#: --client-secret VALUE` must not be written to the history file.
_SECRET_ARGS = re.compile(r"(--param[ =]+[^=\s]+=|--client-secret[ =]+)(\"[^\"]*\"|'[^']*'|\S+)")


def mask_secrets(line: str) -> str:
    """The line as it may be stored: values of secret-bearing options replaced by ``••••``."""
    return _SECRET_ARGS.sub(lambda m: m.group(1) + "••••", line) if line.lstrip().startswith(":") else line


class _MaskingHistory(FileHistory):
    """File history that never stores a secret typed on a meta-command line."""

    def store_string(self, string: str) -> None:
        super().store_string(mask_secrets(string))


def _history() -> History:
    path = history_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError:  # read-only home: keep history for this session only
        return InMemoryHistory()
    return _MaskingHistory(str(path))


def _continuation(width: int, line_number: int, is_soft_wrap: int) -> StyleAndTextTuples:
    return [("class:continuation", "." * (width - 1) + " ")]


def _bindings() -> KeyBindings:
    kb = KeyBindings()

    @kb.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.current_completion is not None:
            buffer.apply_completion(state.current_completion)
            return
        text = buffer.text
        if is_complete(text):
            if not awaits_else(text):
                buffer.validate_and_handle()
                return
            if "\n" in text and not text.rsplit("\n", 1)[1].strip():
                buffer.text = text.rsplit("\n", 1)[0]  # an empty line ends the if block: run it
                buffer.validate_and_handle()
                return
        line = buffer.document.current_line_before_cursor
        indent = line[: len(line) - len(line.lstrip())]
        if line.rstrip().endswith(("{", "[", "(")):
            indent += INDENT
        buffer.insert_text("\n" + indent)

    @kb.add("escape", "enter")
    def _run_anyway(event: KeyPressEvent) -> None:
        event.current_buffer.validate_and_handle()

    @kb.add("}")
    def _close_brace(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        line = buffer.document.current_line_before_cursor
        if line and not line.strip() and line.endswith(INDENT):
            buffer.delete_before_cursor(len(INDENT))
        buffer.insert_text("}")

    return kb


def build_prompt(session: Session, link_names: Callable[[], list[str]], *, input: Input | None = None,
                 output: Output | None = None, history: History | None = None) -> PromptSession[str]:
    return PromptSession(
        [("class:prompt", PROMPT)],
        multiline=True,
        prompt_continuation=_continuation,
        key_bindings=_bindings(),
        lexer=PygmentsLexer(DelugeLexer),
        completer=DelugeCompleter(session, link_names),
        complete_while_typing=True,
        auto_suggest=AutoSuggestFromHistory(),
        history=history if history is not None else _history(),
        style=_STYLE,
        include_default_pygments_style=True,
        input=input,
        output=output,
    )


class _Hidden(Processor):
    """Secret input shows nothing at all (like getpass): not even its length."""

    def apply_transformation(self, transformation_input: TransformationInput) -> Transformation:
        return Transformation([], source_to_display=lambda i: 0, display_to_source=lambda i: 0)


class ErrorStream(io.StringIO):
    """The session's error stream on a terminal: each write is printed in red at once
    (a StringIO only so it is a text stream to everyone it is handed to; it keeps nothing)."""

    def __init__(self, output: Output | None = None) -> None:
        super().__init__()
        self._output = output

    def write(self, text: str) -> int:
        print_formatted_text(FormattedText([("class:error", text)]), end="", style=_STYLE, output=self._output)
        return len(text)


def run_interactive(session: Session, link_names: Callable[[], list[str]], *, input: Input | None = None,
                    output: Output | None = None, history: History | None = None) -> int:
    """Read, run, repeat until ``:quit`` or Ctrl-D. Ctrl-C drops the current input (a
    running script is stopped by the session itself)."""
    prompt = build_prompt(session, link_names, input=input, output=output, history=history)

    def ask(text: str, secret: bool) -> str:
        processors: list[Processor] | None = [_Hidden()] if secret else None
        return PromptSession[str](input=input, output=output).prompt(text, input_processors=processors)

    while not session.finished:
        try:
            text = prompt.prompt()
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        try:
            execute(session, text, ask)
        except KeyboardInterrupt:
            session.err.write("cancelled\n")
    return 0
