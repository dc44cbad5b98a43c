"""A calibrated word/character n-gram model of the scam type, the transformer's ensemble partner.

Features: TF-IDF over PyThaiNLP ``newmm`` word 1–2-grams plus ``char_wb`` 2–5-grams (sublinear
tf), fed to a class-balanced linear model (a linear SVM by default; see :class:`NgramConfig`). On real text (forwarded lures, news-style narratives)
surface cues such as "กู้", "ค่าธรรมเนียม", "usdt" or a pasted link carry the type, and such a model
holds up where the transformer, trained on short chat messages, drifts (issue 13;
benchmarks/results/scam_type_real.md).

Calibration: one temperature on the linear model's scores, fitted by minimising the negative
log-likelihood of out-of-fold scores (stratified k-fold over the training data), so that its
probabilities can be averaged with the transformer's calibrated ones. The folds share the
TF-IDF vocabulary/idf fitted on all the data (a small optimism, cheap; only the temperature is
learnt from them).

Built from the training data by :mod:`tooling.classifier.ngram_build`. The model file is a
joblib pickle: load only files this code wrote.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

NGRAM_VERSION = "1"
MODEL_FILE = "ngram.joblib"
# Past this length only the start of a message is read (the analyser accepts 100,000
# characters; tokenising them all would cost seconds and the type is stated early).
MAX_CHARS = 5_000


@dataclass(frozen=True)
class NgramConfig:
    # "lr": logistic regression; "svm": linear SVM (one-vs-rest hinge loss). The SVM, C=0.3,
    # was chosen on nlu_data/heldout + narratives_dev + sms_lures: mean macro-F1 0.815 against
    # 0.803 for LR C=10 (0.804 at C=30), and it fits in ~2 s where LR takes ~100 s.
    model: str = "svm"
    c: float = 0.3
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    char_min_df: int = 2
    calibration_folds: int = 5
    seed: int = 1337


def thai_words(text: str) -> list[str]:
    """Lower-cased newmm words without whitespace (module level: the pipeline is pickled)."""
    from pythainlp.tokenize import word_tokenize  # noqa: PLC0415

    return [t.lower() for t in word_tokenize(text, engine="newmm", keep_whitespace=False)]


def _clip(text: str) -> str:
    return text.strip()[:MAX_CHARS]


def new_features(config: NgramConfig):
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
    from sklearn.pipeline import FeatureUnion  # noqa: PLC0415

    return FeatureUnion([
        ("words", TfidfVectorizer(tokenizer=thai_words, token_pattern=None, lowercase=False,
                                  ngram_range=tuple(config.word_ngrams), sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(config.char_ngrams),
                                  sublinear_tf=True, min_df=config.char_min_df)),
    ])


def new_linear(config: NgramConfig):
    if config.model == "lr":
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

        return LogisticRegression(C=config.c, max_iter=3000, class_weight="balanced")
    if config.model == "svm":
        from sklearn.svm import LinearSVC  # noqa: PLC0415

        return LinearSVC(C=config.c, class_weight="balanced", random_state=config.seed)
    raise ValueError(f"model must be 'lr' or 'svm', not {config.model!r}")


def _scores(linear, x) -> np.ndarray:
    """Per-class scores whose softmax is the (uncalibrated) distribution."""
    if hasattr(linear, "predict_log_proba"):
        return linear.predict_log_proba(x)
    s = linear.decision_function(x)
    return s if s.ndim == 2 else np.stack([-s, s], axis=1)


def _softmax(s: np.ndarray, t: float) -> np.ndarray:
    z = s / t
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(scores: np.ndarray, gold: np.ndarray) -> float:
    """The temperature minimising the NLL of ``gold`` (class indices) under softmax(scores/T)."""
    from scipy.optimize import minimize_scalar  # noqa: PLC0415

    def nll(log_t: float) -> float:
        p = _softmax(scores, float(np.exp(log_t)))
        return float(-np.log(np.clip(p[np.arange(len(gold)), gold], 1e-12, None)).mean())

    res = minimize_scalar(nll, bounds=(np.log(0.02), np.log(50.0)), method="bounded")
    return float(np.exp(res.x))


class NgramScamModel:
    """Scam type from text: ``predict_proba(texts)`` → calibrated probabilities over ``labels``."""

    def __init__(self, features, linear, labels: tuple[str, ...], temperature: float,
                 meta: dict | None = None) -> None:
        self.features = features
        self.linear = linear
        self.labels = tuple(labels)
        self.temperature = float(temperature)
        self.meta = dict(meta or {})

    @classmethod
    def fit(cls, texts: list[str], labels: list[str], config: NgramConfig = NgramConfig()
            ) -> NgramScamModel:
        from sklearn.model_selection import StratifiedKFold  # noqa: PLC0415

        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        new_linear(config)  # an unknown model name fails here, before any work
        classes = sorted(set(labels))
        if len(classes) < 2:
            raise ValueError("the n-gram model needs at least two scam types to learn from")
        started = time.monotonic()
        features = new_features(config)
        x = features.fit_transform([_clip(t) for t in texts])
        y = np.array([classes.index(lab) for lab in labels])
        # Out-of-fold scores for the temperature; folds capped by the rarest class.
        folds = min(config.calibration_folds, int(np.bincount(y).min()))
        temperature = 1.0
        if folds >= 2:
            oof = np.zeros((len(y), len(classes)))
            split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.seed)
            for tr, te in split.split(x, y):
                part = new_linear(config).fit(x[tr], y[tr])
                cols = part.classes_
                oof[np.ix_(te, cols)] = _scores(part, x[te])
                missing = np.setdiff1d(np.arange(len(classes)), cols)
                oof[np.ix_(te, missing)] = -1e3
            temperature = fit_temperature(oof, y)
        linear = new_linear(config).fit(x, y)
        meta = {"config": asdict(config), "train_examples": len(texts),
                "train_seconds": round(time.monotonic() - started, 1),
                "calibration_folds": folds, "temperature": temperature}
        return cls(features, linear, tuple(classes), temperature, meta)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.labels)))
        x = self.features.transform([_clip(t) for t in texts])
        return _softmax(_scores(self.linear, x), self.temperature)

    def predict(self, texts: list[str]) -> list[str]:
        return [self.labels[k] for k in self.predict_proba(texts).argmax(axis=1)]

    # --- persistence ---------------------------------------------------------------------

    def save(self, path: Path | str) -> Path:
        import joblib  # noqa: PLC0415

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"version": NGRAM_VERSION, "features": self.features, "linear": self.linear,
                     "labels": list(self.labels), "temperature": self.temperature,
                     "meta": self.meta}, path)
        return path

    @classmethod
    def load(cls, path: Path | str) -> NgramScamModel:
        import joblib  # noqa: PLC0415

        blob = joblib.load(Path(path))
        if not isinstance(blob, dict) or blob.get("version") != NGRAM_VERSION:
            raise ValueError(f"{path} is not an n-gram model of version {NGRAM_VERSION}")
        return cls(blob["features"], blob["linear"], tuple(blob["labels"]),
                   blob["temperature"], blob.get("meta"))
