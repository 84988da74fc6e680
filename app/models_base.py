"""What every table shares."""

from datetime import UTC, datetime

from sqlalchemy import Column, Integer


def utcnow() -> datetime:
    # Aware UTC: SQLModel stores it as "timestamp with time zone" and refuses naive values.
    return datetime.now(UTC)


def version_column() -> Column:
    """The version of a record the team edits (evidence, activities, case files). SQLAlchemy adds
    "AND version = <the version read>" to every UPDATE and DELETE of it, so of two edits racing from the same
    version in two processes the second changes nothing and raises StaleDataError: never a lost update.
    The services still set the next version themselves (version_id_generator=False)."""
    return Column("version", Integer, nullable=False, default=1)


def versioned(column: Column) -> dict:
    return {"version_id_col": column, "version_id_generator": False}
