"""Fixtures for the classifier tests: a tiny random BERT with a tiny tokenizer, tiny NLU data."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]

TRAIN = """\
version: "3.1"
nlu:
- intent: report_scam
  metadata:
    scam_type: online_shopping
  examples: |
    - สั่งของในเฟซ โอนไปแล้วไม่ได้ของ
    - ซื้อรองเท้าออนไลน์ [1,200 บาท](amount) แม่ค้าบล็อก
    - โอนเงินซื้อมือถือในกลุ่มเฟซ ไม่ส่งของ
    - bought a phone online and never got it
    - สั่งเสื้อผ่านไลน์ ร้านหายไปเลย
    - จ่ายค่าของไปแล้วร้านไม่ตอบ
- intent: report_scam
  metadata:
    scam_type: remote_app
  examples: |
    - ลงแอปจากลิงก์ เงินหายหมด
    - โหลดแอปการไฟฟ้าปลอม เงินในบัญชีหาย
    - เขาให้ติดตั้งแอป จอค้าง เงินโอนออกเอง
    - installed an app from a link and my money is gone
    - แอปดูดเงิน โทรศัพท์ขยับเอง
    - ลงแอปที่เขาส่งมา เงินหายจาก [SCB]{"entity": "bank", "value": "SCB"}
- intent: greet
  examples: |
    - สวัสดีครับ
    - สวัสดีค่ะ
    - หวัดดี
    - hello
    - ดีครับ
    - hi there
"""

HELDOUT = """\
version: "3.1"
nlu:
- intent: report_scam
  metadata:
    scam_type: online_shopping
  examples: |
    - ซื้อกระเป๋าออนไลน์ ไม่ได้ของ
- intent: report_scam
  metadata:
    scam_type: remote_app
  examples: |
    - ลงแอปแล้วเงินหาย
- intent: greet
  examples: |
    - สวัสดีจ้า
"""


SITUATION_TRAIN = """\
version: "3.1"
nlu:
- intent: report_scam
  examples:
  - text: เมื่อกี้โอนไป 3,000 ค่ะ
    metadata:
      situation: [money_paid]
  - text: โอนไปแล้วห้าพัน
    metadata:
      situation: [money_paid]
  - text: ยังไม่ได้โอนค่ะ
    metadata:
      situation: []
  - text: เขายังอยู่ในสาย ให้โอนเดี๋ยวนี้
    metadata:
      situation: [on_line_now]
  - text: ลงแอปแล้ว เงินไหลออกเรื่อยๆ
    metadata:
      situation: [money_paid, still_leaving, app_installed]
  - text: ไม่ได้ลงแอปค่ะ
    metadata:
      situation: []
  - text: he is still on the phone with me
    metadata:
      situation: [on_line_now]
- intent: greet
  examples:
  - text: สวัสดีครับ โอนแล้ว
    metadata:
      situation: [money_paid]
"""

SITUATION_HELDOUT = """\
version: "3.1"
nlu:
- intent: report_scam
  examples:
  - text: โอนไปแล้วค่ะ
    metadata:
      situation: [money_paid]
  - text: ยังไม่โอน
    metadata:
      situation: []
"""


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    root = tmp_path / "nlu_data"
    (root / "train").mkdir(parents=True)
    (root / "heldout").mkdir()
    (root / "situation").mkdir()
    (root / "train" / "tiny.yml").write_text(TRAIN, encoding="utf-8")
    (root / "heldout" / "tiny.yml").write_text(HELDOUT, encoding="utf-8")
    (root / "situation" / "train.yml").write_text(SITUATION_TRAIN, encoding="utf-8")
    (root / "situation" / "heldout.yml").write_text(SITUATION_HELDOUT, encoding="utf-8")
    return root


def make_tiny_base(out: Path, texts: list[str]) -> Path:
    """A random 2-layer BERT (hidden 32) with a character-level Unigram tokenizer."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    chars = sorted({c for t in texts for c in t if not c.isspace()})
    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("\u2581", -2.0)]
    vocab += [(c, -3.0) for c in chars] + [("\u2581" + c, -3.0) for c in chars]
    tok = Tokenizer(models.Unigram(vocab, unk_id=3, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", cls_token="<s>",
        sep_token="</s>", unk_token="<unk>", pad_token="<pad>", model_max_length=128,
    )
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=128, pad_token_id=1,
    )
    BertModel(config, add_pooling_layer=False).save_pretrained(str(out))
    fast.save_pretrained(str(out))
    return out


@pytest.fixture
def tiny_base(tmp_path: Path) -> Path:
    texts = (TRAIN.splitlines() + HELDOUT.splitlines() + SITUATION_TRAIN.splitlines()
             + SITUATION_HELDOUT.splitlines() + ["query: ", "จ้า กระเป๋า"])
    return make_tiny_base(tmp_path / "base", texts)
