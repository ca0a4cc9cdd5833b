"""SQLModel tables of the connector store (imported only when a store is opened).

Secrets live only in ``*_enc`` columns as Fernet tokens. Times are aware UTC in Python and
naive UTC in the database, so SQLite and PostgreSQL behave the same.
"""

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Integer, LargeBinary, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

__all__ = ["UTCDateTime", "Connector", "ConnectorParam", "ConnectorScope", "Connection",
           "ConnectionSecret", "StoreMeta", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).replace(tzinfo=None)  # type: ignore[no-any-return]

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


def _when(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


def _text() -> Any:
    return Field(default=None, sa_column=Column(Text, nullable=True))


class Connector(SQLModel, table=True):
    __tablename__ = "cb_connector"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=50)
    link_name: str = Field(max_length=50, unique=True, index=True)
    description: str | None = Field(default=None, max_length=255)
    logo: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    logo_type: str | None = Field(default=None, max_length=20)
    stage: str = Field(default="draft", max_length=10)
    auth_type: str | None = Field(default=None, max_length=10)
    grant_type: str | None = Field(default=None, max_length=20)
    pkce: bool = Field(default=True)
    client_id: str | None = _text()
    client_secret_enc: str | None = _text()
    authorize_url: str | None = _text()
    token_url: str | None = _text()
    refresh_url: str | None = _text()
    revoke_url: str | None = _text()
    bearer_name: str = Field(default="Bearer", max_length=50)
    expiry_seconds: int = Field(default=3600)
    scope_delimiter: str = Field(default=",", max_length=1)
    test_url: str | None = _text()
    allowed_hosts: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    created_at: datetime | None = _when()
    updated_at: datetime | None = _when()
    ready_at: datetime | None = _when()


class ConnectorParam(SQLModel, table=True):
    """A Basic (role username/password) or API-key (role api_key) parameter."""

    __tablename__ = "cb_connector_param"
    __table_args__ = (UniqueConstraint("connector_id", "key", name="uq_cb_connector_param_key"),)

    id: int | None = Field(default=None, primary_key=True)
    connector_id: int = Field(sa_column=Column(Integer, ForeignKey("cb_connector.id", ondelete="CASCADE"),
                                               nullable=False, index=True))
    position: int = Field(default=0)
    role: str = Field(max_length=10)
    display_name: str = Field(max_length=50)
    key: str = Field(max_length=100)
    location: str | None = Field(default=None, max_length=10)


class ConnectorScope(SQLModel, table=True):
    __tablename__ = "cb_connector_scope"
    __table_args__ = (UniqueConstraint("connector_id", "value", name="uq_cb_connector_scope_value"),)

    id: int | None = Field(default=None, primary_key=True)
    connector_id: int = Field(sa_column=Column(Integer, ForeignKey("cb_connector.id", ondelete="CASCADE"),
                                               nullable=False, index=True))
    position: int = Field(default=0)
    display_name: str = Field(max_length=50)
    value: str = Field(max_length=255)


class Connection(SQLModel, table=True):
    __tablename__ = "cb_connection"

    id: int | None = Field(default=None, primary_key=True)
    connector_id: int = Field(sa_column=Column(Integer, ForeignKey("cb_connector.id", ondelete="RESTRICT"),
                                               nullable=False, index=True))
    name: str = Field(max_length=50)
    link_name: str = Field(max_length=50, unique=True, index=True)
    scopes: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    #: Non-secret values learnt at authorization (a JSON object, e.g. Zoho's api_domain).
    properties: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}", server_default="{}"))
    status: str = Field(default="not_connected", max_length=20)
    disabled: bool = Field(default=False)
    created_at: datetime | None = _when()
    authorized_at: datetime | None = _when()
    last_used_at: datetime | None = _when()
    last_refreshed_at: datetime | None = _when()
    last_failure_at: datetime | None = _when()
    last_failure_reason: str | None = _text()
    refresh_lease_until: datetime | None = _when()
    lease_holder: str | None = Field(default=None, max_length=200)


class ConnectionSecret(SQLModel, table=True):
    """Encrypted values for one connection: parameter values (JSON) and OAuth tokens."""

    __tablename__ = "cb_connection_secret"

    connection_id: int = Field(sa_column=Column(Integer, ForeignKey("cb_connection.id", ondelete="CASCADE"),
                                                primary_key=True))
    params_enc: str | None = _text()
    access_token_enc: str | None = _text()
    refresh_token_enc: str | None = _text()
    expires_at: datetime | None = _when()


class StoreMeta(SQLModel, table=True):
    """Store-wide values; ``canary`` proves the secret key matches this store."""

    __tablename__ = "cb_store_meta"

    key: str = Field(primary_key=True, max_length=50)
    value: str = Field(sa_column=Column(Text, nullable=False))
