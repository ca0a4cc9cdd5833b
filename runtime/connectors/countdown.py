"""What a person sees while a command waits for a browser to come back: the address to
open, the exact redirect URI the provider must accept, and on a terminal a live countdown
(elsewhere, such as a log or a pipe, no countdown clutters the output)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import TextIO

__all__ = ["announce", "countdown"]


def announce(out: TextIO, link_name: str, url: str, redirect_uri: str) -> None:
    """The address on its own line (copy it, or a tool reads it), then the redirect URI."""
    out.write(f"Open this address to authorize {link_name}:\n{url}\n"
              f"The provider must accept this redirect URI (register it with the OAuth client; "
              f"--port keeps the port fixed): {redirect_uri}\n")
    out.flush()


@contextlib.contextmanager
def countdown(out: TextIO, seconds: float, live: bool) -> Iterator[None]:
    """While the block runs, ``out`` shows ``waiting for the browser: N s left``, rewritten
    each second and cleared at the end; only when ``live`` (the front door knows whether
    ``out`` is a terminal)."""
    if not live:
        yield
        return
    deadline = time.monotonic() + seconds
    stop = threading.Event()
    width = 0

    def tick() -> None:
        nonlocal width
        while True:
            line = f"waiting for the browser: {max(0.0, deadline - time.monotonic()):.0f} s left "
            width = max(width, len(line))
            out.write("\r" + line)
            out.flush()
            if stop.wait(1.0):
                return

    ticker = threading.Thread(target=tick, name="cloudburst-countdown", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()
        out.write("\r" + " " * width + "\r")
        out.flush()

