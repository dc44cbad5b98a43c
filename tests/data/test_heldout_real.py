"""The realistic held-out split (issue 13) is written apart from the training data: no example
leaks from train into it, and it covers every scam type."""

from __future__ import annotations

from pathlib import Path

from bot.scam_types import ScamType
from tooling.data_check import leaks
from tooling.nlu_data import load_examples, load_file

ROOT = Path(__file__).resolve().parents[2] / "nlu_data"


def _heldout_real():
    return [e for path in sorted((ROOT / "heldout_real").glob("*.yml")) for e in load_file(path)]


def test_every_scam_type_has_realistic_heldout_reports():
    types = {e.scam_type for e in _heldout_real() if e.intent == "report_scam"}
    assert types == {t.value for t in ScamType}


def test_no_training_example_leaks_into_the_realistic_heldout_split():
    assert leaks(load_examples(ROOT, "train"), _heldout_real()) == []
