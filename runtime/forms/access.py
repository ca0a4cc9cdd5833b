"""The helpers compiled scripts call for Creator data access (see :mod:`.lowering`).

Each run gets one form session from its runtime's form store the first time it touches a
form: every read and write of the run goes through it, and it is committed when the run
ends well and rolled back when it fails (see ``Execution.finish``).
"""

from __future__ import annotations

from typing import Any

from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution
from cloudburst.forms.aggregates import AGGREGATES

__all__ = ["fetch", "field", "column", "method", "insert", "delete", "session_of"]

Query = tuple[str, Any, "str | None", bool, Any, Any]


def session_of(ctx: Execution, what: str) -> Any:
    """The run's form session, opened on first use."""
    session = ctx.resources.get("forms")
    if session is None:
        runtime = ctx.runtime
        store = runtime.form_store() if runtime is not None else None
        if store is None:
            raise DelugeRuntimeError(f"Creator data access ({what}) needs a form store; none is configured "
                                     "(Runtime(forms=...), or a store with forms applied)")
        session = store.session(ctx)
        ctx.resources["forms"] = session
    return session


def fetch(ctx: Execution, q: Query) -> Any:
    return session_of(ctx, f"{q[0]}[...]").fetch(q)


def field(ctx: Execution, q: Query, name: str) -> Any:
    """``Form[c].Field``: the first matching record's value."""
    return session_of(ctx, f"{q[0]}[...]").first_value(q, name)


def column(ctx: Execution, q: Query, name: str) -> Any:
    """``Form[c].Field.getAll()``: the field's values over every match, in order."""
    return session_of(ctx, f"{q[0]}[...]").column(q, name)


def method(ctx: Execution, q: Query, name: str, args: tuple[Any, ...]) -> Any:
    """``Form[c].count()`` / ``.sum(F)`` / ...: aggregates run in SQL; any other method
    works on the fetched records."""
    session = session_of(ctx, f"{q[0]}[...]")
    if name in AGGREGATES and len(args) <= 1:
        return session.aggregate(q, name, args[0] if args else None)
    from cloudburst.stdlib import REGISTRY

    return REGISTRY.method_dispatcher(name)(ctx, session.fetch(q), *args)


def insert(ctx: Execution, form: str, values: dict[str, Any]) -> Any:
    """``insert into Form [ ... ]``: the new record's ID."""
    return session_of(ctx, f"insert into {form}").insert(form, values)


def delete(ctx: Execution, q: Query) -> None:
    session_of(ctx, f"delete from {q[0]}").delete(q)
