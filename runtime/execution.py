"""Per-run state: limits, clock, output sink, cancel flag, host services.

A compiled script is immutable; everything that changes while it runs lives here, so one
script can run in many threads at once, each with its own :class:`Execution`.
"""

from __future__ import annotations

import os
import sys
import time
from _thread import _local  # threading.local, without importing threading (start-up is measured)
from types import TracebackType

from cloudburst.datetime_types import dt as _dt
from cloudburst.errors import (
    CancelledError,
    CloudburstError,
    DelugeRuntimeError,
    LimitError,
    RecursionLimitError,
    Span,
    StatementLimitError,
    TimeoutLimitError,
)
from cloudburst.lazy import lazy_pattern

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable
    from dataclasses import dataclass, field

    from cloudburst.engine import Runtime
else:  # the same shape without importing dataclasses at start-up (see cloudburst.frozen)
    from cloudburst.frozen import field, record

    def dataclass(**_options: bool):
        return record(eq=True, frozen=True)

__all__ = ["Limits", "Settings", "Execution", "CancelFlag", "CHECK_EVERY", "DOLLAR", "DOT", "BIG_VALUE", "activate", "current", "guard_memory", "check_active", "to_deluge_error", "span_from_traceback"]

#: Letters that stand for ``$`` and ``.`` in generated Python names: non-ASCII, so no
#: Deluge identifier (ASCII only) can contain them and mangled names never collide.
DOLLAR = "\u01c2"
DOT = "\u01c0"

#: How many statements may run between two checks of the clock and the cancel flag.
CHECK_EVERY = 1000

#: Every how many checkpoints the process's memory is read (reading it costs a system
#: call; built-ins that build a big value check it themselves, see ``guard_memory``).
MEMORY_EVERY = 16


@dataclass(frozen=True)
class Limits:
    """Per-run limits. ``None`` disables a limit (the CLI and the host decide)."""

    max_statements: int | None = 5000
    timeout: float | None = 60.0
    max_depth: int = 75
    max_output_bytes: int = 500 * 1024
    max_collection_size: int = 1_000_000
    max_text_length: int = 10 * 1024 * 1024
    #: Bytes the process's resident memory may grow by while the run is going (checked every
    #: 16th checkpoint, about every 16,000 statements, and after building a big text or
    #: list). Memory is per process, so concurrent runs see each other's growth: size it
    #: for the busiest moment.
    max_memory: int | None = 1024 * 1024 * 1024
    #: Compiling is bounded too: the longest script (characters) and the most syntax nodes
    #: a runtime compiles, so parsing and code generation stay within seconds and a few
    #: hundred MB; ``timeout`` also covers compiling (a run's clock starts before it).
    max_source_chars: int | None = 1_000_000
    max_syntax_nodes: int | None = 400_000


@dataclass(frozen=True)
class Settings:
    """Language and environment settings of a runtime (fixed for all its runs)."""

    timezone: str | None = None
    #: ``"truncate"``: NUMBER / NUMBER is a NUMBER rounded toward zero (Java ``long``
    #: division); ``"decimal"``: it is a DECIMAL.
    integer_division: str = "truncate"
    #: Values of ``zoho.loginuser``, ``zoho.adminuserid``, ``zoho.appname``, ...
    system: dict[str, Any] = field(default_factory=dict)


def _local_zone(name: str | None) -> _dt.tzinfo:
    if name:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    tz = _dt.datetime.now().astimezone().tzinfo
    return tz if tz is not None else _dt.timezone.utc


class CancelFlag:
    """Whether a run was cancelled: set once, from any thread, and read at checkpoints (the
    part of ``threading.Event`` a run needs; importing threading was 3% of a cached run)."""

    __slots__ = ("_set",)

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set


