"""Connection properties: non-secret values a provider learns when a connection is
authorized (Zoho's ``api_domain``), as a JSON object.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cb_connection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('properties', sa.Text(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('cb_connection', schema=None) as batch_op:
        batch_op.drop_column('properties')
