"""Zoho's JSON envelope for REST-API functions, and the HTTP status of each outcome.

Success: ``{"code": "success", "details": {"output", "output_type", "id", "userMessage"},
"message": "function executed successfully"}`` — ``output`` is the return value as Deluge
prints it, ``userMessage`` the run's ``info`` lines.
"""

from __future__ import annotations

from typing import Any

__all__ = ["run_envelope", "error_envelope", "STATUS_CODES"]

#: HTTP status for each final run status.
STATUS_CODES = {"succeeded": 200, "failed": 500, "timed_out": 504, "cancelled": 409, "skipped": 409,
                "queued": 202, "waiting": 202, "running": 202}

_MESSAGES = {"succeeded": "function executed successfully", "failed": "function execution failed",
             "timed_out": "function execution took longer than its time limit",
             "cancelled": "function execution was cancelled", "skipped": "function execution was skipped",
             "queued": "function execution queued", "waiting": "function execution queued",
             "running": "function execution is running"}


def _output(run: dict[str, Any]) -> str | None:
    from cloudburst.values import display, from_python

    result = run.get("result")
    if run["status"] != "succeeded":
        return None
    return display(from_python(result)) if result is not None else ""


def run_envelope(run: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The envelope and HTTP status for a run in any state."""
    status = run["status"]
    details: dict[str, Any] = {"output": _output(run), "output_type": run.get("output_type") or "string",
                               "id": str(run["id"]), "userMessage": run.get("info", []), "status": status}
    if run.get("error"):
        details["error"] = run["error"]
    code = "success" if status == "succeeded" else ("queued" if status in ("queued", "waiting", "running") else "failure")
    message = _MESSAGES.get(status, status)
    if run.get("error"):
        message = f"{message}: {run['error']['message']}"
    return STATUS_CODES.get(status, 500), {"code": code, "details": details, "message": message}


def error_envelope(code: str, message: str, **details: Any) -> dict[str, Any]:
    return {"code": code, "details": details, "message": message}
