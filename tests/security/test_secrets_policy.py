"""Fail closed (security review S3): outside an explicit SAKOT_ENV=development a placeholder,
empty or weak secret stops Sakot and the exchange at start-up, naming the variable."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from pydantic import ValidationError

from servicekit.secret_policy import secret_problem
from exchange.settings import ExchangeSettings
from sakot.settings import OWN_SECRETS, Settings


def strong() -> str:
    return secrets.token_urlsafe(32)


def strong_sakot(**override) -> dict:
    return {**{name: strong() for name in OWN_SECRETS}, **override}


@pytest.mark.parametrize("value, ok", [
    ("", False),
    ("dev-only-session-and-csrf-key", False),
    ("dev-only-" + secrets.token_urlsafe(32), False),  # long, but still the placeholder
    (secrets.token_urlsafe(32)[:42], False),            # 31 bytes
    (secrets.token_urlsafe(32), True),                  # 43 base64url characters = 32 bytes
    (secrets.token_hex(32)[:63], False),                # hex is counted as hex: 31 bytes
    (secrets.token_hex(32), True),
    ("a" * 64, False),                                  # long but not random
    ("ab" * 40, False),
    ("correct horse battery staple and more words", False),  # spaces: not a generated key
    ("k" * 40, False),
])
def test_what_counts_as_a_secret(value, ok):
    assert (secret_problem(value) is None) is ok, secret_problem(value)


def test_sakot_defaults_to_production_and_refuses_the_placeholders(monkeypatch):
    monkeypatch.delenv("SAKOT_ENV", raising=False)
    with pytest.raises(ValidationError) as error:
        Settings()
    message = str(error.value)
    assert "SAKOT_ENV=production" in message
    for name in OWN_SECRETS:
        assert f"SAKOT_{name.upper()} still holds the public development placeholder" in message


@pytest.mark.parametrize("env", ["production", "test"])
@pytest.mark.parametrize("name", OWN_SECRETS)
@pytest.mark.parametrize("bad, says", [
    ("", "is empty"),
    ("dev-only-whatever", "placeholder"),
    (secrets.token_urlsafe(16), "too short"),
])
def test_each_weak_sakot_secret_is_named(env, name, bad, says):
    with pytest.raises(ValidationError) as error:
        Settings(env=env, **strong_sakot(**{name: bad}))
    message = str(error.value)
    assert f"SAKOT_{name.upper()} {says}" in message or (
        f"SAKOT_{name.upper()}" in message and says in message)
    others = [n for n in OWN_SECRETS if n != name]
    assert not any(f"SAKOT_{n.upper()}" in message for n in others)  # only the culprit


def test_strong_secrets_start_outside_development():
    settings = Settings(env="production", **strong_sakot())
    assert settings.env == "production"


def test_an_empty_variable_is_unset_not_a_secret(monkeypatch):
    monkeypatch.setenv("SAKOT_SECRET_KEY", "")  # e.g. a copied .env.example
    with pytest.raises(ValidationError, match="SAKOT_SECRET_KEY"):
        Settings(env="production", **{k: v for k, v in strong_sakot().items()
                                      if k != "secret_key"})


def test_line_placeholder_refused_but_lines_own_secret_format_accepted():
    with pytest.raises(ValidationError, match="SAKOT_LINE_CHANNEL_SECRET"):
        Settings(env="production", line_channel_secret="dev-only-line-secret",
                 line_channel_access_token="x" * 100, **strong_sakot())
    # LINE issues 32 hex characters (16 bytes); it is LINE's secret, not ours to lengthen
    assert Settings(env="production", line_channel_secret=secrets.token_hex(16),
                    line_channel_access_token="x" * 100, **strong_sakot()).line_enabled


def test_explicit_development_accepts_the_placeholders():
    settings = Settings(env="development")
    assert settings.secret_key.get_secret_value().startswith("dev-only-")


def test_exchange_defaults_to_production_and_names_weak_secrets(monkeypatch):
    monkeypatch.delenv("SAKOT_ENV", raising=False)
    with pytest.raises(ValidationError) as error:
        ExchangeSettings()
    assert "SAKOT_EXCHANGE_MASTER_SECRET" in str(error.value)
    assert "SAKOT_EXCHANGE_CALLBACK_SECRET" in str(error.value)
    with pytest.raises(ValidationError, match="SAKOT_EXCHANGE_MASTER_SECRET is empty"):
        ExchangeSettings(env="production", master_secret="", callback_secret=strong())
    with pytest.raises(ValidationError, match="SAKOT_EXCHANGE_CALLBACK_SECRET is too short"):
        ExchangeSettings(env="production", master_secret=strong(), callback_secret="c" * 40)
    assert ExchangeSettings(env="production", master_secret=strong(),
                            callback_secret=strong()).env == "production"
    assert ExchangeSettings(env="development").is_development


def test_the_command_line_refuses_with_a_message_not_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SAKOT_") or k == "SAKOT_SECRETS_FILE"}
    env.update(SAKOT_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}", SAKOT_SECRETS_FILE="",
               SAKOT_SECRET_KEY="short")
    result = subprocess.run([sys.executable, "-m", "sakot", "migrate"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "SAKOT_SECRET_KEY is too short" in result.stderr
    assert "SAKOT_SIDECAR_TOKEN still holds the public development placeholder" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "x.db").exists()  # nothing ran


def test_doctor_says_which_secrets_are_development_placeholders():
    from sakot.cli.doctor import run_checks

    dev = next(c for c in run_checks(Settings(env="development")) if c.name == "secrets")
    assert "SAKOT_SECRET_KEY" in dev.detail and "refused anywhere else" in dev.fix
    strong_ = next(c for c in run_checks(Settings(env="production", **strong_sakot()))
                   if c.name == "secrets")
    assert strong_.ok and "strong" in strong_.detail and "SAKOT_" not in strong_.detail
