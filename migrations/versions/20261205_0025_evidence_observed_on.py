"""evidence belongs to a day of the inspection: observed_on, filled from the source activity's day, the day of the
activity a case file was seen during, otherwise the day it was captured

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 01:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('observed_on', sa.Date(), nullable=True))
    # Evidence written up on Friday about Thursday's visit belongs to Thursday: the day of the activity it came from,
    # or of the activity its case file was seen during; with neither, the day it was captured, as before.
    op.execute(
        "UPDATE evidence_items SET observed_on = COALESCE("
        "(SELECT activities.day FROM activities WHERE activities.id = evidence_items.source_id"
        " AND activities.inspection_id = evidence_items.inspection_id),"
        "(SELECT activities.day FROM file_reviews JOIN activities ON activities.id = file_reviews.activity_id"
        " WHERE file_reviews.id = evidence_items.source_id"
        " AND file_reviews.inspection_id = evidence_items.inspection_id),"
        " captured_on)")
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.alter_column('observed_on', existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.drop_column('observed_on')
