"""The migrations build exactly the models' schema, and can be undone and redone."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app import migrate
from app.models import metadata


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diff == []


def test_database_is_at_head(engine):
    assert migrate.is_at_head(engine)


def test_downgrade_to_base_and_upgrade_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    from app.db import make_engine

    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    migrate.upgrade(url)
    tables = set(inspect(engine).get_table_names())
    assert {"users", "inspections", "team_members", "audit_events", "user_sessions"} <= tables
    engine.dispose()


def test_text_stored_before_the_boundary_is_cleaned_by_migration_0014(database_url, tmp_path):
    """Control characters in rows saved before the boundary existed are removed, and text is put in NFC."""
    import json

    from sqlalchemy import text

    from app.db import make_engine
    from tests.conftest import new_postgres_database

    def run(url: str) -> None:
        migrate.upgrade(url, "0013")
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO users (email, name, role, password_hash, active, must_change_password, "
                              "created_at) VALUES ('a@example.org', :name, 'inspector', 'x', true, false, "
                              "CURRENT_TIMESTAMP)"), {"name": "Fictional\x01 Person\x0b"})
            conn.execute(text("INSERT INTO audit_events (at, action, object_type, detail) VALUES "
                              "(CURRENT_TIMESTAMP, 'x', 'user', :detail)"),
                         {"detail": json.dumps({"words": "Cafe\u0301\x1b[31m"})})
        migrate.upgrade(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM users")).scalar_one() == "Fictional Person"
            detail = conn.execute(text("SELECT detail FROM audit_events")).scalar_one()
            assert (json.loads(detail) if isinstance(detail, str) else detail) == {"words": "Caf\u00e9[31m"}
        engine.dispose()

    if database_url.startswith("sqlite"):
        run(f"sqlite:///{tmp_path / 'dirty.db'}")
    else:
        with new_postgres_database("sendfw_dirty") as url:
            migrate.downgrade(url, "base")
            run(url)
