"""The command line: migrate, create-user (password on standard input), seed-demo; and SQLite's settings."""

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, select

from app.db import make_engine
from app.demo import DEMO_USERS
from app.users.models import User
from app.users.passwords import verify_password
from tests.servers import environment

ROOT = Path(__file__).resolve().parents[2]


def cli(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = environment(DATABASE_URL=db_url, ENVIRONMENT="development")
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_migrate_create_user_and_seed_demo(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli(url, "migrate").returncode == 0
    made = cli(url, "create-user", "--email", "Ada@Example.org", "--name", "Ada Example", "--role", "inspector",
               "--inspector-kind", "la_peer", "--home-area", "Elsewhere", stdin="a-long-enough-password\n")
    assert made.returncode == 0, made.stderr
    seeded = cli(url, "seed-demo")
    assert "lead@example.org" in seeded.stdout and "demo-lead-password" in seeded.stdout
    assert cli(url, "seed-demo").returncode == 0  # idempotent
    engine = make_engine(url)
    with Session(engine) as session:
        ada = session.exec(select(User).where(User.email == "ada@example.org")).one()
        assert (ada.role, ada.inspector_kind, ada.home_area) == ("inspector", "la_peer", "Elsewhere")
        assert verify_password(ada.password_hash, "a-long-enough-password")
        assert len(session.exec(select(User)).all()) == 1 + len(DEMO_USERS)  # Ada and the demo's, once
    engine.dispose()


def test_create_user_refuses_bad_input_with_a_message(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    cli(url, "migrate")
    short = cli(url, "create-user", "--email", "x@example.org", "--name", "X", "--role", "admin", stdin="short\n")
    assert short.returncode == 2
    assert "password: Password must be 12 characters or more" in short.stderr
    cli(url, "create-user", "--email", "x@example.org", "--name", "X", "--role", "admin", stdin="long-enough-pass\n")
    again = cli(url, "create-user", "--email", "X@example.org", "--name", "X", "--role", "admin",
                stdin="long-enough-pass\n")
    assert "A user with this email address already exists" in again.stderr


def test_seed_demo_is_refused_in_production(tmp_path):
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}", ENVIRONMENT="production", SECRET_KEY="p" * 40)
    result = subprocess.run([sys.executable, "-m", "app.cli", "seed-demo"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "refusing" in result.stderr


def test_app_refuses_to_start_in_production_with_the_default_secret(tmp_path):
    env = {k: v for k, v in environment(ENVIRONMENT="production").items() if k != "SECRET_KEY"}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}")
    result = subprocess.run([sys.executable, "-c", "from app.main import create_app; create_app()"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_sqlite_has_foreign_keys_and_wal(sqlite_url):
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()
