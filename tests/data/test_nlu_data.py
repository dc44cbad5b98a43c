"""tooling.data_check and `sakot data check`: planted problems are found; the real data passes."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tooling import data_check as check
from tooling.nlu_data import EntitySpan, Example, load_examples

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "nlu_data"


def _split_tokens(text: str) -> list[str]:
    return text.split()


def _yaml(blocks: dict[str, list[str]]) -> str:
    out = ['version: "3.1"\nnlu:\n']
    for intent, examples in blocks.items():
        out.append(f"- intent: {intent}\n  examples: |\n")
        out += [f"    - {e}\n" for e in examples]
    return "".join(out)


CLEAN_TRAIN = {
    "greet": ["สวัสดีค่ะ", "hello there", "หวัดดีครับแอดมิน"],
    "inform": [
        'โอนจาก[กสิกร]{"entity": "bank", "value": "KBANK"} [5,000 บาท](amount)',
        "เลขบัญชีปลายทาง [123-4-56789-0](account)",
        "เบอร์ที่โทรมา [089-123-4567](phone)",
    ],
    "thanks": ["ขอบคุณมากค่ะ", "thank you so much"],
}
CLEAN_HELDOUT = {
    "greet": ["ดีจ้า มีใครอยู่ไหม"],
    "inform": ["ยังไม่ได้โอนเงินเลยครับ"],
    "thanks": ["ซึ้งใจจริงๆ"],
}


def _dataset(root: Path, train: dict[str, list[str]], heldout: dict[str, list[str]]) -> Path:
    (root / "train").mkdir(parents=True)
    (root / "heldout").mkdir(parents=True)
    (root / "train" / "intents.yml").write_text(_yaml(train), encoding="utf-8")
    (root / "heldout" / "intents.yml").write_text(_yaml(heldout), encoding="utf-8")
    return root


def _codes(report: check.Report, severity: str = check.ERROR) -> set[str]:
    return {p.code for p in report.problems if p.severity == severity}


def test_clean_tiny_dataset_has_only_count_problems(tmp_path):
    report = check.check_data(_dataset(tmp_path, CLEAN_TRAIN, CLEAN_HELDOUT), _split_tokens)
    assert _codes(report) == {"too_few_train"}
    assert report.exact_duplicates == []
    assert report.near_duplicates == []
    assert report.leaks == []
    assert report.annotation_errors == []
    assert not report.ok


def test_planted_problems_are_all_flagged(tmp_path):
    train = {k: list(v) for k, v in CLEAN_TRAIN.items()}
    heldout = {k: list(v) for k, v in CLEAN_HELDOUT.items()}
    # exact duplicate (case/space differences don't matter)
    train["greet"].append("Hello  There")
    # near-duplicate: same sentence, other amount
    train["inform"].append("ยายโอนเงินไปให้ร้านค้าออนไลน์ [4,800 บาท](amount) ตอนเช้า")
    train["inform"].append("ยายโอนเงินไปให้ร้านค้าออนไลน์ [9,100 บาท](amount) ตอนเช้า")
    # leak: heldout almost identical to a train example
    heldout["thanks"].append("ขอบคุณมากๆค่ะ")
    # annotation errors
    train["inform"].append('โอนเข้า[กสิกร]{"entity": "bank", "value": "KBNAK"}')
    train["inform"].append("ลิงก์ [www.example.test](website)")
    train["inform"].append(
        'บัญชี[ออมสิน]{"entity": "bank", "value": "GSB"} [123-4-56789-0](account)'
    )
    train["inform"].append("เลขบัตร [1-2345-67890-12](national_id)")
    report = check.check_data(_dataset(tmp_path, train, heldout), _split_tokens)

    assert {"exact_duplicate", "near_duplicate", "leak", "bad_bank_value", "unknown_entity",
            "account_digits", "national_id_digits"} <= _codes(report)
    assert any("hello there" in " ".join(g).lower() or len(g) == 2
               for g in report.exact_duplicates)
    (near,) = report.near_duplicates
    assert "4,800" in near.text_a + near.text_b and "9,100" in near.text_a + near.text_b
    (leak,) = report.leaks
    assert leak.text_a == "ขอบคุณมากๆค่ะ" and leak.text_b == "ขอบคุณมากค่ะ"
    assert leak.similarity >= check.LEAK_THRESHOLD
    assert not report.ok


def test_broken_span_is_flagged():
    good = Example("โอนไป 500 บาท", "inform", None, (EntitySpan(6, 13, "amount", None),), "x:1")
    cut = Example("โอนไป 500 บาท", "inform", None, (EntitySpan(7, 13, "amount", None),), "x:2")
    padded = Example("โอนไป 500 บาท", "inform", None, (EntitySpan(5, 9, "amount", None),), "x:3")
    out_of_range = Example("โอน", "inform", None, (EntitySpan(1, 9, "amount", None),), "x:4")
    wrong_type = Example("โอนไป 500 บาท", "inform", None, (EntitySpan(0, 5, "phone", None),), "x:5")
    assert check.annotation_errors([good]) == []
    problems = check.annotation_errors([cut, padded, out_of_range, wrong_type])
    codes = [p.code for p in problems if p.severity == check.ERROR]
    assert codes == ["span_mismatch"] * 3 + ["entity_text_mismatch"]


def test_bank_without_value_is_resolved_through_synonyms():
    ex = Example("จากเคพลัส", "inform", None, (EntitySpan(3, 9, "bank", None),), "x:1")
    assert [p.code for p in check.annotation_errors([ex])] == ["bad_bank_value"]
    assert check.annotation_errors([ex], {"เคพลัส": "KBANK"}) == []


def test_account_number_length_depends_on_bank():
    def acct(number: str, bank: str) -> Example:
        text = f"{bank} {number}"
        return Example(text, "inform", None, (
            EntitySpan(0, len(bank), "bank", bank),
            EntitySpan(len(bank) + 1, len(text), "account", None),
        ), "x:1")

    assert check.annotation_errors([acct("020-1-23456-789", "GSB")]) == []
    assert check.annotation_errors([acct("xxx-x-x4821-x", "KBANK")]) == []
    assert check.annotation_errors([acct("๑๒๓-๔-๕๖๗๘๙-๐", "SCB")]) == []
    assert [p.code for p in check.annotation_errors([acct("020-1-23456-789", "SCB")])] == [
        "account_digits"
    ]


def test_scam_type_rules():
    wrong_intent = Example("สวัสดี", "greet", "romance", (), "x:1")
    unknown = Example("โดนหลอก", "report_scam", "sextortion", (), "x:2")
    codes = [p.code for p in check.annotation_errors([wrong_intent, unknown])]
    assert codes == ["scam_type_on_wrong_intent", "unknown_scam_type"]


def test_counts_and_minimums():
    train = [Example(f"t{i}", "report_scam", "ransomware", (), f"a:{i}") for i in range(40)]
    train += [Example(f"g{i}", "greet", None, (), f"b:{i}") for i in range(39)]
    scam, intents = check.count_labels(train, [])
    by = {c.label: c for c in (*scam, *intents)}
    assert (by["ransomware"].train, by["ransomware"].minimum) == (40, 40)
    assert by["online_shopping"].minimum == 150
    assert (by["greet"].train, by["greet"].minimum) == (39, 40)
    assert by["report_scam"].train == 0  # typed reports count under their scam type only
    report = check.build_report(train, [], tokenize=_split_tokens)
    low = {p.message.split(":")[0] for p in report.problems if p.code == "too_few_train"}
    assert "greet" in low and "ransomware" not in low


def test_diversity_ratios():
    exs = [Example(t, "greet", None, (), "x") for t in ("a b c", "a b d")]
    (d,) = check.diversity(exs, _split_tokens)
    assert (d.distinct_1, d.distinct_2, d.distinct_3) == (round(4 / 6, 3), 0.75, 1.0)


def test_diversity_uses_thai_word_segmentation():
    exs = [Example("โดนโกงค่ะช่วยด้วย", "report_scam", None, (), "x")]
    (d,) = check.diversity(exs)  # pythainlp newmm: several words, not one blob
    assert d.distinct_1 == 1.0 and d.distinct_2 == 1.0


def test_similarity_joins_match_brute_force():
    rng = random.Random(7)
    texts = ["".join(rng.choice("กขคงจabc ") for _ in range(rng.randint(2, 30))) for _ in range(300)]
    texts += [t + "ค" for t in texts[:60]]
    sets = [check.char_ngrams(t) for t in texts]
    for t in (0.6, 0.8):
        fast = {(i, j) for i, j, _ in check.similar_pairs_within(sets, t)}
        brute = {(i, j) for i in range(len(sets)) for j in range(i + 1, len(sets))
                 if sets[i] and sets[j] and check.jaccard(sets[i], sets[j]) >= t}
        assert fast == brute
        a, b = sets[:100], sets[100:]
        fast = {(i, j) for i, j, _ in check.similar_pairs_across(a, b, t)}
        brute = {(i, j) for i in range(len(a)) for j in range(len(b))
                 if a[i] and b[j] and check.jaccard(a[i], b[j]) >= t}
        assert fast == brute


# --- the CLI ------------------------------------------------------------------------------


def _cli():
    from sakot.cli import app

    return app


def test_cli_exit_code_and_json_on_planted_problems(tmp_path):
    train = {k: list(v) for k, v in CLEAN_TRAIN.items()}
    train["greet"].append("สวัสดีค่ะ")
    root = _dataset(tmp_path, train, CLEAN_HELDOUT)
    runner = CliRunner()
    result = runner.invoke(_cli(), ["data", "check", "--root", str(root)])
    assert result.exit_code == 1, result.output
    assert "exact_duplicate" in result.output and "NOT OK" in result.output
    result = runner.invoke(_cli(), ["data", "check", "--root", str(root), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["ok"] is False
    assert any(p["code"] == "exact_duplicate" for p in data["problems"])


def test_cli_reports_malformed_file(tmp_path):
    root = _dataset(tmp_path, {"greet": ["[สวัสดี] ค่ะ"]}, CLEAN_HELDOUT)
    result = CliRunner().invoke(_cli(), ["data", "check", "--root", str(root)])
    assert result.exit_code == 1
    assert "intents.yml:5" in result.output


def test_real_nlu_data_passes_sakot_data_check():
    """Green once every scam-type file has its examples (see the minimums in tooling/data_check.py)."""
    result = CliRunner().invoke(_cli(), ["data", "check", "--root", str(DATA)])
    assert result.exit_code == 0, result.output[-6000:]


def test_real_dialogue_intents_meet_their_own_targets():
    train = [e for e in load_examples(DATA, "train") if not e.scam_type]
    heldout = [e for e in load_examples(DATA, "heldout") if not e.scam_type]
    for intent in check.DIALOGUE_INTENTS:
        assert sum(e.intent == intent for e in train) >= 45, intent
        assert sum(e.intent == intent for e in heldout) >= 12, intent
    report = check.build_report(train, heldout, tokenize=_split_tokens)
    assert report.exact_duplicates == [] and report.near_duplicates == []
    assert report.leaks == [] and report.annotation_errors == []


# --- Rasa's own validator -----------------------------------------------------------------

RASA = REPO / ".venv-rasa" / "bin" / "rasa"


@pytest.mark.rasa
@pytest.mark.skipif(not RASA.exists(), reason="Rasa env .venv-rasa not installed")
def test_rasa_data_validate_accepts_the_nlu_data(tmp_path):
    domain = REPO / "dialogue" / "domain.yml"
    assert domain.exists(), "dialogue/domain.yml is missing"
    config = REPO / "dialogue" / "config.yml"
    if not config.exists():
        config = tmp_path / "config.yml"
        config.write_text("recipe: default.v1\nlanguage: th\nassistant_id: sakot-test\n"
                          "pipeline: []\npolicies: []\n")
    data = tmp_path / "data"
    shutil.copytree(DATA / "train", data / "nlu")
    dialogue_data = REPO / "dialogue" / "data"
    if dialogue_data.is_dir():
        shutil.copytree(dialogue_data, data / "dialogue")
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    proc = subprocess.run(
        [str(RASA), "data", "validate", "--domain", str(domain), "--config", str(config),
         "--data", str(data)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]


def test_span_glued_into_a_thai_word_is_warned():
    glued = Example("แอปกรุงไทยแจ้งว่าระงับ", "inform", None,
                    (EntitySpan(3, 10, "bank", "KTB"),), "x:1")
    spaced = Example("แอป กรุงไทย แจ้งว่าระงับ", "inform", None,
                     (EntitySpan(4, 11, "bank", "KTB"),), "x:2")
    assert [p.code for p in check.misaligned_spans([glued, spaced])] == ["misaligned_span"]
    assert all(p.severity == check.WARNING for p in check.misaligned_spans([glued]))


def test_domain_declares_every_intent_and_entity_the_data_uses():
    """dialogue/domain.yml and nlu_data/ must agree on names (Rasa only warns about this)."""
    import yaml

    domain = yaml.safe_load((REPO / "dialogue" / "domain.yml").read_text(encoding="utf-8"))
    names = {next(iter(i)) if isinstance(i, dict) else i for i in domain.get("intents", [])}
    entities = {next(iter(e)) if isinstance(e, dict) else e for e in domain.get("entities", [])}
    used = [*load_examples(DATA, "train"), *load_examples(DATA, "heldout")]
    missing_intents = {e.intent for e in used} - names
    missing_entities = {s.entity for e in used for s in e.entities} - entities
    assert not missing_intents, f"intents missing from dialogue/domain.yml: {missing_intents}"
    assert not missing_entities, f"entities missing from dialogue/domain.yml: {missing_entities}"
