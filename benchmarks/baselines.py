"""Two baselines for the NLU classifier, scored on the same held-out split (nlu_data/heldout).

1. TF-IDF over PyThaiNLP ``newmm`` word tokens (+ character 2–4-grams) → logistic regression.
2. Keyword rules: hand-written Thai/English cue words per scam type and per dialogue intent
   (written from the police case-type descriptions and common phrasing, not fitted to data).

Writes ``benchmarks/results/classifier_baselines.json``; ``benchmarks/classifier_report.py`` puts it into
``benchmarks/results/classifier.md`` next to the transformer.

    .venv/bin/python benchmarks/baselines.py
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tooling.classifier.evaluation import score  # noqa: E402
from tooling.nlu_data import load_examples  # noqa: E402

REPORT = "report_scam"
RESULTS = ROOT / "benchmarks" / "results" / "classifier_baselines.json"


def load(split: str, root: Path = ROOT / "nlu_data") -> list[tuple[str, str, str | None]]:
    return [(e.text.strip(), e.intent, e.scam_type if e.intent == REPORT else None)
            for e in load_examples(root, split)]


# --- 1. TF-IDF + logistic regression -------------------------------------------------------


def thai_tokens(text: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return [t.lower() for t in word_tokenize(text, engine="newmm", keep_whitespace=False)]


def tfidf_lr():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    features = FeatureUnion([
        ("words", TfidfVectorizer(tokenizer=thai_tokens, token_pattern=None, lowercase=False,
                                  ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                                  min_df=2)),
    ])
    return make_pipeline(features, LogisticRegression(C=10.0, max_iter=3000,
                                                      class_weight="balanced"))


def run_tfidf(train, heldout) -> dict:
    t = time.monotonic()
    intent_model = tfidf_lr().fit([x for x, _, _ in train], [i for _, i, _ in train])
    scam_train = [(x, s) for x, _, s in train if s]
    scam_model = tfidf_lr().fit([x for x, _ in scam_train], [s for _, s in scam_train])
    fit_s = time.monotonic() - t
    pred_i = list(intent_model.predict([x for x, _, _ in heldout]))
    scam_rows = [(x, s) for x, _, s in heldout if s]
    pred_s = list(scam_model.predict([x for x, _ in scam_rows])) if scam_rows else []
    t = time.monotonic()
    for x, _, _ in heldout[:200]:
        intent_model.predict([x])
        scam_model.predict([x])
    per_msg_ms = (time.monotonic() - t) / min(len(heldout), 200) * 1000
    return {
        "intent": score([i for _, i, _ in heldout], pred_i),
        "scam_type": score([s for _, s in scam_rows], pred_s),
        "fit_seconds": round(fit_s, 1),
        "ms_per_message": round(per_msg_ms, 2),
    }


# --- 2. keyword rules ----------------------------------------------------------------------

SCAM_KEYWORDS: dict[str, list[str]] = {
    "online_shopping": ["ซื้อ", "สั่ง", "ไม่ได้ของ", "ไม่ส่งของ", "แม่ค้า", "ร้าน", "พรี",
                        "สินค้า", "มัดจำ", "ของปลอม", "marketplace", "seller", "bought",
                        "order", "shop", "ส่งของ", "ค่าของ", "พัสดุ"],
    "impersonation": ["ยืมเงิน", "ขอยืม", "ปลอมเป็นเพื่อน", "แอบอ้าง", "อ้างเป็นเพื่อน",
                      "ไลน์เพื่อน", "เฟซเพื่อน", "ญาติ", "หลาน", "ลูกชาย", "borrow", "pretending",
                      "impersonat", "เสียงเหมือน", "แอคใหม่", "บัญชีใหม่ของ"],
    "romance": ["แฟน", "บอกรัก", "คบกัน", "หาคู่", "ความรัก", "ชาวต่างชาติ", "ต่างชาติ",
                "วิศวกร", "ทหารอเมริกัน", "แต่งงาน", "romance", "boyfriend", "girlfriend",
                "dating", "love", "ศุลกากร", "กล่องของขวัญ", "tinder"],
    "prize_fee": ["รางวัล", "ถูกรางวัล", "ค่าธรรมเนียม", "ค่าภาษีรางวัล", "ได้รับเงินคืน",
                  "สิทธิ์", "แต้ม", "ลุ้น", "ส่วนลด", "prize", "won", "winner", "reward",
                  "lottery", "ค่าดำเนินการ", "เงินชดเชย", "โชคดี"],
    "loan": ["กู้", "เงินกู้", "สินเชื่อ", "ค่าทำสัญญา", "ค่าค้ำประกัน", "อนุมัติ", "ไฟแนนซ์",
             "ทวงหนี้", "ดอกเบี้ย", "loan", "lender", "รีไฟแนนซ์", "ปล่อยกู้", "นอกระบบ"],
    "job_task": ["งานเสริม", "รายได้เสริม", "ทำงาน", "กดไลก์", "รีวิว", "ภารกิจ", "ค่าคอม",
                 "สมัครงาน", "งานออนไลน์", "ทำยอด", "แพ็คของ", "job", "task", "commission",
                 "part-time", "part time", "ทำงานที่บ้าน", "จ้าง"],
    "call_center": ["แก๊งคอล", "คอลเซ็นเตอร์", "ตำรวจ", "ดีเอสไอ", "dsi", "ปปง", "ฟอกเงิน",
                    "พัสดุผิดกฎหมาย", "หมายจับ", "ยาเสพติด", "ข่มขู่", "อายัด", "ขู่",
                    "สถานีตำรวจ", "call center", "police", "money laundering", "arrest",
                    "ตรวจสอบบัญชี"],
    "remote_app": ["ลงแอป", "ติดตั้งแอป", "โหลดแอป", "แอปดูดเงิน", "ดูดเงิน", "apk", "รีโมท",
                   "ควบคุมเครื่อง", "จอดำ", "จอค้าง", "anydesk", "teamviewer", "accessibility",
                   "installed", "install", "แอปปลอม", "remote", "เงินไหลออก"],
    "hacking": ["แฮก", "แฮ็ก", "โดนแฮก", "ขโมยบัญชี", "ถูกขโมย", "รหัสผ่าน", "เข้าสู่ระบบ",
                "ล็อกอิน", "hack", "hacked", "password", "login", "logged", "account takeover",
                "otp", "เจาะ", "สวมรอย", "เข้าบัญชี"],
    "ransomware": ["ค่าไถ่", "เรียกค่าไถ่", "แรนซัม", "ransom", "ransomware", "เข้ารหัส",
                   "ไฟล์ถูกล็อก", "ล็อกไฟล์", "ไฟล์ทั้งหมด", "นามสกุลไฟล์", "encrypt",
                   "decrypt", "ถอดรหัส", "ปลดล็อกไฟล์"],
    "investment": ["ลงทุน", "หุ้น", "เทรด", "กำไร", "ผลตอบแทน", "ถอนเงินไม่ได้", "ถอนไม่ได้",
                   "พอร์ต", "กองทุน", "ทองคำ", "forex", "mt5", "mt4", "invest", "trading",
                   "profit", "withdraw", "ที่ปรึกษาการลงทุน"],
    "crypto": ["คริปโต", "บิตคอยน์", "บิทคอย", "เหรียญ", "usdt", "btc", "eth", "wallet",
               "กระเป๋าเงินดิจิทัล", "nft", "crypto", "bitcoin", "binance", "token", "โทเคน",
               "ขุด", "blockchain", "metamask"],
    "ponzi": ["แชร์ลูกโซ่", "ลูกโซ่", "ชวนคน", "ดาวน์ไลน์", "แม่ข่าย", "แม่ทีม", "ปันผล",
              "สมาชิก", "ขายตรง", "ponzi", "pyramid", "recruit", "ท้าวแชร์", "วงแชร์", "เปียแชร์",
              "ชวนเพื่อน", "ออมเงิน"],
    "other": ["ภาพโป๊", "คลิปหลุด", "แบล็กเมล์", "ข่มขู่จะปล่อย", "sextortion", "ไซเบอร์บูลลี่",
              "ประจาน", "ปลอมเพจ", "ข้อมูลส่วนตัวรั่ว", "stalk"],
}

INTENT_KEYWORDS: dict[str, list[str]] = {
    "greet": ["สวัสดี", "หวัดดี", "ดีค่ะ", "ดีครับ", "hello", "hi", "hey", "ทักทาย"],
    "goodbye": ["บาย", "ลาก่อน", "bye", "แค่นี้ก่อน", "ไปก่อน", "see you"],
    "thanks": ["ขอบคุณ", "ขอบใจ", "thank", "thx", "ขอบพระคุณ"],
    "affirm": ["ใช่", "ถูกต้อง", "yes", "yep", "โอเค", "ok", "ได้ค่ะ", "ได้ครับ", "ครับผม",
               "ค่ะ", "ครับ"],
    "deny": ["ไม่ใช่", "ไม่ค่ะ", "ไม่ครับ", "no", "nope", "ไม่ได้", "ไม่"],
    "dont_know": ["ไม่ทราบ", "ไม่รู้", "จำไม่ได้", "ไม่แน่ใจ", "don't know", "not sure",
                  "dunno"],
    "inform": ["โอนไป", "โอนจาก", "บัญชี", "บาท", "เลขบัญชี", "ยอด", "เมื่อวาน", "ธนาคาร"],
    "ask_advice": ["ทำยังไง", "ทำอย่างไร", "ควรทำ", "ได้คืนไหม", "ได้คืนมั้ย", "แจ้งความ",
                   "what should", "ต้องทำ", "ทำไงดี", "how do i"],
    "request_human": ["เจ้าหน้าที่", "คุยกับคน", "แอดมิน", "human", "real person", "agent",
                      "คนจริง", "operator"],
    "check_case_status": ["เคส", "คืบหน้า", "ติดตามเรื่อง", "status", "ถึงไหน", "เรื่องที่แจ้ง"],
    "check_identifier": ["เคยมีคนแจ้ง", "เช็ค", "เช็ก", "ตรวจสอบเบอร์", "บัญชีม้า",
                         "ปลอดภัยไหม", "เป็นมิจ", "is this", "scammer", "check"],
    "delete_my_data": ["ลบข้อมูล", "ลบประวัติ", "delete", "remove my", "ไม่อยากให้เก็บ",
                       "ข้อมูลส่วนตัว"],
    "bot_challenge": ["บอท", "bot", "robot", "ai", "คนจริงไหม", "คนจริงหรือ", "หุ่นยนต์"],
    "frozen_account_help": ["อายัด", "ระงับ", "frozen", "ถูกปิดบัญชี", "เงินเข้าบัญชีไม่ทราบ",
                            "โอนผิด", "เช่าบัญชี", "freeze"],
    "recovery_offer": ["ตามเงินคืน", "ทวงเงินคืน", "กู้เงินคืน", "recover", "ทนาย",
                       "lawyer", "ได้เงินคืนแน่", "ค่าดำเนินการ"],
    "distress": ["อยากตาย", "ไม่อยากอยู่", "ฆ่าตัวตาย", "die", "suicide", "ชีวิตพัง",
                 "หมดหวัง", "end my life", "ไม่ไหวแล้ว"],
    "out_of_scope": ["อากาศ", "สูตร", "ผลบอล", "การบ้าน", "weather", "joke", "เพลง", "หวย"],
    REPORT: ["โดนโกง", "โดนหลอก", "มิจฉาชีพ", "โดนตุ๋น", "scam", "ถูกหลอก", "หลอกลวง", "มิจ",
             "เงินหาย"],
}

_SPACE = re.compile(r"\s+")


def _hits(text: str, words: list[str]) -> int:
    low = _SPACE.sub(" ", text.lower())
    return sum(low.count(w) * (2 if len(w) >= 6 else 1) for w in words)


def rule_scam_type(text: str) -> str:
    scores = {k: _hits(text, ws) for k, ws in SCAM_KEYWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else "other"


def rule_intent(text: str) -> str:
    scam_cues = sum(_hits(text, ws) for ws in SCAM_KEYWORDS.values())
    scores = {k: _hits(text, ws) for k, ws in INTENT_KEYWORDS.items()}
    scores[REPORT] += scam_cues if len(text) > 40 else scam_cues // 2
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else "out_of_scope"


def run_rules(heldout) -> dict:
    pred_i = [rule_intent(x) for x, _, _ in heldout]
    scam_rows = [(x, s) for x, _, s in heldout if s]
    return {
        "intent": score([i for _, i, _ in heldout], pred_i),
        "scam_type": score([s for _, s in scam_rows], [rule_scam_type(x) for x, _ in scam_rows]),
    }


def main() -> None:
    train, heldout = load("train"), load("heldout")
    results = {
        "train_examples": len(train),
        "heldout_examples": len(heldout),
        "tfidf_lr": run_tfidf(train, heldout),
        "keyword_rules": run_rules(heldout),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    for name in ("tfidf_lr", "keyword_rules"):
        r = results[name]
        print(f"{name:14s} intent macro-F1 {r['intent']['macro_f1']:.3f}  "
              f"scam-type macro-F1 {r['scam_type']['macro_f1']:.3f}")


if __name__ == "__main__":
    main()
