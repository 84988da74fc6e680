"""Run the Alembic migrations from code (the CLI, the tests, the container's start)."""

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["configure_logger"] = False
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def is_at_head(engine: Engine) -> bool:
    return readiness(engine)["status"] == "ok"


@cache
def _heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def readiness(engine: Engine) -> dict[str, str | list[str]]:
    """For /readyz: is the database reachable, and are its migrations at head?"""
    try:
        with engine.connect() as opened:
            connection = opened.execution_options(sqlite_begin="DEFERRED")  # a reader: never wait for writers
            connection.exec_driver_sql("SELECT 1")
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:  # noqa: BLE001 - any failure to reach the database means "not ready"
        return {"status": "unavailable", "database": f"unreachable ({type(error).__name__})"}
    if current != _heads():
        return {"status": "unavailable", "database": "reachable", "migrations": "not at head",
                "current": sorted(current), "head": sorted(_heads())}
    return {"status": "ok", "database": "reachable", "migrations": "at head", "revision": sorted(current)}
