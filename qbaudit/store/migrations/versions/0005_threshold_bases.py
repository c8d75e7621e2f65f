"""The thresholds a run's verdicts rest on: the profile as loaded (every threshold with its basis and the waivers)
on each run, and on each finding the thresholds it applied with their basis, whether it is an advisory 提示 and
the numbers a waiver set (R1's point count for a new occupation).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('runs', sa.Column('profile_document', sa.JSON(), nullable=True))
    op.add_column('findings', sa.Column('basis', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('findings') as batch:
        batch.drop_column('basis')
    with op.batch_alter_table('runs') as batch:
        batch.drop_column('profile_document')
