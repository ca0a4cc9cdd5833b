"""The store table of applied form definitions (migration 0004). The form tables
themselves are built from these definitions (:mod:`cloudburst.forms.tables`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Text
from sqlmodel import Field, SQLModel

__all__ = ["FormRow"]


class FormRow(SQLModel, table=True):
    """One applied form: its link name and its definition as JSON."""

    __tablename__ = "cb_form"

    name: str = Field(max_length=100, primary_key=True)
    definition: str = Field(sa_column=Column(Text(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(), nullable=False))
