"""Reading script files (or standard input) for the commands that take them."""

from __future__ import annotations


TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

__all__ = ["read_script"]


def read_script(path: str, stdin: TextIO) -> str:
    """The text of ``path`` (``-``: standard input), decoded as the runtime decodes scripts."""
    from cloudburst.diagnostics import read_source

    if path == "-":
        buffer = getattr(stdin, "buffer", None)
        return read_source(buffer.read()) if buffer is not None else stdin.read()
    with open(path, "rb") as fh:
        return read_source(fh.read())
