"""Running the app under uvicorn on a socket bound here, so the address printed is the one
really listened on (port 0 picks a free port). Ctrl-C or SIGTERM stops taking requests, lets
running runs finish within the grace period, and leaves queued runs queued in the store."""

from __future__ import annotations

import socket
from typing import Callable

from starlette.applications import Starlette

__all__ = ["bind", "address", "run_server", "LOOPBACK"]

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: a keep-alive answer written as headers then body must
    # not wait for the client's delayed ACK (~40 ms a request).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def run_server(app: Starlette, sock: socket.socket, *, on_ready: Callable[[str], None] | None = None,
               log_level: str = "warning", grace: float = 30.0) -> None:
    import uvicorn

    config = uvicorn.Config(app, log_level=log_level, lifespan="on", timeout_graceful_shutdown=int(grace) or None,
                            access_log=False)
    server = uvicorn.Server(config)
    if on_ready is not None:
        on_ready(address(sock))
    server.run(sockets=[sock])
