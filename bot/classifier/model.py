"""The NLU network: one shared encoder, mean pooling, three heads: dialogue intent and scam type
(softmax each) and the victim's situation (multi-label: one sigmoid per fact, see
``bot.classifier.SITUATION_LABELS``).

A saved classifier is a directory with
- ``config.json``   the encoder's BERT config plus a ``sakot`` block: label lists (the label
                    mapping lives inside the model), temperatures, per-label situation
                    thresholds, text prefix, max length;
- ``model.safetensors`` encoder and head weights;
- ``tokenizer.json`` / ``tokenizer_config.json``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoConfig, AutoModel, AutoTokenizer
from transformers.utils import logging as hf_logging

hf_logging.set_verbosity_error()
hf_logging.disable_progress_bar()


@dataclass
class HeadsMeta:
    intents: list[str]
    scam_types: list[str]
    text_prefix: str = "query: "
    max_length: int = 64
    intent_temperature: float = 1.0
    scam_temperature: float = 1.0
    report_intent: str = "report_scam"
    extra: dict = field(default_factory=dict)
    # Multi-label situation head; a model saved before it existed has none.
    situations: list[str] = field(default_factory=list)
    situation_thresholds: dict[str, float] = field(default_factory=dict)


class NluModel(nn.Module):
    def __init__(self, encoder: nn.Module, meta: HeadsMeta, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.meta = meta
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.intent_head = nn.Linear(hidden, len(meta.intents))
        self.scam_head = nn.Linear(hidden, len(meta.scam_types))
        self.situation_head = nn.Linear(hidden, len(meta.situations)) if meta.situations else None

    def pooled(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(out.dtype)
        return (out * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def heads(self, pooled: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(intent logits, scam-type logits, situation logits); the last has 0 columns when the
        model has no situation head."""
        h = self.dropout(pooled)
        sit = (self.situation_head(h) if self.situation_head is not None
               else h.new_zeros((h.shape[0], 0)))
        return self.intent_head(h), self.scam_head(h), sit

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return self.heads(self.pooled(input_ids, attention_mask))


def load_encoder(base_dir: Path | str) -> nn.Module:
    """The pretrained encoder (no pooler) from a checkpoint directory or model id."""
    config = AutoConfig.from_pretrained(str(base_dir))
    kwargs = {"add_pooling_layer": False} if config.model_type in ("bert", "xlm-roberta") else {}
    return AutoModel.from_pretrained(str(base_dir), **kwargs)


def new_model(base_dir: Path | str, meta: HeadsMeta, *, seed: int) -> NluModel:
    torch.manual_seed(seed)
    encoder = load_encoder(base_dir)
    model = NluModel(encoder, meta)
    torch.manual_seed(seed)
    for head in (model.intent_head, model.scam_head, model.situation_head):
        if head is None:
            continue
        nn.init.normal_(head.weight, std=0.02)
        nn.init.zeros_(head.bias)
    return model


def save_model(model: NluModel, tokenizer, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    config = model.encoder.config.to_dict()
    config["sakot"] = asdict(model.meta)
    config["id2label"] = dict(enumerate(model.meta.intents))
    config["label2id"] = {label: i for i, label in enumerate(model.meta.intents)}
    (out_dir / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    (out_dir / "model.safetensors").chmod(0o644)
    tokenizer.save_pretrained(str(out_dir))


def load_model(model_dir: Path) -> tuple[NluModel, object]:
    config = AutoConfig.from_pretrained(str(model_dir))
    raw = json.loads((model_dir / "config.json").read_text())
    meta = HeadsMeta(**raw["sakot"])
    kwargs = {"add_pooling_layer": False} if config.model_type in ("bert", "xlm-roberta") else {}
    encoder = AutoModel.from_config(config, **kwargs)
    model = NluModel(encoder, meta)
    model.load_state_dict(load_file(str(model_dir / "model.safetensors")))
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    return model, tokenizer
