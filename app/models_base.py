"""What every table shares."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    # Aware UTC: SQLModel stores it as "timestamp with time zone" and refuses naive values.
    return datetime.now(UTC)
