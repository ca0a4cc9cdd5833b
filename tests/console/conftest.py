"""Fixtures for the console tests: the real app over a fresh SQLite store per test, driven
in-process (``console``, a logged-in :class:`ConsoleClient`; ``anonymous``) or under a real
uvicorn on 127.0.0.1 (``live_console``, for the OAuth redirect and the browser tests)."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "servers"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixtures import Provider, echo_server, start_provider, stop_provider  # noqa: E402,F401  (echo_server: re-exported)
from console_client import PASSWORD, ConsoleClient  # noqa: E402
from real_browser import artifacts, browser  # noqa: E402,F401  (fixtures re-exported)

@dataclass
class ConsoleSetup:
    workflows: Any
    console: Any
    app: Any


def _setup(tmp_path: Path, password: str | None = PASSWORD) -> ConsoleSetup:
    from cloudburst.console import Console, routes
    from cloudburst.server.app import create_app
    from cloudburst.server.state import ServerState
    from cloudburst.workflows.executor import LocalExecutor
    from cloudburst.workflows.service import Workflows

    workflows = Workflows(f"sqlite:///{tmp_path / 'console.db'}", secret_keys=[Fernet.generate_key().decode()])
    state = ServerState(workflows, LocalExecutor(workflows, workers=1))
    console = Console(state, setup_code="setup-code-for-tests")
    if password is not None:
        console.admin.set(password)
    return ConsoleSetup(workflows, console, create_app(state, grace=5, extra_routes=routes(console),
                                                     html_not_found=console.not_found_page()))


@pytest.fixture
def console_setup(tmp_path: Path) -> Iterator[ConsoleSetup]:
    setup = _setup(tmp_path)
    yield setup
    setup.console.close()
    setup.workflows.close()


@pytest.fixture
def anonymous(console_setup: ConsoleSetup) -> Iterator[ConsoleClient]:
    """Not logged in, through Starlette's TestClient (lifespan run), as http://127.0.0.1."""
    from starlette.testclient import TestClient

    with TestClient(console_setup.app, base_url="http://127.0.0.1") as http:
        yield ConsoleClient(http, "")


@pytest.fixture
def console(anonymous: ConsoleClient) -> ConsoleClient:
    """Logged in with :data:`PASSWORD`."""
    anonymous.log_in()
    return anonymous


@pytest.fixture
def service(console_setup: ConsoleSetup) -> Any:
    """The connector store the console uses (to arrange data and check what pages did)."""
    return console_setup.console.service


@dataclass
class LiveConsole:
    url: str
    setup: ConsoleSetup

    def client(self) -> ConsoleClient:
        import httpx2

        return ConsoleClient(httpx2.Client(timeout=30), self.url)


@contextlib.contextmanager
def _serving(setup: ConsoleSetup, sock: socket.socket) -> Iterator[LiveConsole]:
    import uvicorn

    from cloudburst.server.serving import address

    server = uvicorn.Server(uvicorn.Config(setup.app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield LiveConsole(address(sock), setup)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        setup.console.close()
        setup.workflows.close()


@pytest.fixture
def live_console(tmp_path: Path) -> Iterator[LiveConsole]:
    """The whole ``serve`` app (console included) under real uvicorn on 127.0.0.1; the admin
    password is :data:`PASSWORD`."""
    from cloudburst.server.serving import bind

    with _serving(_setup(tmp_path), bind("127.0.0.1", 0)) as live:
        yield live


@pytest.fixture
def oauth_console(tmp_path: Path) -> Iterator[tuple[LiveConsole, Provider]]:
    """A live console and a real OAuth 2.0 provider (oidc-provider) whose client accepts the
    console's callback ``http://127.0.0.1:PORT/oauth/callback`` as its redirect URI."""
    from cloudburst.server.serving import bind

    sock = bind("127.0.0.1", 0)
    process, provider = start_provider(at_ttl=3600, redirect_uri=f"http://127.0.0.1:{sock.getsockname()[1]}/oauth/callback")
    try:
        with _serving(_setup(tmp_path), sock) as live:
            yield live, provider
    finally:
        stop_provider(process)


@pytest.fixture
def fresh_console(tmp_path: Path) -> Iterator[ConsoleClient]:
    """A console on its first start: no admin password yet (setup code ``setup-code-for-tests``)."""
    from starlette.testclient import TestClient

    setup = _setup(tmp_path, password=None)
    with TestClient(setup.app, base_url="http://127.0.0.1") as http:
        yield ConsoleClient(http, "")
    setup.console.close()
    setup.workflows.close()
