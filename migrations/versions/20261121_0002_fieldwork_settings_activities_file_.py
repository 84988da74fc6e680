"""fieldwork settings activities file reviews evidence

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('evidence_items',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('proposal', sa.Integer(), nullable=False),
    sa.Column('aspect', sa.String(length=60), nullable=False),
    sa.Column('judgement', sa.String(length=30), nullable=False),
    sa.Column('strands', sa.JSON(), nullable=False),
    sa.Column('source_type', sa.String(length=30), nullable=False),
    sa.Column('source_id', sa.String(length=36), nullable=True),
    sa.Column('source_label', sa.String(length=200), nullable=True),
    sa.Column('captured_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_items_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index('ix_evidence_items_inspection_proposal', ['inspection_id', 'proposal'], unique=False)

    op.create_table('settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('setting_type', sa.String(length=30), nullable=False),
    sa.Column('identifier_kind', sa.String(length=10), nullable=True),
    sa.Column('identifier', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settings_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('activities',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('meeting_with', sa.String(length=30), nullable=True),
    sa.Column('setting_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('start_time', sa.String(length=5), nullable=True),
    sa.Column('inspector_ids', sa.JSON(), nullable=False),
    sa.Column('attendees', sa.JSON(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['setting_id'], ['settings.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('file_reviews',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('case_reference', sa.String(length=40), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=False),
    sa.Column('setting_type', sa.String(length=30), nullable=False),
    sa.Column('sen_status', sa.String(length=30), nullable=False),
    sa.Column('primary_need', sa.String(length=10), nullable=False),
    sa.Column('concern_raised_on', sa.Date(), nullable=True),
    sa.Column('assessment_requested_on', sa.Date(), nullable=True),
    sa.Column('plan_issued_on', sa.Date(), nullable=True),
    sa.Column('attendance_percent', sa.Float(), nullable=True),
    sa.Column('health_contributed', sa.String(length=10), nullable=False),
    sa.Column('social_care_contributed', sa.String(length=10), nullable=False),
    sa.Column('ratings', sa.JSON(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.Column('activity_id', sa.String(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('file_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_file_reviews_inspection_id'), ['inspection_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('file_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_file_reviews_inspection_id'))

    op.drop_table('file_reviews')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activities_inspection_id'))

    op.drop_table('activities')
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settings_inspection_id'))

    op.drop_table('settings')
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_items_inspection_proposal')
        batch_op.drop_index(batch_op.f('ix_evidence_items_inspection_id'))

    op.drop_table('evidence_items')

