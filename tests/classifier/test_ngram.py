"""The scam-type n-gram model: trains on a tiny set, calibrates, round-trips, caches by input hash."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.classifier.ngram import MODEL_FILE, NgramConfig, NgramScamModel, fit_temperature
from tooling.classifier.ngram_build import build_ngram, input_hash, training_pairs

TEXTS = {
    "loan": ["กู้เงินด่วน อนุมัติไว ต้องโอนค่าทำสัญญาก่อน", "สินเชื่อออนไลน์ให้จ่ายค่าค้ำประกัน",
             "เงินกู้ไม่ต้องใช้คนค้ำ โอนค่าธรรมเนียมก่อน", "loan approved, pay the fee first",
             "ปล่อยกู้นอกระบบ เก็บค่าเปิดบัญชี", "กู้ผ่านแอป ให้โอนค่าประกันเงินกู้"],
    "crypto": ["ลงทุนเหรียญ usdt ถอนไม่ได้", "กระเป๋าคริปโตโดนดูด bitcoin หายหมด",
               "เทรดบิตคอยน์กับเว็บปลอม ถอนเหรียญไม่ได้", "my usdt wallet was drained",
               "โอน usdt ไปแล้วเว็บปิด", "ขุดเหรียญคริปโตแล้วโดนโกง"],
    "job_task": ["งานเสริมกดไลก์ ได้ค่าคอม ต้องโอนทำยอด", "รับงานรีวิวสินค้า ให้โอนเงินทำภารกิจ",
                 "งานออนไลน์ทำที่บ้าน ต้องเติมเงินก่อน", "part time job liking videos, pay to unlock",
                 "ภารกิจกดไลก์ได้เงิน โอนเพิ่มถึงจะถอนได้", "สมัครงานแพ็คของ ให้จ่ายค่าชุด"],
}
PAIRS = [(t, label) for label, texts in TEXTS.items() for t in texts]
SMALL = NgramConfig(calibration_folds=3)


@pytest.fixture(scope="module")
def model() -> NgramScamModel:
    return NgramScamModel.fit([t for t, _ in PAIRS], [s for _, s in PAIRS], SMALL)


def test_learns_the_types_and_gives_distributions(model: NgramScamModel) -> None:
    probe = ["อยากกู้เงิน เขาให้โอนค่าทำสัญญา", "ถอน usdt ไม่ได้เลย", "งานกดไลก์ให้โอนทำยอด"]
    assert model.predict(probe) == ["loan", "crypto", "job_task"]
    p = model.predict_proba(probe)
    assert p.shape == (3, 3)
    assert np.allclose(p.sum(axis=1), 1.0) and (p >= 0).all()
    assert model.labels == ("crypto", "job_task", "loan")
    assert model.temperature > 0 and model.meta["calibration_folds"] == 3


def test_save_load_round_trip(model: NgramScamModel, tmp_path: Path) -> None:
    probe = ["กู้เงินด่วน", "เหรียญคริปโต", "hello", ""]
    loaded = NgramScamModel.load(model.save(tmp_path / "m" / MODEL_FILE))
    assert loaded.labels == model.labels and loaded.temperature == model.temperature
    assert np.allclose(loaded.predict_proba(probe), model.predict_proba(probe))


def test_load_refuses_a_foreign_file(tmp_path: Path) -> None:
    import joblib

    joblib.dump({"something": "else"}, tmp_path / "x.joblib")
    with pytest.raises(ValueError, match="not an n-gram model"):
        NgramScamModel.load(tmp_path / "x.joblib")


def test_logistic_regression_variant_is_calibrated_too() -> None:
    lr = NgramScamModel.fit([t for t, _ in PAIRS], [s for _, s in PAIRS],
                            NgramConfig(model="lr", c=10.0, calibration_folds=3))
    p = lr.predict_proba(["อยากกู้เงิน เขาให้โอนค่าทำสัญญา"])
    assert lr.predict(["อยากกู้เงิน เขาให้โอนค่าทำสัญญา"]) == ["loan"]
    assert np.isclose(p.sum(), 1.0) and lr.temperature > 0
    with pytest.raises(ValueError, match="'lr' or 'svm'"):
        NgramScamModel.fit(["a", "b"], ["x", "y"], NgramConfig(model="tree"))


def test_needs_two_types() -> None:
    with pytest.raises(ValueError, match="two scam types"):
        NgramScamModel.fit(["กู้เงิน", "กู้ด่วน"], ["loan", "loan"])


def test_fit_temperature_softens_overconfident_scores() -> None:
    # Scores that put 20 nats on the argmax but are right only 3 times in 4: the NLL-best
    # temperature must spread them (T well above 1), and confident right scores sharpen.
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 400)
    guess = np.where(rng.random(400) < 0.75, gold, (gold + 1) % 3)
    scores = np.zeros((400, 3))
    scores[np.arange(400), guess] = 20.0
    assert fit_temperature(scores, gold) > 5.0
    assert fit_temperature(scores / 20.0, guess) < 0.5


def test_very_long_text_is_read_up_to_the_cap(model: NgramScamModel) -> None:
    long = "กู้เงินด่วน อนุมัติไว โอนค่าทำสัญญา " * 20_000
    assert model.predict([long]) == ["loan"]


def test_build_caches_by_input_hash(tiny_data: Path, tmp_path: Path) -> None:
    models, cache = tmp_path / "models", tmp_path / "cache"
    assert {s for _, s in training_pairs(tiny_data)} == {"online_shopping", "remote_app"}
    first = build_ngram(data_root=tiny_data, models_dir=models, cache_dir=cache, config=SMALL)
    assert (models / "ngram" / MODEL_FILE).exists()
    assert first.name == input_hash(tiny_data, SMALL)
    stamp = (first / MODEL_FILE).stat().st_mtime_ns
    again = build_ngram(data_root=tiny_data, models_dir=models, cache_dir=cache, config=SMALL)
    assert again == first and (first / MODEL_FILE).stat().st_mtime_ns == stamp  # reused
    # New training data -> new hash -> a new model, and models/ngram points at it.
    extra = tiny_data / "train" / "more.yml"
    extra.write_text('version: "3.1"\nnlu:\n- intent: report_scam\n  metadata:\n'
                     '    scam_type: remote_app\n  examples: |\n    - ลงแอปปลอมแล้วเงินหาย\n',
                     encoding="utf-8")
    changed = build_ngram(data_root=tiny_data, models_dir=models, cache_dir=cache, config=SMALL)
    assert changed != first and (models / "ngram").resolve() == changed.resolve()
    loaded = NgramScamModel.load(models / "ngram" / MODEL_FILE)
    assert loaded.predict(["โหลดแอปแล้วเงินในบัญชีหาย"]) == ["remote_app"]
