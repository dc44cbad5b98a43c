"""The NLU classifier behind a small interface: text in, intent, scam type and situation out.

Only this package imports torch/transformers, and only lazily: importing ``bot.classifier`` is
cheap, :func:`load_classifier` loads the model once.

``Prediction.scam_type`` is set only when the predicted intent is ``report_scam``; its
confidence is still reported otherwise. ``uncertain`` is true when the calibrated intent
confidence, or (for a scam report) the scam-type confidence, is below the threshold
(``SAKOT_CLASSIFIER_THRESHOLD``, default 0.5); ``intent_uncertain`` and
``scam_type_uncertain`` say which. "โดนโกงค่ะ ช่วยด้วย" is a sure report of an unsure type.

``Prediction.situation`` holds the situation labels (``SITUATION_LABELS``: money_paid,
still_leaving, on_line_now, app_installed, victim_in_distress) whose probability reaches the
model's own per-label threshold (chosen on a calibration split at training);
``situation_scores`` gives every label's probability. Messages longer than the model's window
(256 tokens) are read in overlapping windows and pooled (see :mod:`bot.classifier.inference`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

__all__ = ["Classifier", "Prediction", "DEFAULT_THRESHOLD", "REPORT_EVIDENCE", "REPORT_SURE",
           "SITUATION_LABELS", "load_classifier"]

# The facts triage needs, learnt by the classifier's situation head (issue 12). Order matters:
# it is the order of the head's outputs.
SITUATION_LABELS = ("money_paid", "still_leaving", "on_line_now", "app_installed",
                    "victim_in_distress")

DEFAULT_THRESHOLD = 0.5
# P(report_scam) from which a message counts as (partly) a scam report, whatever intent won.
REPORT_EVIDENCE = 0.25
# When the best reading is "a scam report", a lower bar makes it sure: "โดนหลอกค่ะ" read as a
# report costs one question ("what happened?"); read as unsure it costs the victim an "I don't
# understand". Long realistic reports in training left short ones at 0.4-0.5.
REPORT_SURE = 0.3


@dataclass(frozen=True)
class Prediction:
    intent: str
    intent_confidence: float
    intent_ranking: tuple[tuple[str, float], ...]  # best first
    scam_type: str | None
    scam_type_confidence: float
    uncertain: bool
    scam_type_ranking: tuple[tuple[str, float], ...] = ()
    intent_uncertain: bool = False  # the intent alone is below the threshold
    scam_type_uncertain: bool = False  # a scam report whose type is below the threshold
    situation: tuple[str, ...] = ()  # situation labels at or above their thresholds
    situation_scores: tuple[tuple[str, float], ...] = ()  # every label's probability
    report_probability: float = 0.0  # P(report_scam), whatever intent won


@runtime_checkable
class Classifier(Protocol):
    def classify(self, texts: list[str]) -> list[Prediction]: ...


def load_classifier(
    model_dir: Path | str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    quantize: bool = False,
    threads: int | None = 2,
    ngram_dir: Path | str | None = None,
    ensemble: bool = True,
) -> Classifier:
    """Load a trained classifier directory (``models/classifier``) once, ready for inference.

    When an n-gram scam-type model exists (``ngram_dir``, by default the ``ngram`` directory
    beside ``model_dir``, i.e. ``models/ngram``) and ``ensemble`` is true, the result is the
    :class:`bot.classifier.ensemble.EnsembleClassifier` of both (scam type pooled, intent and
    situation the transformer's); otherwise the transformer alone.
    """
    from bot.classifier.inference import TransformerClassifier  # noqa: PLC0415

    transformer = TransformerClassifier(Path(model_dir), threshold=threshold,
                                        quantize=quantize, threads=threads)
    from bot.classifier.ngram import MODEL_FILE  # noqa: PLC0415

    ngram_file = Path(ngram_dir or Path(model_dir).parent / "ngram") / MODEL_FILE
    if not ensemble or not ngram_file.is_file():
        return transformer
    from bot.classifier.ensemble import EnsembleClassifier  # noqa: PLC0415
    from bot.classifier.ngram import NgramScamModel  # noqa: PLC0415

    return EnsembleClassifier(transformer, NgramScamModel.load(ngram_file), threshold=threshold)