class Execution:
    """The state of one run. Built-ins receive it as ``ctx``.

    Attributes a built-in may use: ``tz`` (the run's time zone), ``settings``,
    ``runtime`` (the host :class:`~cloudburst.engine.Runtime`: integrations, HTTP,
    mail, connections), ``now()``, ``check()`` (raise if cancelled or out of time; call
    it inside long loops) and ``time_left()``.
    """

    def __init__(
        self,
        runtime: Runtime | None = None,
        limits: Limits | None = None,
        settings: Settings | None = None,
        on_info: Callable[[str], None] | None = None,
        clock: Callable[[], _dt.datetime] | None = None,
        started: float | None = None,
    ) -> None:
        self.runtime = runtime
        self.limits = limits or Limits()
        self.settings = settings or (runtime.settings if runtime is not None else Settings())
        self.tz = _local_zone(self.settings.timezone)
        self.on_info = on_info
        self.info_lines: list[str] = []
        self.output_bytes = 0
        self.output_truncated = False
        self.statements = 0
        self.depth = 0
        self.cancelled = CancelFlag()
        self.client_actions: list[tuple[str, tuple[Any, ...]]] = []
        #: Whether another thread may call :meth:`cancel` (true for executions a host holds).
        #: When false, blocking calls such as invokeurl run inline instead of being handed
        #: to a helper thread that can be abandoned; Ctrl-C still interrupts the main thread.
        self.cancellable = True
        #: Set by a host that wants the main script's final variables (the REPL).
        self.capture_variables = False
        self.variables: dict[str, Any] | None = None
        self._clock = clock
        #: When the run's clock started (``time.monotonic()``; before compiling, for a run
        #: that compiled its script first).
        self.started = time.monotonic() if started is None else started
        self.deadline = None if self.limits.timeout is None else self.started + self.limits.timeout
        #: Resident memory when the budget was first checked (read lazily: short runs never pay).
        self.memory_base: int | None = None
        self._checkpoints = 0
        #: Per-run host resources (the form session), each closed by :meth:`finish`.
        self.resources: dict[str, Any] = {}
        #: The run's ``input`` argument (the record a Creator form workflow sees), for
        #: ``getFieldNames()`` / ``getFieldValue(f)`` without a receiver.
        self.form_input: Any = None

    def finish(self, ok: bool) -> None:
        """End the run's resources: commit what it wrote when ``ok``, else roll it back."""
        resources, self.resources = self.resources, {}
        failure: BaseException | None = None
        for resource in resources.values():
            try:
                resource.close(ok and failure is None)
            except BaseException as exc:  # the others must still be rolled back
                failure = failure or exc
        if failure is not None:
            raise failure

    # -- clock -------------------------------------------------------------------------
    def now(self) -> _dt.datetime:
        """The current date-time in the run's time zone, as a naive value."""
        if self._clock is not None:
            return self._clock()
        return _dt.datetime.now(self.tz).replace(tzinfo=None, microsecond=0)

    def time_left(self) -> float | None:
        if self.deadline is None:
            return None
        return self.deadline - time.monotonic()

    # -- limits ------------------------------------------------------------------------
    def check(self) -> None:
        """Raise if the run was cancelled or ran out of time."""
        if self.cancelled.is_set():
            raise CancelledError("the run was cancelled")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeoutLimitError(f"the run took longer than its {self.limits.timeout:g} s limit")

    def checkpoint(self, count: int) -> int:
        """Called by generated code when the statement count passes the next checkpoint;
        returns the next one."""
        self.statements = count
        limit = self.limits.max_statements
        if limit is not None and count > limit:
            raise StatementLimitError(f"more than {limit} statements were executed")
        self.check()
        self._checkpoints += 1
        if count and self._checkpoints % MEMORY_EVERY == 1:
            self.check_memory()
        else:
            self._let_others_in()
        nxt = count + CHECK_EVERY
        return nxt if limit is None else min(nxt, limit)

    def _let_others_in(self) -> None:
        """Let a waiting thread (a host's event loop) take the interpreter now rather than
        after the 5 ms switch interval; reading the memory does the same. Yielding costs a
        system call (tens of microseconds on a busy machine, more than the thousand
        statements between checkpoints), so it happens only while another thread is alive
        that may want it (an idle helper thread waits for work, not for the interpreter)."""
        threading = sys.modules.get("threading")  # no other thread before it is imported
        workers = sys.modules.get("cloudburst.workers")  # no helper threads before it is imported
        if threading is not None and \
                threading.active_count() - (workers.WORKERS.idle if workers is not None else 0) > 1:
            time.sleep(0)

    def check_memory(self) -> None:
        """Raise if the process's memory grew by more than the run's ``max_memory``."""
        if self.limits.max_memory is None:
            return
        if self.memory_base is None:
            self.memory_base = _resident()
        elif _resident() - self.memory_base > self.limits.max_memory:
            raise LimitError(f"the run used more than {self.limits.max_memory // (1024 * 1024)} MB of memory")

    def cancel(self) -> None:
        """Stop the run at its next checkpoint (thread-safe)."""
        self.cancelled.set()

    # -- output ------------------------------------------------------------------------
    def info(self, text: str) -> None:
        if self.output_truncated:
            return
        size = len(text.encode("utf-8", "replace")) + 1
        if self.output_bytes + size > self.limits.max_output_bytes:
            self.output_truncated = True
            text = "[info output truncated: more than the run's output limit]"
        self.output_bytes += size
        self.info_lines.append(text)
        if self.on_info is not None:
            self.on_info(text)


