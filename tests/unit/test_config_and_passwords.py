"""Settings refuse a default secret in production; passwords are Argon2 hashes, at full strength outside tests."""

import pytest
from argon2 import Type
from pydantic import ValidationError

from app.config import DEFAULT_SECRET_KEY, Settings
from app.users import passwords


@pytest.fixture(autouse=True)
def as_deployed(monkeypatch):
    """Settings read as on a deployed machine: without the suite's cheap password hashing (tests/conftest.py)."""
    monkeypatch.delenv("PASSWORD_HASHING", raising=False)


def test_production_refuses_the_default_secret():
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key=DEFAULT_SECRET_KEY)


def test_production_refuses_a_missing_or_short_secret():
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key="")
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key="short")


def test_production_accepts_a_real_secret():
    settings = Settings(environment="production", secret_key="x" * 40)
    assert settings.environment == "production"


def test_development_allows_the_default_secret_and_sqlite_under_data():
    settings = Settings(_env_file=None)
    assert settings.secret_key == DEFAULT_SECRET_KEY or settings.environment != "production"
    assert Settings.model_fields["database_url"].default.startswith("sqlite:///./data/")


def test_passwords_are_argon2_and_verify():
    hashed = passwords.hash_password("a-good-long-password")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "a-good-long-password")
    assert not passwords.verify_password(hashed, "a-wrong-password")
    assert not passwords.verify_password(None, "anything")


def test_production_hashes_passwords_with_argon2id_at_rfc_9106_strength():
    settings = Settings(_env_file=None, environment="production", secret_key="x" * 40)
    hasher = passwords.HASHERS[settings.password_hashing]
    assert (hasher.type, hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len,
            hasher.salt_len) == (Type.ID, 3, 65536, 4, 32, 16)  # RFC 9106's low-memory choice: 64 MiB, 3 passes
    hashed = hasher.hash("a-good-long-password")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(hashed, "a-good-long-password")
    assert not passwords.verify_password(hashed, "a-wrong-password")


def test_cheap_password_hashing_is_refused_outside_the_test_suite(monkeypatch):
    monkeypatch.setenv("PASSWORD_HASHING", "cheap")
    for environment in ("production", "development"):
        with pytest.raises(ValidationError, match="PASSWORD_HASHING=cheap is only for the test suite"):
            Settings(_env_file=None, environment=environment, secret_key="x" * 40)
    assert Settings(_env_file=None, environment="test").password_hashing == "cheap"
    monkeypatch.delenv("PASSWORD_HASHING")
    assert Settings(_env_file=None, environment="test").password_hashing == "standard"


def test_temporary_passwords_are_long_enough_and_differ():
    one, two = passwords.temporary_password(), passwords.temporary_password()
    assert one != two
    assert passwords.password_problem(one) is None
