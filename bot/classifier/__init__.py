"""The NLU classifier behind a small interface: text in, intent and scam type out.

Only this package imports torch/transformers, and only lazily: importing ``bot.classifier`` is
cheap, :func:`load_classifier` loads the model once.

``Prediction.scam_type`` is set only when the predicted intent is ``report_scam``; its
confidence is still reported otherwise. ``uncertain`` is true when the calibrated intent
confidence, or (for a scam report) the scam-type confidence, is below the threshold
(``SAKOT_CLASSIFIER_THRESHOLD``, default 0.5); ``intent_uncertain`` and
``scam_type_uncertain`` say which. "โดนโกงค่ะ ช่วยด้วย" is a sure report of an unsure type.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

__all__ = ["Classifier", "Prediction", "DEFAULT_THRESHOLD", "load_classifier"]

DEFAULT_THRESHOLD = 0.5


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


@runtime_checkable
class Classifier(Protocol):
    def classify(self, texts: list[str]) -> list[Prediction]: ...


def load_classifier(
    model_dir: Path | str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    quantize: bool = False,
    threads: int | None = 2,
) -> Classifier:
    """Load a trained classifier directory (``models/classifier``) once, ready for inference."""
    from bot.classifier.inference import TransformerClassifier  # noqa: PLC0415

    return TransformerClassifier(Path(model_dir), threshold=threshold, quantize=quantize,
                                 threads=threads)
