from __future__ import annotations

import pytest
from pydantic import ValidationError

from sakot.settings import Settings


def test_development_accepts_placeholders(monkeypatch):
    monkeypatch.delenv("SAKOT_SECRET_KEY", raising=False)
    settings = Settings(env="development")
    assert settings.secret_key.get_secret_value().startswith("dev-only-")
    assert "dev-only" not in repr(settings)  # secrets never print


def test_production_refuses_placeholders():
    with pytest.raises(ValidationError, match="SAKOT_SECRET_KEY"):
        Settings(env="production")


def test_production_with_real_secrets(monkeypatch):
    import secrets

    for name in ("SECRET_KEY", "EXCHANGE_API_SECRET", "EXCHANGE_CALLBACK_SECRET",
                 "SIDECAR_TOKEN"):
        monkeypatch.setenv(f"SAKOT_{name}", secrets.token_urlsafe(32))
    monkeypatch.setenv("SAKOT_DATABASE_URL", "postgresql+psycopg://u@db/sakot")
    settings = Settings(env="production")
    assert settings.database_url.startswith("postgresql")
    assert not settings.line_enabled


def test_line_enabled_needs_both_credentials():
    assert not Settings(line_channel_secret="s").line_enabled
    assert Settings(line_channel_secret="s", line_channel_access_token="t").line_enabled


def test_env_example_documents_every_setting():
    from sakot.settings import PROJECT_ROOT

    documented = (PROJECT_ROOT / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"SAKOT_{name.upper()}" in documented, name


def test_env_example_documents_every_exchange_setting():
    from exchange.settings import ExchangeSettings
    from sakot.settings import PROJECT_ROOT

    documented = (PROJECT_ROOT / ".env.example").read_text()
    for name in ExchangeSettings.model_fields:
        variable = "SAKOT_ENV" if name == "env" else f"SAKOT_EXCHANGE_{name.upper()}"
        assert variable in documented, name
