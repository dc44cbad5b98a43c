"""`sakot analyze` with a classifier: the four fields, the scam-type rule, priority, batching.

A fake classifier stands in for the model here (the real one is tested in
test_analyze_real_model.py); extraction and triage are the real ones.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.classifier import Prediction
from sakot.cli.analyze import ClassifierAnalyzer, analyze_lines

NOW = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)  # 21:00 in Bangkok


def _pred(intent: str, scam_type: str | None = None, *, situation: tuple[str, ...] = (),
          scam_conf: float = 0.9, top: str = "online_shopping") -> Prediction:
    return Prediction(
        intent=intent, intent_confidence=0.9, intent_ranking=((intent, 0.9),),
        scam_type=scam_type, scam_type_confidence=scam_conf, uncertain=False,
        scam_type_ranking=((scam_type or top, scam_conf),), situation=situation,
        situation_scores=tuple((s, 0.9) for s in situation),
    )


class ScriptedClassifier:
    """Answers from a table keyed by text; records every call (to see the batches)."""

    def __init__(self, table: dict[str, Prediction]) -> None:
        self.table = table
        self.calls: list[list[str]] = []

    def classify(self, texts: list[str]) -> list[Prediction]:
        self.calls.append(list(texts))
        return [self.table[t] for t in texts]


def _run(table: dict[str, Prediction], records: list[dict]) -> tuple[list[dict], list]:
    clf = ScriptedClassifier(table)
    analyzer = ClassifierAnalyzer(clf, threshold=0.5, clock=lambda: NOW)
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
    return list(analyze_lines(lines, analyzer)), clf.calls


def test_every_line_gets_the_four_fields_in_one_batch() -> None:
    table = {
        "สวัสดีค่ะ": _pred("greet"),
        "ซื้อของในเฟซ โอนไปแล้วไม่ได้ของ": _pred("report_scam", "online_shopping",
                                                situation=("money_paid",)),
    }
    out, calls = _run(table, [{"id": 1, "text": "สวัสดีค่ะ"},
                              {"id": 2, "text": "ซื้อของในเฟซ โอนไปแล้วไม่ได้ของ"}])
    assert calls == [["สวัสดีค่ะ", "ซื้อของในเฟซ โอนไปแล้วไม่ได้ของ"]]  # one forward pass
    for o in out:
        assert {"scam_type", "scam_type_confidence", "intent", "priority", "entities"} <= set(o)
    assert out[0] | {"entities": None} == {
        "id": 1, "entities": None, "scam_type": None, "scam_type_confidence": None,
        "intent": "greet", "priority": None, "situation": []}
    assert out[1]["scam_type"] == "online_shopping" and out[1]["scam_type_confidence"] == 0.9
    # money paid, no destination identifier yet -> P1 (bot.triage)
    assert out[1]["intent"] == "report_scam" and out[1]["priority"] == "P1"


def test_scam_type_is_given_whatever_the_dialogue_intent() -> None:
    lure = 'ได้ SMS ว่า "สินเชื่ออนุมัติแล้ว โอนค่าธรรมเนียมก่อน" หลอกไหมคะ'
    table = {
        lure: _pred("check_identifier", None, top="loan", scam_conf=0.8),
        "ขอบคุณค่ะ": _pred("thanks", None, top="loan", scam_conf=0.8),
        "ไม่แน่ใจค่ะ": _pred("ask_advice", None, top="loan", scam_conf=0.3),
    }
    out, _ = _run(table, [{"id": k, "text": t} for k, t in enumerate(table)])
    assert [o["scam_type"] for o in out] == ["loan", None, None]
    assert out[0]["intent"] == "check_identifier" and out[0]["priority"] == "P2"


def test_priority_from_extraction_and_situation() -> None:
    fresh = "โอนเข้า กสิกร 123-4-56789-0 ห้าหมื่นบาท เมื่อกี้"
    old = "เมื่อเดือนที่แล้ว 3 พ.ย. 2569 โอนเข้า กสิกร 123-4-56789-0 ห้าหมื่นบาท"
    asked = "เขาขอให้โอน 5,000 เข้า กสิกร 123-4-56789-0 ยังไม่ได้โอนค่ะ"
    on_line = "ยังคุยกับเขาอยู่ค่ะ ให้ไปตู้"
    table = {
        fresh: _pred("report_scam", "call_center", situation=("money_paid",)),
        old: _pred("report_scam", "call_center", situation=("money_paid",)),
        asked: _pred("report_scam", "call_center"),
        on_line: _pred("report_scam", "call_center", situation=("on_line_now",)),
    }
    at = "2026-12-03T20:00:00+07:00"
    out, _ = _run(table, [{"id": t, "text": t, "received_at": at} for t in table])
    assert [o["priority"] for o in out] == ["P0", "P1", "P2", "P0"]


def test_keyword_safety_net_only_raises_priority() -> None:
    text = "ตอนนี้ยังอยู่ในสายกับตำรวจค่ะ"  # the head missed it; the keyword rule did not
    out, _ = _run({text: _pred("report_scam", "call_center")}, [{"id": 1, "text": text}])
    assert out[0]["priority"] == "P0"


def test_bad_lines_and_a_failing_batch_lose_nothing() -> None:
    class Flaky(ScriptedClassifier):
        def classify(self, texts: list[str]) -> list[Prediction]:
            if "boom" in texts:
                self.calls.append(list(texts))
                raise RuntimeError("bug")
            return super().classify(texts)

    clf = Flaky({"ok": _pred("greet")})
    analyzer = ClassifierAnalyzer(clf, clock=lambda: NOW)
    lines = ['{"id": 1, "text": "ok"}\n', "{broken\n", '{"id": 3, "text": "boom"}\n',
             "\n", '{"id": 4, "text": "ok"}\n']
    out = list(analyze_lines(lines, analyzer))
    assert [o["id"] for o in out] == [1, None, 3, 4]
    assert out[1]["error"].startswith("invalid JSON")
    assert out[2] == {"id": 3, "error": "internal error: RuntimeError"}
    assert out[0]["intent"] == out[3]["intent"] == "greet"


def test_batches_are_bounded() -> None:
    table = {f"ข้อความ {k}": _pred("greet") for k in range(70)}
    clf = ScriptedClassifier(table)
    lines = [json.dumps({"id": k, "text": t}, ensure_ascii=False) for k, t in enumerate(table)]
    out = list(analyze_lines(lines, ClassifierAnalyzer(clf, clock=lambda: NOW), batch_size=32))
    assert [o["id"] for o in out] == list(range(70))
    assert all(len(c) <= 32 for c in clf.calls) and sum(map(len, clf.calls)) == 70
