"""the audit log and the sync receipts keep the id of who acted, without a foreign key to users

audit_events.actor_id and sync_operations.user_id referenced users ON DELETE SET NULL. Both are written for the
signed-in user (or none, for the system), in the transaction that writes what that user did: an evidence item's
author_id, which keeps its foreign key, proves and locks the same user row there. The check was made again for
every event and receipt: two of the six a synced capture made, about 2.8 ms of PostgreSQL's time per batch of
500 each (bench/results/sync_profile.md, fourth pass). And a log should not be rewritten: were a user ever removed
(no path of the app removes one; accounts are deactivated), SET NULL would have erased who did what from every
event, where actor_email was kept for that very case. So the ids stay as written.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 03:15:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0032'
down_revision: str | None = '0031'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, PostgreSQL's name for the constraint); SQLite's are unnamed, named here by this convention.
KEYS = [('audit_events', 'actor_id', 'audit_events_actor_id_fkey'),
        ('sync_operations', 'user_id', 'sync_operations_user_id_fkey')]
SQLITE_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column, name in KEYS:
        if sqlite:  # (SQLite cannot drop a constraint: the table is copied without it)
            with op.batch_alter_table(table, naming_convention=SQLITE_NAMES) as batch_op:
                batch_op.drop_constraint(f'fk_{table}_{column}', type_='foreignkey')
        else:
            op.drop_constraint(name, table, type_='foreignkey')


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column, name in KEYS:
        # What SET NULL would have done for a user removed meanwhile, so that the key can be made again.
        op.execute(f'UPDATE {table} SET {column} = NULL WHERE {column} IS NOT NULL '  # nosec B608 - names above
                   f'AND {column} NOT IN (SELECT id FROM users)')
        if sqlite:
            with op.batch_alter_table(table, naming_convention=SQLITE_NAMES) as batch_op:
                batch_op.create_foreign_key(f'fk_{table}_{column}', 'users', [column], ['id'], ondelete='SET NULL')
        else:
            op.create_foreign_key(name, table, 'users', [column], ['id'], ondelete='SET NULL')
