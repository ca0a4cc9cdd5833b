"""Workflows: deployed functions and versions, schedules, runs, webhook keys, leases.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cb_function',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('on_failure', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_cb_function_name', 'cb_function', ['name'], unique=True)
    op.create_table('cb_function_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('function_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_name', sa.String(length=255), nullable=False),
    sa.Column('parameters', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['function_id'], ['cb_function.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('function_id', 'version', name='uq_cb_function_version')
    )
    op.create_index('ix_cb_function_version_function_id', 'cb_function_version', ['function_id'], unique=False)
    op.create_table('cb_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('function_name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('expression', sa.String(length=200), nullable=True),
    sa.Column('run_at', sa.DateTime(), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('start_at', sa.DateTime(), nullable=True),
    sa.Column('end_at', sa.DateTime(), nullable=True),
    sa.Column('inputs', sa.Text(), nullable=False),
    sa.Column('overlap', sa.String(length=10), nullable=False),
    sa.Column('missed', sa.String(length=10), nullable=False),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('next_fire', sa.DateTime(), nullable=True),
    sa.Column('last_fire', sa.DateTime(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_cb_schedule_function_name', 'cb_schedule', ['function_name'], unique=False)
    op.create_index('ix_cb_schedule_next_fire', 'cb_schedule', ['next_fire'], unique=False)
    op.create_table('cb_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('function_name', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('trigger', sa.String(length=10), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=True),
    sa.Column('retry_of', sa.Integer(), nullable=True),
    sa.Column('inputs', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('info', sa.Text(), nullable=False),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('output_type', sa.String(length=20), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('error_line', sa.Integer(), nullable=True),
    sa.Column('error_column', sa.Integer(), nullable=True),
    sa.Column('statements', sa.Integer(), nullable=True),
    sa.Column('http_calls', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=200), nullable=True),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_cb_run_function_name', 'cb_run', ['function_name'], unique=False)
    op.create_index('ix_cb_run_schedule_id', 'cb_run', ['schedule_id'], unique=False)
    op.create_index('ix_cb_run_queued_at', 'cb_run', ['queued_at'], unique=False)
    op.create_index('ix_cb_run_status_queued', 'cb_run', ['status', 'queued_at'], unique=False)
    op.create_table('cb_webhook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('function_name', sa.String(length=100), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_cb_webhook_function_name', 'cb_webhook', ['function_name'], unique=False)
    op.create_index('ix_cb_webhook_key_hash', 'cb_webhook', ['key_hash'], unique=True)
    op.create_table('cb_lease',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=True),
    sa.Column('until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('cb_lease')
    op.drop_index('ix_cb_webhook_key_hash', table_name='cb_webhook')
    op.drop_index('ix_cb_webhook_function_name', table_name='cb_webhook')
    op.drop_table('cb_webhook')
    for name in ('ix_cb_run_status_queued', 'ix_cb_run_queued_at', 'ix_cb_run_schedule_id', 'ix_cb_run_function_name'):
        op.drop_index(name, table_name='cb_run')
    op.drop_table('cb_run')
    op.drop_index('ix_cb_schedule_next_fire', table_name='cb_schedule')
    op.drop_index('ix_cb_schedule_function_name', table_name='cb_schedule')
    op.drop_table('cb_schedule')
    op.drop_index('ix_cb_function_version_function_id', table_name='cb_function_version')
    op.drop_table('cb_function_version')
    op.drop_index('ix_cb_function_name', table_name='cb_function')
    op.drop_table('cb_function')
