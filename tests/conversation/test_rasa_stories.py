"""`rasa test core` on dialogue/tests/test_stories.yml: every conversation path predicted as
written (the dialogue policy alone; no NLU, no action server needed)."""

from __future__ import annotations

import os
import subprocess

import pytest

from sakot.rasa_env import DIALOGUE_DIR, RASA
from sakot.settings import PROJECT_ROOT
from tooling.dialogue_model import build

pytestmark = pytest.mark.rasa


def test_rasa_test_stories_all_pass(tmp_path):
    build(quiet=True)
    out = tmp_path / "results"
    proc = subprocess.run(
        [str(RASA), "test", "core", "--model", str(PROJECT_ROOT / "models" / "rasa"),
         "--stories", str(DIALOGUE_DIR / "tests" / "test_stories.yml"), "--out", str(out),
         "--fail-on-prediction-errors"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    failed = (out / "failed_test_stories.yml")
    report = failed.read_text() if failed.exists() else proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.returncode == 0, report
    assert "None of the test stories failed" in failed.read_text()
    stories = (DIALOGUE_DIR / "tests" / "test_stories.yml").read_text().count("- story:")
    assert stories >= 15
