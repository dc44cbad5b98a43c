"""The situation-head data: loader contract and the real training split."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.classifier import SITUATION_LABELS
from tooling.data_check import normalize
from tooling.nlu_data import (
    NluDataError,
    load_examples,
    load_situation,
)

DATA = Path(__file__).resolve().parents[2] / "nlu_data"


def _write(root: Path, body: str, part: str = "train") -> Path:
    (root / "situation").mkdir(parents=True, exist_ok=True)
    (root / "situation" / f"{part}.yml").write_text('version: "3.1"\nnlu:\n' + body,
                                                    encoding="utf-8")
    return root


def test_labels_scam_type_and_negatives_are_read(tmp_path: Path) -> None:
    root = _write(tmp_path, """\
- intent: report_scam
  examples:
  - text: |
      เมื่อกี้โอนไป 3,000 ค่ะ
    metadata:
      situation: [on_line_now, money_paid]
      scam_type: call_center
  - text: ยังไม่ได้โอนค่ะ
    metadata:
      situation: []
""")
    a, b = load_situation(root)
    assert a.text == "เมื่อกี้โอนไป 3,000 ค่ะ" and a.intent == "report_scam"
    assert a.situation == ("money_paid", "on_line_now")  # canonical order
    assert a.scam_type == "call_center"
    assert b.situation == () and b.scam_type is None


def test_unknown_label_names_file_and_line(tmp_path: Path) -> None:
    root = _write(tmp_path, """\
- intent: report_scam
  examples:
  - text: โอนแล้ว
    metadata:
      situation: [money_sent]
""")
    with pytest.raises(NluDataError) as err:
        load_situation(root)
    assert "train.yml:5" in str(err.value) and "money_sent" in str(err.value)


def test_example_without_situation_is_refused(tmp_path: Path) -> None:
    root = _write(tmp_path, """\
- intent: report_scam
  examples:
  - text: โอนแล้ว
""")
    with pytest.raises(NluDataError, match="situation"):
        load_situation(root)


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_situation(tmp_path, "heldout")


def test_real_training_split_is_big_varied_and_has_hard_negatives() -> None:
    examples = load_situation(DATA, "train")
    assert len(examples) >= 700
    counts = Counter(label for ex in examples for label in ex.situation or ())
    assert set(counts) == set(SITUATION_LABELS)
    assert min(counts.values()) >= 40, counts
    negatives = [ex for ex in examples if not ex.situation]
    assert len(negatives) >= 200
    negated = [ex for ex in negatives
               if any(w in ex.text for w in ("ยังไม่ได้โอน", "ไม่ได้โอน", "ไม่ได้ลงแอป", "เกือบ",
                                             "haven't", "didn't", "did not"))]
    assert len(negated) >= 40
    assert sum(len(ex.text) > 200 for ex in examples) >= 20  # long multi-event messages
    assert sum(ex.text.isascii() for ex in examples) >= 60  # English
    texts = [normalize(ex.text) for ex in examples]
    assert len(set(texts)) == len(texts), "duplicate examples"
    intents = {e.intent for e in load_examples(DATA, "train")}
    assert {ex.intent for ex in examples} <= intents  # only intents the dialogue knows


def test_heldout_split_does_not_repeat_training_texts() -> None:
    if not (DATA / "situation" / "heldout.yml").exists():
        pytest.skip("no held-out situation split yet")
    train = {normalize(ex.text) for ex in load_situation(DATA, "train")}
    held = [normalize(ex.text) for ex in load_situation(DATA, "heldout")]
    assert not [t for t in held if t in train]
