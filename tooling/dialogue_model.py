"""Train the Rasa dialogue model only when its inputs change (`python -m tooling.dialogue_model`).

Rasa runs stock in .venv-rasa and parses messages through our NLU service, so only the
dialogue part (domain, stories, rules, policies) is trained here. Trained models are cached
by the hash of their inputs, so repeated setups and CI runs on one machine reuse them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sakot.rasa_env import DIALOGUE_DIR, RASA
from sakot.settings import PROJECT_ROOT, get_settings


def inputs_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(DIALOGUE_DIR.rglob("*.yml")):
        if path.name in {"endpoints.yml", "credentials.yml"} or "tests" in path.relative_to(
                DIALOGUE_DIR).parts:
            continue  # runtime wiring and test stories, not training input
        digest.update(str(path.relative_to(DIALOGUE_DIR)).encode())
        digest.update(path.read_bytes())
    digest.update((PROJECT_ROOT / "requirements" / "rasa.lock").read_bytes())
    return digest.hexdigest()[:16]


def build(force: bool = False, quiet: bool = False) -> Path:
    settings = get_settings()
    key = inputs_hash()
    cached = settings.cache_dir / "rasa" / f"dialogue-{key}.tar.gz"
    target_dir = settings.models_dir / "rasa"
    target = target_dir / "dialogue.tar.gz"
    if not cached.exists() or force:
        cached.parent.mkdir(parents=True, exist_ok=True)
        print(f"   training Rasa dialogue model {key} (about a minute)", flush=True)
        subprocess.run(
            [str(RASA), "train", "core",
             "--domain", str(DIALOGUE_DIR / "domain.yml"),
             "--config", str(DIALOGUE_DIR / "config.yml"),
             "--stories", str(DIALOGUE_DIR / "data"),
             "--out", str(cached.parent), "--fixed-model-name", f"dialogue-{key}"],
            check=True, cwd=DIALOGUE_DIR, stdout=subprocess.DEVNULL if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
    else:
        print(f"   dialogue model {key} is up to date", flush=True)
    stamp = target_dir / "dialogue.key"
    if target.exists() and stamp.exists() and stamp.read_text() == key:
        return target  # already in place: a running Rasa or a parallel test keeps its file
    target_dir.mkdir(parents=True, exist_ok=True)
    for old in target_dir.glob("*.tar.gz"):  # Rasa loads the newest model in the directory
        if old != target:
            old.unlink(missing_ok=True)
    tmp = target_dir / f".dialogue-{key}.{os.getpid()}.tmp"
    shutil.copy2(cached, tmp)
    os.replace(tmp, target)  # atomic: readers see the old or the new model, never half
    stamp.write_text(key)
    return target


if __name__ == "__main__":
    build(force="--force" in sys.argv)
