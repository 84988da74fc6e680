"""Health and readiness probes for the proxy and the orchestrator."""

import pytest

from app import migrate
from app.db import get_engine, make_engine


@pytest.fixture
def engine_at(app):
    """Point the app's engine (which /readyz uses, not the request's session) at another database."""
    engines = []

    def point(url: str):
        engine = make_engine(url)
        engines.append(engine)
        app.dependency_overrides[get_engine] = lambda: engine

    yield point
    for engine in engines:
        engine.dispose()


def test_healthz_says_the_process_is_up(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_is_ok_when_the_database_answers_at_the_migrations_head(client, engine_at, tmp_path):
    url = f"sqlite:///{tmp_path / 'ready.db'}"
    migrate.upgrade(url)
    engine_at(url)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["migrations"] == "at head"
    assert migrate.is_at_head(make_engine(url))


def test_readyz_refuses_traffic_while_migrations_are_behind(client, engine_at, tmp_path):
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    migrate.upgrade(url, "0002")
    engine_at(url)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["migrations"], body["current"]) == ("unavailable", "not at head", ["0002"])


def test_readyz_refuses_traffic_when_the_database_is_unreachable(client, engine_at):
    engine_at("postgresql+psycopg://nobody@127.0.0.1:9/nowhere?connect_timeout=2")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable" and response.json()["database"].startswith("unreachable")
