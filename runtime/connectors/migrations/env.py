"""Alembic environment: always run with a live connection passed in ``config.attributes``."""

from alembic import context
from sqlmodel import SQLModel

import cloudburst.connectors.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from cloudburst.connectors.database import VERSION_TABLE
import cloudburst.forms.models  # noqa: F401
import cloudburst.workflows.models  # noqa: F401

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
