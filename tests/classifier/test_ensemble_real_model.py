"""The models built by setup (models/classifier + models/ngram), pooled as the product uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

MODELS = Path(__file__).resolve().parents[2] / "models"

# Written for this test (forwarded-lure and narrative styles), not taken from any data set.
TEXTS = [
    ("ช่วยดูให้หน่อยค่ะ ได้ SMS มาว่า 'สินเชื่อด่วนทันใจ อนุมัติใน 10 นาที ไม่เช็คบูโร "
     "วงเงิน 50,000 บ. สนใจแอดไลน์ @cashnow99' อันนี้หลอกไหมคะ", "loan"),
    ("ยินดีด้วย! หมายเลขของท่านได้รับรางวัลทองคำมูลค่า 30,000 บาท กรุณาชำระค่าจัดส่งและภาษี "
     "1,500 บาท ภายในวันนี้เพื่อรับรางวัล", "prize_fee"),
    ("รับสมัครพนักงานออนไลน์ ทำงานผ่านมือถือ กดไลก์สินค้าวันละ 30 นาที รายได้วันละ 800-3,000 "
     "บาท ไม่ต้องมีประสบการณ์ ติดต่อไลน์ hrjob2026", "job_task"),
    ("เมื่อเดือนที่แล้วแม่ของดิฉันได้รับโทรศัพท์จากคนที่อ้างว่าเป็นเจ้าหน้าที่ตำรวจ บอกว่ามีพัสดุ"
     "ผิดกฎหมายส่งในชื่อแม่ และบัญชีของแม่เกี่ยวข้องกับแก๊งฟอกเงิน ต้องโอนเงินทั้งหมดไปให้ตรวจสอบ "
     "แม่กลัวมากจึงโอนไปสามครั้งรวมสองแสนบาท", "call_center"),
    ("ผู้เสียหายรายนี้รู้จักชายชาวต่างชาติผ่านแอปหาคู่ คุยกันนานหลายเดือนจนสนิทใจ ฝ่ายชายอ้างว่าส่ง"
     "กล่องของขวัญมาให้แต่ติดศุลกากร ต้องโอนค่าธรรมเนียมหลายครั้ง สุดท้ายติดต่อไม่ได้", "romance"),
]


@pytest.fixture(scope="module")
def models():
    if not (MODELS / "classifier" / "config.json").exists():
        pytest.fail("models/classifier is missing: run `make setup` (sakot models build)")
    if not (MODELS / "ngram" / "ngram.joblib").exists():
        pytest.fail("models/ngram is missing: run `make setup` (sakot models build)")
    from bot.classifier import load_classifier

    return (load_classifier(MODELS / "classifier"),
            load_classifier(MODELS / "classifier", ensemble=False))


def test_the_product_loads_the_ensemble(models) -> None:
    from bot.classifier.ensemble import EnsembleClassifier

    ensemble, alone = models
    assert isinstance(ensemble, EnsembleClassifier)
    assert not isinstance(alone, EnsembleClassifier)


def test_types_pooled_intent_and_situation_untouched(models) -> None:
    ensemble, alone = models
    texts = [t for t, _ in TEXTS] + ["สวัสดีค่ะ", "ขอบคุณมากครับ"]
    pooled, single = ensemble.classify(texts), alone.classify(texts)
    for p, s in zip(pooled, single, strict=True):
        assert (p.intent, p.situation, p.report_probability) == (
            s.intent, s.situation, s.report_probability)
        assert (p.scam_type is None) == (s.scam_type is None)
        assert sum(v for _, v in p.scam_type_ranking) == pytest.approx(1.0, abs=1e-6)
        assert p.scam_type_ranking[0][1] == p.scam_type_confidence
    assert pooled[-2].scam_type is None and pooled[-1].scam_type is None
    wrong = [(want, p.scam_type_ranking[0][0]) for (_, want), p in zip(TEXTS, pooled)
             if p.scam_type_ranking[0][0] != want]
    assert len(wrong) <= 1, wrong
