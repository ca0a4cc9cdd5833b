"""Connectors and connections: the store, its rules, and the commands that manage them.

Importing this package is cheap: the SQL stack loads only when :class:`ConnectorService`
is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudburst.connectors.credentials import ApiKeyValue, ConnectionCredentials, ConnectionUnavailable
from cloudburst.connectors.errors import ConnectorError, NotFoundError, RuleViolation, SecretKeyError

if TYPE_CHECKING:
    from cloudburst.connectors.service import ConnectorService

__all__ = [
    "ApiKeyValue",
    "ConnectionCredentials",
    "ConnectionUnavailable",
    "ConnectorError",
    "ConnectorService",
    "NotFoundError",
    "RuleViolation",
    "SecretKeyError",
]


def __getattr__(name: str) -> Any:
    if name == "ConnectorService":
        from cloudburst.connectors.service import ConnectorService

        return ConnectorService
    raise AttributeError(f"module 'cloudburst.connectors' has no attribute {name!r}")
