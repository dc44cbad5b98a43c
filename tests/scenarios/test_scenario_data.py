"""The scenario suite's data is well-formed (format: docs/scenarios.md, issue 12).

Fast and model-free: it reads the YAML only. It checks the fields and their types, that the
clock of every conversation agrees with the priority it expects (a P0 transfer is < 72 h old at
the last turn, a P1 one is not), that the suite covers what the issue asks for (counts per tag),
and that no development text (dev, dev2, dev3, dev4) is a near-copy of a text of the blind split (heldout,
written by other hands; it may be empty or missing while it is being written). The minimum counts
apply to the whole suite (dev + dev2 + heldout).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.banks import BankCode
from tests.scenarios.suite import BLIND, DEV_SPLITS, SPLITS
from tooling.nlu_data import load_examples, load_situation

DATA = Path(__file__).with_name("data")
NLU = Path(__file__).resolve().parents[2] / "nlu_data"

TAGS = frozenset({
    "p0", "p1", "p2", "none", "on_line", "still_leaving", "boundary_2h", "boundary_72h",
    "day_of_month", "weekday", "month_name", "buddhist_year", "relative_day", "since_range",
    "negation", "requested_not_paid", "promised_amount", "several_transfers", "bank_app",
    "victim_vs_scammer_bank", "english", "code_mixed", "multi_turn", "correction",
    "forwarded_lure", "long_narrative", "typo", "thai_digits",
})
PRIORITIES = ("P0", "P1", "P2", "none")
ITEM_KEYS = {"id", "lang", "tags", "turns", "expect"}
EXPECT_KEYS = {"priority", "urgent_turn", "victim_bank", "loss_total", "on_line",
               "still_leaving", "transfer_at"}
HOLD = timedelta(hours=72)
TOP = timedelta(hours=2)

# The issue's minimums for the whole suite (issue 12 + the brief to the scenario writer).
MIN_TOTAL = 320
MIN_PER_TAG = {
    "p0": 130, "on_line": 32, "still_leaving": 32, "english": 30, "p1": 40, "p2": 40,
    "none": 20, "boundary_2h": 6, "boundary_72h": 8, "day_of_month": 10, "weekday": 8,
    "month_name": 10, "buddhist_year": 5, "relative_day": 15, "since_range": 6, "negation": 25,
    "requested_not_paid": 15, "promised_amount": 10, "several_transfers": 15, "bank_app": 25,
    "victim_vs_scammer_bank": 15, "code_mixed": 12, "multi_turn": 30, "correction": 8,
    "forwarded_lure": 5, "long_narrative": 10, "typo": 8, "thai_digits": 8,
}
NEAR_DUPLICATE = 0.6  # character-trigram Jaccard above which two texts count as "the same"
MIN_CHARS_FOR_DUPLICATE_CHECK = 30  # "สวัสดีค่ะ" may appear in both splits


def _load() -> list[tuple[str, str, dict]]:
    items = []
    for split in SPLITS:
        files = sorted((DATA / split).glob("*.yml"))
        assert files or split == BLIND, f"no YAML files in {DATA / split}"
        for path in files:
            content = yaml.safe_load(path.read_text(encoding="utf-8"))
            assert isinstance(content, list) and content, f"{path}: must be a non-empty list"
            items.extend((split, path.name, item) for item in content)
    return items


ITEMS = _load()


def _when(value: object, where: str) -> datetime:
    assert isinstance(value, str), f"{where}: times must be quoted ISO strings, got {value!r}"
    when = datetime.fromisoformat(value)
    assert when.tzinfo is not None, f"{where}: {value} has no UTC offset"
    return when


@pytest.mark.parametrize("split,file,item", ITEMS,
                         ids=[f"{s}:{i.get('id', '?')}" for s, _, i in ITEMS])
def test_each_conversation_is_well_formed(split, file, item):
    where = f"{split}/{file}:{item.get('id')}"
    assert isinstance(item, dict), where
    assert set(item) == ITEM_KEYS, f"{where}: keys {sorted(item)} != {sorted(ITEM_KEYS)}"
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{2,80}", item["id"]), f"{where}: bad id"
    assert item["lang"] in ("th", "en"), where

    tags = item["tags"]
    assert isinstance(tags, list) and tags, f"{where}: tags must be a non-empty list"
    assert not set(tags) - TAGS, f"{where}: unknown tags {set(tags) - TAGS}"
    assert len(tags) == len(set(tags)), f"{where}: repeated tag"
    assert ("english" in tags) == (item["lang"] == "en"), f"{where}: tag english <-> lang en"

    turns = item["turns"]
    assert isinstance(turns, list) and turns, where
    times = []
    for n, turn in enumerate(turns, 1):
        assert set(turn) == {"at", "text"}, f"{where} turn {n}: keys {sorted(turn)}"
        assert isinstance(turn["text"], str) and turn["text"].strip(), f"{where} turn {n}"
        times.append(_when(turn["at"], f"{where} turn {n}"))
    assert times == sorted(times), f"{where}: turn times go backwards"
    if len(turns) > 1:
        assert "multi_turn" in tags, f"{where}: several turns but no multi_turn tag"

    expect = item["expect"]
    assert isinstance(expect, dict) and not set(expect) - EXPECT_KEYS, \
        f"{where}: unknown expect keys {set(expect) - EXPECT_KEYS}"
    priority = expect.get("priority")
    assert priority in PRIORITIES, f"{where}: priority {priority!r}"
    level_tags = [t for t in tags if t in ("p0", "p1", "p2", "none")]
    assert level_tags == [priority.lower()], f"{where}: tag {level_tags} vs priority {priority}"

    urgent = expect.get("urgent_turn")
    if priority == "P0":
        assert isinstance(urgent, int) and not isinstance(urgent, bool), \
            f"{where}: a P0 needs an integer urgent_turn"
        assert 1 <= urgent <= len(turns), f"{where}: urgent_turn {urgent} out of range"
    elif priority == "P1" and urgent is not None:
        # A recent loss with no destination identifier given: P1 under domain.md's rule (P0
        # needs a destination), but the hold window is open, so the victim is still told to
        # call their bank and 1441 at once (checked like a P0's urgent reply).
        assert isinstance(urgent, int) and 1 <= urgent <= len(turns), where
    else:
        assert urgent is None, f"{where}: urgent_turn only for P0 and recent-loss P1"

    if "victim_bank" in expect:
        assert expect["victim_bank"] in {c.value for c in BankCode}, \
            f"{where}: victim_bank {expect['victim_bank']!r} is not a bot.banks.BankCode"
    if {"bank_app", "victim_vs_scammer_bank"} & set(tags):
        assert "victim_bank" in expect, f"{where}: bank_app/victim_vs_scammer_bank need victim_bank"

    loss = expect.get("loss_total")
    if loss is not None:
        assert isinstance(loss, int | float) and not isinstance(loss, bool) and loss >= 0, where
        if priority in ("P2", "none"):
            assert loss == 0, f"{where}: {priority} means nothing was paid"
        if priority == "P1":
            assert loss > 0, f"{where}: a P1 has lost money"

    for flag in ("on_line", "still_leaving"):
        value = expect.get(flag, False)
        assert isinstance(value, bool), f"{where}: {flag} must be true/false"
        assert value == (flag in tags), f"{where}: tag {flag} <-> expect.{flag}"
        if value:
            assert priority == "P0", f"{where}: {flag} is always P0"

    # The clock must make the expected priority unambiguous.
    last = times[-1]
    if "transfer_at" in expect:
        age = last - _when(expect["transfer_at"], f"{where} transfer_at")
        assert age >= timedelta(0), f"{where}: transfer_at after the last turn"
        if priority == "P0" and not (expect.get("on_line") or expect.get("still_leaving")):
            assert age < HOLD, f"{where}: a P0 transfer must be < 72 h old, is {age}"
        if priority == "P1" and urgent is not None:
            assert age < HOLD, f"{where}: a recent-loss P1 must be < 72 h old, is {age}"
        elif priority == "P1" and "boundary_72h" in tags:
            assert age > HOLD, f"{where}: a P1 boundary transfer must be > 72 h old, is {age}"
    if "boundary_72h" in tags:
        assert "transfer_at" in expect, f"{where}: boundary_72h needs transfer_at"
        assert abs(age - HOLD) <= timedelta(hours=2), f"{where}: not near 72 h ({age})"
    if "boundary_2h" in tags:
        assert "transfer_at" in expect, f"{where}: boundary_2h needs transfer_at"
        assert abs(age - TOP) <= timedelta(minutes=30), f"{where}: not near 2 h ({age})"


def test_ids_are_unique_across_the_suite():
    ids = Counter(item["id"] for _, _, item in ITEMS)
    assert not [i for i, n in ids.items() if n > 1]


def test_the_suite_covers_what_the_issue_asks_for():
    assert len(ITEMS) >= MIN_TOTAL
    tags = Counter(t for _, _, item in ITEMS for t in item["tags"])
    short = {t: (tags[t], n) for t, n in MIN_PER_TAG.items() if tags[t] < n}
    assert not short, f"tags below their minimum (have, need): {short}"
    for split in {s for s, _, _ in ITEMS}:
        levels = Counter(i["expect"]["priority"] for s, _, i in ITEMS if s == split)
        assert all(levels[p] for p in PRIORITIES), f"{split}: every priority in each split"


def _trigrams(text: str) -> frozenset[str]:
    t = re.sub(r"[\s\d,.\-:/]+", " ", text.lower()).strip()
    return frozenset(t[i:i + 3] for i in range(max(len(t) - 2, 0)))


def _long_texts(splits: tuple[str, ...]) -> list[tuple[str, frozenset[str]]]:
    return [(item["id"], _trigrams(turn["text"]))
            for s, _, item in ITEMS if s in splits for turn in item["turns"]
            if len(turn["text"]) >= MIN_CHARS_FOR_DUPLICATE_CHECK]


def test_development_and_blind_splits_share_no_near_duplicate_texts():
    blind = _long_texts((BLIND,))
    if not blind:
        pytest.skip("the blind split (data/heldout) is empty")
    clashes = []
    for dev_id, a in _long_texts(DEV_SPLITS):
        for held_id, b in blind:
            if a and b and len(a & b) / len(a | b) > NEAR_DUPLICATE:
                clashes.append((dev_id, held_id))
    assert not clashes, f"near-duplicate texts across dev splits/heldout (ids): {clashes[:10]}"


def test_no_heldout_text_is_a_near_copy_of_nlu_training_text():
    """The classifier (intent + situation heads) must not have trained on a blind scenario."""
    if not any(s == BLIND for s, _, _ in ITEMS):
        pytest.skip("the blind split (data/heldout) is empty")
    train = [ex.text for ex in load_examples(NLU, "train")]
    if (NLU / "situation" / "train.yml").is_file():
        train += [ex.text for ex in load_situation(NLU, "train")]
    grams = [_trigrams(t) for t in train]
    index: dict[str, list[int]] = {}
    for i, g in enumerate(grams):
        for tri in g:
            index.setdefault(tri, []).append(i)
    clashes = []
    for _, _, item in (x for x in ITEMS if x[0] == BLIND):
        for turn in item["turns"]:
            if len(turn["text"]) < MIN_CHARS_FOR_DUPLICATE_CHECK:
                continue
            a = _trigrams(turn["text"])
            shared = Counter(i for tri in a for i in index.get(tri, ()))
            for i, n in shared.items():
                if n / (len(a) + len(grams[i]) - n) > NEAR_DUPLICATE:
                    clashes.append((item["id"], train[i]))
    # ids only: the blind texts are not for the eyes of whoever tunes the rules
    assert not clashes, ("blind scenario texts found in NLU training data (scenario ids): "
                         f"{sorted({i for i, _ in clashes})[:10]}")
