"""Fixtures for the workflow tests: a stepping clock, a fresh SQLite store per test, and one
real uvicorn server on 127.0.0.1 for the whole session (tests use their own function names)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sys

import pytest
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "servers"))

from fixtures import echo_server, redis_server  # noqa: E402,F401  (session fixtures re-exported)


def _load_store_fixtures() -> object:
    """The store tests' conftest, loaded under its own name so its PostgreSQL fixture is reused."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "connectors" / "conftest.py"
    spec = importlib.util.spec_from_file_location("cb_workflow_store_fixtures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


pg_server = _load_store_fixtures().pg_server  # type: ignore[attr-defined]


class SteppingClock:
    """Time that moves only when a test says so; ``sleep`` returns at once."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current

    def sleep(self, seconds: float, stop: threading.Event) -> None:
        stop.wait(0.001)


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock(datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc))  # a Monday


@pytest.fixture
def wf(tmp_path: Path, clock: SteppingClock) -> Iterator[Any]:
    from cloudburst.workflows.service import Workflows

    workflows = Workflows(f"sqlite:///{tmp_path / 'wf.db'}", secret_keys=[Fernet.generate_key().decode()],
                          clock=clock)
    yield workflows
    workflows.close()


@dataclass
class LiveServer:
    url: str
    workflows: Any
    executor: Any
    #: The server runs with an admin token, as any non-loopback ``serve`` must.
    admin: dict[str, str]

    def deploy(self, name: str, source: str) -> str:
        self.workflows.functions.deploy(source, f"{name}.dg", name)
        return self.workflows.webhooks.create(name)[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``cloudburst serve``'s app (local pool of 4, no scheduler) under real uvicorn."""
    import uvicorn

    from cloudburst.server.app import create_app
    from cloudburst.server.serving import address, bind
    from cloudburst.server.state import ServerState
    from cloudburst.workflows.executor import LocalExecutor
    from cloudburst.workflows.service import Workflows

    path = tmp_path_factory.mktemp("server") / "server.db"
    workflows = Workflows(f"sqlite:///{path}", secret_keys=[Fernet.generate_key().decode()])
    executor = LocalExecutor(workflows, workers=4)
    state = ServerState(workflows, executor, admin_token="admin-token-for-tests", max_body=64 * 1024, sync_timeout=20)
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(create_app(state, grace=5), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield LiveServer(address(sock), workflows, executor, {"Authorization": "Bearer admin-token-for-tests"})
    server.should_exit = True
    thread.join(timeout=20)
    workflows.close()
