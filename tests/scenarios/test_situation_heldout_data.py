"""The situation head's held-out set (nlu_data/situation/heldout.yml, issue 12) is usable.

Fast and model-free. It loads the file through the same loader the training code uses, and
checks that the set is big enough for per-label precision/recall, has hard negatives for every
label, uses only intents the NLU data knows, and shares no text (or near-copy) with the training
file written by another helper: a held-out figure means nothing if the model saw the sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bot.classifier import SITUATION_LABELS
from tooling.nlu_data import load_examples, load_situation

ROOT = Path(__file__).resolve().parents[2] / "nlu_data"
HELDOUT = load_situation(ROOT, "heldout")

MIN_EXAMPLES = 300
MIN_POSITIVES = 25  # per label: fewer makes recall a coin toss
MIN_EMPTY = 60  # messages where nothing is true (negations, requests, promises, questions)
NEAR_DUPLICATE = 0.6  # character-trigram Jaccard

# Words that mark a hard negative: the situation is talked about but did not happen.
_NEGATION = re.compile(r"(ยังไม่|ไม่ได้|เกือบ|ไม่เคย|haven'?t|didn'?t|never|refused|not )")


def test_the_heldout_set_is_big_enough_and_every_example_is_labelled():
    assert len(HELDOUT) >= MIN_EXAMPLES
    assert all(ex.situation is not None for ex in HELDOUT)
    counts = Counter(label for ex in HELDOUT for label in ex.situation)
    short = {lab: counts[lab] for lab in SITUATION_LABELS if counts[lab] < MIN_POSITIVES}
    assert not short, f"labels with too few positives: {short}"
    assert sum(1 for ex in HELDOUT if not ex.situation) >= MIN_EMPTY


@pytest.mark.parametrize("label", SITUATION_LABELS)
def test_every_label_has_hard_negatives(label):
    """Texts that mention the situation in a negated or unfinished way but are labelled False."""
    hard = [ex for ex in HELDOUT if label not in ex.situation and _NEGATION.search(ex.text.lower())]
    assert len(hard) >= 20, f"{label}: only {len(hard)} negated negatives"


def test_labels_are_consistent():
    for ex in HELDOUT:
        if "still_leaving" in ex.situation:  # money leaving now has already left
            assert "money_paid" in ex.situation, ex.source


def test_texts_are_unique_and_intents_are_known():
    texts = Counter(ex.text for ex in HELDOUT)
    assert not [t for t, n in texts.items() if n > 1]
    known = {ex.intent for ex in load_examples(ROOT, "train")}
    unknown = {ex.intent for ex in HELDOUT} - known
    assert not unknown, f"intents not in nlu_data/train: {unknown}"
    assert Counter(ex.intent for ex in HELDOUT)["report_scam"] >= MIN_EXAMPLES * 0.8


def _trigrams(text: str) -> frozenset[str]:
    t = re.sub(r"[\s\d,.\-:/]+", " ", text.lower()).strip()
    return frozenset(t[i:i + 3] for i in range(max(len(t) - 2, 0)))


def test_no_heldout_text_is_a_near_copy_of_a_training_text():
    try:
        train = load_situation(ROOT, "train")
    except FileNotFoundError:
        pytest.skip("no nlu_data/situation/train.yml yet")
    train_grams = [(ex.text, _trigrams(ex.text)) for ex in train]
    clashes = []
    for ex in HELDOUT:
        a = _trigrams(ex.text)
        for text, b in train_grams:
            if ex.text == text or (a and b and len(a & b) / len(a | b) > NEAR_DUPLICATE):
                clashes.append((ex.text, text))
    assert not clashes, f"held-out texts copied into training: {clashes[:5]}"
