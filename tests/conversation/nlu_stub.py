"""A keyword NLU service with the same ``/model/parse`` contract as sakot/nlu_server.py.

Used by the conversation tests when the trained classifier is not available (or when
SAKOT_TEST_NLU=stub). It handles Rasa's "/intent{json}" button payloads, which the engine and
our quick replies send. Run: ``python tests/conversation/nlu_stub.py PORT``.
"""

from __future__ import annotations

import json
import os
import re
import sys

from fastapi import FastAPI
from pydantic import BaseModel

INTENT_RULES: list[tuple[str, str]] = [
    ("distress", r"ไม่อยากอยู่|อยากตาย|ฆ่าตัวตาย|จบชีวิต|ไม่ไหวแล้ว|หมดหวัง|kill myself|want to die|"
                 r"end my life|can'?t go on"),
    ("delete_my_data", r"ลบข้อมูล|delete my data|erase my data|remove my data"),
    ("request_human", r"เจ้าหน้าที่|คุยกับคน|ขอคุยกับ|talk to a (human|person)|real person|"
                      r"speak to (a|an) (human|agent|person)"),
    ("recovery_offer", r"ตามเงินคืน|กู้เงินคืน|ทนาย.*(ค่า|เงิน)|ค่าธรรมเนียม.*คืน|ตามเงินเจอ|"
                       r"recover (my|the) money.*fee|fee to (get|recover)|lawyer.*fee"),
    ("check_case_status", r"สถานะ|ความคืบหน้า|เคสของฉัน|เคสไปถึงไหน|case status|status of my case|"
                          r"my case"),
    ("check_identifier", r"เคยมีคนแจ้ง|มีคนแจ้งไหม|เคยโดนแจ้ง|ตรวจสอบเบอร์|เช็คเบอร์|เช็กเบอร์|"
                         r"เบอร์นี้.*(มิจ|โกง)|บัญชีนี้.*(มิจ|โกง)|ลิงก์นี้|reported before|"
                         r"is this (number|account|link)|check (this|a) (number|account|link)"),
    ("bot_challenge", r"เป็นบอท|บอทหรือ|คนจริงไหม|คุณคือใคร|are you a bot|are you human|"
                      r"who are you"),
    ("frozen_account_help", r"บัญชี(ของ)?(ฉัน|เรา|หนู|ผม)?(โดน|ถูก)(อายัด|ระงับ)|ปลดอายัด|"
                            r"my account (was|is|got) frozen|unfreeze"),
    ("thanks", r"^(ขอบคุณ|ขอบใจ|thank)"),
    ("goodbye", r"^(ลาก่อน|บาย|bye|goodbye)"),
    ("greet", r"^(สวัสดี|หวัดดี|ดีค่ะ|ดีครับ|hello|hi\b|hey\b)"),
    ("dont_know", r"^(ไม่ทราบ|ไม่รู้|จำไม่ได้|don'?t know|not sure|no idea)"),
    ("affirm", r"^(ใช่|ถูกต้อง|ใช่ค่ะ|ใช่ครับ|ครับ$|ค่ะ$|เสียแล้ว|เสียเงินแล้ว|โอนไปแล้ว|โอนแล้ว|yes|yeah|"
               r"correct|right)"),
    ("deny", r"^(ไม่ใช่|ไม่ได้|ยังไม่|ไม่เสีย|ไม่ได้โอน|no\b|nope|not yet)"),
    ("ask_advice", r"ควรทำ(ยังไง|อย่างไร)|ทำยังไงดี|แนะนำ|what should i do|advice"),
    ("out_of_scope", r"ดูดวง|สูตรอาหาร|อากาศ|ฟุตบอล|weather|recipe|football"),
    ("report_scam", r"โดน|หลอก|โกง|มิจ|สแกม|แก๊ง|ดูดเงิน|แฮก|แฮ็ก|ตุ๋น|ต้ม|อ้างเป็น|แอบอ้าง|"
                    r"scam|fraud|cheated|tricked|hacked|stole|pretend"),
]

