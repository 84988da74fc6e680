"""What every table shares.

An integer primary key is typed `int`, not `int | None`, though it is None from when a row is built until the
database assigns it on flush: every row a service is given, or reads, has been flushed, and the type says so
once here instead of an assert at each use. Code that needs a new row's id flushes first."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Integer, Table, inspect
from sqlmodel import SQLModel


def utcnow() -> datetime:
    # Aware UTC: SQLModel stores it as "timestamp with time zone" and refuses naive values.
    return datetime.now(UTC)


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Core table, for Core statements (SQLModel sets `__table__` but its type does not say so)."""
    table = inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


def version_column() -> Column[int]:
    """The version of a record the team edits (evidence, activities, case files). SQLAlchemy adds
    "AND version = <the version read>" to every UPDATE and DELETE of it, so of two edits racing from the same
    version in two processes the second changes nothing and raises StaleDataError: never a lost update.
    The services still set the next version themselves (version_id_generator=False)."""
    return Column("version", Integer, nullable=False, default=1)


def versioned(column: Column[int]) -> dict[str, Any]:
    return {"version_id_col": column, "version_id_generator": False}
