"""nlu_data/train/banks.yml (Rasa's bank synonyms and lookup) agrees with the bank table.

The YAML is training data for Rasa, so it is not generated from bot/banks.py; this test keeps
the two from drifting apart: every synonym names a code of the table, a surface form the table
knows names the same bank in both, and the lookup lists exactly the synonyms' words.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.banks import BANKS, BY_CODE, BankCode, InstitutionKind

BANKS_YML = Path(__file__).resolve().parents[2] / "nlu_data" / "train" / "banks.yml"


def _entries(block: dict) -> list[str]:
    return [line.strip()[2:].strip() for line in block["examples"].splitlines() if line.strip()]


def _blocks() -> tuple[dict[str, list[str]], list[str]]:
    data = yaml.safe_load(BANKS_YML.read_text(encoding="utf-8"))["nlu"]
    synonyms = {b["synonym"]: _entries(b) for b in data if "synonym" in b}
    (lookup,) = [_entries(b) for b in data if b.get("lookup") == "bank"]
    return synonyms, lookup


def _table_words() -> dict[str, set[str]]:
    words: dict[str, set[str]] = {}
    for b in BANKS:
        for word in (b.code.value, b.name_th, b.name_en, *b.aliases, *b.apps, *b.wallet_apps):
            words.setdefault(word.casefold(), set()).add(b.code.value)
    return words


def test_every_synonym_is_a_code_of_the_table():
    synonyms, _ = _blocks()
    assert set(synonyms) <= {c.value for c in BankCode} - {BankCode.OTHER.value}
    assert all(BY_CODE[BankCode(c)].kind is not InstitutionKind.OTHER for c in synonyms)


def test_a_word_the_table_knows_names_the_same_bank_in_the_yaml():
    synonyms, _ = _blocks()
    table = _table_words()
    disagreements = {(word, code): sorted(table[word.casefold()])
                     for code, words in synonyms.items() for word in words
                     if word.casefold() in table and code not in table[word.casefold()]}
    assert disagreements == {}


def test_the_lookup_lists_the_synonyms_words():
    synonyms, lookup = _blocks()
    assert set(lookup) == set(synonyms) | {w for words in synonyms.values() for w in words}
