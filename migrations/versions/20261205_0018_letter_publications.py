"""the published letter, frozen: its text, frame, team and Word and PDF files with their SHA-256

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 01:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('letter_publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('frame', sa.JSON(), nullable=False),
    sa.Column('team', sa.JSON(), nullable=False),
    sa.Column('letter_version', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('docx', sa.LargeBinary(), nullable=False),
    sa.Column('docx_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('inspection_id', 'number')
    )
    with op.batch_alter_table('letter_publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_publications_inspection_id'), ['inspection_id'], unique=False)
    # Letters published before this revision were never frozen, and the files they were sent as cannot be recovered
    # here (rendering needs the app). They keep no publication row; their downloads are rendered from the last
    # version of their text, dated the day they were published rather than today (app/letters/routes.py).


def downgrade() -> None:
    with op.batch_alter_table('letter_publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_publications_inspection_id'))
    op.drop_table('letter_publications')
