"""Errors of the workflow runtime; every message is safe to show and names what is wrong."""

from __future__ import annotations

from cloudburst.errors import CloudburstError

__all__ = ["WorkflowError", "NotFound", "InvalidRequest"]


class WorkflowError(CloudburstError):
    """An operation on functions, schedules, webhooks or runs was refused."""

    def __str__(self) -> str:
        return self.message


class NotFound(WorkflowError):
    """The named function, version, schedule, webhook or run does not exist."""


class InvalidRequest(WorkflowError):
    """A value given to an operation is malformed (the message names the field)."""
