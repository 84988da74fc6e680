"""Engine, the per-request session, and the one place a request's transaction commits."""

import json
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import (
    ARRAY,
    JSON,
    BigInteger,
    BindParameter,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Enum,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    any_,
    bindparam,
    cast,
    event,
    func,
    literal_column,
    orm,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from app.config import get_settings


def json_dumps(value: Any) -> str:
    """A JSON column's text. orjson takes a tenth of json.dumps's time, and a device's sync batch writes three
    JSON values an op (its receipt, audit event and the item's lists); json.dumps takes what orjson refuses (an
    integer past 64 bits, a lone surrogate), so nothing that could be stored before fails now."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


def json_loads(text: str | bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN and integers past 64 bits, which json.dumps once wrote
        return json.loads(text)


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    kwargs = {"json_serializer": json_dumps, "json_deserializer": json_loads, **kwargs}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself
    # (the recipe in SQLAlchemy's SQLite dialect docs), and turn on foreign keys and WAL.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE: take the write lock at the start. A deferred transaction that reads and then writes fails at
        # once with "database is locked" when another connection wrote in between (the busy timeout cannot help
        # it), which a dozen inspectors signing in together showed; with IMMEDIATE they wait their turn instead.
        # A read-only check may ask for a deferred one: execution_options(sqlite_begin="DEFERRED").
        conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get('sqlite_begin', 'IMMEDIATE')}")


_engine: Engine | None = None


def get_engine() -> Engine:
    global _engine  # noqa: PLW0603 - the process's one engine, made when first asked for
    if _engine is None:
        _engine = make_engine(get_settings().database_url)
    return _engine


def set_engine(engine: Engine | None) -> None:
    """Point the app at another engine (tests, CLI with --database-url)."""
    global _engine  # noqa: PLW0603 - the process's one engine, replaced on purpose
    _engine = engine


def session_factory() -> Session:
    return Session(get_engine(), expire_on_commit=False)


def get_db() -> Iterator[Session]:
    """The request's session: committed once after the route returns, rolled back if it raised."""
    session = session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# PostgreSQL aborts one of two transactions that wait on each other's rows (deadlock_detected), or under
# stricter isolation one that read what the other changed (serialization_failure). Running it again is safe.
T = TypeVar("T")
RETRYABLE_SQLSTATES = {"40P01", "40001"}


def run_retrying(session: Session, work: Callable[[], T], attempts: int = 3) -> T:
    """Run work() in the request's transaction; if the database aborted it as a deadlock victim, roll back and
    run it again from the start (up to `attempts` times in all)."""
    for attempt in range(1, attempts + 1):
        try:
            result = work()
            session.flush()
            return result
        except OperationalError as error:
            if getattr(error.orig, "sqlstate", None) not in RETRYABLE_SQLSTATES or attempt == attempts:
                raise
            session.rollback()
            # Jitter, not a secret: let the other transaction finish first.
            time.sleep(random.uniform(0.05, 0.2) * attempt)  # nosec B311
    raise AssertionError("unreachable")


def one_of(session: orm.Session, column: Any, values: list[str]) -> ColumnElement[bool]:
    """column IN values, the values bound as one parameter, a JSON array the database reads back as rows
    (json_array_elements_text on PostgreSQL, json_each on SQLite), rather than one each: a sync batch looks up 500
    ids at a time, and a statement of 500 parameters is rebuilt, sent and parsed afresh for every batch (3.2 ms
    against 1.3 on PostgreSQL, 0.8 against 0.4 on SQLite). On PostgreSQL the JSON rather than an array: psycopg
    builds an array's text in Python, value by value (1.5 ms of processor time for 500 ids, against 0.2)."""
    dialect = session.get_bind().dialect.name
    found: ColumnElement[bool]
    if dialect == "postgresql":
        # = ANY of the ids gathered into one array, not IN (the ids as rows): the planner cannot count the rows of
        # json_array_elements_text (it guesses 100) and chose a hash join over the whole table, or a nested loop;
        # = ANY of an array is one sorted pass over the index (500 ids: 1.2 against 2.1 ms with 8,000 items, 1.5
        # against 1.9 with 108,000; a sync batch's two lookups 2.6-3.1 against 3.5-4.4 ms).
        ids = func.json_array_elements_text(bindparam(None, list(values), type_=JSON)).table_valued("value")
        found = column == any_(cast(select(func.array_agg(ids.c.value)).scalar_subquery(), ARRAY(Text)))
    elif dialect == "sqlite":
        array: BindParameter[str] = bindparam(None, json_dumps(values))
        found = column.in_(select(literal_column("value")).select_from(func.json_each(array)))
    else:
        found = column.in_(values)
    return found


def bulk_insert(session: orm.Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows of one Core table in the session's transaction. On PostgreSQL through COPY, which skips
    building and parsing one INSERT of hundreds of VALUES (the bulk sync path's main cost), in the binary format
    where every column's type has one (see _copy_types); on SQLite as multi-row INSERTs (_sqlite_insert_rows);
    elsewhere one executemany. Every row must have the same keys. Database errors surface as SQLAlchemy's
    exceptions (IntegrityError, DataError), as they would from an INSERT."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _sqlite_insert_rows(connection, table, rows)
        return
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    import psycopg
    from psycopg.types.json import Json, set_json_dumps
    from sqlalchemy.exc import DBAPIError

    columns = list(rows[0])
    types = _copy_types(table, tuple(columns))
    binary = " (FORMAT BINARY)" if types is not None else ""
    statement = f'COPY {table.name} ({", ".join(columns)}) FROM STDIN{binary}'
    try:
        driver = connection.connection.driver_connection
        if driver is None:  # only a connection already given back to the pool has none
            raise RuntimeError("the session's connection is closed")
        with driver.cursor() as cursor:
            if types is not None:
                _check_ranges(table, columns, types, rows)
                set_json_dumps(json_dumps, cursor)  # this cursor's JSON in orjson, as the other paths write it
                with cursor.copy(statement) as copy:
                    copy.set_types(types)
                    for row in rows:
                        copy.write_row([row[name] for name in columns])
            else:
                json_columns = {name for name in columns if isinstance(table.c[name].type, JSON)}
                with cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row([Json(row[name]) if name in json_columns else row[name] for name in columns])
    except psycopg.Error as error:
        raise DBAPIError.instance(statement, None, error, psycopg.Error) from error


# PostgreSQL's binary COPY carries no types: each value must be sent in its column's own format, which psycopg
# writes in C from the type named here (about a third of the text format's time for a sync batch's four tables,
# and its JSON in orjson rather than json.dumps). A table with a column of any other type is sent as text.
_BINARY_TYPES: list[tuple[type[Any], str]] = [
    (JSONB, "jsonb"), (JSON, "json"), (Boolean, "bool"), (BigInteger, "int8"), (SmallInteger, "int2"),
    (Integer, "int4"), (Date, "date"), (String, "text")]  # (DateTime is chosen by its time zone below)
_INT_RANGES = {"int2": 2**15, "int4": 2**31}
_copy_types_cache: dict[tuple[str, tuple[str, ...]], list[str] | None] = {}


def _copy_types(table: Table, columns: tuple[str, ...]) -> list[str] | None:
    key = (table.name, columns)
    if key not in _copy_types_cache:
        names = [_binary_type(table.c[name].type) for name in columns]
        _copy_types_cache[key] = None if None in names else [name for name in names if name is not None]
    return _copy_types_cache[key]


def _binary_type(kind: Any) -> str | None:
    if isinstance(kind, TypeDecorator):  # (SQLModel's strings and times: the type they store as)
        kind = kind.impl_instance
    if isinstance(kind, Enum):  # (a String whose values are Python enums: left to the text format)
        return None
    if isinstance(kind, DateTime):
        return "timestamptz" if kind.timezone else "timestamp"
    return next((pg for python, pg in _BINARY_TYPES if isinstance(kind, python)), None)


def _check_ranges(table: Table, columns: list[str], types: list[str], rows: list[dict[str, Any]]) -> None:
    """psycopg writes a Python int into a binary int2 or int4 by its low bytes, so 2**31 would be stored as
    -2**31: a value out of its column's range is refused here, as the database refuses it in text."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    for name, pg in zip(columns, types, strict=True):
        if (limit := _INT_RANGES.get(pg)) is not None and any(
                value is not None and not -limit <= value < limit for value in (row[name] for row in rows)):
            error = psycopg.errors.NumericValueOutOfRange(f"integer out of range for {table.name}.{name}")
            raise DBAPIError.instance(f"COPY {table.name}", None, error, psycopg.Error)


def _sqlite_insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """The rows as one multi-row INSERT (as many statements as SQLite's limit on bound values needs: one for a sync
    batch), which measured 10-40% faster per table than the driver's executemany stepping one row at a time (a
    500-op batch's four tables, 12.0 against 9.3 ms). Each column goes through its own SQLAlchemy bind processor,
    so values are stored exactly as an ORM insert stores them, but column by column, processed once per distinct
    value (a batch shares its timestamps and dates), without building parameters row by row through the compiler."""
    columns = list(rows[0])
    values: list[list[Any]] = []
    for name in columns:
        column = [row[name] for row in rows]
        process = table.c[name].type._cached_bind_processor(connection.dialect)
        if process is not None:
            if isinstance(table.c[name].type, JSON):  # lists and dicts: nothing to share
                column = [process(value) for value in column]
            else:
                memo = {value: process(value) for value in set(column) if value is not None}
                column = [None if value is None else memo[value] for value in column]
        values.append(column)
    names = ", ".join(f'"{name}"' for name in columns)
    row_marks = f"({', '.join('?' for _ in columns)})"
    per_statement = max(1, _sqlite_variable_limit(connection) // len(columns))
    for start in range(0, len(rows), per_statement):
        chunk = [column[start:start + per_statement] for column in values]
        marks = ", ".join([row_marks] * len(chunk[0]))
        # Table and column names come from our own metadata, never from input; the values are bound parameters.
        connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES {marks}',  # nosec B608
                                   tuple(chain.from_iterable(zip(*chunk, strict=True))))


def _sqlite_variable_limit(connection: Connection) -> int:
    """How many values one statement may bind (32,766 in SQLite's own build since 3.32; a build may set fewer)."""
    driver = connection.connection.driver_connection
    getlimit = getattr(driver, "getlimit", None)  # Python 3.11's sqlite3
    return getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit else 999
