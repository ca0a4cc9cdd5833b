"""The workflow side of the one store: an engine (shared with the connections, same
migrations), short transactions and the clock every record's time comes from."""

from __future__ import annotations

import json
from collections.abc import Iterator
import threading
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from typing import Any

from sqlmodel import Session

from cloudburst.connectors.database import default_database_url, open_engine
from cloudburst.workflows.clock import Clock, SystemClock

__all__ = ["WorkflowStore", "iso", "loads", "rowcount"]


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE touched (typed as a plain ``Result`` by SQLAlchemy)."""
    return int(result.rowcount)


def loads(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)


class WorkflowStore:
    """Opens (and migrates) the store at ``database_url``; every operation is one transaction.

    On SQLite every transaction takes the write lock (``BEGIN IMMEDIATE``), and a waiting
    connection sleeps in SQLite's busy handler (up to 100 ms a turn); so this process's
    threads queue on a Python lock instead, which hands the store over without sleeping.
    """

    def __init__(self, database_url: str | None = None, *, clock: Clock | None = None) -> None:
        self.database_url = database_url or default_database_url()
        self.clock: Clock = clock or SystemClock()
        self.engine = open_engine(self.database_url)
        self._serial: AbstractContextManager[Any] = (
            threading.RLock() if self.engine.dialect.name == "sqlite" else nullcontext())

    @contextmanager
    def tx(self) -> Iterator[Session]:
        with self._serial, Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def now(self) -> datetime:
        return self.clock.now()

    def close(self) -> None:
        self.engine.dispose()
