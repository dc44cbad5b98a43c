"""Quality report over the NLU data (train + heldout): the engine behind ``sakot data check``.

Everything here is a pure function of loaded :class:`~tooling.nlu_data.Example` lists
(plus the bank synonym table), so tests can build tiny datasets in memory or in tmp_path.

What is checked
- counts per scam type and per dialogue intent, against minimums (hard);
- exact duplicates after light normalisation, within and across splits (hard);
- near-duplicates inside train: char-3-gram Jaccard >= 0.8 (hard) — digits are masked first,
  so "same sentence, different number" counts as a near-duplicate;
- train/heldout leakage: a heldout example with Jaccard >= 0.6 to any train example (hard);
- lexical diversity per label: distinct word 1-/2-/3-gram ratios (PyThaiNLP ``newmm``;
  soft warning below a floor);
- annotation errors: spans that don't match the text, unknown entity names, bank values not
  in the code list, account numbers / national IDs / PromptPay IDs with wrong digit counts,
  span text implausible for its entity (hard); spans that cut a Thai word under the newmm
  tokenizer (soft: the NLU tokenizer could not extract them).

The similarity joins use prefix filtering over 3-grams ordered rarest-first (the "All-Pairs"
method): exact results, and a few thousand examples take well under a second.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.banks import ACCOUNT_LENGTHS, BANKS, BankCode, InstitutionKind
from bot.scam_types import ScamType
from tooling.nlu_data import Example, load_examples, load_synonyms

# --- the rules -----------------------------------------------------------------------------

DIALOGUE_INTENTS: tuple[str, ...] = (
    "greet",
    "goodbye",
    "thanks",
    "report_scam",
    "inform",
    "affirm",
    "deny",
    "dont_know",
    "ask_advice",
    "request_human",
    "check_case_status",
    "check_identifier",
    "delete_my_data",
    "bot_challenge",
    "frozen_account_help",
    "recovery_offer",
    "distress",
    "out_of_scope",
)

ALLOWED_ENTITIES: frozenset[str] = frozenset(
    {
        "account",
        "bank",
        "phone",
        "amount",
        "promptpay",
        "national_id",
        "url",
        "line_id",
        "transfer_time",
    }
)

# Bank values and account lengths come from the bank table (bot/banks.py).
BANK_CODES: frozenset[str] = frozenset(str(b.code) for b in BANKS
                                       if b.kind is not InstitutionKind.OTHER)

# Account-number lengths (digits, masked "x" counted) per bank; an e-wallet is keyed by a mobile
# number or a 15-digit e-wallet id, PromptPay also by a national ID.
_WALLET_ID_DIGITS = frozenset({10, 15})
ACCOUNT_DIGITS: dict[str, frozenset[int]] = {
    **{str(b.code): frozenset(b.account_lengths) for b in BANKS
       if b.kind is InstitutionKind.BANK and b.account_lengths},
    **{str(b.code): _WALLET_ID_DIGITS for b in BANKS if b.kind is InstitutionKind.WALLET},
    str(BankCode.PROMPTPAY): frozenset({10, 13, 15}),
}
DEFAULT_ACCOUNT_DIGITS = frozenset({10})
ANY_ACCOUNT_DIGITS = ACCOUNT_LENGTHS

TRAIN_MIN_SCAM_TYPE = 150
TRAIN_MIN_SCAM_TYPE_OVERRIDES: dict[str, int] = {ScamType.RANSOMWARE.value: 40}
TRAIN_MIN_INTENT = 40

NEAR_DUP_THRESHOLD = 0.8
LEAK_THRESHOLD = 0.6
DIVERSITY_FLOOR = {1: 0.15, 2: 0.45, 3: 0.65}  # below → soft warning

ERROR = "error"
WARNING = "warning"

# --- report types --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" (makes the report not ok) or "warning"
    code: str  # short machine name, e.g. "near_duplicate"
    message: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class SimilarPair:
    a: str  # source of the first example
    b: str
    similarity: float
    text_a: str
    text_b: str


@dataclass(frozen=True)
class LabelCount:
    label: str
    train: int
    heldout: int
    minimum: int


@dataclass(frozen=True)
class Diversity:
    label: str
    examples: int
    distinct_1: float
    distinct_2: float
    distinct_3: float


@dataclass
class Report:
    train_examples: int
    heldout_examples: int
    scam_types: list[LabelCount]
    intents: list[LabelCount]
    exact_duplicates: list[tuple[str, ...]]
    near_duplicates: list[SimilarPair]
    leaks: list[SimilarPair]
    diversity: list[Diversity]
    annotation_errors: list[Problem]
    problems: list[Problem] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["ok"] = self.ok
        return d


# --- text helpers --------------------------------------------------------------------------

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SPACE_RE = re.compile(r"\s+")
_DIGIT_RE = re.compile(r"\d")


def normalize(text: str) -> str:
    """Case-, width- and space-insensitive form used for duplicate detection."""
    t = unicodedata.normalize("NFKC", text).translate(_THAI_DIGITS).lower()
    return _SPACE_RE.sub(" ", t).strip()


def _skeleton(text: str) -> str:
    """``normalize`` plus every digit masked to 0 (numbers swapped ≠ new example)."""
    return _DIGIT_RE.sub("0", normalize(text))


def char_ngrams(text: str, n: int = 3) -> frozenset[str]:
    t = _skeleton(text)
    if len(t) <= n:
        return frozenset({t}) if t else frozenset()
    return frozenset(t[i : i + n] for i in range(len(t) - n + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def label_of(ex: Example) -> str:
    """The classification label: ``scam:<type>`` for typed reports, else the intent."""
    return f"scam:{ex.scam_type}" if ex.scam_type else ex.intent


# --- similarity joins (prefix filtering) ---------------------------------------------------


def _need(size: int, t: float) -> int:
    return max(1, math.ceil(t * size - 1e-9))


def _order(sets: Iterable[frozenset[str]]) -> dict[str, int]:
    df: Counter[str] = Counter()
    for s in sets:
        df.update(s)
    return {g: i for i, (g, _) in enumerate(sorted(df.items(), key=lambda kv: (kv[1], kv[0])))}


def _sorted_tokens(s: frozenset[str], rank: dict[str, int]) -> list[int]:
    return sorted(rank[g] for g in s)


def similar_pairs_within(
    sets: Sequence[frozenset[str]], threshold: float
) -> list[tuple[int, int, float]]:
    """All (i, j, sim) with i < j and Jaccard(sets[i], sets[j]) >= threshold."""
    rank = _order(sets)
    order = sorted(range(len(sets)), key=lambda i: len(sets[i]))
    index: dict[int, list[int]] = defaultdict(list)
    out: list[tuple[int, int, float]] = []
    for i in order:
        s = sets[i]
        if not s:
            continue
        toks = _sorted_tokens(s, rank)
        prefix = len(toks) - _need(len(toks), threshold) + 1
        min_size = threshold * len(toks) - 1e-9
        seen: set[int] = set()
        for tok in toks[:prefix]:
            for j in index[tok]:
                if j in seen or len(sets[j]) < min_size:
                    continue
                seen.add(j)
                sim = jaccard(s, sets[j])
                if sim >= threshold:
                    out.append((min(i, j), max(i, j), sim))
            index[tok].append(i)
    out.sort()
    return out


def similar_pairs_across(
    probe: Sequence[frozenset[str]], base: Sequence[frozenset[str]], threshold: float
) -> list[tuple[int, int, float]]:
    """All (probe index, base index, sim) with Jaccard >= threshold."""
    rank = _order([*probe, *base])
    index: dict[int, list[int]] = defaultdict(list)
    for j, s in enumerate(base):
        toks = _sorted_tokens(s, rank)
        for tok in toks[: len(toks) - _need(len(toks), threshold) + 1]:
            index[tok].append(j)
    out: list[tuple[int, int, float]] = []
    for i, s in enumerate(probe):
        if not s:
            continue
        toks = _sorted_tokens(s, rank)
        lo, hi = threshold * len(s) - 1e-9, len(s) / threshold + 1e-9
        seen: set[int] = set()
        for tok in toks[: len(toks) - _need(len(toks), threshold) + 1]:
            for j in index[tok]:
                if j in seen or not lo <= len(base[j]) <= hi:
                    continue
                seen.add(j)
                sim = jaccard(s, base[j])
                if sim >= threshold:
                    out.append((i, j, sim))
    out.sort()
    return out


# --- individual checks ---------------------------------------------------------------------


def count_labels(
    train: Sequence[Example], heldout: Sequence[Example]
) -> tuple[list[LabelCount], list[LabelCount]]:
    """(per scam type, per dialogue intent). ``report_scam`` counts only untyped reports."""
    st_train = Counter(e.scam_type for e in train if e.scam_type)
    st_held = Counter(e.scam_type for e in heldout if e.scam_type)
    it_train = Counter(e.intent for e in train if not e.scam_type)
    it_held = Counter(e.intent for e in heldout if not e.scam_type)
    scam = [
        LabelCount(
            st.value,
            st_train[st.value],
            st_held[st.value],
            TRAIN_MIN_SCAM_TYPE_OVERRIDES.get(st.value, TRAIN_MIN_SCAM_TYPE),
        )
        for st in ScamType
    ]
    extra = sorted((set(st_train) | set(st_held)) - {s.value for s in ScamType})
    scam += [LabelCount(s, st_train[s], st_held[s], 0) for s in extra]
    intents = [LabelCount(i, it_train[i], it_held[i], TRAIN_MIN_INTENT) for i in DIALOGUE_INTENTS]
    extra = sorted((set(it_train) | set(it_held)) - set(DIALOGUE_INTENTS))
    intents += [LabelCount(i, it_train[i], it_held[i], 0) for i in extra]
    return scam, intents


def exact_duplicates(
    train: Sequence[Example], heldout: Sequence[Example]
) -> list[tuple[str, ...]]:
    """Groups of sources whose normalised texts are identical (any split)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for e in train:
        groups[normalize(e.text)].append(e.source)
    for e in heldout:
        groups[normalize(e.text)].append(f"heldout/{e.source}")
    return [tuple(v) for v in groups.values() if len(v) > 1]


