"""Named leases in the store, taken and renewed with one conditional UPDATE, so that of
several ``serve`` processes exactly one holds the scheduler at a time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, or_, update
from sqlalchemy.exc import IntegrityError

from cloudburst.workflows.models import LeaseRow
from cloudburst.workflows.store import WorkflowStore, rowcount

__all__ = ["Leases"]


class Leases:
    def __init__(self, store: WorkflowStore) -> None:
        self._store = store

    def acquire(self, name: str, holder: str, seconds: float) -> bool:
        """Take or renew the lease ``name`` for ``seconds``; True when ``holder`` has it."""
        now = self._store.now()
        until = now + timedelta(seconds=seconds)
        table = LeaseRow.__table__  # type: ignore[attr-defined]
        with self._store.tx() as s:
            taken = rowcount(s.execute(update(table).where(table.c.name == name, or_(
                table.c.holder == holder, table.c.holder.is_(None), table.c.until < now))
                .values(holder=holder, until=until)))
        if taken:
            return True
        try:
            with self._store.tx() as s:
                existing = s.get(LeaseRow, name)
                if existing is not None:
                    return False
                s.execute(insert(table).values(name=name, holder=holder, until=until))
            return True
        except IntegrityError:
            return False

    def release(self, name: str, holder: str) -> None:
        table = LeaseRow.__table__  # type: ignore[attr-defined]
        with self._store.tx() as s:
            s.execute(update(table).where(table.c.name == name, table.c.holder == holder)
                      .values(holder=None, until=None))

    def holder(self, name: str) -> str | None:
        with self._store.tx() as s:
            row = s.get(LeaseRow, name)
            return row.holder if row is not None else None
