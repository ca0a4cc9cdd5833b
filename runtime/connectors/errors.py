"""Errors raised by the connector store; every message is safe to show (no secrets)."""

from __future__ import annotations

from cloudburst.errors import CloudburstError, ConfigurationError

__all__ = ["ConnectorError", "NotFoundError", "RuleViolation", "SecretKeyError"]


class ConnectorError(CloudburstError):
    """An operation on connectors or connections was refused."""

    def __str__(self) -> str:
        return self.message


class NotFoundError(ConnectorError):
    """The named connector, connection, parameter or scope does not exist."""


class RuleViolation(ConnectorError):
    """A value breaks one of the connector rules; the message names the field and the rule."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class SecretKeyError(ConfigurationError):
    """The secret key is missing, malformed, or cannot decrypt this store."""

    def __str__(self) -> str:
        return self.message