def _fmt_pairs(
    pairs: Iterable[tuple[int, int, float]], a: Sequence[Example], b: Sequence[Example]
) -> list[SimilarPair]:
    return [
        SimilarPair(a[i].source, b[j].source, round(sim, 3), a[i].text, b[j].text)
        for i, j, sim in pairs
    ]


def near_duplicates(
    train: Sequence[Example], threshold: float = NEAR_DUP_THRESHOLD
) -> list[SimilarPair]:
    sets = [char_ngrams(e.text) for e in train]
    pairs = [
        p
        for p in similar_pairs_within(sets, threshold)
        # exact duplicates are reported separately
        if normalize(train[p[0]].text) != normalize(train[p[1]].text)
    ]
    return _fmt_pairs(pairs, train, train)


def leaks(
    train: Sequence[Example], heldout: Sequence[Example], threshold: float = LEAK_THRESHOLD
) -> list[SimilarPair]:
    """Heldout examples too similar to some train example (best match per heldout example)."""
    pairs = similar_pairs_across(
        [char_ngrams(e.text) for e in heldout], [char_ngrams(e.text) for e in train], threshold
    )
    best: dict[int, tuple[int, int, float]] = {}
    for i, j, sim in pairs:
        if i not in best or sim > best[i][2]:
            best[i] = (i, j, sim)
    return _fmt_pairs(sorted(best.values()), heldout, train)


