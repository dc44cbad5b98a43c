"""The classifier built by setup (models/classifier) on unseen, differently-worded messages."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

MODEL = Path(__file__).resolve().parents[2] / "models" / "classifier"

# Written for this test, not taken from nlu_data; phrased unlike the training examples.
REPORTS = [
    ("สั่งหม้อทอดไร้น้ำมันจากเพจที่ลดราคาเยอะมาก โอนเงินไปแล้วเพจปิดหนีเลย ของก็ไม่มา",
     "online_shopping"),
    ("มีคนเอารูปโปรไฟล์พี่สาวผมไปทำไลน์ใหม่ แล้วทักมาขอยืมเงินด่วนสองหมื่น ผมโอนไปแล้ว",
     "impersonation"),
    ("คุยกับหนุ่มฝรั่งในแอปหาคู่มาสามเดือน เขาบอกจะมาแต่งงานด้วย แต่ให้โอนค่าตั๋วเครื่องบินก่อน",
     "romance"),
    ("ได้ข้อความว่าโชคดีได้รถยนต์จากการจับฉลากของห้าง แต่ต้องโอนค่าภาษีรางวัลก่อนถึงจะได้รถ",
     "prize_fee"),
    ("เห็นโฆษณาเงินด่วนไม่เช็คเครดิต ทักไปแล้วเขาให้โอนค่าเปิดวงเงินก่อน พอโอนไปก็เงียบ",
     "loan"),
    ("สมัครงานกดหัวใจให้ร้านค้าได้ค่าคอม ทีแรกได้เงินจริง พอทำภารกิจใหญ่ต้องเติมเงินเอง ถอนไม่ได้",
     "job_task"),
    ("มีคนโทรมาบอกว่าเป็นตำรวจ บอกบัญชีผมไปพัวพันกับการฟอกเงิน ต้องโอนเงินไปให้ตรวจสอบก่อน",
     "call_center"),
    ("เขาส่งลิงก์มาให้ติดตั้งแอปของกรมที่ดิน ติดตั้งแล้วโทรศัพท์ค้าง สักพักเงินในบัญชีหายหมด",
     "remote_app"),
    ("อีเมลกับเฟซบุ๊กผมโดนคนอื่นเข้าไปเปลี่ยนรหัส ตอนนี้เข้าไม่ได้แล้ว มันเอาไปโพสต์ขายของ",
     "hacking"),
    ("คอมที่ออฟฟิศเปิดมาไฟล์งานทุกไฟล์เปิดไม่ได้ มีข้อความให้จ่ายบิตคอยน์เพื่อปลดล็อก",
     "ransomware"),
    ("มีกลุ่มไลน์สอนเล่นหุ้น ให้โหลดแอปเทรด กำไรขึ้นเยอะมาก แต่พอจะถอนเขาบอกต้องจ่ายภาษีก่อน",
     "investment"),
    ("ซื้อเหรียญ USDT ผ่านคนกลางในเทเลแกรม โอนเงินไปแล้วเขาไม่โอนเหรียญเข้ากระเป๋าให้",
     "crypto"),
    ("ป้าข้างบ้านชวนลงทุนวงออมเงิน ได้ดอกเบี้ยทุกเดือนถ้าหาสมาชิกใหม่มาเพิ่ม ตอนนี้ป้าหนีไปแล้ว",
     "ponzi"),
]


@pytest.fixture(scope="module")
def classifier():
    if not (MODEL / "config.json").exists():
        pytest.fail("models/classifier is missing: run `make setup` (sakot models build)")
    from bot.classifier import load_classifier

    return load_classifier(MODEL)


def test_unseen_reports_get_the_right_scam_type(classifier) -> None:
    preds = classifier.classify([t for t, _ in REPORTS])
    assert all(p.intent == "report_scam" for p in preds), [p.intent for p in preds]
    wrong = [(want, p.scam_type) for (_, want), p in zip(REPORTS, preds, strict=True)
             if p.scam_type != want]
    assert len(wrong) <= 2, wrong


def test_dialogue_messages_are_not_reports(classifier) -> None:
    preds = classifier.classify(["สวัสดีตอนเช้าค่ะ", "ขอบคุณมากนะครับ ช่วยได้เยอะเลย",
                                 "ขอคุยกับเจ้าหน้าที่ที่เป็นคนหน่อยได้ไหม"])
    assert [p.intent for p in preds] == ["greet", "thanks", "request_human"]
    assert all(p.scam_type is None for p in preds)


def test_confidences_are_probabilities(classifier) -> None:
    (p,) = classifier.classify(["โดนโกงค่ะ"])
    assert 0.0 <= p.intent_confidence <= 1.0
    assert abs(sum(c for _, c in p.intent_ranking) - 1.0) < 1e-4
    assert abs(sum(c for _, c in p.scam_type_ranking) - 1.0) < 1e-4


def test_report_without_details_is_a_sure_report_of_an_unsure_type(classifier) -> None:
    (p,) = classifier.classify(["โดนโกงค่ะ ช่วยด้วย"])
    assert p.intent == "report_scam" and not p.intent_uncertain


def test_a_detailed_first_message_keeps_its_scam_type_even_when_read_as_inform(classifier):
    detailed, answer = classifier.classify([
        "เมื่อกี้โอนเงินค่าเสื้อ 2,500 บาทเข้ากสิกร 123-4-56789-0 ร้านบล็อกเลยค่ะ",
        "ไทยพาณิชย์ค่ะ",
    ])
    assert detailed.scam_type == "online_shopping" and not detailed.scam_type_uncertain
    assert answer.scam_type is None  # a bare answer to a question carries no scam type
