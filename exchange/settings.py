"""The exchange service's own settings (separate process, separate database).

Environment variables use the prefix `SAKOT_EXCHANGE_`, except the shared `SAKOT_ENV`.
Fail closed: `SAKOT_ENV` defaults to production, and outside an explicit
`SAKOT_ENV=development` a placeholder (`dev-only-…`), empty or weak secret (fewer than 32 random
bytes, see `servicekit/secret_policy.py`) stops the exchange at start-up. The machine's generated
secrets (`var/secrets.env`, written once by `scripts/setup.sh`) are read like a `.env` file.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from servicekit.secret_policy import DEV_PLACEHOLDER_PREFIX
from servicekit.settings_base import Environment, ServiceSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent

__all__ = ["DEV_PLACEHOLDER_PREFIX", "Environment", "ExchangeSettings", "get_settings"]


class ExchangeSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="SAKOT_EXCHANGE_", env_file=".env", env_file_encoding="utf-8",
        extra="ignore", populate_by_name=True, env_ignore_empty=True,
    )

    # Fail closed: only an explicit SAKOT_ENV=development accepts the placeholders below.
    env: Environment = Field(
        default=Environment.PRODUCTION, validation_alias=AliasChoices("SAKOT_ENV")
    )
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'exchange.db'}"
    host: str = "127.0.0.1"
    port: int = 8100
    # The public base URL the exchange is reached at (shown in webhooks and the bank page).
    public_base_url: str = "http://127.0.0.1:8100"

    # Root secret: API-key secrets issued by `create-key` are derived from it (the database
    # stores no secret for them), and so are webhook secrets and the bank page's cookie key.
    master_secret: SecretStr = SecretStr(DEV_PLACEHOLDER_PREFIX + "exchange-master-secret")

    # Signed status callbacks to Sakot. Same variable Sakot reads to verify them.
    callback_url: str | None = None
    callback_key_id: str = "exchange"
    callback_secret: SecretStr = SecretStr(DEV_PLACEHOLDER_PREFIX + "exchange-callback-secret")

    replay_window_seconds: int = Field(default=300, ge=30, le=3600)
    migrate_on_startup: bool = True
    run_outbox_worker: bool = True
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    # Per delivery pass: tenacity retries this many times with exponential backoff ...
    delivery_attempts_per_pass: int = Field(default=3, ge=1)
    delivery_pass_wait_seconds: float = Field(default=0.5, ge=0)
    # ... and a delivery that still fails waits initial x 2^attempts (capped) for the next pass
    delivery_backoff_initial_seconds: float = Field(default=2.0, ge=0)
    delivery_backoff_max_seconds: float = Field(default=300.0, gt=0)
    # and is retried by later passes until this many attempts, then marked dead.
    delivery_max_attempts: int = Field(default=50, ge=1)
    delivery_timeout_seconds: float = Field(default=10.0, gt=0)

    # Cluster size at which every freeze request on a destination becomes P0.
    cluster_p0_size: int = Field(default=3, ge=2)
    default_key_lifetime_days: int = Field(default=90, ge=1)


@lru_cache
def get_settings() -> ExchangeSettings:
    return ExchangeSettings()