def default_tokenizer() -> Callable[[str], list[str]]:
    from pythainlp.tokenize import word_tokenize  # heavy: import lazily

    def tok(text: str) -> list[str]:
        return [
            t
            for t in word_tokenize(normalize(text), engine="newmm", keep_whitespace=False)
            if t.strip()
        ]

    return tok


def _distinct(token_lists: Sequence[list[str]], n: int) -> float:
    total = 0
    seen: set[tuple[str, ...]] = set()
    for toks in token_lists:
        grams = [tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)]
        total += len(grams)
        seen.update(grams)
    return round(len(seen) / total, 3) if total else 0.0


def diversity(
    examples: Sequence[Example], tokenize: Callable[[str], list[str]] | None = None
) -> list[Diversity]:
    """Distinct word n-gram ratios per label (distinct n-grams / all n-grams)."""
    tokenize = tokenize or default_tokenizer()
    by_label: dict[str, list[list[str]]] = defaultdict(list)
    for e in examples:
        by_label[label_of(e)].append(tokenize(e.text))
    return [
        Diversity(
            label,
            len(lists),
            _distinct(lists, 1),
            _distinct(lists, 2),
            _distinct(lists, 3),
        )
        for label, lists in sorted(by_label.items())
    ]


def _digits(s: str) -> str:
    return re.sub(r"[^0-9xX*]", "", s.translate(_THAI_DIGITS))


_WORDCHAR = re.compile(r"[0-9A-Za-z๐-๙]")
_NUMBER_WORDS = re.compile(r"[0-9๐-๙]|หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ร้อย|พัน|หมื่น|แสน|ล้าน|k\b",
                           re.IGNORECASE)


def _cuts_token(text: str, start: int, end: int) -> bool:
    """True when a span starts or ends inside a run of digits/Latin letters."""
    before = start > 0 and _WORDCHAR.match(text[start - 1]) and _WORDCHAR.match(text[start])
    after = end < len(text) and _WORDCHAR.match(text[end - 1]) and _WORDCHAR.match(text[end])
    return bool(before or after)


