"""Inference for a trained classifier directory (see :mod:`bot.classifier.model`).

Dynamic int8 quantisation of the encoder's Linear layers is available (``quantize=True``) but off
by default: on 2 CPU cores it cuts the forward pass by about a quarter, but costs several points
of held-out macro-F1 (the weights come from a 4-bit model; per-tensor int8 on top of that loses
too much). See benchmarks/results/classifier.md.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import torch

from bot.classifier import DEFAULT_THRESHOLD, Prediction
from bot.classifier.model import NluModel, load_model

INFERENCE_MAX_LENGTH = 256


def quantize_dynamic(model: NluModel) -> NluModel:
    """int8 weights for every Linear of the encoder (heads stay fp32)."""
    try:
        from torch.ao.quantization import quantize_dynamic as qd  # noqa: PLC0415
    except ImportError:  # pragma: no cover - very old torch
        from torch.quantization import quantize_dynamic as qd  # noqa: PLC0415
    model.encoder = qd(model.encoder, {torch.nn.Linear}, dtype=torch.qint8)
    return model


def _softmax(x: np.ndarray, t: float) -> np.ndarray:
    z = x / t
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# P(report_scam) from which a message's scam type is used even if another intent wins.
REPORT_EVIDENCE = 0.25


class TransformerClassifier:
    """Thread-safe: one forward pass at a time (the cores are shared anyway)."""

    def __init__(
        self,
        model_dir: Path,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        quantize: bool = False,
        threads: int | None = 2,
        max_length: int = INFERENCE_MAX_LENGTH,
    ) -> None:
        if threads:
            torch.set_num_threads(threads)
        self.model_dir = Path(model_dir)
        model, self.tokenizer = load_model(self.model_dir)
        self.model = quantize_dynamic(model) if quantize else model
        self.model.eval()
        self.meta = model.meta
        self.threshold = threshold
        self.max_length = max_length
        self._lock = threading.Lock()

    @property
    def intents(self) -> list[str]:
        return list(self.meta.intents)

    @property
    def scam_types(self) -> list[str]:
        return list(self.meta.scam_types)

    def logits(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        enc = self.tokenizer(
            [self.meta.text_prefix + t.strip() for t in texts],
            truncation=True, max_length=self.max_length, padding=True, return_tensors="pt",
        )
        with self._lock, torch.inference_mode():
            li, ls = self.model(enc["input_ids"], enc["attention_mask"])
        return li.numpy(), ls.numpy()

    def classify(self, texts: list[str]) -> list[Prediction]:
        if not texts:
            return []
        li, ls = self.logits(texts)
        pi = _softmax(li, self.meta.intent_temperature)
        ps = _softmax(ls, self.meta.scam_temperature)
        out = []
        for row_i, row_s in zip(pi, ps, strict=True):
            order_i = np.argsort(-row_i)
            order_s = np.argsort(-row_s)
            intent = self.meta.intents[order_i[0]]
            intent_conf = float(row_i[order_i[0]])
            scam_conf = float(row_s[order_s[0]])
            # A detailed first message ("โอนค่าเสื้อ 2,500 เข้ากสิกร … ร้านบล็อก") reads as both
            # `inform` and `report_scam`; its scam type still counts when the report reading
            # is substantial. Plain answers ("ไทยพาณิชย์ค่ะ") score well below 1% here.
            report_p = (float(row_i[list(self.meta.intents).index(self.meta.report_intent)])
                        if self.meta.report_intent in self.meta.intents else 0.0)
            is_report = intent == self.meta.report_intent or report_p >= REPORT_EVIDENCE
            intent_unsure = intent_conf < self.threshold
            scam_unsure = is_report and scam_conf < self.threshold
            out.append(
                Prediction(
                    intent=intent,
                    intent_confidence=intent_conf,
                    intent_ranking=tuple((self.meta.intents[k], float(row_i[k])) for k in order_i),
                    scam_type=self.meta.scam_types[order_s[0]] if is_report else None,
                    scam_type_confidence=scam_conf,
                    uncertain=intent_unsure or scam_unsure,
                    scam_type_ranking=tuple(
                        (self.meta.scam_types[k], float(row_s[k])) for k in order_s
                    ),
                    intent_uncertain=intent_unsure,
                    scam_type_uncertain=scam_unsure,
                )
            )
        return out