def _resident() -> int:
    """The process's resident memory in bytes (Linux: current; elsewhere: the peak, which
    only ever grows, so a run's growth is still bounded). 0 where neither is known."""
    try:
        fd = os.open("/proc/self/statm", os.O_RDONLY)
    except OSError:
        return _peak_resident()
    try:
        return int(os.read(fd, 128).split()[1]) * _PAGE
    finally:
        os.close(fd)


def _peak_resident() -> int:
    try:
        import resource
    except ImportError:
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

#: The execution running in this thread (set by ``Script.run``), for helpers that are
#: not handed one.
_ACTIVE = _local()

#: Values at least this big (characters, elements) make a helper check the memory budget.
BIG_VALUE = 256 * 1024


def activate(execution: Execution | None) -> Execution | None:
    """Make ``execution`` this thread's running one; returns the previous one to restore."""
    previous: Execution | None = getattr(_ACTIVE, "execution", None)
    _ACTIVE.execution = execution
    return previous


def current() -> Execution | None:
    """The execution running on this thread (None outside a run): host services that block,
    such as Zoho tasks, read its time left and cancel flag."""
    return getattr(_ACTIVE, "execution", None)


def check_active() -> None:
    """Raise if the running execution (if any) was cancelled or ran out of time: for helpers
    that walk data a script built (displaying a list shared at every level is exponential)."""
    execution: Execution | None = getattr(_ACTIVE, "execution", None)
    if execution is not None:
        execution.check()


def guard_memory() -> None:
    """Check the running execution's memory budget (called after building a big value)."""
    execution: Execution | None = getattr(_ACTIVE, "execution", None)
    if execution is not None:
        execution.check_memory()


def span_from_traceback(tb: TracebackType | None) -> Span | None:
    """The Deluge span of the innermost generated frame in ``tb`` (the expression that
    failed), read from the positions the compiler stamped on the generated code."""
    found: Span | None = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith("<deluge:"):
            positions = list(code.co_positions())
            index = tb.tb_lasti // 2
            if 0 <= index < len(positions):
                line, end_line, col, end_col = positions[index]
                if line:  # 0: code of no statement (paying for a counted segment)
                    found = Span(line, (col or 0) + 1, end_line or line, (end_col or col or 0) + 1)
        tb = tb.tb_next
    return found


_UNBOUND = lazy_pattern(r"local variable '(?:v_)?([^']+)'|variable '(?:v_)?([^']+)'")


def _arithmetic_message(exc: ArithmeticError) -> str:
    """Python's and ``decimal``'s arithmetic failures in Deluge words (``decimal.Overflow``
    prints as a list of classes)."""
    import decimal

    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    if isinstance(exc, (OverflowError, decimal.Overflow)):
        return "number out of range: the result is beyond what a NUMBER or DECIMAL can hold"
    return "invalid arithmetic: the operation has no numeric result"


def to_deluge_error(exc: BaseException) -> DelugeRuntimeError:
    """Turn anything raised inside a run into a Deluge runtime error with a span.

    Non-catchable errors (limits, cancel, Ctrl-C) are re-raised unchanged, so a script's
    ``catch`` cannot swallow them. A stray Python exception is a Cloudburst bug; it still
    becomes a clean Deluge error (the original is kept as ``__cause__``).
    """
    if isinstance(exc, KeyboardInterrupt):  # Ctrl-C: say where the script stopped
        raise CancelledError("interrupted", span_from_traceback(exc.__traceback__)) from exc
    if isinstance(exc, LimitError) or (isinstance(exc, BaseException) and not isinstance(exc, Exception)):
        raise exc
    span = span_from_traceback(exc.__traceback__)
    if isinstance(exc, DelugeRuntimeError):
        if exc.span is None:
            exc.span = span
        return exc
    if isinstance(exc, CloudburstError):
        error = DelugeRuntimeError(exc.message, exc.span or span)
    elif isinstance(exc, (UnboundLocalError, NameError)):
        m = _UNBOUND.search(str(exc))
        name = next((g for g in m.groups() if g), "?") if m else "?"
        error = DelugeRuntimeError(f"variable '{name.replace(DOLLAR, '$')}' is used before it has a value", span)
    elif isinstance(exc, RecursionError):
        error = RecursionLimitError("the data or the calls are nested too deeply", span)
    elif isinstance(exc, MemoryError):
        error = LimitError("the run ran out of memory", span)
    elif isinstance(exc, ArithmeticError):
        error = DelugeRuntimeError(_arithmetic_message(exc), span)
    else:
        error = DelugeRuntimeError(f"internal error ({type(exc).__name__}): {exc}", span)
    error.__cause__ = exc
    if isinstance(error, LimitError):
        raise error
    return error
