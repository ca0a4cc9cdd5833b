"""Where a script meets the host: bracketed tasks (``invokeurl``, ``sendmail``),
integration tasks (``zoho.crm.*``), host-registered functions and client actions
(Creator data access is :mod:`cloudburst.forms.access`). Each reaches only what the
host's :class:`~cloudburst.engine.Runtime` provides; with nothing configured, the script gets a clear runtime error naming the task.
"""

from __future__ import annotations

from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution
from cloudburst.values import from_python, to_python

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["run_task", "run_integration", "run_host_function", "client_action"]


def run_task(ctx: Execution, name: str, items: dict[str, Any]) -> Any:
    runtime = ctx.runtime
    handler = runtime.task_handler(name) if runtime is not None else None
    if handler is None:
        if name in ("invokeurl", "sendmail"):
            raise DelugeRuntimeError(f"'{name}' is disabled in this runtime")
        raise DelugeRuntimeError(f"unknown task '{name}': Zoho's own tasks are not available outside Zoho "
                                 f"unless the host serves them with Runtime.register_task(\"{name}\", ...)")
    return handler(ctx, items)


def run_integration(ctx: Execution, name: str, args: tuple[Any, ...]) -> Any:
    runtime = ctx.runtime
    impl = runtime.integration(name) if runtime is not None else None
    if impl is None:
        raise DelugeRuntimeError(
            f"integration task '{name}' is not configured: "
            + ("it is a Zoho task, not available outside Zoho unless the host serves it with "
               if name.lower().startswith("zoho.") else "serve it with ")
            + f"Runtime.register_integration(\"{name}\", ...)"
        )
    return _call_host(ctx, name, impl, args)


def run_host_function(ctx: Execution, name: str, args: tuple[Any, ...]) -> Any:
    runtime = ctx.runtime
    impl = runtime.host_function(name) if runtime is not None else None
    if impl is None:
        raise DelugeRuntimeError(f"function '{name}' is not available in this runtime")
    assert runtime is not None
    return _call_host(ctx, runtime.function_name(name), impl, args)


def _call_host(ctx: Execution, name: str, impl: Any, args: tuple[Any, ...]) -> Any:
    """Host code gets plain Python values and gives plain values back; its own errors
    become Deluge errors naming the function (never a host traceback)."""
    try:
        result = impl(*(to_python(a) for a in args))
    except DelugeRuntimeError:
        raise
    except Exception as exc:
        raise DelugeRuntimeError(f"{name} failed: {type(exc).__name__}: {exc}") from exc
    try:
        return from_python(result, ctx.tz)
    except TypeError as exc:
        raise DelugeRuntimeError(f"{name} returned a value Deluge cannot hold: {exc}") from None


def client_action(ctx: Execution, name: str, args: tuple[Any, ...]) -> None:
    """Creator UI actions (``hide``, ``alert``, ...) have no screen here: they are recorded
    on the run for the host to inspect."""
    ctx.client_actions.append((name, args))
