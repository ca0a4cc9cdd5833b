"""SQLModel tables of the workflow runtime: deployed functions and their versions, schedules,
runs, webhook keys and named leases. They live in the one store beside the connections
(same engine, same Alembic history); times are aware UTC in Python, naive UTC in the database.

Runs name their function by text, not by foreign key, so the history outlives a deleted
function.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from cloudburst.connectors.models import UTCDateTime

__all__ = ["FunctionRow", "FunctionVersionRow", "ScheduleRow", "RunRow", "WebhookRow", "LeaseRow"]


def _when(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _text(default: str | None = None) -> Any:
    return Field(default=default, sa_column=Column(Text, nullable=default is None, default=default))


class FunctionRow(SQLModel, table=True):
    __tablename__ = "cb_function"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True, index=True)
    current_version: int = Field(default=1)
    on_failure: str | None = Field(default=None, max_length=100)
    created_at: datetime | None = _when()
    updated_at: datetime | None = _when()


class FunctionVersionRow(SQLModel, table=True):
    """One immutable deployed source; ``parameters`` is a JSON list of [name, type]."""

    __tablename__ = "cb_function_version"
    __table_args__ = (UniqueConstraint("function_id", "version", name="uq_cb_function_version"),)

    id: int | None = Field(default=None, primary_key=True)
    function_id: int = Field(sa_column=Column(Integer, ForeignKey("cb_function.id", ondelete="CASCADE"),
                                              nullable=False, index=True))
    version: int
    source: str = Field(sa_column=Column(Text, nullable=False))
    source_name: str = Field(max_length=255)
    parameters: str = _text("[]")
    created_at: datetime | None = _when()


class ScheduleRow(SQLModel, table=True):
    """When a function fires: ``kind`` is once/daily/weekly/monthly/yearly/cron; every kind but
    ``once`` is kept as a cron ``expression`` evaluated in ``timezone``."""

    __tablename__ = "cb_schedule"

    id: int | None = Field(default=None, primary_key=True)
    function_name: str = Field(max_length=100, index=True)
    kind: str = Field(max_length=10)
    expression: str | None = Field(default=None, max_length=200)
    run_at: datetime | None = _when()
    timezone: str = Field(default="UTC", max_length=64)
    start_at: datetime | None = _when()
    end_at: datetime | None = _when()
    inputs: str = _text("{}")
    overlap: str = Field(default="skip", max_length=10)
    missed: str = Field(default="once", max_length=10)
    paused: bool = Field(default=False)
    next_fire: datetime | None = _when(index=True)
    last_fire: datetime | None = _when()
    problem: str | None = _text()
    created_at: datetime | None = _when()


class RunRow(SQLModel, table=True):
    """One run, whatever started it. JSON columns: ``inputs`` (as given), ``info`` (lines),
    ``result`` (the return value as JSON), ``http_calls``, ``notes`` (what happened to the
    run besides running: re-queued after a lost worker, skipped by a policy)."""

    __tablename__ = "cb_run"
    __table_args__ = (Index("ix_cb_run_status_queued", "status", "queued_at"),)

    id: int | None = Field(default=None, primary_key=True)
    function_name: str = Field(max_length=100, index=True)
    version: int | None = Field(default=None)
    trigger: str = Field(max_length=10)
    schedule_id: int | None = Field(default=None, index=True)
    retry_of: int | None = Field(default=None)
    inputs: str = _text("{}")
    status: str = Field(max_length=12)
    info: str = _text("[]")
    result: str | None = _text()
    output_type: str | None = Field(default=None, max_length=20)
    error: str | None = _text()
    error_line: int | None = Field(default=None)
    error_column: int | None = Field(default=None)
    statements: int | None = Field(default=None)
    http_calls: str = _text("[]")
    notes: str = _text("[]")
    attempts: int = Field(default=0)
    worker: str | None = Field(default=None, max_length=200)
    cancel_requested: bool = Field(default=False)
    queued_at: datetime | None = _when(index=True)
    started_at: datetime | None = _when()
    ended_at: datetime | None = _when()
    heartbeat_at: datetime | None = _when()


class WebhookRow(SQLModel, table=True):
    """A webhook key: only its SHA-256 is stored; ``hint`` is the last four characters."""

    __tablename__ = "cb_webhook"

    id: int | None = Field(default=None, primary_key=True)
    function_name: str = Field(max_length=100, index=True)
    key_hash: str = Field(max_length=64, unique=True, index=True)
    hint: str = Field(max_length=8)
    created_at: datetime | None = _when()
    revoked_at: datetime | None = _when()
    last_used_at: datetime | None = _when()


class LeaseRow(SQLModel, table=True):
    """A named lease (the scheduler's leadership) taken with a conditional UPDATE."""

    __tablename__ = "cb_lease"

    name: str = Field(primary_key=True, max_length=50)
    holder: str | None = Field(default=None, max_length=200)
    until: datetime | None = _when()
