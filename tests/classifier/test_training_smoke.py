"""Seconds-long training on a tiny random BERT: the whole pipeline, always run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.classifier import Classifier, Prediction, load_classifier
from bot.scam_types import ScamType
from tooling.classifier import train as train_mod
from tooling.classifier.train import build_classifier, smoke_config, train_classifier


def test_train_writes_model_labels_metrics_and_plots(tiny_data: Path, tiny_base: Path,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "clf"
    metrics = train_classifier(data_root=tiny_data, base_dir=tiny_base, out_dir=out,
                               config=smoke_config(max_steps=4))
    assert metrics["labels"]["intents"] == ["greet", "report_scam"]
    assert metrics["labels"]["scam_types"] == [s.value for s in ScamType]
    assert metrics["heldout"]["intent"]["n"] == 3
    assert metrics["heldout"]["scam_type"]["n"] == 2
    assert set(metrics["heldout"]["scam_type"]["per_class"]) == {"online_shopping", "remote_app"}
    assert metrics["calibration"]["intent_temperature"] > 0
    for name in ("config.json", "model.safetensors", "tokenizer.json", "metrics.json",
                 "confusion_intent.png", "confusion_scam_type.png"):
        assert (out / name).exists(), name
    # the label mapping lives inside the model
    config = json.loads((out / "config.json").read_text())
    assert config["sakot"]["intents"] == ["greet", "report_scam"]
    assert config["id2label"] == {"0": "greet", "1": "report_scam"}

    clf = load_classifier(out, quantize=False, threshold=0.0)
    assert isinstance(clf, Classifier)
    preds = clf.classify(["สวัสดีครับ", "ลงแอปแล้วเงินหาย  "])
    assert len(preds) == 2 and all(isinstance(p, Prediction) for p in preds)
    for p in preds:
        assert p.intent in ("greet", "report_scam")
        assert abs(sum(c for _, c in p.intent_ranking) - 1.0) < 1e-4
        assert p.intent_ranking[0] == (p.intent, p.intent_confidence)
        assert (p.scam_type is not None) == (p.intent == "report_scam")
        assert p.uncertain is False  # threshold 0
    assert load_classifier(out, quantize=False, threshold=1.01).classify(["hi"])[0].uncertain
    assert clf.classify([]) == []


def test_training_is_reproducible(tiny_data: Path, tiny_base: Path, tmp_path: Path) -> None:
    texts = ["สั่งของไม่ได้ของ", "hello"]
    logits = []
    for run in ("a", "b"):
        train_classifier(data_root=tiny_data, base_dir=tiny_base, out_dir=tmp_path / run,
                         config=smoke_config(max_steps=3))
        logits.append(load_classifier(tmp_path / run, quantize=False).logits(texts)[0])
    np.testing.assert_allclose(logits[0], logits[1], atol=1e-6)


def test_cache_reuses_model_until_inputs_change(tiny_data: Path, tiny_base: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = train_mod.train_classifier

    def counting(**kwargs):
        calls.append(1)
        return real(**kwargs)

    monkeypatch.setattr(train_mod, "train_classifier", counting)
    kw = dict(data_root=tiny_data, base_dir=tiny_base, models_dir=tmp_path / "models",
              cache_dir=tmp_path / "cache", config=smoke_config(max_steps=2))
    first = build_classifier(**kw)
    second = build_classifier(**kw)
    assert first == second and len(calls) == 1
    link = tmp_path / "models" / "classifier"
    assert (link / "metrics.json").exists() and link.resolve() == first.resolve()
    assert first.parent == tmp_path / "cache" / "classifier"

    with (tiny_data / "train" / "tiny.yml").open("a", encoding="utf-8") as fh:
        fh.write("    - ดีจ้า\n")
    third = build_classifier(**kw)
    assert third != first and len(calls) == 2
    assert link.resolve() == third.resolve()


def test_int8_quantised_model_agrees(tiny_data: Path, tiny_base: Path, tmp_path: Path) -> None:
    train_classifier(data_root=tiny_data, base_dir=tiny_base, out_dir=tmp_path / "m",
                     config=smoke_config(max_steps=2))
    texts = ["สั่งของไม่ได้ของ", "hello", "ลงแอปแล้วเงินหาย"]
    fp32 = load_classifier(tmp_path / "m", quantize=False).logits(texts)[0]
    int8 = load_classifier(tmp_path / "m", quantize=True).logits(texts)[0]
    assert np.abs(fp32 - int8).max() < 0.1


def test_base_model_from_a_local_checkpoint(tiny_base: Path, tmp_path: Path) -> None:
    """SAKOT_BASE_MODEL may name any Hugging Face model id or local path: same code path."""
    from tooling.classifier.convert import BaseSpec, build_base, read_stamp

    out = build_base(tmp_path / "converted", BaseSpec(source=str(tiny_base)))
    stamp = read_stamp(out)
    assert stamp["source"] == str(tiny_base) and stamp["pruned"] is False
    assert (out / "config.json").exists() and (out / "tokenizer.json").exists()
    mtime = (out / "config.json").stat().st_mtime_ns
    assert build_base(out, BaseSpec(source=str(tiny_base))) == out  # skipped: same inputs
    assert (out / "config.json").stat().st_mtime_ns == mtime


def test_situation_head_is_trained_thresholded_saved_and_evaluated(
        tiny_data: Path, tiny_base: Path, tmp_path: Path) -> None:
    out = tmp_path / "clf"
    metrics = train_classifier(data_root=tiny_data, base_dir=tiny_base, out_dir=out,
                               config=smoke_config(max_steps=4, situation_calib_fraction=0.5))
    labels = ["money_paid", "still_leaving", "on_line_now", "app_installed",
              "victim_in_distress"]
    assert metrics["labels"]["situations"] == labels
    assert metrics["situation_train_examples"] > 0
    sakot = json.loads((out / "config.json").read_text())["sakot"]
    assert sakot["situations"] == labels and set(sakot["situation_thresholds"]) == set(labels)
    assert all(0.15 <= t <= 0.85 for t in sakot["situation_thresholds"].values())
    held = metrics["situation_heldout"]
    assert held["n"] == 2 and held["per_label"]["money_paid"]["support"] == 1

    clf = load_classifier(out)
    (p,) = clf.classify(["โอนไปแล้วค่ะ"])
    assert [label for label, _ in p.situation_scores] == labels
    assert all(0.0 <= s <= 1.0 for _, s in p.situation_scores)
    want = tuple(label for label, s in p.situation_scores
                 if s >= sakot["situation_thresholds"][label])
    assert p.situation == want


def test_situation_data_is_part_of_the_cache_key(tiny_data: Path, tiny_base: Path) -> None:
    before = train_mod.input_hash(tiny_data, tiny_base, smoke_config())
    with (tiny_data / "situation" / "train.yml").open("a", encoding="utf-8") as fh:
        fh.write("  - text: ลงแอปแล้วค่ะ\n    metadata:\n      situation: [app_installed]\n")
    assert train_mod.input_hash(tiny_data, tiny_base, smoke_config()) != before


def test_choose_thresholds_prefers_the_f1_best_and_stays_in_bounds() -> None:
    from tooling.classifier.train import choose_thresholds

    probs = np.array([[0.9, 0.99], [0.7, 0.98], [0.4, 0.97], [0.2, 0.96]])
    gold = np.array([[1, 0], [1, 0], [0, 0], [0, 0]])
    t = choose_thresholds(probs, gold, ["a", "b"])
    assert t["b"] == 0.5  # no positives on the calibration split: the default
    # F1-best is the lowest threshold above 0.4 (ties: fewer victims missed), shrunk towards
    # 0.5 by the number of positives behind it
    many = choose_thresholds(np.repeat(probs, 100, axis=0), np.repeat(gold, 100, axis=0), ["a"])
    assert 0.4 < many["a"] < 0.44 < t["a"] < 0.5
