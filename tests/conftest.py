"""Test set-up shared by every suite.

Integration tests run once per database backend (SQLite and PostgreSQL). Each backend's schema is
built by running the Alembic migrations, never create_all. Each test runs inside a transaction that
is rolled back; the app's own commit only releases a savepoint within it.

Outside CI a missing PostgreSQL server or Chromium skips those tests with a message; with CI=true
they fail instead, so CI cannot go green without them.
"""

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

os.environ.setdefault("ENVIRONMENT", "test")
os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
# Argon2's cheapest work for the suite's hundreds of users, and the app processes it starts (the settings refuse it
# outside ENVIRONMENT=test); the production parameters are pinned in tests/unit/test_config_and_passwords.py.
if os.environ["ENVIRONMENT"] == "test":
    os.environ.setdefault("PASSWORD_HASHING", "cheap")

from app import migrate
from app.sync import feed

feed.register()  # as create_app and the CLI do: tests that call services directly feed the tablets too
from app.db import make_engine  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def skip_or_fail(message: str) -> None:
    if IN_CI:
        pytest.fail(f"{message} (CI=true: this must not be skipped)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("db") / "test.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    return url


@contextmanager
def new_postgres_database(prefix: str = "sendfw_test") -> Iterator[str]:
    """A PostgreSQL database of its own, built by the migrations and dropped afterwards."""
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        skip_or_fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {str(error).splitlines()[0]}")
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    with new_postgres_database() as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture(scope="session")
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine) -> Iterator[Session]:
    """A session inside a transaction rolled back after the test; commits become savepoint releases."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        if outer.is_active:
            outer.rollback()
        connection.close()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token field"
    return match.group(1)
