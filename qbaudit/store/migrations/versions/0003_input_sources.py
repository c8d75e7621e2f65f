"""Where each audit's inputs were read from (paths and import options), for reopening in the window.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('input_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('paths', sa.JSON(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_input_sources_audit_id_audits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_input_sources'))
    )
    op.create_index(op.f('ix_input_sources_audit_id'), 'input_sources', ['audit_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_input_sources_audit_id'), table_name='input_sources')
    op.drop_table('input_sources')