SCAM_RULES: list[tuple[str, str]] = [
    ("remote_app", r"ลงแอป|ติดตั้งแอป|โหลดแอป|แอปดูดเงิน|กดลิงก์|จอดำ|remote|installed an app|"
                   r"clicked a link"),
    ("call_center", r"ตำรวจ|dsi|ปปง|พัสดุผิดกฎหมาย|คอลเซ็นเตอร์|แก๊งคอล|ออกหมายจับ|police|"
                    r"arrest warrant|customs officer"),
    ("romance", r"แฟน|หาคู่|ให้รัก|หนุ่มต่างชาติ|ศุลกากร|dating|boyfriend|girlfriend|romance"),
    ("job_task", r"งานเสริม|กดไลก์|ภารกิจ|รายได้เสริม|ทำงานออนไลน์|งานกด|สมัครงาน|แพ็กของ|task|"
                 r"side job|job"),
    ("crypto", r"คริปโต|usdt|บิตคอยน์|bitcoin|crypto|binance|bitkub"),
    ("investment", r"ลงทุน|หุ้น|เทรด|forex|invest|trading"),
    ("ponzi", r"แชร์ลูกโซ่|ponzi"),
    ("loan", r"กู้เงิน|เงินกู้|สินเชื่อ|ค้ำประกัน|loan"),
    ("impersonation", r"ทายซิ|ไลน์เพื่อน|ยืมเงิน|อ้างเป็นหลาน|เพื่อนทัก|pretend(ed|ing) to be my|"
                      r"borrow money"),
    ("prize_fee", r"รางวัล|ถูกรางวัล|ของฟรี|ชิงโชค|prize|won a|lottery"),
    ("hacking", r"แฮก|แฮ็ก|โดนขโมยบัญชี|เข้าไม่ได้|hacked|account takeover"),
    ("ransomware", r"ค่าไถ่|ล็อกไฟล์|ransom"),
    ("online_shopping", r"สั่งของ|ซื้อ|ร้าน|แม่ค้า|คนขาย|ไม่ได้ของ|พรีออเดอร์|bought|seller|shop|"
                        r"order"),
]

_INFORM_HINT = re.compile(r"\d{3,}|บาท|ธนาคาร|กสิกร|ไทยพาณิชย์|กรุงไทย|กรุงเทพ|กรุงศรี|ออมสิน|"
                          r"ทีทีบี|พร้อมเพย์|เมื่อ|นาที|ชั่วโมง|เมื่อวาน|baht|bank|account|"
                          r"minutes? ago|hours? ago|yesterday", re.IGNORECASE)


def classify(text: str) -> tuple[str, float, str | None]:
    lowered = text.strip().lower()
    scam = next((label for label, rx in SCAM_RULES if re.search(rx, lowered)), None)
    for name, rx in INTENT_RULES:
        if re.search(rx, lowered):
            if name in ("affirm", "deny") and len(lowered) > 25:
                continue  # a long sentence that starts with "ใช่"/"ไม่" is probably facts
            return name, 0.9, scam if name in ("report_scam", "ask_advice") else None
    if scam:
        return "report_scam", 0.7, scam
    if _INFORM_HINT.search(lowered):
        return "inform", 0.8, None
    return "nlu_fallback", 0.4, None


def parse(text: str, message_id: str | None = None) -> dict:
    entities: list[dict] = []
    if text.startswith("/") and os.environ.get("SAKOT_STUB_NO_PAYLOADS"):
        return {"text": text, "message_id": message_id,
                "intent": {"name": "nlu_fallback", "confidence": 0.3},
                "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3}], "entities": []}
    if text.startswith("/"):
        name, _, rest = text[1:].partition("{")
        payload = {}
        if rest:
            try:
                payload = json.loads("{" + rest)
            except ValueError:
                payload = {}
        for key, value in payload.items():
            entities.append({"entity": key, "value": value, "start": 0, "end": len(text),
                             "confidence_entity": 1.0, "extractor": "payload"})
        intent, confidence = name.strip(), 1.0
    elif "[unsure]" in text:  # tests: what the real classifier says when it is not sure
        intent, confidence = "nlu_fallback", 0.3
    else:
        intent, confidence, scam = classify(text)
        if scam:
            entities.append({"entity": "scam_type", "value": scam, "start": 0, "end": len(text),
                             "confidence_entity": 0.8, "extractor": "StubClassifier"})
    return {"text": text, "message_id": message_id,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}],
            "entities": entities}


class ParseRequest(BaseModel):
    text: str = ""
    message_id: str | None = None


def create_app() -> FastAPI:
    app = FastAPI()

    @app.get("/")
    def status() -> dict:
        return {"status": "ok", "model": "stub"}

    @app.post("/model/parse")
    def model_parse(req: ParseRequest) -> dict:
        return parse(req.text, req.message_id)

    return app


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(create_app(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
