"""The exchange and Sakot meet only in the contract package (aoc_contract).

A real AOC backend must be able to replace the reference exchange without touching Sakot, and
the exchange must run without Sakot's code: imports across the line fail here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAKOT_PACKAGES = {"bot", "channels", "actions", "sakot", "tooling"}


def imported_top_levels(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize("package", ["exchange", "aoc_contract", "servicekit"])
def test_the_exchange_side_imports_nothing_of_sakot(package):
    leaks = {path: names & SAKOT_PACKAGES
             for path, names in imported_top_levels(package).items() if names & SAKOT_PACKAGES}
    assert leaks == {}


@pytest.mark.parametrize("package", sorted(SAKOT_PACKAGES | {"aoc_contract", "servicekit"}))
def test_sakot_imports_nothing_of_the_exchange(package):
    leaks = [path for path, names in imported_top_levels(package).items() if "exchange" in names]
    assert leaks == []


def test_the_contract_stands_alone():
    allowed = {"__future__", "aoc_contract", "pydantic", "httpx", "hashlib", "hmac", "re",
               "secrets", "time", "collections", "dataclasses", "datetime", "decimal", "enum",
               "typing"}
    extra = {path: names - allowed for path, names in imported_top_levels("aoc_contract").items()
             if names - allowed}
    assert extra == {}
