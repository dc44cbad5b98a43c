"""Trained artefacts live in a cache keyed by their inputs' hash; ``models/<name>`` points at
the one in use (the transformer and the n-gram model alike)."""

from __future__ import annotations

import shutil
from pathlib import Path


def point(link: Path, target: Path) -> None:
    """Make ``link`` a symlink to ``target`` (a copy where symlinks are not allowed)."""
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)
    try:
        link.symlink_to(target.resolve(), target_is_directory=True)
    except OSError:
        shutil.copytree(target, link)
