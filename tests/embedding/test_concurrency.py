"""One compiled script, many threads; cancelling runs from another thread; the async door."""

from __future__ import annotations

import asyncio
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

from cloudburst import CancelledError, CloudburstError, Execution, Limits, Result, Runtime, Script, StatementLimitError

ENDLESS = ('l = "x".repeat(1000).toList(""); '
           "for each a in l { for each b in l { info a; for each c in l { x = 1; } } }")
NO_STATEMENT_LIMIT = Limits(max_statements=None, timeout=30)


@pytest.fixture(scope="module")
def runtime() -> Iterator[Runtime]:
    with Runtime(allowed_hosts=["127.0.0.1"]) as rt:
        yield rt


def test_eight_threads_two_hundred_runs_each(runtime: Runtime) -> None:
    script = runtime.compile(
        "total = 0; seen = list(); "
        "for each item in record.get(\"items\") { total = total + item; seen.add(item); } "
        "info record.get(\"name\"); "
        "return {\"name\": record.get(\"name\"), \"total\": total, \"count\": seen.size(), \"avg\": total.toDecimal() / seen.size()};")
    failures: list[str] = []

    def worker(t: int) -> None:
        for i in range(200):
            items = list(range(t, t + i % 17 + 1))
            lines: list[str] = []
            result = script.run({"record": {"name": f"t{t}-{i}", "items": items}}, on_info=lines.append)
            expected = {"name": f"t{t}-{i}", "total": sum(items), "count": len(items)}
            got = result.python_value()
            avg = got.pop("avg")
            if got != expected or result.info != [f"t{t}-{i}"] or lines != result.info or \
                    avg != Decimal(sum(items)) / len(items):
                failures.append(f"{t}/{i}: {got} {result.info}")

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    started = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    elapsed = time.monotonic() - started
    assert failures == []
    assert elapsed < 30


def _run_in_thread(script: Script, ex: Execution) -> tuple[threading.Thread, dict[str, Any]]:
    box: dict[str, Any] = {}

    def go() -> None:
        try:
            box["result"] = script.run(execution=ex)
        except CloudburstError as exc:
            box["error"] = exc
            box["ended"] = time.monotonic()

    thread = threading.Thread(target=go)
    thread.start()
    return thread, box


def test_cancel_stops_an_endless_loop_promptly(runtime: Runtime) -> None:
    script = runtime.compile(ENDLESS)
    lines: list[str] = []
    ex = script.new_execution(limits=NO_STATEMENT_LIMIT, on_info=lines.append)
    thread, box = _run_in_thread(script, ex)
    deadline = time.monotonic() + 5
    while not lines and time.monotonic() < deadline:
        time.sleep(0.01)
    assert lines, "the run never started"
    asked = time.monotonic()
    ex.cancel()
    thread.join(2)
    assert isinstance(box.get("error"), CancelledError)
    assert box["ended"] - asked < 0.5
    # The script is still usable: a new run is not cancelled, it meets its own limits.
    with pytest.raises(StatementLimitError):
        script.run(limits=Limits(max_statements=50))


class _Slow(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(3)
        try:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"late")
        except OSError:
            pass

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def slow_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("call", ["invokeurl", "getUrl"])
def test_cancel_stops_a_run_waiting_for_a_slow_server(runtime: Runtime, slow_server: str, call: str) -> None:
    src = (f'r = invokeurl [ url: "{slow_server}" type: GET ]; info r;' if call == "invokeurl"
           else f'info getUrl("{slow_server}");')
    script = runtime.compile(src)
    ex = script.new_execution(limits=Limits(timeout=30))
    thread, box = _run_in_thread(script, ex)
    time.sleep(0.3)
    assert thread.is_alive()
    asked = time.monotonic()
    ex.cancel()
    thread.join(2)
    assert isinstance(box.get("error"), CancelledError)
    assert box["ended"] - asked < 0.5


def test_timeout_bounds_a_slow_server(runtime: Runtime, slow_server: str) -> None:
    started = time.monotonic()
    with pytest.raises(CloudburstError, match="limit"):
        runtime.run(f'info getUrl("{slow_server}");', limits=Limits(timeout=0.5))
    assert time.monotonic() - started < 1.5


def test_run_async_keeps_the_event_loop_free_and_returns_the_result(runtime: Runtime) -> None:
    script = runtime.compile('l = "x".repeat(100).toList(""); s = 0; '
                             'for each a in l { for each b in l { for each c in l { s = s + 1; } } } return s;')

    async def main() -> tuple[Result, int]:
        ticks = 0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0.005)

        tick_task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        result = await script.run_async(limits=Limits(max_statements=None, timeout=30))
        stop.set()
        await tick_task
        return result, ticks

    result, ticks = asyncio.run(main())
    assert result.value == 1000000
    # The ticker kept running at (roughly) its pace for the whole run.
    assert result.duration > 0.1
    assert ticks >= result.duration / 0.005 * 0.3


def test_cancelling_the_awaiting_task_cancels_the_run(runtime: Runtime) -> None:
    script = runtime.compile(ENDLESS)
    lines: list[str] = []

    async def main() -> int:
        ticks = 0
        task = asyncio.create_task(script.run_async(limits=NO_STATEMENT_LIMIT, on_info=lines.append))
        for _ in range(40):
            await asyncio.sleep(0.01)
            ticks += 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return ticks

    assert asyncio.run(main()) == 40
    assert lines, "the run never started"
    count = len(lines)
    time.sleep(0.3)
    assert len(lines) == count, "the run went on after its task was cancelled"
