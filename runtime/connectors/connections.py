"""Connection administration: create, authorize (values or OAuth 2.0), revoke, test,
enable/disable, rename and delete."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from cloudburst.connectors import rules
from cloudburst.connectors.base import iso, masked, row_id
from cloudburst.connectors.credentials import ConnectionCredentials, ConnectionUnavailable
from cloudburst.connectors.errors import ConnectorError, RuleViolation
from cloudburst.connectors.http_side import HttpSide
from cloudburst.connectors.models import Connection, ConnectionSecret, Connector, utcnow

if TYPE_CHECKING:
    from cloudburst.connectors.probe import ProbeResult

__all__ = ["ConnectionAdmin"]


class ConnectionAdmin(HttpSide):
    """Connections: the named, authorized uses of a Ready connector."""

    def create_connection(
        self, connector_link_name: str, name: str, *, link_name: str | None = None,
        scopes: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """Create a (not yet authorized) connection from a Ready connector."""
        clean_name = rules.connection_name(name)
        link = rules.connection_link_name(link_name if link_name is not None else rules.derive_link_name(clean_name))
        try:
            with self._tx() as s:
                c = self._connector(s, connector_link_name)
                if c.stage != "ready":
                    raise RuleViolation("connector", f'"{c.link_name}" is a Draft; mark it Ready before creating connections')
                chosen = self._chosen_scopes(s, c, scopes)
                if s.exec(select(Connection.id).where(Connection.link_name == link)).first() is not None:
                    raise RuleViolation("link_name", f'"{link}" is already used by another connection')
                connection = Connection(connector_id=row_id(c.id), name=clean_name, link_name=link,
                                        scopes=json.dumps(chosen), created_at=utcnow())
                s.add(connection)
                s.flush()
                s.add(ConnectionSecret(connection_id=row_id(connection.id)))
        except IntegrityError:
            raise RuleViolation("link_name", f'"{link}" is already used by another connection') from None
        return self.get_connection(link)

    def _chosen_scopes(self, s: Any, c: Connector, scopes: Sequence[str] | None) -> list[str]:
        """``scopes`` checked against the connector's (None: all of them)."""
        available = [sc.value for sc in self._scopes(s, c)]
        chosen = list(available) if scopes is None else list(dict.fromkeys(scopes))
        if chosen and c.auth_type != "oauth2":
            raise RuleViolation("scopes", f"only OAuth 2.0 connections have scopes (auth type is {c.auth_type})")
        unknown = [v for v in chosen if v not in available]
        if unknown:
            raise RuleViolation("scopes", f'must be a subset of connector "{c.link_name}"\'s scopes; '
                                          f"unknown: {', '.join(unknown)}")
        return chosen

    def set_connection_scopes(self, link_name: str, scopes: Sequence[str], *, client: Any = None) -> list[str]:
        """Choose the connection's scopes again, from its connector's. The tokens it holds were
        granted for the old scopes, so (as in Zoho) a change sends it back to the consent
        screen: they are revoked and wiped, and the connection must be authorized again.
        Returns the revoke's warnings."""
        with self._tx() as s:
            conn = self._connection(s, link_name)
            c = s.get(Connector, conn.connector_id)
            assert c is not None
            if c.auth_type != "oauth2":
                raise RuleViolation("scopes", f"only OAuth 2.0 connections have scopes (auth type is {c.auth_type})")
            chosen = self._chosen_scopes(s, c, scopes)
            if not chosen:
                raise RuleViolation("scopes", "choose at least one of the connector's scopes")
            if set(chosen) == set(json.loads(conn.scopes)):
                return []  # the same grant: nothing to consent to again
            conn.scopes = json.dumps(chosen)
            connected = conn.status == "connected"
        return self.revoke(link_name, client=client) if connected else []

    def list_connections(self, connector_link_name: str | None = None) -> list[dict[str, Any]]:
        with self._tx() as s:
            query = select(Connection, Connector).where(Connection.connector_id == Connector.id)
            if connector_link_name is not None:
                self._connector(s, connector_link_name)
                query = query.where(Connector.link_name == connector_link_name)
            rows = s.exec(query.order_by(col(Connection.link_name))).all()
            return [self._connection_summary(conn, c) for conn, c in rows]

    @staticmethod
    def _connection_summary(conn: Connection, c: Connector) -> dict[str, Any]:
        return {
            "name": conn.name, "link_name": conn.link_name, "connector": c.link_name,
            "auth_type": c.auth_type,
            "status": "connected" if conn.status == "connected" else "not connected",
            "enabled": not conn.disabled,
        }

    def get_connection(self, link_name: str) -> dict[str, Any]:
        with self._tx() as s:
            conn = self._connection(s, link_name)
            c = s.get(Connector, conn.connector_id)
            assert c is not None
            secret = s.get(ConnectionSecret, conn.id) or ConnectionSecret(connection_id=conn.id or 0)
            info = self._connection_summary(conn, c)
            stored = json.loads(self._decrypt(secret.params_enc) or "{}")
            info.update(
                scopes=json.loads(conn.scopes),
                properties=json.loads(conn.properties or "{}"),
                values={key: rules.MASK for key in stored},
                access_token=masked(secret.access_token_enc), refresh_token=masked(secret.refresh_token_enc),
                token_expires_at=iso(secret.expires_at),
                created_at=iso(conn.created_at), authorized_at=iso(conn.authorized_at),
                last_used_at=iso(conn.last_used_at), last_refreshed_at=iso(conn.last_refreshed_at),
                last_failure_at=iso(conn.last_failure_at), last_failure_reason=conn.last_failure_reason,
            )
            return info

    def connection_properties(self, link_name: str) -> dict[str, str]:
        """Non-secret values learnt when the connection was authorized (e.g. Zoho's api_domain)."""
        with self._tx() as s:
            return dict(json.loads(self._connection(s, link_name).properties or "{}"))

    def set_connection_properties(self, link_name: str, **values: str | None) -> None:
        """Set (or, with None, remove) connection properties; values must not be secrets."""
        with self._tx() as s:
            conn = self._connection(s, link_name)
            props = json.loads(conn.properties or "{}")
            for key, value in values.items():
                if value is None:
                    props.pop(key, None)
                else:
                    props[key] = str(value)
            conn.properties = json.dumps(props, sort_keys=True)

    def rename_connection(self, link_name: str, name: str) -> None:
        """Change the display name; the link name never changes."""
        clean = rules.connection_name(name)
        with self._tx() as s:
            self._connection(s, link_name).name = clean

    def authorization_prompts(self, link_name: str) -> list[dict[str, Any]]:
        """What to ask for when authorizing a Basic/API-key connection: key, display name, hidden."""
        with self._tx() as s:
            conn = self._connection(s, link_name)
            c = s.get(Connector, conn.connector_id)
            assert c is not None
            if c.auth_type == "oauth2":
                return []
            return [{"key": p.key, "display_name": p.display_name, "secret": p.role != "username"}
                    for p in self._params(s, c)]

    def authorize_with_values(self, link_name: str, values: Mapping[str, str]) -> None:
        """Store the Basic/API-key values (encrypted) and mark the connection connected."""
        with self._tx() as s:
            conn = self._connection(s, link_name)
            c = s.get(Connector, conn.connector_id)
            assert c is not None
            if c.auth_type not in ("basic", "api_key"):
                raise RuleViolation("auth_type", f"{c.auth_type} connections are authorized through OAuth 2.0, not with values")
            params = self._params(s, c)
            expected = {p.key: p for p in params}
            unknown = [k for k in values if k not in expected]
            if unknown:
                raise RuleViolation("param", f"unknown key(s) {', '.join(unknown)}; expected: {', '.join(expected)}")
            missing = [f"{p.key} ({p.display_name})" for p in params if not values.get(p.key)]
            if missing:
                raise RuleViolation("param", f"missing value for {', '.join(missing)}")
            clean = {p.key: rules.secret_value(values[p.key], p.key) for p in params}
            secret = s.get(ConnectionSecret, conn.id) or ConnectionSecret(connection_id=row_id(conn.id))
            secret.params_enc = self._box.encrypt(json.dumps(clean))
            s.add(secret)
            now = utcnow()
            conn.status, conn.authorized_at = "connected", now
            conn.last_failure_reason = None

    def authorization_settings(self, link_name: str) -> ConnectionCredentials:
        """Decrypted view for authorizing or testing (does not require the connection to be connected)."""
        with self._tx() as s:
            conn = self._connection(s, link_name)
            c = s.get(Connector, conn.connector_id)
            assert c is not None
            if c.stage != "ready":
                raise ConnectorError(f'connection "{link_name}" cannot be used: its connector "{c.link_name}" is a Draft')
            return self._credentials(s, conn, c)

    def flow_details(self, link_name: str) -> dict[str, Any]:
        """Connector details the authorize and test commands need beyond the credentials view."""
        with self._tx() as s:
            conn = self._connection(s, link_name)
            c = s.get(Connector, conn.connector_id)
            assert c is not None
            return {"authorize_url": c.authorize_url, "pkce": c.pkce, "test_url": c.test_url,
                    "auth_type": c.auth_type, "grant_type": c.grant_type}

    def wipe_authorization(self, link_name: str) -> None:
        """Forget every stored value and token; status becomes not connected."""
        with self._tx() as s:
            conn = self._connection(s, link_name)
            secret = s.get(ConnectionSecret, conn.id)
            if secret is not None:
                secret.params_enc = secret.access_token_enc = secret.refresh_token_enc = None
                secret.expires_at = None
            conn.status = "not_connected"
            conn.properties = "{}"
            conn.refresh_lease_until = None
            conn.lease_holder = None

    def authorize_oauth(self, link_name: str, *, out: TextIO, open_browser: Callable[[str], object] | None = None,
                        timeout: float = 90.0, port: int = 0, client: Any = None, live: bool = False) -> None:
        """Run the connector's OAuth 2.0 grant and store the tokens (see :mod:`oauth_flow`);
        ``open_browser(url)`` is the front door's way to show the address (None: print only);
        ``live``: ``out`` is a terminal, so a countdown shows while the browser is awaited."""
        from cloudburst.connectors.oauth_flow import authorize_oauth

        authorize_oauth(self, link_name, out=out, open_browser=open_browser, timeout=timeout, port=port, client=client,
                        live=live)

    def revoke(self, link_name: str, *, client: Any = None) -> list[str]:
        """Revoke at the provider (RFC 7009) when a revoke URL is set, then wipe; returns warnings."""
        from cloudburst.connectors.oauth_flow import revoke_tokens

        with self._tx() as s:
            conn = self._connection(s, link_name)
            c = s.get(Connector, conn.connector_id)
            assert c is not None
            ready = c.stage == "ready"
        warnings = revoke_tokens(self, link_name, client) if ready else []
        self.wipe_authorization(link_name)
        return warnings

    def test_connection(self, link_name: str, *, client: Any = None) -> ProbeResult:
        """One request to the connector's test URL; Ready connectors and connected connections only."""
        from cloudburst.connectors.oauth_flow import http_client
        from cloudburst.connectors.probe import probe

        details = self.flow_details(link_name)
        try:
            creds = self.credentials_for(link_name)
        except ConnectionUnavailable as exc:
            raise ConnectorError(exc.message) from None
        if not details["test_url"]:
            raise RuleViolation("test_url", "the connector names no test URL; set one with: "
                                            f"cloudburst connector edit {creds.connector_link_name} --test-url URL")
        own_client = client is None
        client = client or http_client()
        try:
            result = probe(creds, details["test_url"], client)
        finally:
            if own_client:
                client.close()
        self.touch_used(link_name)
        if not result.ok:
            self.record_failure(link_name, f"test: {result.reason}")
        return result

    def set_enabled(self, link_name: str, enabled: bool) -> None:
        with self._tx() as s:
            self._connection(s, link_name).disabled = not enabled

    def delete_connection(self, link_name: str) -> None:
        with self._tx() as s:
            conn = self._connection(s, link_name)
            secret = s.get(ConnectionSecret, conn.id)
            if secret is not None:
                s.delete(secret)
                s.flush()
            s.delete(conn)
