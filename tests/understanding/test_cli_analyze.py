"""`sakot analyze`: JSON Lines in and out, bad lines reported, order kept, streaming."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from sakot.cli import app
from sakot.cli.analyze import ExtractionAnalyzer, analyze_lines, analyze_record

runner = CliRunner()
GOOD = {"id": "a1", "text": "โอนเข้า กสิกร 123-4-56789-0 ห้าหมื่นบาท เมื่อกี้",
        "received_at": "2026-11-28T15:00:00+07:00"}
CONTRACT_KEYS = {"phones", "accounts", "banks", "amounts_thb", "promptpay_ids",
                 "national_ids_masked", "urls", "line_ids", "transfer_times"}


def _lines(*objs: Any) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o, ensure_ascii=False)) + "\n"
                   for o in objs)


def _out(result_output: str) -> list[dict]:
    return [json.loads(x) for x in result_output.splitlines() if x.strip()]


def test_good_line_via_stdin() -> None:
    r = runner.invoke(app, ["analyze", "--entities-only"], input=_lines(GOOD))
    assert r.exit_code == 0, r.output
    [o] = _out(r.output)
    assert o["id"] == "a1"
    assert CONTRACT_KEYS <= set(o["entities"])
    e = o["entities"]
    assert e["accounts"] == [{"number": "1234567890", "bank": "KBANK", "role": "destination",
                              "partial": False}]
    assert e["banks"] == ["KBANK"] and e["amounts_thb"] == [50000]
    assert e["transfer_times"] == ["2026-11-28T15:00:00+07:00"]


def test_files_in_and_out(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(_lines(GOOD, {"id": 2, "text": "เบอร์ 0812345678"}), encoding="utf-8")
    r = runner.invoke(app, ["analyze", "--entities-only", "--in", str(src), "--out", str(dst)])
    assert r.exit_code == 0, r.output
    out = _out(dst.read_text(encoding="utf-8"))
    assert [o["id"] for o in out] == ["a1", 2]
    assert out[1]["entities"]["phones"] == ["0812345678"]


def test_bad_lines_do_not_stop_the_run() -> None:
    text = _lines(
        GOOD,
        "{not json",
        {"id": "no-text"},
        {"id": "num-text", "text": 5},
        {"id": "huge", "text": "ก" * 100_001},
        {"id": "bad-time", "text": "x", "received_at": "yesterday"},
        [1, 2],
        {"id": "last", "text": "โอน 5 พัน"},
    )
    r = runner.invoke(app, ["analyze", "--entities-only"], input=text)
    assert r.exit_code == 0, r.output
    out = _out(r.output)
    assert [o["id"] for o in out] == ["a1", None, "no-text", "num-text", "huge", "bad-time",
                                      None, "last"]
    assert "entities" in out[0] and "entities" in out[-1]
    for o in out[1:-1]:
        assert "error" in o and "entities" not in o
    assert out[1]["error"].startswith("invalid JSON")
    assert out[2]["error"] == "missing text"
    assert "too long" in out[4]["error"]
    assert out[-1]["entities"]["amounts_thb"] == [5000]


def test_exactly_max_length_is_accepted() -> None:
    o = analyze_record({"id": 1, "text": "ก" * 100_000}, ExtractionAnalyzer())
    assert "entities" in o


def test_order_preserved_for_many_lines() -> None:
    recs = [{"id": i, "text": f"โอนไป {i + 1},000 บาท"} for i in range(300)]
    r = runner.invoke(app, ["analyze", "--entities-only"], input=_lines(*recs))
    out = _out(r.output)
    assert [o["id"] for o in out] == list(range(300))
    assert [o["entities"]["amounts_thb"] for o in out] == [[(i + 1) * 1000] for i in range(300)]


def test_blank_lines_skipped() -> None:
    r = runner.invoke(app, ["analyze", "--entities-only"], input="\n" + _lines(GOOD) + "\n\n")
    assert [o["id"] for o in _out(r.output)] == ["a1"]


def test_streams_lazily() -> None:
    seen: list[int] = []

    def source():
        for i in range(3):
            seen.append(i)
            yield json.dumps({"id": i, "text": "x"}) + "\n"

    it = analyze_lines(source(), ExtractionAnalyzer())
    first = next(it)
    assert first["id"] == 0 and seen == [0]


def test_analyzer_seam_merges_extra_fields() -> None:
    class WithClassifier(ExtractionAnalyzer):
        def analyze(self, text: str, received_at: datetime | None) -> dict[str, Any]:
            return {**super().analyze(text, received_at), "scam_type": "online_shopping",
                    "priority": "P1"}

    o = analyze_record(json.dumps(GOOD, ensure_ascii=False), WithClassifier())
    assert o["scam_type"] == "online_shopping" and o["priority"] == "P1"
    assert o["entities"]["banks"] == ["KBANK"]


def test_output_is_utf8_not_escaped() -> None:
    buf = io.StringIO()
    r = runner.invoke(app, ["analyze", "--entities-only"],
                      input=_lines({"id": "ไทย", "text": "ไลน์ @abc"}))
    buf.write(r.output)
    assert '"ไทย"' in buf.getvalue()


def test_national_id_never_in_output_unmasked() -> None:
    r = runner.invoke(app, ["analyze", "--entities-only"],
                      input=_lines({"id": 1, "text": "บัตร 1101700123456"}))
    assert "1101700123456" not in r.output


def test_invalid_utf8_line_does_not_stop_the_run(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": 1, "text": "\xff\xfe bad"}\n' + _lines(GOOD).encode("utf-8"))
    r = runner.invoke(app, ["analyze", "--entities-only", "--in", str(src)])
    assert r.exit_code == 0, r.output
    out = _out(r.output)
    assert [o["id"] for o in out] == [1, "a1"] and "entities" in out[1]


def test_invalid_utf8_on_stdin() -> None:
    r = runner.invoke(app, ["analyze", "--entities-only"],
                      input=b'not json \xff\n' + _lines(GOOD).encode())
    assert r.exit_code == 0, r.output
    out = _out(r.output)
    assert out[0]["error"].startswith("invalid JSON") and out[1]["id"] == "a1"


def test_real_process_streams_stdin_to_stdout() -> None:
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-c", "from sakot.cli import main; main()", "analyze",
         "--entities-only"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(_lines(GOOD))
    proc.stdin.flush()
    first = json.loads(proc.stdout.readline())  # answered before stdin is closed
    assert first["id"] == "a1"
    proc.stdin.write(_lines({"id": "b", "text": "เบอร์ 0812345678"}))
    proc.stdin.close()
    rest = [json.loads(x) for x in proc.stdout.read().splitlines()]
    assert proc.wait(timeout=60) == 0
    assert [o["id"] for o in rest] == ["b"]


def test_analyzer_failure_is_reported_per_line() -> None:
    class Broken(ExtractionAnalyzer):
        def analyze(self, text: str, received_at: datetime | None) -> dict[str, Any]:
            if text == "boom":
                raise RuntimeError("bug")
            return super().analyze(text, received_at)

    out = list(analyze_lines([_lines({"id": 1, "text": "boom"}), _lines(GOOD)], Broken()))
    assert out[0] == {"id": 1, "error": "internal error: RuntimeError"}
    assert out[1]["id"] == "a1" and "entities" in out[1]


def test_a_bare_lure_is_one_whatever_its_wording() -> None:
    """A link or LINE id with a call to act on it or a sum forwards a scam (its type is given
    even when the intent model reads the wording as small talk); a link alone does not."""
    from sakot.cli.analyze import forwards_a_lure
    from bot.understanding import analyze_text

    at = datetime(2026, 3, 1, 9, 0)
    for lure in ("บัญชีของท่านจะถูกระงับ กรุณายืนยันตัวตนที่ https://k-verify-th.com/a1",
                 "ยอดเงิน 3,500 บาทรอโอนเข้าบัญชีคุณ https://tinyurl.com/yk3p2q",
                 "Congratulations! add LINE @lucky-gift77 to claim your prize"):
        assert forwards_a_lure(lure, analyze_text(lure, at)), lure
    for other in ("ดูข่าวนี้สิ https://www.thairath.co.th/news/1", "โอนเงินไม่ได้ค่ะ แอปค้าง"):
        assert not forwards_a_lure(other, analyze_text(other, at)), other
