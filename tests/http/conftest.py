"""Shared helpers for the HTTP unit tests: a service on a MockTransport and a fake store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx2
import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "servers"))

from fake_store import FakeStore  # noqa: E402
from stores import new_store  # noqa: E402
from fixtures import echo_server, oauth_provider  # noqa: E402,F401  (fixtures used by integration tests)

from cloudburst.http import HttpService, HttpSettings  # noqa: E402

Handler = Callable[[httpx2.Request], httpx2.Response]


class Recorder:
    """A MockTransport handler that records requests and answers from a script."""

    def __init__(self, answer: Handler | None = None) -> None:
        self.requests: list[httpx2.Request] = []
        self.answer = answer or (lambda r: httpx2.Response(200, json={"ok": True}))

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        self.requests.append(request)
        return self.answer(request)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def make_service(store: FakeStore) -> Callable[..., tuple[HttpService, Recorder]]:
    def make(answer: Handler | None = None, **settings: Any) -> tuple[HttpService, Recorder]:
        recorder = Recorder(answer)
        service = HttpService(lambda: store, HttpSettings(**settings), transport=httpx2.MockTransport(recorder))
        return service, recorder

    return make


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Any]:
    """A real connector store (SQLite file in ``tmp_path``) for the integration tests."""
    store = new_store(tmp_path)
    yield store
    store.close()
