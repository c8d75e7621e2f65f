"""The supervision's own facts on the audit (kind, batch number, place, head count, date, time), the
inspector's 总体评价 on each revision, and the notice's grounds and consequences (Shandong 第二十二条).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('audits', sa.Column('supervision_kind', sa.String(length=10), nullable=True))
    op.add_column('audits', sa.Column('batch_number', sa.String(length=64), nullable=True))
    op.add_column('audits', sa.Column('place', sa.String(length=200), nullable=True))
    op.add_column('audits', sa.Column('head_count', sa.Integer(), nullable=True))
    op.add_column('audits', sa.Column('supervision_date', sa.Date(), nullable=True))
    op.add_column('audits', sa.Column('supervision_time', sa.String(length=50), nullable=True))
    op.add_column('revisions', sa.Column('assessment', sa.Text(), nullable=True))
    op.create_table('notice_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('grounds', sa.JSON(), nullable=False),
    sa.Column('suspend', sa.Boolean(), nullable=True),
    sa.Column('suspension_months', sa.Integer(), nullable=True),
    sa.Column('supervision_file', sa.Boolean(), nullable=True),
    sa.Column('publish', sa.Boolean(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_notice_decisions_audit_id_audits')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['inspectors.id'], name=op.f('fk_notice_decisions_decided_by_id_inspectors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_decisions')),
    sa.UniqueConstraint('audit_id', name=op.f('uq_notice_decisions_audit_id'))
    )


def downgrade() -> None:
    op.drop_table('notice_decisions')
    with op.batch_alter_table('revisions') as batch:
        batch.drop_column('assessment')
    with op.batch_alter_table('audits') as batch:
        for column in ('supervision_time', 'supervision_date', 'head_count', 'place', 'batch_number',
                       'supervision_kind'):
            batch.drop_column(column)