def _fits_entity(entity: str, piece: str) -> bool:
    """Cheap plausibility check of a span's text for its entity type."""
    if entity in ("account", "phone", "national_id", "promptpay"):
        return bool(re.search(r"[0-9๐-๙]", piece))
    if entity == "amount":
        return bool(_NUMBER_WORDS.search(piece))
    if entity == "url":
        return "." in piece and not re.search(r"\s", piece)
    if entity == "line_id":
        return not re.search(r"\s", piece)
    return True


def annotation_errors(
    examples: Sequence[Example], synonyms: dict[str, str] | None = None
) -> list[Problem]:
    """Entity spans that are wrong on their face (hard errors), phone oddities (warnings)."""
    synonyms = synonyms or {}
    out: list[Problem] = []

    def err(ex: Example, code: str, msg: str, severity: str = ERROR) -> None:
        out.append(Problem(severity, code, f"{msg} — {ex.text!r}", (ex.source,)))

    for ex in examples:
        if ex.scam_type and ex.intent != "report_scam":
            err(ex, "scam_type_on_wrong_intent", f"scam_type on intent {ex.intent!r}")
        if ex.scam_type and ex.scam_type not in {s.value for s in ScamType}:
            err(ex, "unknown_scam_type", f"unknown scam_type {ex.scam_type!r}")
        banks: set[str] = set()
        last_end = -1
        for span in sorted(ex.entities, key=lambda s: s.start):
            piece = ex.text[span.start : span.end] if 0 <= span.start < span.end else ""
            if (
                not piece
                or span.end > len(ex.text)
                or piece != piece.strip()
                or _cuts_token(ex.text, span.start, span.end)
            ):
                err(ex, "span_mismatch", f"span {span.start}:{span.end} ({span.entity}) "
                    f"does not cover a whole piece of text: {piece!r}")
                continue
            if not _fits_entity(span.entity, piece):
                err(ex, "entity_text_mismatch", f"{span.entity} span {piece!r} does not look "
                    f"like a {span.entity}")
            if span.start < last_end:
                err(ex, "overlapping_spans", f"{span.entity} span overlaps the previous one")
            last_end = span.end
            if span.entity not in ALLOWED_ENTITIES:
                err(ex, "unknown_entity", f"entity {span.entity!r} not allowed")
                continue
            if span.entity == "bank":
                code = span.value or synonyms.get(piece) or synonyms.get(piece.lower())
                if code is None and piece.upper() in BANK_CODES:
                    code = piece.upper()
                if code not in BANK_CODES:
                    err(ex, "bad_bank_value", f"bank {piece!r} has value {code!r}, "
                        "not a bank code")
                else:
                    banks.add(code)
        for span in ex.entities:
            piece = ex.text[span.start : span.end]
            if not piece:
                continue
            d = _digits(piece)
            if span.entity == "account":
                allowed = (
                    frozenset().union(*(ACCOUNT_DIGITS.get(b, DEFAULT_ACCOUNT_DIGITS)
                                        for b in banks))
                    if banks
                    else ANY_ACCOUNT_DIGITS
                )
                if len(d) not in allowed:
                    err(ex, "account_digits", f"account number {piece!r} has {len(d)} digits, "
                        f"expected {sorted(allowed)} for {sorted(banks) or 'an unknown bank'}")
            elif span.entity == "national_id" and len(d) != 13:
                err(ex, "national_id_digits", f"national ID {piece!r} has {len(d)} digits")
            elif span.entity == "promptpay" and len(d) not in (10, 13, 15):
                err(ex, "promptpay_digits", f"PromptPay ID {piece!r} has {len(d)} digits")
            elif span.entity == "phone":
                plain = re.sub(r"[\s\-().]", "", piece.translate(_THAI_DIGITS))
                if not re.fullmatch(r"(\+\d{6,14}|0\d{8,9}|1\d{3})", plain):
                    err(ex, "phone_format", f"phone {piece!r} does not look like a number",
                        WARNING)
    return out


def default_raw_tokenizer() -> Callable[[str], list[str]]:
    """PyThaiNLP newmm keeping whitespace, so tokens concatenate back to the text."""
    from pythainlp.tokenize import word_tokenize

    return lambda text: word_tokenize(text, engine="newmm", keep_whitespace=True)


