"""Scores shared by the transformer classifier and the benchmark baselines (no torch here)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np


def score(gold: Sequence[str], pred: Sequence[str]) -> dict:
    """Accuracy, macro-F1 over the gold classes, and per-class precision/recall/F1/support."""
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support  # noqa: PLC0415

    labels = sorted(set(gold))
    if not labels:
        return {"n": 0, "accuracy": None, "macro_f1": None, "per_class": {}}
    p, r, f, s = precision_recall_fscore_support(
        gold, pred, labels=labels, zero_division=0
    )
    return {
        "n": len(gold),
        "accuracy": float(accuracy_score(gold, pred)),
        "macro_f1": float(np.mean(f)),
        "per_class": {
            label: {"precision": float(pi), "recall": float(ri), "f1": float(fi), "support": int(si)}
            for label, pi, ri, fi, si in zip(labels, p, r, f, s, strict=True)
        },
    }


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 15) -> float:
    """ECE with equal-width confidence bins."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    if confidence.size == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        in_bin = (confidence > lo) & (confidence <= hi)
        if in_bin.any():
            ece += in_bin.mean() * abs(confidence[in_bin].mean() - correct[in_bin].mean())
    return float(ece)


def plot_confusion(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str], path: Path, title: str
) -> None:
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from sklearn.metrics import confusion_matrix  # noqa: PLC0415

    labels = list(labels)
    extra = sorted(set(pred) - set(labels))
    labels += extra
    cm = confusion_matrix(gold, pred, labels=labels)
    size = max(5.0, 0.45 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    top = cm.max() if cm.size else 0
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            if cm[i, j]:
                color = "white" if cm[i, j] > top / 2 else "black"
                ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=7, color=color)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
