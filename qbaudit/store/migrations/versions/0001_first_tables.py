"""The first tables of the audit record: institutions, inspectors, audits, runs with inputs and findings,
suggestions, revisions with decisions, veto decisions and their changes, and exports.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inspectors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('card_code', sa.String(length=32), nullable=True),
    sa.Column('card_kind', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspectors')),
    sa.UniqueConstraint('card_code', name=op.f('uq_inspectors_card_code'))
    )
    op.create_table('institutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('registration_number', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institutions')),
    sa.UniqueConstraint('registration_number', name=op.f('uq_institutions_registration_number'))
    )
    op.create_table('audits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('occupation', sa.String(length=100), nullable=False),
    sa.Column('sheet_id', sa.String(length=64), nullable=False),
    sa.Column('sheet_name', sa.String(length=200), nullable=False),
    sa.Column('sheet_sha256', sa.String(length=64), nullable=False),
    sa.Column('sheet_text', sa.Text(), nullable=False),
    sa.Column('keep_item_text', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_audits_institution_id_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audits'))
    )
    op.create_index(op.f('ix_audits_institution_id'), 'audits', ['institution_id'], unique=False)
    op.create_table('audit_inspectors',
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=50), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_audit_inspectors_audit_id_audits')),
    sa.ForeignKeyConstraint(['inspector_id'], ['inspectors.id'], name=op.f('fk_audit_inspectors_inspector_id_inspectors')),
    sa.PrimaryKeyConstraint('audit_id', 'inspector_id', name=op.f('pk_audit_inspectors'))
    )
    op.create_table('audit_levels',
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_audit_levels_audit_id_audits')),
    sa.PrimaryKeyConstraint('audit_id', 'level', name=op.f('pk_audit_levels'))
    )
    op.create_table('runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.String(length=64), nullable=False),
    sa.Column('profile_name', sa.String(length=200), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('qbaudit_version', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_runs_audit_id_audits')),
    sa.ForeignKeyConstraint(['created_by_id'], ['inspectors.id'], name=op.f('fk_runs_created_by_id_inspectors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_runs'))
    )
    op.create_index(op.f('ix_runs_audit_id'), 'runs', ['audit_id'], unique=False)
    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=8), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('measured', sa.JSON(), nullable=False),
    sa.Column('threshold', sa.JSON(), nullable=False),
    sa.Column('comparator', sa.String(length=8), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('sheet_line', sa.String(length=50), nullable=False),
    sa.Column('clause', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('waiver_reason', sa.Text(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_findings_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings'))
    )
    op.create_index(op.f('ix_findings_run_id'), 'findings', ['run_id'], unique=False)
    op.create_table('inputs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('rows_taken', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.Column('encoding', sa.String(length=32), nullable=True),
    sa.Column('sheets', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_inputs_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inputs'))
    )
    op.create_index(op.f('ix_inputs_run_id'), 'inputs', ['run_id'], unique=False)
    op.create_table('revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_total', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('signed_grade', sa.String(length=20), nullable=True),
    sa.Column('signed_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_revisions_audit_id_audits')),
    sa.ForeignKeyConstraint(['based_on_id'], ['revisions.id'], name=op.f('fk_revisions_based_on_id_revisions')),
    sa.ForeignKeyConstraint(['created_by_id'], ['inspectors.id'], name=op.f('fk_revisions_created_by_id_inspectors')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_revisions_run_id_runs')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['inspectors.id'], name=op.f('fk_revisions_signed_by_id_inspectors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisions')),
    sa.UniqueConstraint('audit_id', 'number', name=op.f('uq_revisions_audit_id_number'))
    )
    op.create_index(op.f('ix_revisions_audit_id'), 'revisions', ['audit_id'], unique=False)
    op.create_table('suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.String(length=32), nullable=False),
    sa.Column('basis', sa.String(length=10), nullable=False),
    sa.Column('verdict', sa.String(length=10), nullable=True),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('finding_positions', sa.JSON(), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_suggestions_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestions')),
    sa.UniqueConstraint('run_id', 'line_id', name=op.f('uq_suggestions_run_id_line_id'))
    )
    op.create_index(op.f('ix_suggestions_run_id'), 'suggestions', ['run_id'], unique=False)
    op.create_table('decision_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=10), nullable=False),
    sa.Column('target_id', sa.String(length=32), nullable=False),
    sa.Column('old_verdict', sa.String(length=10), nullable=True),
    sa.Column('old_score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('new_verdict', sa.String(length=10), nullable=False),
    sa.Column('new_score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['inspectors.id'], name=op.f('fk_decision_changes_changed_by_id_inspectors')),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_decision_changes_revision_id_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_changes'))
    )
    op.create_index(op.f('ix_decision_changes_revision_id'), 'decision_changes', ['revision_id'], unique=False)
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.String(length=32), nullable=False),
    sa.Column('verdict', sa.String(length=10), nullable=False),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['inspectors.id'], name=op.f('fk_decisions_decided_by_id_inspectors')),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_decisions_revision_id_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('revision_id', 'line_id', name=op.f('uq_decisions_revision_id_line_id'))
    )
    op.create_index(op.f('ix_decisions_revision_id'), 'decisions', ['revision_id'], unique=False)
    op.create_table('exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['inspectors.id'], name=op.f('fk_exports_created_by_id_inspectors')),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_exports_revision_id_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exports'))
    )
    op.create_index(op.f('ix_exports_revision_id'), 'exports', ['revision_id'], unique=False)
    op.create_table('veto_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('veto_id', sa.String(length=32), nullable=False),
    sa.Column('occurred', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['inspectors.id'], name=op.f('fk_veto_decisions_decided_by_id_inspectors')),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_veto_decisions_revision_id_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_veto_decisions')),
    sa.UniqueConstraint('revision_id', 'veto_id', name=op.f('uq_veto_decisions_revision_id_veto_id'))
    )
    op.create_index(op.f('ix_veto_decisions_revision_id'), 'veto_decisions', ['revision_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_veto_decisions_revision_id'), table_name='veto_decisions')
    op.drop_table('veto_decisions')
    op.drop_index(op.f('ix_exports_revision_id'), table_name='exports')
    op.drop_table('exports')
    op.drop_index(op.f('ix_decisions_revision_id'), table_name='decisions')
    op.drop_table('decisions')
    op.drop_index(op.f('ix_decision_changes_revision_id'), table_name='decision_changes')
    op.drop_table('decision_changes')
    op.drop_index(op.f('ix_suggestions_run_id'), table_name='suggestions')
    op.drop_table('suggestions')
    op.drop_index(op.f('ix_revisions_audit_id'), table_name='revisions')
    op.drop_table('revisions')
    op.drop_index(op.f('ix_inputs_run_id'), table_name='inputs')
    op.drop_table('inputs')
    op.drop_index(op.f('ix_findings_run_id'), table_name='findings')
    op.drop_table('findings')
    op.drop_index(op.f('ix_runs_audit_id'), table_name='runs')
    op.drop_table('runs')
    op.drop_table('audit_levels')
    op.drop_table('audit_inspectors')
    op.drop_index(op.f('ix_audits_institution_id'), table_name='audits')
    op.drop_table('audits')
    op.drop_table('institutions')
    op.drop_table('inspectors')
