"""Settings read from the environment (or a .env file)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "development-only-secret-key-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./data/sendfw.db"
    secret_key: str = DEFAULT_SECRET_KEY
    # An inspector leaves a tablet idle through a long meeting; the absolute cap bounds a stolen cookie.
    session_idle_minutes: int = 120
    session_absolute_hours: int = 12
    upload_dir: Path = Path("./data/uploads")
    # Part of the service worker's version: a deploy that sets a new value makes every tablet take the new release.
    release: str = ""
    # One JSON object per log line for the log collector; "text" for a person at a terminal.
    log_format: Literal["json", "text"] = "json"
    log_level: str = "INFO"
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    # Survey answers accepted per address per 10 minutes: generous, since a school's parents may share one
    # address; the honeypot, the one-time form id and the per-browser guard stop the rest.
    survey_rate_limit: int = 60
    # Days after the letter's publication before an inspection's working material is purged
    # (python -m app.cli purge): evidence, case files, notes, survey comments, uploads, concerns.
    retention_days: int = 180
    # Argon2's work per password (app/users/passwords.py): "cheap" only for the test suite's hundreds of users.
    password_hashing: Literal["standard", "cheap"] = "standard"

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> "Settings":
        if self.environment == "production" and (
            not self.secret_key or self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32
        ):
            raise ValueError(
                "SECRET_KEY must be set to a random value of at least 32 characters when ENVIRONMENT=production"
            )
        return self

    @model_validator(mode="after")
    def _refuse_cheap_password_hashing_outside_tests(self) -> "Settings":
        if self.password_hashing == "cheap" and self.environment != "test":
            raise ValueError("PASSWORD_HASHING=cheap is only for the test suite (ENVIRONMENT=test)")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