def misaligned_spans(
    examples: Sequence[Example], tokenize_raw: Callable[[str], list[str]] | None = None
) -> list[Problem]:
    """Warn about spans whose edges fall inside a Thai word (the NLU tokenizer can't see them).

    Typical cause: an annotation glued to the following word, e.g. ``[กรุงไทย]แจ้ง``.
    """
    tokenize_raw = tokenize_raw or default_raw_tokenizer()
    out: list[Problem] = []
    for ex in examples:
        if not ex.entities:
            continue
        tokens = tokenize_raw(ex.text)
        if "".join(tokens) != ex.text:
            continue  # tokenizer does not preserve offsets; nothing to say
        edges = {0}
        pos = 0
        for tok in tokens:
            pos += len(tok)
            edges.add(pos)
        for span in ex.entities:
            if span.start not in edges or span.end not in edges:
                piece = ex.text[span.start : span.end]
                out.append(Problem(WARNING, "misaligned_span",
                                   f"{span.entity} span {piece!r} cuts a word when tokenised "
                                   f"(add a space?) — {ex.text!r}", (ex.source,)))
    return out


# --- the whole report ----------------------------------------------------------------------


def build_report(
    train: Sequence[Example],
    heldout: Sequence[Example],
    synonyms: dict[str, str] | None = None,
    tokenize: Callable[[str], list[str]] | None = None,
) -> Report:
    """Run every check; ``tokenize`` (default PyThaiNLP newmm) is only for the diversity ratios."""
    t0 = time.perf_counter()
    scam, intents = count_labels(train, heldout)
    dups = exact_duplicates(train, heldout)
    t1 = time.perf_counter()
    near = near_duplicates(train)
    t2 = time.perf_counter()
    leaked = leaks(train, heldout)
    t3 = time.perf_counter()
    div = diversity(train, tokenize)
    t4 = time.perf_counter()
    ann = annotation_errors([*train, *heldout], synonyms)
    if tokenize is None:  # only with the real Thai tokenizer
        ann += misaligned_spans([*train, *heldout])
    timings: dict[str, float] = {
        "counts_and_duplicates": round(t1 - t0, 3),
        "near_duplicates": round(t2 - t1, 3),
        "leakage": round(t3 - t2, 3),
        "diversity": round(t4 - t3, 3),
        "annotations": round(time.perf_counter() - t4, 3),
    }

    problems: list[Problem] = []
    for c in (*scam, *intents):
        if c.minimum and c.train < c.minimum:
            problems.append(Problem(ERROR, "too_few_train",
                                    f"{c.label}: {c.train} train examples, need {c.minimum}"))
        if c.train and not c.heldout:
            problems.append(Problem(WARNING, "no_heldout", f"{c.label}: no heldout examples"))
    for c in intents:
        if c.label not in DIALOGUE_INTENTS:
            problems.append(Problem(WARNING, "unknown_intent",
                                    f"intent {c.label!r} is not in the dialogue intent list"))
    for group in dups:
        problems.append(Problem(ERROR, "exact_duplicate",
                                f"{len(group)} identical examples", group))
    for p in near:
        problems.append(Problem(ERROR, "near_duplicate",
                                f"train near-duplicates (J={p.similarity}): "
                                f"{p.text_a!r} ~ {p.text_b!r}", (p.a, p.b)))
    for p in leaked:
        problems.append(Problem(ERROR, "leak",
                                f"heldout too close to train (J={p.similarity}): "
                                f"{p.text_a!r} ~ {p.text_b!r}", (f"heldout/{p.a}", p.b)))
    for d in div:
        for n in (1, 2, 3):
            value = getattr(d, f"distinct_{n}")
            if d.examples >= 10 and value < DIVERSITY_FLOOR[n]:
                problems.append(Problem(WARNING, "low_diversity",
                                        f"{d.label}: distinct-{n} {value} < "
                                        f"{DIVERSITY_FLOOR[n]}"))
    problems.extend(ann)
    return Report(
        train_examples=len(train),
        heldout_examples=len(heldout),
        scam_types=scam,
        intents=intents,
        exact_duplicates=dups,
        near_duplicates=near,
        leaks=leaked,
        diversity=div,
        annotation_errors=ann,
        problems=problems,
        seconds=timings,
    )


def check_data(root: Path, tokenize: Callable[[str], list[str]] | None = None) -> Report:
    """Load ``root/train`` and ``root/heldout`` and build the report."""
    root = Path(root)
    return build_report(
        load_examples(root, "train"),
        load_examples(root, "heldout"),
        load_synonyms(root),
        tokenize,
    )
