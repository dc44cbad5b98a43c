"""The ensemble: pools the scam-type distributions, keeps the transformer's intent and situation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.classifier import Classifier, Prediction, load_classifier
from bot.classifier.ensemble import EnsembleClassifier, aligned, combine

LABELS = ["loan", "crypto", "job_task"]


class FakeTransformer:
    """Fixed transformer output: intent ``report_scam`` unless the text says hello."""

    threshold = 0.5
    intents = ["report_scam", "greet"]
    scam_types = LABELS
    situations = ["money_paid"]
    meta = None

    def __init__(self, scam: dict[str, float]) -> None:
        self.scam = scam

    def classify(self, texts: list[str]) -> list[Prediction]:
        ranking = tuple(sorted(self.scam.items(), key=lambda kv: -kv[1]))
        out = []
        for t in texts:
            report = "hello" not in t
            out.append(Prediction(
                intent="report_scam" if report else "greet", intent_confidence=0.9,
                intent_ranking=(("report_scam", 0.9), ("greet", 0.1)) if report
                else (("greet", 0.9), ("report_scam", 0.1)),
                scam_type=ranking[0][0] if report else None,
                scam_type_confidence=ranking[0][1], uncertain=False, scam_type_ranking=ranking,
                situation=("money_paid",), situation_scores=(("money_paid", 0.8),),
                report_probability=0.9 if report else 0.1))
        return out


class FakeNgram:
    labels = ("crypto", "job_task", "loan", "romance")  # another order, one extra label

    def __init__(self, row: list[float]) -> None:
        self.row = np.array(row)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.tile(self.row, (len(texts), 1))


TRANSFORMER = {"loan": 0.6, "crypto": 0.3, "job_task": 0.1}
NGRAM = [0.7, 0.1, 0.1, 0.1]  # crypto 0.7, job_task 0.1, loan 0.1, romance 0.1


@pytest.mark.parametrize("method", ["linear", "geometric"])
def test_combine_is_a_distribution(method: str) -> None:
    rng = np.random.default_rng(1)
    a, b = rng.dirichlet(np.ones(5), 20), rng.dirichlet(np.ones(5), 20)
    b[0] = [1.0, 0.0, 0.0, 0.0, 0.0]  # hard zeros must not break the geometric mean
    for w in (0.0, 0.3, 1.0):
        p = combine(a, b, weight=w, method=method)
        assert p.shape == a.shape and (p >= 0).all() and np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose(combine(a, b, weight=1.0, method="linear"), a)
    assert np.allclose(combine(a, b, weight=0.0, method="linear"), b)


def test_combine_rejects_bad_arguments() -> None:
    a = np.full((1, 2), 0.5)
    with pytest.raises(ValueError):
        combine(a, a, weight=1.5)
    with pytest.raises(ValueError):
        combine(a, a, weight=0.5, method="max")
    with pytest.raises(ValueError):
        combine(a, np.full((1, 3), 1 / 3), weight=0.5)


def test_aligned_reorders_drops_and_renormalises() -> None:
    p = aligned(np.array([[0.7, 0.1, 0.1, 0.1]]), FakeNgram.labels, LABELS)
    assert np.allclose(p, [[0.1 / 0.9, 0.7 / 0.9, 0.1 / 0.9]])


def test_weight_moves_the_decision() -> None:
    texts = ["เขาให้โอนเงิน"]
    leaning_transformer = EnsembleClassifier(FakeTransformer(TRANSFORMER), FakeNgram(NGRAM),
                                             weight=0.9)
    leaning_ngram = EnsembleClassifier(FakeTransformer(TRANSFORMER), FakeNgram(NGRAM),
                                       weight=0.2)
    assert isinstance(leaning_ngram, Classifier)
    assert leaning_transformer.classify(texts)[0].scam_type == "loan"
    pred = leaning_ngram.classify(texts)[0]
    assert pred.scam_type == "crypto"
    ranking = dict(pred.scam_type_ranking)
    assert set(ranking) == set(LABELS)
    assert sum(ranking.values()) == pytest.approx(1.0)
    # crypto: 0.2 * 0.3 + 0.8 * (0.7 / 0.9)
    assert pred.scam_type_confidence == pytest.approx(0.2 * 0.3 + 0.8 * 0.7 / 0.9)
    assert [lab for lab, _ in pred.scam_type_ranking][0] == "crypto"


def test_intent_situation_and_report_decision_stay_the_transformers() -> None:
    ens = EnsembleClassifier(FakeTransformer(TRANSFORMER), FakeNgram(NGRAM), weight=0.2)
    report, greeting = ens.classify(["โดนโกง", "hello"])
    assert report.intent == "report_scam" and report.situation == ("money_paid",)
    assert greeting.intent == "greet" and greeting.scam_type is None
    assert greeting.scam_type_ranking[0][0] == "crypto"  # still ranked, like the transformer
    assert not greeting.scam_type_uncertain
    assert ens.classify([]) == []


def test_uncertain_follows_the_pooled_confidence() -> None:
    flat_ngram = FakeNgram([0.25, 0.25, 0.25, 0.25])
    ens = EnsembleClassifier(FakeTransformer(TRANSFORMER), flat_ngram, weight=0.5)
    pred = ens.classify(["โดนโกง"])[0]
    # loan: 0.5 * 0.6 + 0.5 * (1/3) < 0.5 although the transformer alone was sure enough.
    assert pred.scam_type == "loan" and pred.scam_type_uncertain and pred.uncertain
    sure = EnsembleClassifier(FakeTransformer(TRANSFORMER), FakeNgram([0.0, 0.0, 1.0, 0.0]),
                              weight=0.5).classify(["โดนโกง"])[0]
    assert not sure.uncertain and sure.scam_type_confidence == pytest.approx(0.8)


def test_load_classifier_uses_the_ngram_model_beside_the_transformer(
        tiny_data: Path, tiny_base: Path, tmp_path: Path) -> None:
    from bot.classifier.ngram import NgramConfig
    from tooling.classifier.ngram_build import build_ngram
    from tooling.classifier.train import TrainConfig, build_classifier

    models, cache = tmp_path / "models", tmp_path / "cache"
    build_classifier(data_root=tiny_data, base_dir=tiny_base, models_dir=models,
                     cache_dir=cache, config=TrainConfig(epochs=1, max_steps=2, batch_size=4))
    alone = load_classifier(models / "classifier")
    assert not isinstance(alone, EnsembleClassifier)
    build_ngram(data_root=tiny_data, models_dir=models, cache_dir=cache,
                config=NgramConfig(calibration_folds=3))
    ens = load_classifier(models / "classifier")
    assert isinstance(ens, EnsembleClassifier)
    assert not isinstance(load_classifier(models / "classifier", ensemble=False),
                          EnsembleClassifier)
    pred = ens.classify(["ลงแอปจากลิงก์ เงินหายหมด", "สวัสดีครับ"])
    for p in pred:
        assert sum(v for _, v in p.scam_type_ranking) == pytest.approx(1.0)
    # The random tiny transformer knows nothing; the n-gram model pulls the type its way.
    assert dict(pred[0].scam_type_ranking)["remote_app"] > dict(
        alone.classify(["ลงแอปจากลิงก์ เงินหายหมด"])[0].scam_type_ranking)["remote_app"]


def test_windows_are_the_transformers() -> None:
    class Windowed(FakeTransformer):
        def windows(self, text: str) -> list[list[int]]:
            return [[1, 2], [2, 3]] if len(text) > 5 else [[1]]

    ens = EnsembleClassifier(Windowed(TRANSFORMER), FakeNgram(NGRAM))
    assert ens.windows("long text") == [[1, 2], [2, 3]] and ens.windows("hi") == [[1]]
    assert ens.scam_types == LABELS and ens.intents == ["report_scam", "greet"]
