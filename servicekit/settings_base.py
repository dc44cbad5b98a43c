"""What every service's settings class shares: the environment, where values come from, and
the refusal to start on weak secrets outside development.

Sakot's `Settings` and the exchange's `ExchangeSettings` subclass `ServiceSettings`; each keeps
its own prefix, fields and defaults.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Self

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, DotEnvSettingsSource, PydanticBaseSettingsSource

from servicekit.secret_policy import GENERATE_HINT, env_files, placeholder_problem, secret_problem


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ServiceSettings(BaseSettings):
    """Subclasses declare `env: Environment` (fail closed: default production) and their fields."""

    # The secrets this service issues itself, which must be strong outside development; any
    # other `SecretStr` (issued by someone else, e.g. LINE) only may not hold the placeholder.
    # None: every secret is our own.
    own_secrets: ClassVar[tuple[str, ...] | None] = None

    env: Environment

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Resolved per instance, so SAKOT_SECRETS_FILE set after import still counts.
        return (init_settings, env_settings,
                DotEnvSettingsSource(settings_cls, env_file=env_files()), file_secret_settings)

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> Self:
        if self.env is Environment.DEVELOPMENT:
            return self
        prefix = self.model_config.get("env_prefix", "")
        problems = []
        for name, value in self:
            if not isinstance(value, SecretStr):
                continue
            own = self.own_secrets is None or name in self.own_secrets
            check = secret_problem if own else placeholder_problem
            if problem := check(value.get_secret_value()):
                problems.append(f"{prefix}{name.upper()} {problem}")
        if problems:
            raise ValueError(
                f"refusing to start with SAKOT_ENV={self.env}: " + "; ".join(problems)
                + f". Set real secrets ({GENERATE_HINT}), run scripts/setup.sh to generate "
                "this machine's var/secrets.env, or set SAKOT_ENV=development for local use"
            )
        return self

    @property
    def is_development(self) -> bool:
        return self.env is Environment.DEVELOPMENT
