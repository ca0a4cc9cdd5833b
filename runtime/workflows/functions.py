"""Deployed functions: each deploy compiles and checks the source, then stores it as a new
immutable version; the function's current version is what runs (rollback moves it back)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from cloudburst.workflows.errors import InvalidRequest, NotFound
from cloudburst.workflows.models import FunctionRow, FunctionVersionRow
from cloudburst.workflows.store import WorkflowStore, iso

__all__ = ["Functions", "Deployed", "NAME_RULE", "deployed_in"]

NAME_RULE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,99}")


@dataclass(frozen=True)
class Deployed:
    """One version of a function, as a run needs it."""

    name: str
    version: int
    source: str
    source_name: str
    parameters: tuple[tuple[str, str], ...]


def _function(s: Session, name: str) -> FunctionRow:
    row = s.exec(select(FunctionRow).where(FunctionRow.name == name)).first()
    if row is None:
        raise NotFound(f'function "{name}" does not exist (deploy it with: cloudburst function deploy FILE --name {name})')
    return row


def _version(s: Session, fn: FunctionRow, version: int) -> FunctionVersionRow:
    row = s.exec(select(FunctionVersionRow).where(FunctionVersionRow.function_id == fn.id,
                                                  FunctionVersionRow.version == version)).first()
    if row is None:
        raise NotFound(f'function "{fn.name}" has no version {version}')
    return row


def deployed_in(s: Session, name: str, version: int | None = None) -> Deployed:
    """``name``'s current version (or ``version``), read in the caller's transaction."""
    fn = _function(s, name)
    row = _version(s, fn, version or fn.current_version)
    return Deployed(fn.name, row.version, row.source, row.source_name,
                    tuple((p, t) for p, t in json.loads(row.parameters)))


def default_name(source_name: str) -> str:
    """A function's name from its file name (``greet.dg`` → ``greet``)."""
    base = re.split(r"[\\/]", source_name)[-1]
    return base.rsplit(".", 1)[0] if "." in base else base


class Functions:
    def __init__(self, store: WorkflowStore) -> None:
        self._store = store

    def deploy(self, source: str, source_name: str, name: str | None = None,
               on_failure: str | None = None) -> dict[str, Any]:
        """Compile and check ``source``, then store it as the next version of ``name``.
        A syntax or resolve error is raised as it is (with its span) and nothing is stored."""
        from cloudburst.engine import Runtime

        name = name or default_name(source_name)
        if not NAME_RULE.fullmatch(name):
            raise InvalidRequest(f"--name: '{name}' is not a function name (a letter, then letters, digits, _ . -)")
        script = Runtime(network=False).compile(source, source_name)
        parameters = json.dumps([[p.name, p.type] for p in script.parameters])
        now = self._store.now()
        with self._store.tx() as s:
            fn = s.exec(select(FunctionRow).where(FunctionRow.name == name)).first()
            if fn is None:
                fn = FunctionRow(name=name, current_version=0, created_at=now)
                s.add(fn)
                s.flush()
            latest = s.exec(select(func.max(FunctionVersionRow.version))
                            .where(FunctionVersionRow.function_id == fn.id)).one() or 0
            assert fn.id is not None
            s.add(FunctionVersionRow(function_id=fn.id, version=latest + 1, source=source, source_name=source_name,
                                     parameters=parameters, created_at=now))
            fn.current_version = latest + 1
            fn.updated_at = now
            if on_failure is not None:
                fn.on_failure = on_failure or None
            s.add(fn)
        return {"name": name, "version": latest + 1, "parameters": json.loads(parameters),
                "warnings": [w.message for w in script.warnings]}

    def current(self, name: str, version: int | None = None) -> Deployed:
        with self._store.tx() as s:
            return deployed_in(s, name, version)

    def on_failure(self, name: str) -> str | None:
        with self._store.tx() as s:
            fn = s.exec(select(FunctionRow).where(FunctionRow.name == name)).first()
            return fn.on_failure if fn is not None else None

    def all(self) -> list[dict[str, Any]]:
        with self._store.tx() as s:
            rows = s.exec(select(FunctionRow).order_by(col(FunctionRow.name))).all()
            return [self._summary(s, fn) for fn in rows]

    @staticmethod
    def _summary(s: Session, fn: FunctionRow) -> dict[str, Any]:
        current = _version(s, fn, fn.current_version)
        count = s.exec(select(func.count()).select_from(FunctionVersionRow)
                       .where(FunctionVersionRow.function_id == fn.id)).one()
        return {"name": fn.name, "version": fn.current_version, "versions": count,
                "parameters": json.loads(current.parameters), "on_failure": fn.on_failure,
                "source_name": current.source_name, "updated_at": iso(fn.updated_at)}

    def show(self, name: str) -> dict[str, Any]:
        with self._store.tx() as s:
            fn = _function(s, name)
            info = self._summary(s, fn)
            info["source"] = _version(s, fn, fn.current_version).source
            return info

    def versions(self, name: str) -> list[dict[str, Any]]:
        with self._store.tx() as s:
            fn = _function(s, name)
            rows = s.exec(select(FunctionVersionRow).where(FunctionVersionRow.function_id == fn.id)
                          .order_by(col(FunctionVersionRow.version))).all()
            return [{"version": r.version, "current": r.version == fn.current_version, "source_name": r.source_name,
                     "parameters": json.loads(r.parameters), "created_at": iso(r.created_at)} for r in rows]

    def rollback(self, name: str, version: int | None = None) -> int:
        """Make ``version`` (default: the one before the current) the current version."""
        with self._store.tx() as s:
            fn = _function(s, name)
            target = version if version is not None else fn.current_version - 1
            if target < 1:
                raise InvalidRequest(f'function "{name}" has no version before {fn.current_version}')
            _version(s, fn, target)
            fn.current_version = target
            fn.updated_at = self._store.now()
            s.add(fn)
            return target

    def delete(self, name: str) -> None:
        """Remove the function and its versions; its runs stay in the history."""
        with self._store.tx() as s:
            s.delete(_function(s, name))
