"""Similar item pairs dismissed by the inspector (R11), remembered for the audit.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dismissed_pairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('first_item', sa.String(length=100), nullable=False),
    sa.Column('second_item', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('dismissed_by_id', sa.Integer(), nullable=False),
    sa.Column('dismissed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_dismissed_pairs_audit_id_audits')),
    sa.ForeignKeyConstraint(['dismissed_by_id'], ['inspectors.id'], name=op.f('fk_dismissed_pairs_dismissed_by_id_inspectors')),
    sa.ForeignKeyConstraint(['undone_by_id'], ['inspectors.id'], name=op.f('fk_dismissed_pairs_undone_by_id_inspectors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dismissed_pairs'))
    )
    op.create_index(op.f('ix_dismissed_pairs_audit_id'), 'dismissed_pairs', ['audit_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_dismissed_pairs_audit_id'), table_name='dismissed_pairs')
    op.drop_table('dismissed_pairs')
