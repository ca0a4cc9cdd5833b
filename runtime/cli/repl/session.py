"""The REPL's state and how one input runs; no terminal library here, so the logic is
tested with plain strings and streams.

The engine compiles whole programs, so the session carries the state between inputs
itself: the variables' values go in as the inputs of the next snippet and come back from
the run (``Execution.capture_variables``), and the source of every function defined so far
is appended to each snippet (after it, so the snippet's line numbers stay as typed).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, TextIO

from cloudburst.diagnostics import format_error
from cloudburst.engine import Result, Runtime, Script
from cloudburst.errors import CancelledError, CloudburstError, Span
from cloudburst.execution import Execution
from cloudburst.parser import parse_expression_or_program
from cloudburst.cli.repl.scan import scan
from cloudburst.values import display

__all__ = ["Session", "INPUT_NAME"]

INPUT_NAME = "<input>"

#: How long a cancelled run may take to reach its next checkpoint before the REPL moves on.
_CANCEL_GRACE = 2.0


@dataclass
class _Outcome:
    """What the worker thread hands back."""

    result: Result | None = None
    error: CloudburstError | None = None
    done: threading.Event = field(default_factory=threading.Event)


class Session:
    """Variables and functions that persist between inputs, and the settings of the session."""

    def __init__(self, runtime: Runtime, *, out: TextIO, err: TextIO) -> None:
        self.runtime = runtime
        self.out = out
        self.err = err
        self.variables: dict[str, Any] = {}
        #: Function definitions entered so far: lower-cased name → (name, source text).
        self.functions: dict[str, tuple[str, str]] = {}
        self.timing = False
        self.finished = False
        #: How many inputs ended in an error (the exit status of a piped session).
        self.failures = 0

    # -- state -------------------------------------------------------------------------------
    def reset(self) -> None:
        self.variables.clear()
        self.functions.clear()

    def function_names(self) -> list[str]:
        return [name for name, _ in self.functions.values()]

    # -- running -------------------------------------------------------------------------
    def run_source(self, text: str, name: str = INPUT_NAME, first_line: int = 1) -> bool:
        """Run one input (statements, function definitions or a bare expression, whose
        value is shown) that starts on line ``first_line`` of what the user typed or piped
        in, so errors name that line. Errors are reported on ``err``; returns True on success."""
        if not text.strip():
            return True
        typed = "\n" * (first_line - 1) + text
        try:
            program, was_expression = parse_expression_or_program(typed, name)
        except CloudburstError as exc:
            return self._fail(exc, typed)
        defined = {fn.name.lower(): (fn.name, _definition(typed, fn.span)) for fn in program.functions}
        functions = {**{k: v for k, v in self.functions.items() if k not in defined}, **defined}
        kept = [src for key, (_, src) in functions.items() if key not in defined]
        combined = "\n".join((_as_info(typed) if was_expression else typed, *kept))
        shown = _Shown("\n".join((typed, *kept)), _expression_start(typed) if was_expression else None)
        try:
            script = self.runtime.compile(combined, name, inputs=sorted(self.variables))
        except CloudburstError as exc:
            return self._fail(exc, shown)
        self.functions = functions
        if not program.body:
            return True
        return self._execute(script, shown)

    def _execute(self, script: Script, shown: _Shown) -> bool:
        execution = script.new_execution(on_info=self._emit)
        execution.capture_variables = True
        outcome = _Outcome()
        worker = threading.Thread(target=_run, args=(script, self.variables, execution, outcome),
                                  name="cloudburst-repl-run", daemon=True)
        try:
            worker.start()
            while not outcome.done.wait(0.05):
                pass
        except KeyboardInterrupt:
            return self._cancel(execution, outcome, shown)
        self._keep_variables(execution)
        if outcome.error is not None:
            return self._fail(outcome.error, shown)
        assert outcome.result is not None
        if outcome.result.value is not None:
            self._emit(display(outcome.result.value))
        if self.timing:
            self._timing(outcome.result.duration, outcome.result.statements)
        return True

    def _cancel(self, execution: Execution, outcome: _Outcome, shown: _Shown) -> bool:
        """Ctrl-C while a script runs: stop it at its next checkpoint; a run stuck in a
        call that does not check (a slow request) is left behind."""
        execution.cancel()
        try:
            finished = outcome.done.wait(_CANCEL_GRACE)
        except KeyboardInterrupt:
            finished = False
        if not finished:
            self.failures += 1
            self.err.write("cancelled (the run is still waiting on a call and was left behind)\n")
            self.err.flush()
            return False
        self._keep_variables(execution)
        return self._fail(outcome.error or CancelledError("the run was cancelled"), shown)

    def _keep_variables(self, execution: Execution) -> None:
        """Values assigned before a failure stay, as in any REPL."""
        if execution.variables is not None:
            self.variables.update(execution.variables)

    # -- output --------------------------------------------------------------------------
    def _emit(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def _timing(self, seconds: float, statements: int) -> None:
        self.err.write(f"({_duration(seconds)}, {statements} statement{'s' if statements != 1 else ''})\n")
        self.err.flush()

    def _fail(self, error: CloudburstError, source: str | _Shown) -> bool:
        self.failures += 1
        if isinstance(source, _Shown):
            error.span = source.as_typed(error.span)
            source = source.text
        self.err.write(format_error(error, source) + "\n")
        self.err.flush()
        return False


@dataclass(frozen=True)
class _Shown:
    """What the user typed, for error reports: a bare expression runs as ``info <expr>;``,
    but its errors point into the expression as typed."""

    text: str
    #: Where a bare expression starts (line, column); None for statements.
    expression: tuple[int, int] | None

    def as_typed(self, span: Span | None) -> Span | None:
        """``span`` in the compiled source, moved back over the inserted ``info ``."""
        if span is None or self.expression is None or span.line != self.expression[0]:
            return span
        if span.column <= self.expression[1]:
            return span
        shift = len(_INFO)
        end = span.end_column - shift if span.end_line == span.line else span.end_column
        return Span(span.line, span.column - shift, span.end_line, max(end, span.column - shift + 1))


_INFO = "info "


def _expression_start(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    line_start = text.rfind("\n", 0, start) + 1
    return text.count("\n", 0, start) + 1, start - line_start + 1


def _as_info(text: str) -> str:
    """``info <expr>;`` with the expression on its own lines and columns as typed."""
    offset = len(text) - len(text.lstrip())
    return text[:offset] + _INFO + text[offset:].rstrip().rstrip(";") + ";"


def _run(script: Script, variables: dict[str, Any], execution: Execution, outcome: _Outcome) -> None:
    try:
        outcome.result = script.run(variables, execution=execution)
    except CloudburstError as exc:
        outcome.error = exc
    finally:
        outcome.done.set()


def _definition(text: str, span: Span) -> str:
    """The source of the function definition starting at ``span``: from its start to the
    ``}`` that closes its body (found by counting braces in code, not in text or comments)."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: span.line - 1]) + span.column - 1
    depth = 0
    for i in scan(text).code:
        if i < start or text[i] not in "{}":
            continue
        depth += 1 if text[i] == "{" else -1
        if depth == 0:
            return text[start:i + 1]
    return text[start:]


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds:.2f} s"
