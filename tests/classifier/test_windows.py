"""Long messages are read in overlapping windows whose predictions are pooled (tiny model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.classifier.inference import TransformerClassifier, split_windows
from tooling.classifier.train import smoke_config, train_classifier


def test_split_windows_covers_everything_with_overlap() -> None:
    body = list(range(1000))
    pieces = split_windows(body, 250, 64)
    assert all(len(p) <= 250 for p in pieces)
    assert pieces[0][0] == 0 and pieces[-1][-1] == 999
    for a, b in zip(pieces, pieces[1:], strict=False):
        assert a[-64:] == b[:64]  # neighbours share the overlap
    assert split_windows(body[:10], 250, 64) == [body[:10]]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.classifier.conftest import (
        HELDOUT,
        SITUATION_HELDOUT,
        SITUATION_TRAIN,
        TRAIN,
        make_tiny_base,
    )

    root = tmp_path_factory.mktemp("win")
    data = root / "nlu_data"
    for sub, name, text in (("train", "t.yml", TRAIN), ("heldout", "h.yml", HELDOUT),
                            ("situation", "train.yml", SITUATION_TRAIN),
                            ("situation", "heldout.yml", SITUATION_HELDOUT)):
        (data / sub).mkdir(parents=True, exist_ok=True)
        (data / sub / name).write_text(text, encoding="utf-8")
    texts = (TRAIN + HELDOUT + SITUATION_TRAIN + SITUATION_HELDOUT).splitlines() + ["query: "]
    base = make_tiny_base(root / "base", texts)
    out = root / "clf"
    train_classifier(data_root=data, base_dir=base, out_dir=out, config=smoke_config(max_steps=3))
    return out


def test_a_long_message_is_pooled_over_its_windows(tiny_model: Path) -> None:
    clf = TransformerClassifier(tiny_model, max_length=24, overlap=6)
    text = " ".join(["ลงแอปแล้วเงินหาย", "สั่งของในเฟซ โอนไปแล้วไม่ได้ของ"] * 12)
    windows = clf.windows(text)
    assert len(windows) > 3 and all(len(w) <= 24 for w in windows)
    whole = clf.tokenizer(clf.meta.text_prefix + text)["input_ids"]
    assert all(w[:4] == whole[:4] and w[-1] == whole[-1] for w in windows)  # prefix, specials

    li, ls, lz = clf._forward(windows)
    pi, ps, pz = clf.probabilities([text])
    e = np.exp(li / clf.meta.intent_temperature - (li / clf.meta.intent_temperature).max(1)[:, None])
    np.testing.assert_allclose(pi[0], (e / e.sum(1, keepdims=True)).mean(0), atol=1e-5)
    np.testing.assert_allclose(pz[0], (1 / (1 + np.exp(-lz))).max(0), atol=1e-5)  # max pooling

    (pred,) = clf.classify([text])
    assert pred.situation_scores and [s for s, _ in pred.situation_scores] == clf.situations
    assert set(pred.situation) <= set(clf.situations)


def test_short_message_is_one_window_encoded_as_in_training(tiny_model: Path) -> None:
    clf = TransformerClassifier(tiny_model)
    ids = clf.tokenizer(clf.meta.text_prefix + "สวัสดีครับ")["input_ids"]
    assert clf.windows("  สวัสดีครับ ") == [ids]


def test_batches_mix_short_and_long_messages(tiny_model: Path) -> None:
    clf = TransformerClassifier(tiny_model, max_length=24, overlap=6)
    long_text = "ลงแอปแล้วเงินหาย " * 20
    alone = clf.probabilities([long_text])
    mixed = clf.probabilities(["สวัสดีครับ", long_text, "hello"])
    for a, m in zip(alone, mixed, strict=True):
        np.testing.assert_allclose(a[0], m[1], atol=1e-5)  # padding never leaks into results
