"""The province's review an audit belongs to (``qbaudit batch``): the batch's name and date, and the fingerprint of
the row's inputs, profile, sheet and tool version its run was recorded with (a second run of the batch skips it).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('audits', sa.Column('batch_name', sa.String(length=200), nullable=True))
    op.add_column('audits', sa.Column('batch_date', sa.Date(), nullable=True))
    op.add_column('audits', sa.Column('batch_key', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_audits_batch_name'), 'audits', ['batch_name'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_audits_batch_name'), table_name='audits')
    with op.batch_alter_table('audits') as batch:
        for column in ('batch_key', 'batch_date', 'batch_name'):
            batch.drop_column(column)
