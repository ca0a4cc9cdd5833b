"""What every part of the connection store shares: the database engine, transactions, the
secret box (with its canary check), row lookups and the one decrypted view of a connection."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cloudburst.connectors import rules
from cloudburst.connectors.credentials import ApiKeyValue, ConnectionCredentials, ConnectionUnavailable
from cloudburst.connectors.errors import NotFoundError, RuleViolation, SecretKeyError
from cloudburst.connectors.models import (
    Connection,
    ConnectionSecret,
    Connector,
    ConnectorParam,
    ConnectorScope,
    StoreMeta,
    utcnow,
)
from cloudburst.connectors.database import default_database_url, open_engine
from cloudburst.connectors.secrets import CANARY_TEXT, SecretBox, load_keys

__all__ = ["StoreBase", "row_id", "iso", "masked"]


def row_id(value: int | None) -> int:
    """A flushed row's primary key (never None once the row is in the database)."""
    assert value is not None
    return value


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def masked(value: object) -> str | None:
    return rules.MASK if value else None


class StoreBase:
    """One store: an engine and a key list. The parts (:mod:`admin`, :mod:`connections`,
    :mod:`http_side`, :mod:`rotation`) add the operations; :class:`ConnectorService` joins them."""

    def __init__(
        self,
        database_url: str | None = None,
        *,
        secret_keys: list[str] | None = None,
        key_file: Path | None = None,
    ) -> None:
        self._box = SecretBox(load_keys(secret_keys, key_file))
        self.database_url = database_url or default_database_url()
        self._engine = open_engine(self.database_url)
        self._check_canary()

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            yield session

    def _check_canary(self) -> None:
        """Refuse to start when the key cannot decrypt the store's canary row (n8n's lesson)."""
        for _ in range(2):
            try:
                with self._tx() as s:
                    row = s.get(StoreMeta, "canary")
                    if row is None:
                        s.add(StoreMeta(key="canary", value=self._box.encrypt(CANARY_TEXT)))
                        return
                    try:
                        plain = self._box.decrypt(row.value)
                    except SecretKeyError:
                        plain = None
                    if plain != CANARY_TEXT:
                        raise SecretKeyError(
                            "the secret key does not match this connection store: it cannot decrypt the "
                            "store's check value. Use the key the store was created with (CLOUDBURST_SECRET_KEY "
                            "or the key file); to change keys, list the new key first, then the old one, "
                            "and run: cloudburst secrets rotate"
                        )
                    return
            except IntegrityError:
                continue

    def _encrypt(self, value: str | None) -> str | None:
        return None if value is None else self._box.encrypt(value)

    def _decrypt(self, token: str | None) -> str | None:
        return None if token is None else self._box.decrypt(token)

    @staticmethod
    def _connector(s: Session, link_name: str) -> Connector:
        row = s.exec(select(Connector).where(Connector.link_name == link_name)).first()
        if row is None:
            raise NotFoundError(_absent(s, Connector, link_name))
        return row

    @staticmethod
    def _connection(s: Session, link_name: str) -> Connection:
        row = s.exec(select(Connection).where(Connection.link_name == link_name)).first()
        if row is None:
            raise NotFoundError(_absent(s, Connection, link_name))
        return row

    @staticmethod
    def _params(s: Session, connector: Connector) -> list[ConnectorParam]:
        query = select(ConnectorParam).where(ConnectorParam.connector_id == connector.id)
        return list(s.exec(query.order_by(col(ConnectorParam.position), col(ConnectorParam.id))))

    @staticmethod
    def _scopes(s: Session, connector: Connector) -> list[ConnectorScope]:
        query = select(ConnectorScope).where(ConnectorScope.connector_id == connector.id)
        return list(s.exec(query.order_by(col(ConnectorScope.position), col(ConnectorScope.id))))

    def _oauth_details(self, s: Session, c: Connector) -> dict[str, Any]:
        """The OAuth 2.0 part of a connector as ``show`` and ``export`` present it (secret masked)."""
        return {
            "oauth": {
                "grant_type": c.grant_type, "pkce": c.pkce, "client_id": c.client_id,
                "client_secret": masked(c.client_secret_enc), "authorize_url": c.authorize_url,
                "token_url": c.token_url, "refresh_url": c.refresh_url, "revoke_url": c.revoke_url,
                "bearer_name": c.bearer_name, "expiry_seconds": c.expiry_seconds,
            },
            "scope_delimiter": rules.DELIMITER_NAMES[c.scope_delimiter],
            "scopes": [{"display_name": sc.display_name, "value": sc.value} for sc in self._scopes(s, c)],
        }

    @staticmethod
    def _connection_names(s: Session, connector: Connector) -> list[str]:
        query = select(Connection.link_name).where(Connection.connector_id == connector.id)
        return list(s.exec(query.order_by(col(Connection.link_name))))

    @staticmethod
    def _require_draft(connector: Connector, field: str) -> None:
        if connector.stage == "ready":
            raise RuleViolation(field, f'cannot be changed: connector "{connector.link_name}" is Ready')

    @staticmethod
    def _require_auth(connector: Connector, field: str, *allowed: str) -> None:
        if connector.auth_type not in allowed:
            current = connector.auth_type or "not set"
            raise RuleViolation(field, f"applies only to {' or '.join(allowed)} connectors (auth type is {current})")

    def _scopes_unlocked(self, s: Session, connector: Connector) -> None:
        names = self._connection_names(s, connector)
        if names:
            raise RuleViolation(
                "scopes", f"cannot be edited or deleted: the connector has connections ({', '.join(names)})"
            )

    @staticmethod
    def _touch(connector: Connector) -> None:
        connector.updated_at = utcnow()

    def _credentials(self, s: Session, conn: Connection, c: Connector) -> ConnectionCredentials:
        secret = s.get(ConnectionSecret, conn.id) or ConnectionSecret(connection_id=conn.id or 0)
        values: dict[str, str] = json.loads(self._decrypt(secret.params_enc) or "{}")
        params = self._params(s, c)
        by_role = {p.role: values.get(p.key) for p in params}
        api_keys = tuple(ApiKeyValue(p.key, values[p.key], p.location or "header")
                         for p in params if p.role == "api_key" and p.key in values)
        return ConnectionCredentials(
            link_name=conn.link_name, connector_link_name=c.link_name, auth_type=c.auth_type or "",
            basic_username=by_role.get("username"), basic_password=by_role.get("password"), api_keys=api_keys,
            grant_type=c.grant_type, client_id=c.client_id, client_secret=self._decrypt(c.client_secret_enc),
            token_url=c.token_url, refresh_url=c.refresh_url or c.token_url, revoke_url=c.revoke_url,
            scopes=tuple(json.loads(conn.scopes)), scope_delimiter=c.scope_delimiter, bearer_name=c.bearer_name,
            default_expiry_seconds=c.expiry_seconds,
            access_token=self._decrypt(secret.access_token_enc), refresh_token=self._decrypt(secret.refresh_token_enc),
            expires_at=secret.expires_at, allowed_hosts=tuple(json.loads(c.allowed_hosts)),
        )

    def credentials_for(self, link_name: str) -> ConnectionCredentials:
        """Decrypted view used by invokeurl; refuses unusable connections with a user-facing message."""
        with self._tx() as s:
            conn = s.exec(select(Connection).where(Connection.link_name == link_name)).first()
            if conn is None:
                raise ConnectionUnavailable(_absent(s, Connection, link_name))
            c = s.get(Connector, conn.connector_id)
            assert c is not None
            if c.stage != "ready":
                raise ConnectionUnavailable(
                    f'connection "{link_name}" cannot be used: its connector "{c.link_name}" is a Draft')
            if conn.disabled:
                raise ConnectionUnavailable(f'connection "{link_name}" is disabled')
            if conn.status != "connected":
                raise ConnectionUnavailable(
                    f'connection "{link_name}" is not connected; run: cloudburst connection authorize {link_name}')
            return self._credentials(s, conn, c)


def _absent(s: Session, table: type[Connector] | type[Connection], link_name: str) -> str:
    """'… does not exist', with the nearest saved link name or the command that creates it."""
    from cloudburst.suggest import did_you_mean

    kind = "connector" if table is Connector else "connection"
    hint = did_you_mean(link_name, s.exec(select(table.link_name)))
    if hint:
        return f'{kind} "{link_name}" does not exist{hint}'
    how = (f'cloudburst connector create "NAME" --link-name {link_name} --auth TYPE' if table is Connector
           else f'cloudburst connection create CONNECTOR "NAME" --link-name {link_name}')
    return f'{kind} "{link_name}" does not exist; create it with: {how}'
