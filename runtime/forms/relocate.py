"""Moving forms out of a SQLite store file written before forms got a file of their own.

Stores from before the move hold their form definitions (``cb_form``) and record tables
(``cbf_*``) inside the connection store's file, where :class:`FormStore` no longer looks.
The first time the forms of such a store are opened, the definitions and every record move
into the sibling file, in one transaction there, and only after that commits are they
dropped from the old file: a crash in between leaves a copy behind, never a loss.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

__all__ = ["adopt_forms"]

_log = logging.getLogger("cloudburst.forms")


def adopt_forms(store_file: Path, forms_file: Path) -> int:
    """Move the forms kept in ``store_file`` into ``forms_file`` when the latter has none;
    the number of forms moved."""
    if not store_file.is_file() or store_file == forms_file:
        return 0
    conn = sqlite3.connect(forms_file, timeout=30, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS legacy", (str(store_file),))
        if not _has_table(conn, "legacy", "cb_form") or not _pending(conn):
            return 0  # the common case: nothing to move, and no write lock taken to learn it
        conn.execute("BEGIN IMMEDIATE")
        try:
            moved = _copy(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        if moved:
            _drop_legacy(conn)
        return moved
    finally:
        conn.close()


def _has_table(conn: sqlite3.Connection, schema: str, name: str) -> bool:
    row = conn.execute(f"SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return row is not None


def _legacy_tables(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return conn.execute("SELECT name, sql FROM legacy.sqlite_master WHERE type = 'table' "
                        "AND name LIKE 'cbf\\_%' ESCAPE '\\' ORDER BY name").fetchall()


def _pending(conn: sqlite3.Connection) -> int:
    """Forms in the old file waiting to move (none once the forms file has its own)."""
    if conn.execute("SELECT count(*) FROM main.cb_form").fetchone()[0]:
        return 0
    return int(conn.execute("SELECT count(*) FROM legacy.cb_form").fetchone()[0])


def _copy(conn: sqlite3.Connection) -> int:
    """Copy definitions, tables, indexes and rows (checked again under the write lock:
    another process may have moved them meanwhile)."""
    forms = _pending(conn)
    if not forms:
        return 0
    tables = _legacy_tables(conn)
    for name, sql in tables:
        if _has_table(conn, "main", name):
            conn.execute(f'DROP TABLE main."{name}"')
        conn.execute(sql)
        conn.execute(f'INSERT INTO main."{name}" SELECT * FROM legacy."{name}"')
    names = [name for name, _ in tables]
    for (sql,) in conn.execute("SELECT sql FROM legacy.sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                               f"AND tbl_name IN ({','.join('?' * len(names))})", names).fetchall():
        conn.execute(sql)
    conn.execute("INSERT INTO main.cb_form SELECT * FROM legacy.cb_form")
    _log.info("moved %d form(s) and their records into %s", forms, conn.execute("PRAGMA main.database_list").fetchone()[2])
    return forms


def _drop_legacy(conn: sqlite3.Connection) -> None:
    """Drop the moved copies from the old file. A failure here only leaves stale copies
    there (the forms file now has forms, so they are never moved again)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        for name, _ in _legacy_tables(conn):
            conn.execute(f'DROP TABLE legacy."{name}"')
        conn.execute("DELETE FROM legacy.cb_form")
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        _log.warning("forms were moved, but their old copies stay in the store file: %s", exc)
