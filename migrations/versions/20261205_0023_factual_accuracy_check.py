"""the factual accuracy check: the draft sent to the area, its comments and the team's answers; who each area
contact is (the nominated officer, or a further contact for the local authority or the integrated care board)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 01:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('factual_accuracy_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('letter_version', sa.Integer(), nullable=True),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('factual_accuracy_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_factual_accuracy_checks_inspection_id'), ['inspection_id'], unique=False)
    op.create_table('factual_accuracy_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=30), nullable=False),
    sa.Column('quote', sa.String(), nullable=False),
    sa.Column('correction', sa.String(), nullable=False),
    sa.Column('evidence', sa.String(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.String(length=10), nullable=True),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('letter_version', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['check_id'], ['factual_accuracy_checks.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['area_documents.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('factual_accuracy_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_factual_accuracy_comments_check_id'), ['check_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_factual_accuracy_comments_inspection_id'), ['inspection_id'],
                              unique=False)
    # Everyone invited so far was invited as the nominated officer.
    for table in ('portal_invitations', 'area_officers'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('contact', sa.String(length=30), nullable=False,
                                          server_default='nominated_officer'))


def downgrade() -> None:
    for table in ('area_officers', 'portal_invitations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('contact')
    with op.batch_alter_table('factual_accuracy_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_factual_accuracy_comments_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_factual_accuracy_comments_check_id'))
    op.drop_table('factual_accuracy_comments')
    with op.batch_alter_table('factual_accuracy_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_factual_accuracy_checks_inspection_id'))
    op.drop_table('factual_accuracy_checks')
