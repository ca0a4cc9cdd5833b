"""One run's Zoho provider: every ``zoho.crm``/``zoho.books``/``zoho.creator`` task and
``invokeapi``, served by one transport (live, recording or replaying), with the count of
Zoho API calls the run made. Zoho counts a task execution that received an answer
(success or failure) once against the external-call limit, a retry inside it not again
(https://www.zoho.com/deluge/help/crm/get-records-V8.html); so does :attr:`ZohoProvider.calls`.
"""

from __future__ import annotations

from _thread import allocate_lock  # threading.Lock, without importing threading (start-up is measured)

from cloudburst.zoho.names import CRM_VERSIONS, task_names

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Callable, Mapping
    from cloudburst.zoho.wire import Transport, ZohoAnswer, ZohoRequest

__all__ = ["ZohoProvider", "install_record_store"]


class ZohoProvider:
    """Serves the Zoho tasks of runs on one runtime through ``transport``."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport
        self._calls = 0
        self._lock = allocate_lock()

    @property
    def calls(self) -> int:
        """Task executions that got an answer so far (Zoho's external-call count)."""
        return self._calls

    def send(self, request: ZohoRequest) -> ZohoAnswer:
        answer = self._transport.send(request)
        with self._lock:
            self._calls += 1
        return answer

    def tasks(self) -> dict[str, Callable[..., Any]]:
        from cloudburst.zoho.books import BOOKS_TASKS, books_task
        from cloudburst.zoho.creator import CREATOR_TASKS, CREATOR_V2_1_TASKS, creator_task, creator_v2_1_task
        from cloudburst.zoho.crm import CRM_TASKS, crm_task

        out: dict[str, Callable[..., Any]] = {}
        for prefix, version in CRM_VERSIONS.items():
            for name in CRM_TASKS:
                out[f"{prefix}.{name}"] = crm_task(f"{prefix}.{name}", name, version, self.send)
        for name in BOOKS_TASKS:
            out[f"zoho.books.{name}"] = books_task(f"zoho.books.{name}", name, self.send)
        for name in CREATOR_TASKS:
            out[f"zoho.creator.{name}"] = creator_task(f"zoho.creator.{name}", name, self.send)
        for name in CREATOR_V2_1_TASKS:
            out[f"zoho.creator.v2_1.{name}"] = creator_v2_1_task(f"zoho.creator.v2_1.{name}", name, self.send)
        return out

    def install(self, runtime: Any) -> None:
        """Register every task and ``invokeapi`` on ``runtime``; the task modules load when a
        run first calls one (the names come from the index beside ``runtime``'s cache)."""
        runtime.register_integrations(task_names(runtime.cache_dir), self.tasks)
        runtime.register_task("invokeapi", self._invokeapi)

    def _invokeapi(self, ctx: Any, items: dict[str, Any]) -> Any:
        from cloudburst.zoho.invokeapi import invokeapi_task

        return invokeapi_task(self.send)(ctx, items)

    @classmethod
    def live(cls, runtime: Any, *, connection_for: Mapping[str, str] | None = None,
             record: str | Path | None = None, table: Any = None, **options: Any) -> ZohoProvider:
        """Calls to the real Zoho through ``runtime``'s connections (optionally recorded)."""
        def build() -> Transport:
            from cloudburst.zoho.connections import ConnectionFinder
            from cloudburst.zoho.live import LiveTransport

            return LiveTransport(runtime, ConnectionFinder(runtime.connections, connection_for), table=table, **options)

        transport: Transport = _OnFirstSend(build)
        if record is not None:
            from cloudburst.zoho.recording import Recorder

            transport = Recorder(transport, record)
        return cls(transport)

    @classmethod
    def replay(cls, directory: str | Path) -> ZohoProvider:
        """Answers from a recording made with ``record=``; no network, no connection."""
        from cloudburst.zoho.recording import Replayer

        return cls(Replayer(directory))


class _OnFirstSend:
    """Builds the live transport on the first Zoho call: every ``cloudburst run`` installs the
    Zoho tasks, and a script that never calls one should not pay for loading the HTTP stack."""

    def __init__(self, build: Callable[[], Transport]) -> None:
        self._build = build
        self._transport: Transport | None = None
        self._lock = allocate_lock()

    def send(self, request: ZohoRequest) -> ZohoAnswer:
        with self._lock:
            if self._transport is None:
                self._transport = self._build()
        return self._transport.send(request)


def install_record_store(store: Any, runtime: Any) -> None:
    """Serve a :class:`~cloudburst.records.RecordStore` under the versioned CRM names too."""
    for name, fn in store.tasks().items():
        runtime.register_integration(name, fn)
        if name.startswith("zoho.crm."):
            task = name[len("zoho.crm."):]
            for prefix in ("zoho.crm.v2", "zoho.crm.v8"):
                runtime.register_integration(f"{prefix}.{task}", fn)
