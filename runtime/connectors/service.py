"""ConnectorService: the one service layer behind the Python API, the CLI and the REPL.

Every method runs in its own short transaction. Results are plain JSON-ready dicts in which
every secret value is shown as ``••••``; only :meth:`credentials_for` and
:meth:`authorization_settings` return decrypted values, for the HTTP layer.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cloudburst.connectors import rules
from cloudburst.connectors.credentials import ApiKeyValue, ConnectionCredentials, ConnectionUnavailable
from cloudburst.connectors.errors import ConnectorError, NotFoundError, RuleViolation, SecretKeyError
from cloudburst.connectors.models import (
    Connection,
    ConnectionSecret,
    Connector,
    ConnectorParam,
    ConnectorScope,
    StoreMeta,
    utcnow,
)
from cloudburst.connectors.secrets import CANARY_TEXT, SecretBox, load_keys
from cloudburst.connectors.database import default_database_url, open_engine

if TYPE_CHECKING:
    from cloudburst.connectors.probe import ProbeResult

__all__ = ["ConnectorService", "EXPORT_FORMAT"]

EXPORT_FORMAT = "cloudburst-connector"
_OAUTH_TEXT_FIELDS = ("client_id", "authorize_url", "token_url", "refresh_url", "revoke_url")
_OAUTH_FIELDS = (*_OAUTH_TEXT_FIELDS, "grant_type", "pkce", "client_secret", "bearer_name", "expiry_seconds")
_OAUTH_DEFAULTS: dict[str, Any] = {
    "grant_type": None, "pkce": True, "client_id": None, "client_secret_enc": None, "authorize_url": None,
    "token_url": None, "refresh_url": None, "revoke_url": None, "bearer_name": "Bearer",
    "expiry_seconds": 3600, "scope_delimiter": ",",
}


def _pk(value: int | None) -> int:
    """A flushed row's primary key (never None once the row is in the database)."""
    assert value is not None
    return value


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _mask(value: object) -> str | None:
    return rules.MASK if value else None


