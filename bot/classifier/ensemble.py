"""The product's classifier: the transformer, with its scam type pooled with the n-gram model's.

The transformer decides the intent, the situation and whether the message is a report at all
(``Prediction.scam_type`` stays ``None`` where it was); only the scam-type distribution changes:
``p = w · p_transformer + (1 − w) · p_ngram`` (a linear pool of two calibrated distributions;
``method="geometric"`` gives the renormalised weighted geometric mean instead). The weight and
the method were chosen on the material we may tune on (``nlu_data/heldout``, the real
``narratives_dev`` and ``sms_lures`` sets) by ``benchmarks/scam_type_real.py``; the table is in
``benchmarks/results/scam_type_real.md``.

Labels are the transformer's (``scam_types`` order); an n-gram label the transformer lacks is
dropped, a transformer label the n-gram model lacks gets n-gram probability 0.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bot.classifier import DEFAULT_THRESHOLD, Prediction

# Chosen by benchmarks/scam_type_real.py (see the module docstring): with the 256-token
# transformer 904b207a (stop 19) and the SVM n-gram model, mean product macro-F1 on the
# selection sets is 0.919 at linear w=0.4 (0.912 at 0.3, 0.914 at 0.2), against 0.840 for the
# transformer alone (w=1) and 0.902 for the n-gram model alone (w=0).
DEFAULT_WEIGHT = 0.4
DEFAULT_METHOD = "linear"
METHODS = ("linear", "geometric")
_EPS = 1e-6


def combine(p_transformer: np.ndarray, p_ngram: np.ndarray, *, weight: float,
            method: str = DEFAULT_METHOD) -> np.ndarray:
    """Pool two (n, k) probability matrices over the same labels; rows sum to 1."""
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight must lie in [0, 1], not {weight}")
    if p_transformer.shape != p_ngram.shape:
        raise ValueError(f"shapes differ: {p_transformer.shape} vs {p_ngram.shape}")
    if method == "linear":
        out = weight * p_transformer + (1.0 - weight) * p_ngram
    elif method == "geometric":
        log_p = (weight * np.log(np.clip(p_transformer, _EPS, 1.0))
                 + (1.0 - weight) * np.log(np.clip(p_ngram, _EPS, 1.0)))
        out = np.exp(log_p - log_p.max(axis=1, keepdims=True))
    else:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    return out / out.sum(axis=1, keepdims=True)


def aligned(p: np.ndarray, labels: tuple[str, ...] | list[str], target: list[str]) -> np.ndarray:
    """Columns of ``p`` (over ``labels``) reordered to ``target``; absent labels get 0."""
    out = np.zeros((p.shape[0], len(target)))
    index = {lab: j for j, lab in enumerate(labels)}
    for k, lab in enumerate(target):
        if lab in index:
            out[:, k] = p[:, index[lab]]
    sums = out.sum(axis=1, keepdims=True)
    return np.divide(out, sums, out=np.full_like(out, 1.0 / max(len(target), 1)),
                     where=sums > 0)


class EnsembleClassifier:
    """A :class:`bot.classifier.Classifier`; thread-safe as its parts are."""

    def __init__(self, transformer, ngram, *, weight: float = DEFAULT_WEIGHT,
                 method: str = DEFAULT_METHOD, threshold: float | None = None) -> None:
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not {method!r}")
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"weight must lie in [0, 1], not {weight}")
        self.transformer = transformer
        self.ngram = ngram
        self.weight = weight
        self.method = method
        self.threshold = (threshold if threshold is not None
                          else getattr(transformer, "threshold", DEFAULT_THRESHOLD))

    # What callers read off the transformer (label sets, metadata) stays reachable.
    @property
    def intents(self) -> list[str]:
        return list(self.transformer.intents)

    @property
    def scam_types(self) -> list[str]:
        return list(self.transformer.scam_types)

    @property
    def situations(self) -> list[str]:
        return list(self.transformer.situations)

    @property
    def meta(self):
        return self.transformer.meta

    def windows(self, text: str) -> list[list[int]]:
        """How the transformer cuts ``text`` (the n-gram model reads the whole text)."""
        return self.transformer.windows(text)

    def classify(self, texts: list[str]) -> list[Prediction]:
        if not texts:
            return []
        preds = self.transformer.classify(texts)
        labels = [lab for lab, _ in preds[0].scam_type_ranking]
        if not labels:  # a transformer without a scam-type head: nothing to pool
            return preds
        p_t = np.array([[dict(p.scam_type_ranking)[lab] for lab in labels] for p in preds])
        p_n = aligned(self.ngram.predict_proba(texts), self.ngram.labels, labels)
        pooled = combine(p_t, p_n, weight=self.weight, method=self.method)
        return [self._with_scam_type(p, labels, row) for p, row in zip(preds, pooled, strict=True)]

    def _with_scam_type(self, pred: Prediction, labels: list[str], row: np.ndarray) -> Prediction:
        order = np.argsort(-row, kind="stable")
        conf = float(row[order[0]])
        is_report = pred.scam_type is not None
        scam_unsure = is_report and conf < self.threshold
        return replace(
            pred,
            scam_type=labels[order[0]] if is_report else None,
            scam_type_confidence=conf,
            scam_type_ranking=tuple((labels[k], float(row[k])) for k in order),
            scam_type_uncertain=scam_unsure,
            uncertain=pred.intent_uncertain or scam_unsure,
        )
