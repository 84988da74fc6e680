"""Settings refuse a default secret in production; passwords are Argon2 hashes."""

import pytest
from pydantic import ValidationError

from app.config import DEFAULT_SECRET_KEY, Settings
from app.users import passwords


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


def test_temporary_passwords_are_long_enough_and_differ():
    one, two = passwords.temporary_password(), passwords.temporary_password()
    assert one != two
    assert passwords.password_problem(one) is None
