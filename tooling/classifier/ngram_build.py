"""Build the n-gram scam-type model (:mod:`bot.classifier.ngram`) from the training data, cached.

:func:`build_ngram` keeps built models in ``<cache_dir>/ngram/<hash>/`` (the hash covers the
training files, the config, the model code's version and the sklearn/PyThaiNLP versions) and
points ``<models_dir>/ngram`` at the current one, as :mod:`tooling.classifier.train` does for
the transformer.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from pathlib import Path

from bot.classifier.artifacts import point
from bot.classifier.ngram import (
    MODEL_FILE,
    NGRAM_VERSION,
    NgramConfig,
    NgramScamModel,
)
from tooling.build_dir import building
from tooling.nlu_data import load_examples

log = logging.getLogger(__name__)

REPORT_INTENT = "report_scam"  # the n-gram model learns the scam type of scam reports only


def training_pairs(data_root: Path) -> list[tuple[str, str]]:
    """(text, scam type) of every typed ``report_scam`` example in ``data_root/train``."""
    return [(e.text.strip(), e.scam_type) for e in load_examples(Path(data_root), "train")
            if e.intent == REPORT_INTENT and e.scam_type]


def _train_files(data_root: Path) -> list[Path]:
    d = Path(data_root) / "train"
    return sorted(p for p in d.iterdir() if p.suffix in (".yml", ".yaml")) if d.is_dir() else []


def input_hash(data_root: Path, config: NgramConfig) -> str:
    import pythainlp  # noqa: PLC0415
    import sklearn  # noqa: PLC0415

    h = hashlib.sha256()
    h.update(f"ngram={NGRAM_VERSION} sklearn={sklearn.__version__} "
             f"pythainlp={pythainlp.__version__}\n".encode())
    h.update(json.dumps(asdict(config), sort_keys=True).encode())
    for p in _train_files(data_root):
        h.update(f"\ntrain/{p.name}\n".encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def build_ngram(*, data_root: Path, models_dir: Path, cache_dir: Path,
                config: NgramConfig = NgramConfig(), force: bool = False) -> Path:
    """Train (or reuse from the cache) and point ``models_dir/ngram`` at the result."""
    digest = input_hash(data_root, config)
    target = Path(cache_dir) / "ngram" / digest
    if force or not (target / MODEL_FILE).exists():
        with building(target) as tmp:
            pairs = training_pairs(data_root)
            model = NgramScamModel.fit([t for t, _ in pairs], [s for _, s in pairs], config)
            model.meta["input_hash"] = digest
            model.save(tmp / MODEL_FILE)
            (tmp / "inputs.json").write_text(json.dumps(
                {"hash": digest, "config": asdict(config),
                 "data": [f"train/{p.name}" for p in _train_files(data_root)],
                 "train_examples": len(pairs), "train_seconds": model.meta["train_seconds"],
                 "temperature": model.temperature}, indent=2) + "\n")
        log.info("n-gram model %s trained on %d examples in %.1fs", digest, len(pairs),
                 model.meta["train_seconds"])
    else:
        log.info("n-gram model %s is cached in %s", digest, target)
    point(Path(models_dir) / "ngram", target)
    return target
