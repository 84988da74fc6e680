"""carried item evidence: the visit's evidence items behind a judgement of progress

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 02:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('carried_item_evidence',
    sa.Column('carried_item_id', sa.Integer(), nullable=False),
    sa.Column('evidence_item_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['carried_item_id'], ['carried_items.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evidence_item_id'], ['evidence_items.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('carried_item_id', 'evidence_item_id')
    )
    with op.batch_alter_table('carried_item_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carried_item_evidence_evidence_item_id'), ['evidence_item_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('carried_item_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carried_item_evidence_evidence_item_id'))
    op.drop_table('carried_item_evidence')
