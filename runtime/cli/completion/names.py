"""``cloudburst __names connectors|connections [--db URL]``: the link names in the store,
one per line, for shell completion. It runs on every Tab, so it reads the store with the
standard library's sqlite3 (SQLAlchemy core only for other databases), never creates a
store, and prints nothing at all when there is none or it cannot be read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from cloudburst.cli.env import Env

__all__ = ["COMMAND", "print_names"]

#: The hidden command the completion scripts call.
COMMAND = "__names"

_TABLES = {"connectors": "cb_connector", "connections": "cb_connection"}


def print_names(argv: Sequence[str], out: TextIO, env: Env) -> int:
    """Print the names ``argv`` (``KIND [--db URL]``) asks for; always exit status 0."""
    args = list(argv)
    if not args or args[0] not in _TABLES:
        return 0
    url = env.database_url(_option(args[1:], "--db")) or _default_url()
    if url is None:
        return 0
    try:
        names = _read(url, _TABLES[args[0]])
    except Exception:  # completion stays silent: a broken store is reported by the real commands
        return 0
    out.write("".join(f"{name}\n" for name in names))
    return 0


def _option(args: list[str], flag: str) -> str | None:
    for i, word in enumerate(args):
        if word == flag and i + 1 < len(args):
            return args[i + 1]
        if word.startswith(flag + "="):
            return word[len(flag) + 1:]
    return None


def _default_url() -> str | None:
    from cloudburst.connectors.location import default_database_path

    path = default_database_path()
    return f"sqlite:///{path}" if path.is_file() else None


def _read(url: str, table: str) -> list[str]:
    query = f"SELECT link_name FROM {table} ORDER BY link_name"
    if url.startswith("sqlite:///"):
        import sqlite3
        from urllib.parse import quote

        path = url[len("sqlite:///"):].split("?", 1)[0]
        with sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True) as db:
            return [row[0] for row in db.execute(query)]
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as db:
            return [row[0] for row in db.execute(text(query))]
    finally:
        engine.dispose()
