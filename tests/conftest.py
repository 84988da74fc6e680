"""Test set-up shared by every suite.

Integration tests run once per database backend (SQLite and PostgreSQL). Each backend's schema is
built by running the Alembic migrations, never create_all. Each test runs inside a transaction that
is rolled back; the app's own commit only releases a savepoint within it.

Outside CI a missing PostgreSQL server or Chromium skips those tests with a message; with CI=true
they fail instead, so CI cannot go green without them.
"""

import os
import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

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


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """The fictional demo in SQLite, built by the command line (migrate, seed-demo) once per process: the browser
    tests' servers, and the tests of a command or a process that start from the demo, work on copies of it."""
    from tests.servers import environment, run_cli

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    env = environment(DATABASE_URL=f"sqlite:///{path}", ENVIRONMENT="test")
    run_cli(env, "migrate")
    run_cli(env, "seed-demo")
    return path


def copy_of(database: Path, to: Path) -> str:
    """A copy of a SQLite database, by SQLite's own backup (what is still in the write-ahead log comes too); its URL."""
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(to)) as copy:
        source.backup(copy)
    return f"sqlite:///{to}"


# One PostgreSQL database per run is built by the migrations; every database a test asks for is a copy of it
# (CREATE DATABASE ... TEMPLATE, a file copy: a tenth of a second where the migrations take seconds). The run's
# name is chosen before pytest-xdist starts its workers, so they share it; the first to need it builds it, and the
# process that started the run drops it at the end.
RUN = os.environ.setdefault("SENDFW_TEST_RUN", uuid.uuid4().hex[:10])
TEMPLATE = f"sendfw_template_{RUN}"
TEMPLATE_LOCK = 7_351_004  # a PostgreSQL advisory lock: one worker builds the template while the others wait


def _postgres_admin() -> Engine:
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except OperationalError as error:
        admin.dispose()
        skip_or_fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {str(error).splitlines()[0]}")
    return admin


def _url_of(name: str) -> str:
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _migrated_template(admin: Engine) -> str:
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": TEMPLATE_LOCK})
        try:
            built = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": TEMPLATE}).first()
            if not built:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE}_building" WITH (FORCE)'))  # a build cut off
                conn.execute(text(f'CREATE DATABASE "{TEMPLATE}_building"'))
                migrate.upgrade(_url_of(f"{TEMPLATE}_building"))  # renamed only once it is whole
                conn.execute(text(f'ALTER DATABASE "{TEMPLATE}_building" RENAME TO "{TEMPLATE}"'))
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": TEMPLATE_LOCK})
    return TEMPLATE


@contextmanager
def new_postgres_database(prefix: str = "sendfw_test") -> Iterator[str]:
    """A PostgreSQL database of its own, built by the migrations (a copy of the run's migrated template) and
    dropped afterwards."""
    admin = _postgres_admin()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        template = _migrated_template(admin)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        yield _url_of(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pytest_sessionfinish(session) -> None:
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker: the run is not over
        return
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for name in (TEMPLATE, f"{TEMPLATE}_building"):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except OperationalError:
        pass  # no PostgreSQL here: nothing was built
    finally:
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
