"""`sakot analyze` and long messages with the classifier built by setup (models/classifier).

Real processes: `.venv/bin/sakot analyze` on JSON Lines, as an analyst runs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "classifier"
SAKOT = Path(sys.executable).parent / "sakot"

# Written for this test (not from nlu_data): one short line per kind, and a long report.
LINES = [
    {"id": "greet", "text": "สวัสดีตอนเช้าค่ะ"},
    {"id": "shop", "text": "สั่งหม้อทอดไร้น้ำมันจากเพจที่ลดราคาเยอะมาก โอนเงินไปแล้ว 2,490 บาท "
                           "เข้ากสิกร 123-4-56789-0 เพจปิดหนีเลย ของก็ไม่มา",
     "received_at": "2026-12-03T10:00:00+07:00"},
    {"id": "line", "text": "ตอนนี้ยังคุยสายอยู่กับคนที่บอกว่าเป็นตำรวจ เขาให้โอนเงินไปตรวจสอบ "
                           "ภายในหนึ่งชั่วโมง ยังไม่ได้โอนค่ะ",
     "received_at": "2026-12-03T10:00:00+07:00"},
    {"id": "bad", "text": 5},
]

# ~2,000 characters: a first-person narrative of a remote-control app scam, several events.
LONG_REPORT = (
    "สวัสดีค่ะ ขอเล่าเรื่องที่เกิดขึ้นกับคุณพ่อของดิฉันตั้งแต่ต้นนะคะ เมื่อวันอังคารที่ผ่านมา "
    "ประมาณบ่ายสามโมง มีผู้ชายคนหนึ่งโทรเข้ามาที่มือถือของคุณพ่อ แนะนำตัวว่าเป็นเจ้าหน้าที่"
    "การไฟฟ้าส่วนภูมิภาค บอกว่าบ้านของเรามีค่าไฟค้างชำระและมิเตอร์ต้องลงทะเบียนใหม่ "
    "ไม่อย่างนั้นจะถูกตัดไฟภายในวันนั้น คุณพ่ออายุเจ็ดสิบกว่าแล้ว ตกใจมาก เขาบอกให้เพิ่มเพื่อน"
    "ในไลน์ แล้วส่งลิงก์มาให้กดดาวน์โหลดแอปพลิเคชันที่มีโลโก้เหมือนของการไฟฟ้าทุกอย่าง "
    "คุณพ่อก็ทำตามทุกขั้นตอน กดอนุญาตทุกอย่างที่แอปขอ แล้วเขาก็ให้สแกนใบหน้า และตั้งรหัส"
    "หกหลัก ระหว่างนั้นเขาคุยโทรศัพท์อยู่ตลอด บอกว่าให้รอระบบอัปเดตห้ามปิดเครื่อง "
    "หน้าจอโทรศัพท์ขึ้นเป็นหน้าโหลดสีฟ้าค้างอยู่นานมาก คุณพ่อกดอะไรไม่ได้เลย "
    "พอประมาณห้าโมงเย็นหน้าจอกลับมาใช้ได้ คุณพ่อเปิดแอปธนาคารดูก็พบว่าเงินในบัญชีออมทรัพย์"
    "หายไปเกือบหมด มีรายการโอนออกไปหลายรายการ ไปยังบัญชีชื่อคนที่ไม่รู้จักหลายธนาคาร "
    "รวมแล้วประมาณสามแสนสองหมื่นบาท ซึ่งเป็นเงินเก็บที่ท่านเก็บมาทั้งชีวิต "
    "ดิฉันทราบเรื่องตอนค่ำเพราะคุณพ่อโทรมาเล่าด้วยเสียงสั่น ๆ ดิฉันรีบให้คุณพ่อปิดอินเทอร์เน็ต"
    "และถอดซิมออก แล้วโทรหาธนาคารเพื่อแจ้งอายัด แต่สายไม่ว่างนานมาก กว่าจะติดก็เกือบสามทุ่ม "
    "เจ้าหน้าที่บอกว่าจะตรวจสอบให้ แต่ยังไม่แน่ใจว่าเงินที่โอนออกไปยังอยู่ในบัญชีปลายทางหรือไม่ "
    "วันถัดมาเราพาคุณพ่อไปที่ธนาคารสาขาใกล้บ้าน พนักงานให้คำแนะนำว่าต้องไปแจ้งความด้วย "
    "ตอนนี้แอปนั้นยังอยู่ในเครื่องของคุณพ่อ เพราะไม่รู้ว่าควรลบเลยหรือต้องเก็บไว้เป็นหลักฐาน "
    "อีกเรื่องคือ หลังจากนั้นยังมีเบอร์แปลก ๆ โทรเข้ามาอีกหลายครั้ง อ้างว่าเป็นเจ้าหน้าที่ที่ช่วย"
    "ตามเงินคืนได้ ถ้าจ่ายค่าดำเนินการก่อน ซึ่งเราไม่ได้จ่ายและไม่ได้รับสาย "
    "อยากทราบว่าตอนนี้ต้องทำอะไรต่อบ้างคะ ต้องเตรียมเอกสารอะไร และมีโอกาสได้เงินคืนไหม "
    "คุณพ่อเครียดมาก กินข้าวไม่ลง ดิฉันเองก็ไม่รู้จะเริ่มจากตรงไหน "
    "ข้อมูลเพิ่มเติมนะคะ บัญชีที่เงินถูกโอนออกเป็นบัญชีออมทรัพย์ที่คุณพ่อใช้รับเงินบำนาญ "
    "รายการแรกโอนออกตอนสี่โมงสิบห้า จำนวนห้าหมื่นบาท จากนั้นมีอีกหลายรายการ รายการละไม่เกินหนึ่งแสน "
    "ส่วนบัญชีปลายทางมีทั้งของกรุงไทย ไทยพาณิชย์ และกสิกรไทย เป็นชื่อบุคคลทั้งหมด "
    "ดิฉันถ่ายภาพหน้าจอรายการทั้งหมดเก็บไว้แล้ว รวมถึงแชทไลน์ที่เขาส่งลิงก์มาด้วย ขอบคุณมากค่ะที่ช่วยอ่าน"
)


@pytest.fixture(scope="module")
def model_dir() -> Path:
    if not (MODEL / "config.json").exists():
        pytest.fail("models/classifier is missing: run `make setup` (sakot models build)")
    return MODEL


def _run(lines: list, *args: str) -> list[dict]:
    src = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    proc = subprocess.run([str(SAKOT), "analyze", *args], input=src, capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]


def test_analyze_emits_the_four_fields_on_every_line(model_dir: Path) -> None:
    out = _run(LINES)
    assert [o["id"] for o in out] == ["greet", "shop", "line", "bad"]
    for o in out[:3]:
        assert {"scam_type", "scam_type_confidence", "intent", "priority", "entities"} <= set(o)
    greet, shop, line, bad = out
    assert greet["intent"] == "greet" and greet["scam_type"] is None
    assert greet["priority"] is None
    assert shop["scam_type"] == "online_shopping" and 0.5 <= shop["scam_type_confidence"] <= 1
    assert shop["intent"] in ("report_scam", "inform")
    assert shop["entities"]["accounts"][0]["number"] == "1234567890"
    assert shop["priority"] == "P0"  # paid this morning to a known account
    assert line["scam_type"] == "call_center" and line["priority"] == "P0"  # on the line now
    assert bad == {"id": "bad", "error": "text must be a string"}


def test_a_2000_character_report_gets_a_type(model_dir: Path) -> None:
    assert 1800 <= len(LONG_REPORT) <= 2300
    from bot.classifier import load_classifier

    clf = load_classifier(model_dir)
    assert len(clf.windows(LONG_REPORT)) >= 2  # longer than one 256-token window
    (o,) = _run([{"id": "long", "text": LONG_REPORT,
                  "received_at": "2026-12-03T10:00:00+07:00"}])
    assert o["scam_type"] == "remote_app", o
    assert o["priority"] in ("P0", "P1")
    (pred,) = clf.classify([LONG_REPORT])
    assert "money_paid" in pred.situation and "app_installed" in pred.situation


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    proc = subprocess.run([str(SAKOT), "analyze"], input='{"id": 1, "text": "x"}\n',
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "SAKOT_MODELS_DIR": str(tmp_path)})
    assert proc.returncode == 2
    assert "sakot models build" in proc.stderr and proc.stdout == ""
