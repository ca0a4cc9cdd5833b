"""Connection link names for completion inside ``connection: "``.

Completion must never fail or change anything on disk, so the connector store is only
opened when it already exists (and its key is available), and any problem simply means
no suggestions.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cloudburst.cli.env import Env
    from cloudburst.connectors.service import ConnectorService

__all__ = ["LinkNames"]

#: How long a list of names is reused before the store is asked again.
_FRESH_SECONDS = 5.0


class LinkNames:
    """Callable returning the link names in the store (an empty list without a store)."""

    def __init__(self, env: Env, db: str | None = None) -> None:
        self._env = env
        self._db = db
        self._service: ConnectorService | None = None
        self._names: list[str] = []
        self._read_at: float | None = None

    def __call__(self) -> list[str]:
        now = time.monotonic()
        if self._read_at is not None and now - self._read_at < _FRESH_SECONDS:
            return self._names
        self._read_at = now
        try:
            service = self._open()
            self._names = [] if service is None else [c["link_name"] for c in service.list_connections()]
        except Exception:  # a broken or locked store only means no suggestions
            self._names = []
        return self._names

    def _open(self) -> ConnectorService | None:
        if self._service is not None:
            return self._service
        url = self._db or self._env.existing_database_url()
        keys = self._env.existing_keys()
        if url is None or keys is None:
            return None
        from cloudburst.connectors.service import ConnectorService

        self._service = ConnectorService(url, secret_keys=keys)
        return self._service

    def close(self) -> None:
        if self._service is not None:
            self._service.close()
            self._service = None

