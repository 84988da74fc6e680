"""clean stored text: control characters and non-characters removed, NFC

Text saved before the one boundary for text existed may hold characters that break the Word export (C0/C1 control
characters other than tab, line feed and carriage return) or compare unequal to the same words typed elsewhere
(not NFC). Every text and JSON column of every table is cleaned once, in place, as the boundary cleans new text.
(NUL and lone surrogates could never be stored, so none are here to find.) The pattern is repeated here rather
than imported, so this revision means the same thing whatever the app's code becomes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 22:00:00
"""
import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _clean(value):
    if isinstance(value, str):
        value = FORBIDDEN.sub("", value)
        return value if value.isascii() else unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def upgrade() -> None:
    connection = op.get_bind()
    metadata = sa.MetaData()
    metadata.reflect(bind=connection)
    for table in metadata.sorted_tables:
        key = list(table.primary_key.columns)
        texts = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON)) and c not in key]
        if not key or not texts:
            continue
        for row in connection.execute(sa.select(*key, *texts)).mappings():
            changed = {c.name: _clean(row[c.name]) for c in texts if row[c.name] is not None}
            changed = {name: value for name, value in changed.items() if value != row[name]}
            if changed:
                connection.execute(table.update().where(*(k == row[k.name] for k in key)).values(**changed))


def downgrade() -> None:
    pass  # what was removed was never meant to be there
