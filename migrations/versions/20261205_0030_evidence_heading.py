"""the evidence heading: evidence and self-evaluation claims store the profile's heading, not a 2016 "proposal"

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 21:45:00
"""
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0030'
down_revision: str | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What evidence is filed under is whatever the profile defines (the 2016 proposals, the 2023 evaluation criteria):
# the columns, their indexes and the stored copies the product reads back (a purge's kept counts, a sync
# conflict's two versions of an evidence item) take the neutral name. The audit log is history and is not rewritten.
NEWEST = ['inspection_id', '{}', 'aspect', 'created_at', 'id']
KINDS = ['inspection_id', '{}', 'aspect', 'judgement', 'source_type']

PURGES = sa.table('retention_purges', sa.column('inspection_id', sa.Integer), sa.column('kept_counts', sa.JSON))
CONFLICTS = sa.table('sync_conflicts', sa.column('id', sa.Integer), sa.column('entity', sa.String),
                     sa.column('incoming', sa.JSON), sa.column('current', sa.JSON))


def _rename(old: str, new: str) -> None:
    for table, index_old, index_new in (('evidence_items', None, None),
                                        ('sef_claims', f'ix_sef_claims_inspection_{old}',
                                         f'ix_sef_claims_inspection_{new}')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == 'evidence_items':
                batch_op.drop_index('ix_evidence_items_newest')
                batch_op.drop_index('ix_evidence_items_kinds')
            else:
                batch_op.drop_index(index_old)
            batch_op.alter_column(old, new_column_name=new, existing_type=sa.Integer(), existing_nullable=False)
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == 'evidence_items':
                batch_op.create_index('ix_evidence_items_newest', [c.format(new) for c in NEWEST], unique=False)
                batch_op.create_index('ix_evidence_items_kinds', [c.format(new) for c in KINDS], unique=False)
            else:
                batch_op.create_index(index_new, ['inspection_id', new], unique=False)
    _rename_stored(old, new)


def _key(key: str, old: str, new: str) -> str:
    return new + key[len(old):] if key == old or key.startswith(f'{old}_') else key


def _rename_stored(old: str, new: str) -> None:
    bind = op.get_bind()
    for inspection_id, kept in bind.execute(sa.select(PURGES.c.inspection_id, PURGES.c.kept_counts)).all():
        evidence: dict[str, Any] = (kept or {}).get('evidence') or {}
        if any(k.startswith(f'{old}_') for k in evidence):
            renamed = {**kept, 'evidence': {_key(k, old, new): n for k, n in evidence.items()}}
            bind.execute(PURGES.update().where(PURGES.c.inspection_id == inspection_id).values(kept_counts=renamed))
    for conflict_id, incoming, current in bind.execute(sa.select(CONFLICTS.c.id, CONFLICTS.c.incoming,
                                                                 CONFLICTS.c.current)
                                                       .where(CONFLICTS.c.entity == 'evidence_item')).all():
        if old in (incoming or {}) or old in (current or {}):
            bind.execute(CONFLICTS.update().where(CONFLICTS.c.id == conflict_id).values(
                incoming={_key(k, old, new): v for k, v in (incoming or {}).items()},
                current={_key(k, old, new): v for k, v in (current or {}).items()}))


def upgrade() -> None:
    _rename('proposal', 'heading')


def downgrade() -> None:
    _rename('heading', 'proposal')
