"""Inference for a trained classifier directory (see :mod:`bot.classifier.model`).

Long messages: a text longer than the model's window (``meta.max_length``, 256 tokens) is cut
into overlapping windows (``WINDOW_OVERLAP`` tokens shared by neighbours, each window with the
text prefix and the special tokens); every window goes through the model and the predictions
are pooled per message: the **mean** of the intent and scam-type probabilities (a long report is
about one scam; every part of it votes), the **max** of the situation probabilities (a fact
stated anywhere in the message is true of the message: "…แล้วเขาก็บอกให้ลงแอป…" may sit in
the last window only). A message that fits in one window is encoded exactly as in training.

Every forward pass sorts its inputs by length and pads per batch, so one long message in a
batch does not make the short ones pay for 256 tokens.

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

from bot.classifier import DEFAULT_THRESHOLD, REPORT_EVIDENCE, REPORT_SURE, Prediction
from bot.classifier.model import NluModel, load_model

# Models saved before the window was recorded (``meta.max_length`` 64) still read 256 tokens.
INFERENCE_MAX_LENGTH = 256
WINDOW_OVERLAP = 64
# A message of 100,000 characters (the analyzer's limit) would be ~130 windows; past this many
# only the first windows are read (~6,000 tokens, far beyond any real report).
MAX_WINDOWS = 32
BATCH_SIZE = 16


def quantize_dynamic(model: NluModel) -> NluModel:
    """int8 weights for every Linear of the encoder (heads stay fp32)."""
    from torch.ao.quantization import quantize_dynamic as qd  # noqa: PLC0415
    model.encoder = qd(model.encoder, {torch.nn.Linear}, dtype=torch.qint8)
    return model


def _softmax(x: np.ndarray, t: float) -> np.ndarray:
    z = x / t
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def split_windows(body: list[int], room: int, overlap: int) -> list[list[int]]:
    """Cut token ids into pieces of at most ``room`` ids, neighbours sharing ``overlap`` ids."""
    if len(body) <= room:
        return [body]
    stride = max(1, room - max(0, min(overlap, room - 1)))
    out = []
    start = 0
    while True:
        out.append(body[start : start + room])
        if start + room >= len(body):
            return out
        start += stride


# P(report_scam) from which a message's scam type is used even if another intent wins.


class TransformerClassifier:
    """Thread-safe: one forward pass at a time (the cores are shared anyway)."""

    def __init__(
        self,
        model_dir: Path,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        quantize: bool = False,
        threads: int | None = 2,
        max_length: int | None = None,
        overlap: int = WINDOW_OVERLAP,
    ) -> None:
        if threads:
            torch.set_num_threads(threads)
        self.model_dir = Path(model_dir)
        model, self.tokenizer = load_model(self.model_dir)
        self.model = quantize_dynamic(model) if quantize else model
        self.model.eval()
        self.meta = model.meta
        self.threshold = threshold
        self.max_length = max_length or max(self.meta.max_length, INFERENCE_MAX_LENGTH)
        self.overlap = overlap
        self._lock = threading.Lock()
        # A window is head + piece + tail: head = the special start token(s) and the text
        # prefix, tail = the special end token(s), as the tokenizer's own template puts them.
        empty = self.tokenizer("")["input_ids"]
        probe = self.tokenizer("x")["input_ids"]
        n_head = 0
        while n_head < min(len(empty), len(probe)) and empty[n_head] == probe[n_head]:
            n_head += 1
        self._tail = list(empty[n_head:])
        prefix = self.meta.text_prefix.strip()
        self._head = list(empty[:n_head]) + (
            self.tokenizer(prefix, add_special_tokens=False)["input_ids"] if prefix else [])

    @property
    def intents(self) -> list[str]:
        return list(self.meta.intents)

    @property
    def scam_types(self) -> list[str]:
        return list(self.meta.scam_types)

    @property
    def situations(self) -> list[str]:
        return list(self.meta.situations)

    # --- encoding --------------------------------------------------------------------------

    def windows(self, text: str) -> list[list[int]]:
        """The model inputs for one message: one (exactly as in training) or several windows."""
        text = text.strip()
        ids = self.tokenizer(self.meta.text_prefix + text)["input_ids"]
        if len(ids) <= self.max_length:
            return [ids]
        body = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        room = self.max_length - len(self._head) - len(self._tail)
        return [self._head + piece + self._tail
                for piece in split_windows(body, room, self.overlap)[:MAX_WINDOWS]]

    def _forward(self, inputs: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        meta = self.meta
        n = len(inputs)
        out_i = np.zeros((n, len(meta.intents)), dtype=np.float32)
        out_s = np.zeros((n, len(meta.scam_types)), dtype=np.float32)
        out_z = np.zeros((n, len(meta.situations)), dtype=np.float32)
        order = sorted(range(n), key=lambda k: len(inputs[k]))
        pad = self.tokenizer.pad_token_id or 0
        with self._lock, torch.inference_mode():
            for start in range(0, n, BATCH_SIZE):
                idx = order[start : start + BATCH_SIZE]
                width = max(len(inputs[k]) for k in idx)
                x = torch.full((len(idx), width), pad, dtype=torch.long)
                m = torch.zeros((len(idx), width), dtype=torch.long)
                for row, k in enumerate(idx):
                    x[row, : len(inputs[k])] = torch.tensor(inputs[k], dtype=torch.long)
                    m[row, : len(inputs[k])] = 1
                li, ls, lz = self.model(x, m)
                out_i[idx], out_s[idx], out_z[idx] = li.numpy(), ls.numpy(), lz.numpy()
        return out_i, out_s, out_z

    def logits(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Raw (intent, scam-type) logits of each text's first window (for tests/benchmarks)."""
        li, ls, _ = self._forward([self.windows(t)[0] for t in texts])
        return li, ls

    def probabilities(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Calibrated (intent, scam type, situation) probabilities per text, windows pooled."""
        per_text = [self.windows(t) for t in texts]
        flat = [w for ws in per_text for w in ws]
        li, ls, lz = self._forward(flat)
        pi = _softmax(li, self.meta.intent_temperature)
        ps = _softmax(ls, self.meta.scam_temperature)
        pz = _sigmoid(lz)
        out_i = np.zeros((len(texts), pi.shape[1]), dtype=np.float64)
        out_s = np.zeros((len(texts), ps.shape[1]), dtype=np.float64)
        out_z = np.zeros((len(texts), pz.shape[1]), dtype=np.float64)
        start = 0
        for k, ws in enumerate(per_text):
            rows = slice(start, start + len(ws))
            out_i[k] = pi[rows].mean(axis=0)
            out_s[k] = ps[rows].mean(axis=0)
            if pz.shape[1]:
                out_z[k] = pz[rows].max(axis=0)
            start += len(ws)
        return out_i, out_s, out_z

    # --- predictions -----------------------------------------------------------------------

    def classify(self, texts: list[str]) -> list[Prediction]:
        if not texts:
            return []
        pi, ps, pz = self.probabilities(texts)
        situations = list(self.meta.situations)
        thresholds = self.meta.situation_thresholds
        out = []
        for row_i, row_s, row_z in zip(pi, ps, pz, strict=True):
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
            intent_unsure = intent_conf < (min(REPORT_SURE, self.threshold)
                                           if intent == self.meta.report_intent
                                           else self.threshold)
            scam_unsure = is_report and scam_conf < self.threshold
            scores = tuple((label, float(row_z[j])) for j, label in enumerate(situations))
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
                    situation=tuple(label for label, p in scores
                                    if p >= thresholds.get(label, 0.5)),
                    situation_scores=scores,
                    report_probability=report_p,
                )
            )
        return out
