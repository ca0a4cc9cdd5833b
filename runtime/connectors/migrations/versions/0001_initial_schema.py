"""Initial schema: connectors, their parameters and scopes, connections, their secrets, store metadata.

Times are naive UTC (the models convert); secrets are Fernet tokens in *_enc columns.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cb_connector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('link_name', sa.String(length=50), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=True),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_type', sa.String(length=20), nullable=True),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('auth_type', sa.String(length=10), nullable=True),
    sa.Column('grant_type', sa.String(length=20), nullable=True),
    sa.Column('pkce', sa.Boolean(), nullable=False),
    sa.Column('client_id', sa.Text(), nullable=True),
    sa.Column('client_secret_enc', sa.Text(), nullable=True),
    sa.Column('authorize_url', sa.Text(), nullable=True),
    sa.Column('token_url', sa.Text(), nullable=True),
    sa.Column('refresh_url', sa.Text(), nullable=True),
    sa.Column('revoke_url', sa.Text(), nullable=True),
    sa.Column('bearer_name', sa.String(length=50), nullable=False),
    sa.Column('expiry_seconds', sa.Integer(), nullable=False),
    sa.Column('scope_delimiter', sa.String(length=1), nullable=False),
    sa.Column('test_url', sa.Text(), nullable=True),
    sa.Column('allowed_hosts', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('ready_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cb_connector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cb_connector_link_name'), ['link_name'], unique=True)

    op.create_table('cb_store_meta',
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('cb_connection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connector_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('link_name', sa.String(length=50), nullable=False),
    sa.Column('scopes', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('authorized_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('last_refreshed_at', sa.DateTime(), nullable=True),
    sa.Column('last_failure_at', sa.DateTime(), nullable=True),
    sa.Column('last_failure_reason', sa.Text(), nullable=True),
    sa.Column('refresh_lease_until', sa.DateTime(), nullable=True),
    sa.Column('lease_holder', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['connector_id'], ['cb_connector.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cb_connection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cb_connection_connector_id'), ['connector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cb_connection_link_name'), ['link_name'], unique=True)

    op.create_table('cb_connector_param',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connector_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('display_name', sa.String(length=50), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('location', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['connector_id'], ['cb_connector.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('connector_id', 'key', name='uq_cb_connector_param_key')
    )
    with op.batch_alter_table('cb_connector_param', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cb_connector_param_connector_id'), ['connector_id'], unique=False)

    op.create_table('cb_connector_scope',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connector_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=50), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['connector_id'], ['cb_connector.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('connector_id', 'value', name='uq_cb_connector_scope_value')
    )
    with op.batch_alter_table('cb_connector_scope', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cb_connector_scope_connector_id'), ['connector_id'], unique=False)

    op.create_table('cb_connection_secret',
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('params_enc', sa.Text(), nullable=True),
    sa.Column('access_token_enc', sa.Text(), nullable=True),
    sa.Column('refresh_token_enc', sa.Text(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['connection_id'], ['cb_connection.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('connection_id')
    )


def downgrade() -> None:
    op.drop_table('cb_connection_secret')
    with op.batch_alter_table('cb_connector_scope', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cb_connector_scope_connector_id'))

    op.drop_table('cb_connector_scope')
    with op.batch_alter_table('cb_connector_param', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cb_connector_param_connector_id'))

    op.drop_table('cb_connector_param')
    with op.batch_alter_table('cb_connection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cb_connection_link_name'))
        batch_op.drop_index(batch_op.f('ix_cb_connection_connector_id'))

    op.drop_table('cb_connection')
    op.drop_table('cb_store_meta')
    with op.batch_alter_table('cb_connector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cb_connector_link_name'))

    op.drop_table('cb_connector')
