"""This machine's generated secrets (scripts/local_secrets.sh, run by scripts/setup.sh): created
once with mode 0600, strong, never overwritten, and read by both settings classes so a fresh
clone's `make run` needs no configuration while the embedded default stays fail-closed."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest

from servicekit.secret_policy import secret_problem
from exchange.settings import ExchangeSettings
from sakot.settings import PROJECT_ROOT, Settings

SCRIPT = PROJECT_ROOT / "scripts" / "local_secrets.sh"


def generate(path) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT)], env={**os.environ, "SAKOT_SECRETS_FILE": str(path)},
                          capture_output=True, text=True, timeout=60, check=True)


def values(path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines()
             if line and not line.startswith("#"))
    return dict(pairs)


def test_generated_once_private_strong_and_never_overwritten(tmp_path):
    path = tmp_path / "var" / "secrets.env"
    generate(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = values(path)
    assert written["SAKOT_ENV"] == "development"
    secrets_ = {k: v for k, v in written.items() if k != "SAKOT_ENV"}
    assert set(secrets_) == {"SAKOT_SECRET_KEY", "SAKOT_EXCHANGE_CALLBACK_SECRET",
                             "SAKOT_EXCHANGE_MASTER_SECRET", "SAKOT_SIDECAR_TOKEN"}
    assert all(secret_problem(v) is None for v in secrets_.values()), secrets_
    assert len(set(secrets_.values())) == len(secrets_)  # one value per purpose
    before = path.read_bytes()

    again = generate(path)
    assert path.read_bytes() == before  # reused, not regenerated
    assert "Generating" not in again.stdout
    assert [p.name for p in path.parent.iterdir()] == ["secrets.env"]  # no temp files left

    other = tmp_path / "other.env"
    generate(other)
    assert values(other)["SAKOT_SECRET_KEY"] != written["SAKOT_SECRET_KEY"]  # random per machine


def test_an_empty_secrets_file_variable_generates_nothing(tmp_path):
    subprocess.run([str(SCRIPT)], env={**os.environ, "SAKOT_SECRETS_FILE": ""}, cwd=tmp_path,
                   check=True, timeout=60)
    assert list(tmp_path.iterdir()) == []


def test_both_settings_classes_read_the_generated_file(tmp_path, monkeypatch):
    path = tmp_path / "secrets.env"
    generate(path)
    written = values(path)
    monkeypatch.delenv("SAKOT_ENV", raising=False)
    monkeypatch.delenv("SAKOT_SECRET_KEY", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("SAKOT_SECRETS_FILE", str(path))

    settings = Settings()
    assert settings.env == "development"  # the file says so explicitly
    assert settings.secret_key.get_secret_value() == written["SAKOT_SECRET_KEY"]
    assert settings.sidecar_token.get_secret_value() == written["SAKOT_SIDECAR_TOKEN"]
    exchange = ExchangeSettings()
    assert exchange.master_secret.get_secret_value() == written["SAKOT_EXCHANGE_MASTER_SECRET"]
    # the two services share the callback secret from the one file
    assert (exchange.callback_secret.get_secret_value()
            == settings.exchange_callback_secret.get_secret_value())

    # the environment wins over the file
    monkeypatch.setenv("SAKOT_SECRET_KEY", "from-the-environment")
    assert Settings().secret_key.get_secret_value() == "from-the-environment"


def test_without_the_file_nothing_falls_back_to_development(tmp_path, monkeypatch):
    monkeypatch.delenv("SAKOT_ENV", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAKOT_SECRETS_FILE", str(tmp_path / "missing.env"))
    with pytest.raises(ValueError, match="SAKOT_SECRET_KEY"):
        Settings()


def test_setup_generates_the_file_before_anything_reads_settings():
    setup = (PROJECT_ROOT / "scripts" / "setup.sh").read_text()
    assert setup.index("scripts/local_secrets.sh") < setup.index("sakot migrate")
    ignored = subprocess.run(["git", "check-ignore", "-q", "var/secrets.env"], cwd=PROJECT_ROOT)
    assert ignored.returncode == 0  # never committed
