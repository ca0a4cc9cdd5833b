"""A record of every ``invokeurl`` a run makes: method, host, status, latency and the
connection used, never a credential, URL path, query or body.

The recorder wraps the runtime's own ``invokeurl`` handler. It asks that handler for the
detailed answer (to learn the status code) and hands the script exactly what it asked for.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any, Callable
from urllib.parse import urlsplit

__all__ = ["CallRecorder"]

Handler = Callable[[Any, dict[str, Any]], Any]


class CallRecorder:
    """Install with :meth:`install`; read a run's calls with :meth:`calls_of`."""

    def __init__(self) -> None:
        self._calls: weakref.WeakKeyDictionary[Any, list[dict[str, Any]]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def install(self, runtime: Any) -> None:
        original: Handler | None = runtime.task_handler("invokeurl")
        if original is None:
            return

        def invokeurl(ctx: Any, items: dict[str, Any]) -> Any:
            return self._record(original, ctx, items)

        runtime.register_task("invokeurl", invokeurl)

    def calls_of(self, execution: Any) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._calls.get(execution, ()))

    def _record(self, original: Handler, ctx: Any, items: dict[str, Any]) -> Any:
        wanted = items.get("detailed")
        readable = wanted is None or isinstance(wanted, bool)  # else the handler reports the bad value
        ask = {**items, "detailed": True} if readable else items
        entry: dict[str, Any] = {"method": str(items.get("type") or "GET").upper(),
                                 "host": urlsplit(str(items.get("url") or "")).hostname,
                                 "connection": str(items["connection"]) if items.get("connection") else None,
                                 "status": None}
        started = time.monotonic()
        try:
            answer = original(ctx, ask)
        except Exception as exc:
            entry["error"] = str(getattr(exc, "message", exc))
            raise
        finally:
            entry["latency_ms"] = round((time.monotonic() - started) * 1000, 3)
            with self._lock:
                self._calls.setdefault(ctx, []).append(entry)
        if not readable:
            return answer
        entry["status"] = answer.get("responseCode")
        return answer if wanted else answer.get("responseText")
