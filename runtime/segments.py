"""Counted segments of a long main script: their precise copies, compiled on demand.

A chunked main script (see the compiler's ``chunked``) counts each straight-line segment
of statements that run once (outside loops and ``try`` bodies) with one addition and one
check. Only when a checkpoint or the
statement limit falls inside a segment does it need the statement-by-statement copy,
which is generated and compiled here at that moment (a script of 50,000 statements meets
about fifty): compiling every copy up front would cost more than the script saves. The
copy is a closure over the same cells as the chunks, so it reads and assigns the script's
variables and counts exactly as the generic code.

A segment is paid for before it runs, so an error raised inside it would leave the count
of its remaining statements in; :meth:`Segments.settle` takes that back, so a failed run
reports the count the generic code would.
"""

from __future__ import annotations

from _thread import allocate_lock  # threading's Lock, without importing threading (start-up is measured)
from bisect import bisect_right
from types import CellType, CodeType, FunctionType, TracebackType

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

__all__ = ["Segments"]

#: (line, column, end line, end column) of a statement, in Python's coordinates.
Position = tuple[int, int, int, int]


class Segments:
    """The segments of one compiled program (held in its constants, never cached on disk:
    building a copy needs the compiler that made the program)."""

    def __init__(self, build: Callable[[int], tuple[CodeType, dict[str, Any]]], statements: list[Position],
                 remaining: list[int]) -> None:
        #: ``build(index)``: the precise copy of segment ``index`` and the values of any names
        #: it uses that the script's cells lack (helpers only it needs).
        self._build = build
        self._codes: dict[int, tuple[CodeType, dict[str, Any]]] = {}
        self._lock = allocate_lock()  # one program may run in many threads; the compiler is not shared
        #: Every segment statement in source order (an ``if``'s branches are compiled last
        #: first), and how many of its segment follow it.
        order = sorted(range(len(statements)), key=statements.__getitem__)
        self._statements = [statements[i] for i in order]
        self._remaining = [remaining[i] for i in order]
        self._starts = [(line, col) for line, col, _, _ in self._statements]

    def runner(self, cells: dict[str, CellType]) -> Callable[[int], None]:
        """``run(index)`` for one run: the precise copy of a segment over that run's cells."""

        def run(index: int) -> None:
            code, extra = self._code(index)
            closure = tuple(cells[v] if v in cells else CellType(extra[v]) for v in code.co_freevars)
            FunctionType(code, {"__builtins__": {}}, code.co_name, None, closure)()

        return run

    def _code(self, index: int) -> tuple[CodeType, dict[str, Any]]:
        with self._lock:
            built = self._codes.get(index)
            if built is None:
                from cloudburst.gcpause import gc_paused

                with gc_paused():  # collector passes would walk the whole compiled script's nodes
                    built = self._codes[index] = self._build(index)
        return built

    def settle(self, tb: TracebackType | None, chunk: CodeType, count: CellType) -> None:
        """An error left ``chunk`` (a traceback through it): if it was raised by a statement
        of a segment's counted copy, take back the count of the statements after it."""
        while tb is not None and tb.tb_frame.f_code is not chunk:
            tb = tb.tb_next
        if tb is None:
            return
        positions = list(chunk.co_positions())
        index = tb.tb_lasti // 2
        if not 0 <= index < len(positions):
            return
        line, end_line, col, end_col = positions[index]
        if line is None or col is None:
            return
        found = bisect_right(self._starts, (line, col)) - 1
        if found < 0:
            return
        _, _, stop_line, stop_col = self._statements[found]
        if (end_line or line, end_col if end_col is not None else col) <= (stop_line, stop_col):
            count.cell_contents -= self._remaining[found]
