"""Fixed-window rate limits counted in the database, so every app process shares one count (no process memory).
Keys are keyed hashes: an address is never stored, only HMAC(secret, purpose + address)."""

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, Session, SQLModel, col, delete

from app.config import get_settings
from app.models_base import table_of, utcnow


class RateLimitWindow(SQLModel, table=True):
    __tablename__ = "rate_limit_windows"

    key: str = Field(primary_key=True, max_length=100)
    window_start: datetime = Field(primary_key=True)
    count: int = Field(default=0)


def key_for(purpose: str, address: str | None) -> str:
    digest = hmac.new(get_settings().secret_key.encode(), f"{purpose}:{address or '-'}".encode(), hashlib.sha256)
    return f"{purpose}:{digest.hexdigest()[:40]}"


def hit(*, session: Session, key: str, limit: int, window: timedelta, now: datetime | None = None) -> bool:
    """Count one request; True while the count in this window is within the limit."""
    now = now or utcnow()
    seconds = int(window.total_seconds())
    start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)
    table = table_of(RateLimitWindow)
    insert_for = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    first = insert_for(table).values(key=key, window_start=start, count=1)
    statement = first.on_conflict_do_update(
        index_elements=["key", "window_start"], set_={"count": table.c.count + 1},
    ).returning(table.c.count)
    count: int = session.execute(statement).scalar_one()
    if count == 1:  # a key's first request in a window clears old windows: now and then, not on every request
        session.execute(delete(RateLimitWindow).where(col(RateLimitWindow.window_start) < now - timedelta(days=1)))
    return count <= limit
