"""The store's side of the contract with :mod:`cloudburst.http` (see ``http/contract.py``):
tokens saved after a refresh, failures recorded, the cross-process refresh lease, last use."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session

from cloudburst.connectors import rules
from cloudburst.connectors.base import StoreBase, row_id
from cloudburst.connectors.models import Connection, ConnectionSecret, Connector, utcnow

__all__ = ["HttpSide"]


class HttpSide(StoreBase):
    """What invokeurl writes back to the store (``credentials_for`` is in :class:`StoreBase`)."""

    def save_tokens(
        self, link_name: str, *, access_token: str, refresh_token: str | None,
        expires_at: datetime | None, authorized: bool = False,
    ) -> None:
        """Store new tokens (encrypted) in one transaction; keep the old refresh token when None."""
        with self._tx() as s:
            conn = self._connection(s, link_name)
            secret = s.get(ConnectionSecret, conn.id) or ConnectionSecret(connection_id=row_id(conn.id))
            secret.access_token_enc = self._box.encrypt(access_token)
            if refresh_token is not None:
                secret.refresh_token_enc = self._box.encrypt(refresh_token)
            secret.expires_at = expires_at
            s.add(secret)
            now = utcnow()
            conn.status = "connected"
            conn.last_refreshed_at = now
            if authorized:
                conn.authorized_at = now
                conn.last_failure_reason = None

    def _redacted(self, s: Session, conn: Connection, reason: str) -> str:
        c = s.get(Connector, conn.connector_id)
        assert c is not None
        for value in sorted(self._credentials(s, conn, c).secret_values(), key=len, reverse=True):
            reason = reason.replace(value, rules.MASK)
        return reason[:2000]

    def mark_not_connected(self, link_name: str, reason: str) -> None:
        with self._tx() as s:
            conn = self._connection(s, link_name)
            conn.status = "not_connected"
            conn.last_failure_at = utcnow()
            conn.last_failure_reason = self._redacted(s, conn, reason)

    def record_failure(self, link_name: str, reason: str) -> None:
        """Remember why the last use failed; the connection stays connected."""
        with self._tx() as s:
            conn = self._connection(s, link_name)
            conn.last_failure_at = utcnow()
            conn.last_failure_reason = self._redacted(s, conn, reason)

    def acquire_refresh_lease(self, link_name: str, holder: str, seconds: float) -> bool:
        """Take the cross-process refresh lease with one conditional UPDATE; True if taken."""
        now = utcnow()
        with self._tx() as s:
            table = Connection.__table__  # type: ignore[attr-defined]
            result = s.execute(
                update(table)
                .where(table.c.link_name == link_name)
                .where(or_(table.c.refresh_lease_until.is_(None), table.c.refresh_lease_until < now))
                .values(refresh_lease_until=now + timedelta(seconds=seconds), lease_holder=holder)
            )
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def release_refresh_lease(self, link_name: str, holder: str) -> None:
        with self._tx() as s:
            table = Connection.__table__  # type: ignore[attr-defined]
            s.execute(
                update(table)
                .where(table.c.link_name == link_name, table.c.lease_holder == holder)
                .values(refresh_lease_until=None, lease_holder=None)
            )

    def touch_used(self, link_name: str) -> None:
        with self._tx() as s:
            self._connection(s, link_name).last_used_at = utcnow()