class ConnectorService:
    """Connectors, connections and their secrets in one SQL database."""

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

    def __enter__(self) -> ConnectorService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- plumbing

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
            raise NotFoundError(f'connector "{link_name}" does not exist')
        return row

    @staticmethod
    def _connection(s: Session, link_name: str) -> Connection:
        row = s.exec(select(Connection).where(Connection.link_name == link_name)).first()
        if row is None:
            raise NotFoundError(f'connection "{link_name}" does not exist')
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
                "client_secret": _mask(c.client_secret_enc), "authorize_url": c.authorize_url,
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

    # ---------------------------------------------------------------- connectors

    def create_connector(
        self,
        name: str,
        *,
        link_name: str | None = None,
        description: str | None = None,
        logo: bytes | None = None,
        auth_type: str | None = None,
    ) -> dict[str, Any]:
        """Create a Draft connector; the link name is derived from the name unless given."""
        clean_name = rules.connector_name(name)
        link = rules.connector_link_name(link_name if link_name is not None else rules.derive_link_name(clean_name))
        now = utcnow()
        connector = Connector(
            name=clean_name, link_name=link, description=rules.description(description),
            created_at=now, updated_at=now,
        )
        if logo is not None:
            connector.logo_type = rules.logo_type(logo)
            connector.logo = logo
        with self._tx() as s:
            self._ensure_link_free(s, link)
            s.add(connector)
            s.flush()
            if auth_type is not None:
                self._apply_auth_type(s, connector, rules.auth_type(auth_type))
        return self.get_connector(link)

    @staticmethod
    def _ensure_link_free(s: Session, link: str, field: str = "link_name") -> None:
        taken = s.exec(select(Connector.id).where(func.lower(Connector.link_name) == link.lower())).first()
        if taken is not None:
            raise RuleViolation(field, f'"{link}" is already used by another connector; choose another link name')

    def list_connectors(self, search: str | None = None) -> list[dict[str, Any]]:
        """Connectors ordered by link name; ``search`` matches name or link name (case-insensitive)."""
        with self._tx() as s:
            query = select(Connector).order_by(col(Connector.link_name))
            if search:
                pattern = f"%{search.lower()}%"
                query = query.where(or_(func.lower(Connector.name).like(pattern),
                                        func.lower(Connector.link_name).like(pattern)))
            return [self._connector_summary(s, c) for c in s.exec(query)]

    def _connector_summary(self, s: Session, c: Connector) -> dict[str, Any]:
        return {
            "name": c.name, "link_name": c.link_name, "stage": c.stage.capitalize(),
            "auth_type": c.auth_type, "connections": self._connection_names(s, c),
        }

    def get_connector(self, link_name: str) -> dict[str, Any]:
        with self._tx() as s:
            c = self._connector(s, link_name)
            info = self._connector_summary(s, c)
            info.update(
                description=c.description,
                logo={"type": c.logo_type, "bytes": len(c.logo)} if c.logo else None,
                params=[self._param_info(p) for p in self._params(s, c)],
                test_url=c.test_url,
                allowed_hosts=json.loads(c.allowed_hosts),
                created_at=_iso(c.created_at), updated_at=_iso(c.updated_at), ready_at=_iso(c.ready_at),
            )
            if c.auth_type == "oauth2":
                info.update(self._oauth_details(s, c))
            return info

    @staticmethod
    def _param_info(p: ConnectorParam) -> dict[str, Any]:
        return {"role": p.role, "display_name": p.display_name, "key": p.key, "location": p.location}

    def edit_connector(self, link_name: str, /, **changes: Any) -> dict[str, Any]:
        """Change general details: name, link_name (Draft only), description, logo, test_url, allowed_hosts.

        A value of ``None`` clears an optional field.
        """
        unknown = set(changes) - {"name", "link_name", "description", "logo", "test_url", "allowed_hosts"}
        if unknown:
            raise ConnectorError(f"unknown connector field(s): {', '.join(sorted(unknown))}")
        with self._tx() as s:
            c = self._connector(s, link_name)
            if "name" in changes:
                c.name = rules.connector_name(changes["name"])
            if "description" in changes:
                c.description = rules.description(changes["description"])
            if "logo" in changes:
                data = changes["logo"]
                c.logo_type = None if data is None else rules.logo_type(data)
                c.logo = data
            if "test_url" in changes:
                c.test_url = None if changes["test_url"] is None else rules.http_url(changes["test_url"], "test_url")
            if "allowed_hosts" in changes:
                hosts = list(dict.fromkeys(rules.allowed_host(h) for h in changes["allowed_hosts"] or ()))
                c.allowed_hosts = json.dumps(hosts)
            if "link_name" in changes and changes["link_name"] != c.link_name:
                self._require_draft(c, "link_name")
                new_link = rules.connector_link_name(changes["link_name"])
                if new_link.lower() != c.link_name.lower():
                    self._ensure_link_free(s, new_link)
                c.link_name = new_link
            self._touch(c)
            final_link = c.link_name
        return self.get_connector(final_link)

    def set_auth_type(self, link_name: str, auth_type: str) -> bool:
        """Switch the auth type (Draft only), discarding all auth configuration; True if anything changed."""
        new_type = rules.auth_type(auth_type)
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_draft(c, "auth_type")
            if c.auth_type == new_type:
                return False
            self._apply_auth_type(s, c, new_type)
            return True

    def _apply_auth_type(self, s: Session, c: Connector, new_type: str) -> None:
        for row in [*self._params(s, c), *self._scopes(s, c)]:
            s.delete(row)
        for field, value in _OAUTH_DEFAULTS.items():
            setattr(c, field, value)
        c.auth_type = new_type
        if new_type == "basic":
            s.add(ConnectorParam(connector_id=_pk(c.id), position=0, role="username", display_name="Username", key="username"))
            s.add(ConnectorParam(connector_id=_pk(c.id), position=1, role="password", display_name="Password", key="password"))
        if new_type == "oauth2":
            c.grant_type = "authorization_code"
        self._touch(c)

    # -- parameters (Basic / API key)

    def add_param(self, link_name: str, display_name: str, key: str, location: str = "header") -> dict[str, Any]:
        """Add an API-key parameter (Basic connectors have exactly their two fixed parameters)."""
        where = rules.location(location)
        clean_display = rules.param_display_name(display_name)
        clean_key = rules.param_key(key, where)
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_draft(c, "params")
            if c.auth_type == "basic":
                raise RuleViolation("params", "a Basic connector has exactly a username and a password parameter; "
                                              "edit them instead of adding")
            self._require_auth(c, "params", "api_key")
            existing = self._params(s, c)
            self._ensure_param_key_free(existing, clean_key)
            param = ConnectorParam(connector_id=_pk(c.id), position=len(existing), role="api_key",
                                   display_name=clean_display, key=clean_key, location=where)
            s.add(param)
            self._touch(c)
            return self._param_info(param)

    @staticmethod
    def _ensure_param_key_free(params: Sequence[ConnectorParam], key: str, ignore: ConnectorParam | None = None) -> None:
        if any(p.key == key and p is not ignore for p in params):
            raise RuleViolation("key", f'"{key}" is already used by another parameter of this connector')

    def edit_param(
        self, link_name: str, key: str, *, display_name: str | None = None,
        new_key: str | None = None, location: str | None = None,
    ) -> dict[str, Any]:
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_draft(c, "params")
            params = self._params(s, c)
            param = next((p for p in params if p.key == key), None)
            if param is None:
                raise NotFoundError(f'connector "{link_name}" has no parameter with key "{key}"')
            if location is not None:
                if param.role != "api_key":
                    raise RuleViolation("location", "applies only to API key parameters")
                param.location = rules.location(location)
            if display_name is not None:
                param.display_name = rules.param_display_name(display_name)
            if new_key is not None:
                self._ensure_param_key_free(params, rules.param_key(new_key, param.location), ignore=param)
                param.key = new_key
            elif location is not None:
                rules.param_key(param.key, param.location)
            self._touch(c)
            return self._param_info(param)

    def delete_params(self, link_name: str, keys: Iterable[str]) -> int:
        wanted = list(dict.fromkeys(keys))
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_draft(c, "params")
            if c.auth_type == "basic":
                raise RuleViolation("params", "the username and password parameters of a Basic connector cannot be deleted")
            params = {p.key: p for p in self._params(s, c)}
            missing = [k for k in wanted if k not in params]
            if missing:
                raise NotFoundError(f'connector "{link_name}" has no parameter with key {", ".join(missing)}')
            for k in wanted:
                s.delete(params[k])
            self._touch(c)
            return len(wanted)

    # -- OAuth 2.0

    def configure_oauth(self, link_name: str, /, **changes: Any) -> dict[str, Any]:
        """Set OAuth 2.0 details (Draft only). ``None`` clears an optional URL."""
        unknown = set(changes) - set(_OAUTH_FIELDS)
        if unknown:
            raise ConnectorError(f"unknown OAuth field(s): {', '.join(sorted(unknown))}")
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_draft(c, "oauth")
            self._require_auth(c, "oauth", "oauth2")
            for field, value in changes.items():
                if field == "grant_type":
                    c.grant_type = rules.grant_type(value)
                elif field == "pkce":
                    c.pkce = bool(value)
                elif field == "client_id":
                    c.client_id = None if value is None else rules.client_credential(value, "client_id")
                elif field == "client_secret":
                    c.client_secret_enc = self._encrypt(
                        None if value is None else rules.client_credential(value, "client_secret"))
                elif field == "bearer_name":
                    c.bearer_name = rules.bearer_name(value)
                elif field == "expiry_seconds":
                    c.expiry_seconds = rules.expiry_seconds(value)
                else:
                    setattr(c, field, None if value is None else rules.http_url(value, field))
            self._touch(c)
        return self.get_connector(link_name)

    # -- scopes

    def add_scopes(self, link_name: str, scopes: Iterable[tuple[str, str]]) -> int:
        """Add (display name, value) pairs; at most 50 scopes per connector."""
        new = [(rules.scope_display_name(n), rules.scope_value(v)) for n, v in scopes]
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_auth(c, "scopes", "oauth2")
            existing = self._scopes(s, c)
            rules.check_scope_count(len(existing) + len(new))
            seen = {sc.value for sc in existing}
            for position, (name, value) in enumerate(new, start=len(existing)):
                if value in seen:
                    raise RuleViolation("scope value", f'"{value}" is already a scope of this connector')
                seen.add(value)
                s.add(ConnectorScope(connector_id=_pk(c.id), position=position, display_name=name, value=value))
            self._touch(c)
            return len(new)

    def edit_scopes(self, link_name: str, edits: Iterable[tuple[str, str | None, str | None]]) -> int:
        """Apply (current value, new display name or None, new value or None) edits together."""
        edits = list(edits)
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_auth(c, "scopes", "oauth2")
            self._scopes_unlocked(s, c)
            by_value = {sc.value: sc for sc in self._scopes(s, c)}
            for current, name, value in edits:
                scope = by_value.get(current)
                if scope is None:
                    raise NotFoundError(f'connector "{link_name}" has no scope "{current}"')
                if name is not None:
                    scope.display_name = rules.scope_display_name(name)
                if value is not None:
                    scope.value = rules.scope_value(value)
            values = [sc.value for sc in by_value.values()]
            duplicates = sorted({v for v in values if values.count(v) > 1})
            if duplicates:
                raise RuleViolation("scope value", f'"{duplicates[0]}" would appear twice in this connector')
            self._touch(c)
            return len(edits)

    def delete_scopes(self, link_name: str, values: Iterable[str]) -> int:
        wanted = list(dict.fromkeys(values))
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_auth(c, "scopes", "oauth2")
            self._scopes_unlocked(s, c)
            by_value = {sc.value: sc for sc in self._scopes(s, c)}
            missing = [v for v in wanted if v not in by_value]
            if missing:
                raise NotFoundError(f'connector "{link_name}" has no scope {", ".join(missing)}')
            for v in wanted:
                s.delete(by_value[v])
            self._touch(c)
            return len(wanted)

    def list_scopes(self, link_name: str, search: str | None = None) -> list[dict[str, str]]:
        """Scopes in order; ``search`` matches the display name or the value (case-insensitive)."""
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_auth(c, "scopes", "oauth2")
            needle = (search or "").lower()
            return [{"display_name": sc.display_name, "value": sc.value} for sc in self._scopes(s, c)
                    if needle in sc.display_name.lower() or needle in sc.value.lower()]

    def set_scope_delimiter(self, link_name: str, delimiter: str) -> None:
        value = rules.scope_delimiter(delimiter)
        with self._tx() as s:
            c = self._connector(s, link_name)
            self._require_auth(c, "scope_delimiter", "oauth2")
            self._scopes_unlocked(s, c)
            c.scope_delimiter = value
            self._touch(c)

    # -- stage, delete, export/import

    def mark_ready(self, link_name: str) -> list[str]:
        """Draft -> Ready (irreversible) once every mandatory auth detail is set; returns warnings."""
        with self._tx() as s:
            c = self._connector(s, link_name)
            if c.stage == "ready":
                raise RuleViolation("stage", f'connector "{link_name}" is already Ready')
            warnings: list[str] = []
            if c.auth_type is None:
                raise RuleViolation("auth_type", "must be set before the connector can be marked Ready")
            if c.auth_type == "api_key" and not self._params(s, c):
                raise RuleViolation("params", "an API key connector needs at least one parameter before it can be marked Ready")
            if c.auth_type == "oauth2":
                required = {"grant_type": c.grant_type, "client_id": c.client_id,
                            "client_secret": c.client_secret_enc, "token_url": c.token_url}
                if c.grant_type == "authorization_code":
                    required["authorize_url"] = c.authorize_url
                missing = [name for name, value in required.items() if not value]
                if missing:
                    raise RuleViolation("oauth", f"missing {', '.join(missing)} (required before marking Ready)")
                if not self._scopes(s, c):
                    warnings.append(f'connector "{link_name}" has no scopes; most OAuth 2.0 providers expect some')
            c.stage = "ready"
            c.ready_at = utcnow()
            self._touch(c)
            return warnings

    def delete_connector(self, link_name: str) -> None:
        with self._tx() as s:
            c = self._connector(s, link_name)
            names = self._connection_names(s, c)
            if names:
                raise ConnectorError(
                    f'connector "{link_name}" cannot be deleted: it has connections ({", ".join(names)}); '
                    "delete them first"
                )
            s.delete(c)  # parameters and scopes go with it (ON DELETE CASCADE)

    def export_connector(self, link_name: str) -> dict[str, Any]:
        """The connector's definition as JSON-ready data; secrets appear only as ``••••``."""
        with self._tx() as s:
            c = self._connector(s, link_name)
            data: dict[str, Any] = {
                "format": EXPORT_FORMAT, "version": 1, "name": c.name, "link_name": c.link_name,
                "description": c.description,
                "logo": {"type": c.logo_type, "base64": base64.b64encode(c.logo).decode()} if c.logo else None,
                "auth_type": c.auth_type,
                "params": [self._param_info(p) for p in self._params(s, c)],
                "test_url": c.test_url, "allowed_hosts": json.loads(c.allowed_hosts),
            }
            if c.auth_type == "oauth2":
                data.update(self._oauth_details(s, c))
            return data

    def import_connector(
        self, data: Mapping[str, Any], *, name: str | None = None, link_name: str | None = None,
    ) -> dict[str, Any]:
        """Recreate an exported connector as a Draft (in one transaction; secrets must be set again)."""
        if not isinstance(data, Mapping) or data.get("format") != EXPORT_FORMAT:
            raise ConnectorError(f'not a connector export (expected "format": "{EXPORT_FORMAT}")')
        if data.get("version") != 1:
            raise ConnectorError(f"unsupported connector export version {data.get('version')!r}")
        try:
            return self._import(data, name, link_name)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, ConnectorError):
                raise
            raise ConnectorError(f"malformed connector export: {exc.__class__.__name__} {exc}") from None

    def _import(self, data: Mapping[str, Any], name: str | None, link_name: str | None) -> dict[str, Any]:
        clean_name = rules.connector_name(name or data["name"])
        link = rules.connector_link_name(link_name or data.get("link_name") or rules.derive_link_name(clean_name))
        logo = data.get("logo")
        logo_bytes = base64.b64decode(logo["base64"], validate=True) if logo else None
        auth = rules.auth_type(data["auth_type"]) if data.get("auth_type") else None
        now = utcnow()
        c = Connector(name=clean_name, link_name=link, description=rules.description(data.get("description")),
                      created_at=now, updated_at=now,
                      allowed_hosts=json.dumps([rules.allowed_host(h) for h in data.get("allowed_hosts") or []]))
        if logo_bytes is not None:
            c.logo_type, c.logo = rules.logo_type(logo_bytes), logo_bytes
        if data.get("test_url"):
            c.test_url = rules.http_url(data["test_url"], "test_url")
        with self._tx() as s:
            self._ensure_link_free(s, link)
            s.add(c)
            s.flush()
            if auth is None:
                return self._connector_summary(s, c)
            self._apply_auth_type(s, c, auth)
            params = data.get("params") or []
            if auth == "basic":
                for row, given in zip(self._params(s, c), params):
                    row.display_name = rules.param_display_name(given["display_name"])
                    row.key = rules.param_key(given["key"])
            elif auth == "api_key":
                seen: list[ConnectorParam] = []
                for position, given in enumerate(params):
                    where = rules.location(given.get("location") or "header")
                    row = ConnectorParam(connector_id=_pk(c.id), position=position, role="api_key", location=where,
                                         display_name=rules.param_display_name(given["display_name"]),
                                         key=rules.param_key(given["key"], where))
                    self._ensure_param_key_free(seen, row.key)
                    seen.append(row)
                    s.add(row)
            else:
                self._import_oauth(s, c, data)
            return self._connector_summary(s, c)

    def _import_oauth(self, s: Session, c: Connector, data: Mapping[str, Any]) -> None:
        oauth = data.get("oauth") or {}
        if oauth.get("grant_type"):
            c.grant_type = rules.grant_type(oauth["grant_type"])
        c.pkce = bool(oauth.get("pkce", True))
        if oauth.get("client_id"):
            c.client_id = rules.client_credential(oauth["client_id"], "client_id")
        for field in _OAUTH_TEXT_FIELDS[1:]:
            if oauth.get(field):
                setattr(c, field, rules.http_url(oauth[field], field))
        c.bearer_name = rules.bearer_name(oauth.get("bearer_name") or "Bearer")
        c.expiry_seconds = rules.expiry_seconds(oauth.get("expiry_seconds") or 3600)
        c.scope_delimiter = rules.scope_delimiter(data.get("scope_delimiter") or ",")
        scopes = [(rules.scope_display_name(x["display_name"]), rules.scope_value(x["value"]))
                  for x in data.get("scopes") or []]
        rules.check_scope_count(len(scopes))
        if len({v for _, v in scopes}) != len(scopes):
            raise RuleViolation("scope value", "the export lists a scope value twice")
        for position, (display, value) in enumerate(scopes):
            s.add(ConnectorScope(connector_id=_pk(c.id), position=position, display_name=display, value=value))

    # ---------------------------------------------------------------- connections

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
                available = [sc.value for sc in self._scopes(s, c)]
                chosen = list(available) if scopes is None else list(dict.fromkeys(scopes))
                if chosen and c.auth_type != "oauth2":
                    raise RuleViolation("scopes", f"only OAuth 2.0 connections have scopes (auth type is {c.auth_type})")
                unknown = [v for v in chosen if v not in available]
                if unknown:
                    raise RuleViolation("scopes", f'must be a subset of connector "{c.link_name}"\'s scopes; '
                                                  f"unknown: {', '.join(unknown)}")
                if s.exec(select(Connection.id).where(Connection.link_name == link)).first() is not None:
                    raise RuleViolation("link_name", f'"{link}" is already used by another connection')
                connection = Connection(connector_id=_pk(c.id), name=clean_name, link_name=link,
                                        scopes=json.dumps(chosen), created_at=utcnow())
                s.add(connection)
                s.flush()
                s.add(ConnectionSecret(connection_id=_pk(connection.id)))
        except IntegrityError:
            raise RuleViolation("link_name", f'"{link}" is already used by another connection') from None
        return self.get_connection(link)

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
                access_token=_mask(secret.access_token_enc), refresh_token=_mask(secret.refresh_token_enc),
                token_expires_at=_iso(secret.expires_at),
                created_at=_iso(conn.created_at), authorized_at=_iso(conn.authorized_at),
                last_used_at=_iso(conn.last_used_at), last_refreshed_at=_iso(conn.last_refreshed_at),
                last_failure_at=_iso(conn.last_failure_at), last_failure_reason=conn.last_failure_reason,
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
            secret = s.get(ConnectionSecret, conn.id) or ConnectionSecret(connection_id=_pk(conn.id))
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
                        timeout: float = 90.0, port: int = 0, client: Any = None) -> None:
        """Run the connector's OAuth 2.0 grant and store the tokens (see :mod:`oauth_flow`);
        ``open_browser(url)`` is the front door's way to show the address (None: print only)."""
        from cloudburst.connectors.oauth_flow import authorize_oauth

        authorize_oauth(self, link_name, out=out, open_browser=open_browser, timeout=timeout, port=port, client=client)

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

    # ---------------------------------------------------------------- contract with cloudburst.http

    def credentials_for(self, link_name: str) -> ConnectionCredentials:
        """Decrypted view used by invokeurl; refuses unusable connections with a user-facing message."""
        with self._tx() as s:
            conn = s.exec(select(Connection).where(Connection.link_name == link_name)).first()
            if conn is None:
                raise ConnectionUnavailable(f'connection "{link_name}" does not exist')
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

    def save_tokens(
        self, link_name: str, *, access_token: str, refresh_token: str | None,
        expires_at: datetime | None, authorized: bool = False,
    ) -> None:
        """Store new tokens (encrypted) in one transaction; keep the old refresh token when None."""
        with self._tx() as s:
            conn = self._connection(s, link_name)
            secret = s.get(ConnectionSecret, conn.id) or ConnectionSecret(connection_id=_pk(conn.id))
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

    # ---------------------------------------------------------------- secrets

    def rotate_secrets(self) -> int:
        """Re-encrypt every stored secret with the newest key, in one transaction; returns the count."""
        count = 0
        with self._tx() as s:
            for model, fields in (
                (Connector, ("client_secret_enc",)),
                (ConnectionSecret, ("params_enc", "access_token_enc", "refresh_token_enc")),
                (StoreMeta, ("value",)),
            ):
                for row in s.exec(select(model)):
                    if isinstance(row, StoreMeta) and row.key != "canary":
                        continue
                    for field in fields:
                        token = getattr(row, field)
                        if token:
                            setattr(row, field, self._box.rotate(token))
                            count += 1
        return count
