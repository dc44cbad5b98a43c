"""Pure unit tests: triage, hotlines, texts, advice, complaint draft, packet, intake order."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot import hotlines, texts_en, texts_th
from bot.advice import advice_for
from bot.banks import BankCode
from bot.cases.facts import facts_from_text
from bot.cases.intake import next_slot
from bot.cases.numbers import ALPHABET, find_case_number, new_case_number
from bot.cases.packet import build_case_packet
from bot.cases.service import story_text
from bot.cases.view import CaseView, Destination
from bot.complaint import complaint_draft
from bot.scam_types import SCAM_TYPES, ScamType
from bot.storage.models import Priority
from bot.texts_catalog import detect_language, format_datetime, say
from bot.triage import TriageInput, police_deadline, triage, urgency_signals

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)  # 15:00 in Bangkok


def ago(**kw) -> datetime:
    return NOW - timedelta(**kw)


# --- triage ---------------------------------------------------------------------------------

@pytest.mark.parametrize("facts, priority, top, call", [
    (TriageInput(True, ago(minutes=10), True, now=NOW), Priority.P0, True, True),
    (TriageInput(True, ago(hours=1, minutes=59), True, now=NOW), Priority.P0, True, True),
    (TriageInput(True, ago(hours=2, minutes=1), True, now=NOW), Priority.P0, False, True),
    (TriageInput(True, ago(hours=71), True, now=NOW), Priority.P0, False, True),
    (TriageInput(True, ago(hours=73), True, now=NOW), Priority.P1, False, False),
    (TriageInput(True, ago(days=40), True, now=NOW), Priority.P1, False, False),
    (TriageInput(True, ago(minutes=5), False, now=NOW), Priority.P1, False, True),
    (TriageInput(True, None, True, now=NOW), Priority.P0, False, True),
    (TriageInput(True, None, False, now=NOW), Priority.P1, False, True),
    (TriageInput(False, None, False, now=NOW), Priority.P2, False, False),
    (TriageInput(None, None, False, now=NOW), Priority.P2, False, False),
    (TriageInput(None, None, False, money_still_leaving=True, now=NOW), Priority.P0, True, True),
    (TriageInput(False, None, False, scammer_on_line=True, now=NOW), Priority.P0, True, True),
    (TriageInput(True, NOW + timedelta(minutes=5), True, now=NOW), Priority.P0, True, True),
])
def test_triage_rules(facts, priority, top, call):
    result = triage(facts)
    assert result.priority is priority
    assert result.top_urgency is top
    assert result.call_bank_now is call
    assert result.escalate is (priority is Priority.P0)


def test_triage_naive_time_is_bangkok():
    naive_bkk = datetime(2026, 11, 28, 14, 30)  # 07:30 UTC, 30 min before NOW
    result = triage(TriageInput(True, naive_bkk, True, now=NOW))
    assert result.top_urgency and "lost_under_2h" in result.reasons


@pytest.mark.parametrize("text, distress, recovery", [
    ("โดนโกงไปหมดตัว ไม่อยากอยู่แล้ว", True, False),
    ("I lost everything, I want to die", True, False),
    ("มีไลน์ชื่อ AOC ทักมาบอกว่าตามเงินเจอแล้ว ให้โอนค่าธรรมเนียม", False, True),
    ("a lawyer can recover my money for a fee", False, True),
    ("อยากได้เงินคืนค่ะ", False, False),
    ("โดนหลอกซื้อของ เสียใจมาก", False, False),
])
def test_safety_signals(text, distress, recovery):
    s = urgency_signals(text)
    assert (s.distress, s.recovery_offer) == (distress, recovery)


def test_police_deadline_is_72h_from_the_earlier_of_transfer_and_report():
    assert police_deadline(ago(hours=5), NOW) == ago(hours=5) + timedelta(hours=72)
    assert police_deadline(None, NOW) == NOW + timedelta(hours=72)
    assert police_deadline(NOW + timedelta(hours=1), NOW) == NOW + timedelta(hours=72)


@pytest.mark.parametrize("text, on_line, leaving, app", [
    ("เขายังอยู่ในสาย บอกให้โอนอีก", True, False, False),
    ("เขาห้ามวางสายเลยค่ะ", True, False, False),
    ("เงินยังไหลออกอยู่เลย", False, True, False),
    ("กดลิงก์ใน SMS แล้วลงแอป จอดำไปเลย", False, True, True),
    ("they are still on the phone with me", True, False, False),
    ("money is still leaving my account", False, True, False),
    ("สั่งของแล้วไม่ได้ของ", False, False, False),
])
def test_urgency_signals(text, on_line, leaving, app):
    s = urgency_signals(text)
    assert (s.scammer_on_line, s.money_still_leaving, s.app_may_be_installed) == (
        on_line, leaving, app)


# --- hotlines: one source of truth -----------------------------------------------------------

def test_every_major_bank_has_a_hotline_and_unknown_banks_get_none():
    for code in ("KBANK", "SCB", "KTB", "BBL", "BAY", "TTB", "GSB", "BAAC", "UOB", "CIMB"):
        assert hotlines.bank_contact(code).number
    assert hotlines.bank_contact("KBANK").number == "02-888-8888"
    assert hotlines.bank_contact("KKP").number is None and hotlines.bank_contact("KKP").bank_code
    assert hotlines.bank_contact(None).bank_code is None
    assert hotlines.bank_contact("PROMPTPAY").bank_code is None
    assert hotlines.bank_contact("nonsense").bank_code is None


def test_national_numbers():
    v = hotlines.text_vars()
    assert v["aoc"] == "1441" and v["mental_health"] == "1323" and v["bot"] == "1213"
    assert v["police_1599"] == "1599" and v["sec"].startswith("1207")
    assert "thaipoliceonline.go.th" in v["police_site"]


def _placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("catalogue", [texts_th.TEXTS, texts_en.TEXTS], ids=["th", "en"])
def test_texts_take_every_number_from_hotlines(catalogue):
    numbers = {re.sub(r"\D", "", h.number) for h in hotlines.NATIONAL.values()} | {
        re.sub(r"\D", "", n) for n in hotlines.BANK_HOTLINES.values()}
    numbers.discard("")
    for key, template in catalogue.items():
        literal = re.sub(r"\{[^}]*\}", "", template)
        for digits in re.findall(r"\d[\d-]{2,}\d", literal):
            assert re.sub(r"\D", "", digits) not in numbers, f"{key} spells {digits} itself"
        assert "thaipoliceonline" not in literal, key


def test_both_languages_have_the_same_keys_and_format():
    # the police complaint draft is Thai only (the police site is Thai)
    assert {k for k in texts_th.TEXTS if not k.startswith("complaint_")} == set(texts_en.TEXTS)
    values = {"privacy_url": "u", "bank_name": "b", "bank_hotline": "1", "type_label": "t",
              "facts": "f", "amount": "1", "time": "t", "destination": "d",
              "case_number": "SK-XXXXXX", "deadline": "d", "police_label": "p",
              "status_text": "s", "priority_text": "p", "identifier": "i", "count": 2,
              "when": "w", "story": "s", "from_bank": "b", "to": "t", "phones": "p",
              "links": "l"}
    for lang in ("th", "en"):
        for key, template in texts_th.TEXTS.items():
            extra = {name: "x" for name in _placeholders(template) if name not in values}
            assert say(lang, key, **values, **extra)


@pytest.mark.parametrize("catalogue", [texts_th.TEXTS, texts_en.TEXTS], ids=["th", "en"])
def test_texts_never_ask_for_secrets_or_claim_to_be_aoc(catalogue):
    for key, text in catalogue.items():
        lowered = text.lower()
        if "otp" in lowered or "รหัสผ่าน" in text or "password" in lowered:
            assert any(w in lowered for w in ("ไม่ขอ", "ไม่เคยขอ", "never", "อย่ากรอก", "don't",
                                              "เปลี่ยนรหัส", "change banking")), key
        assert "สกัดคือ aoc" not in lowered and "we are aoc" not in lowered


def test_thai_texts_use_the_ka_voice():
    assert not any("ครับ" in t for t in texts_th.TEXTS.values())
    assert "ค่ะ" in texts_th.TEXTS["greet"]


def test_quick_reply_labels_fit_line():
    for catalogue in (texts_th, texts_en):
        assert len(catalogue.TYPE_BUTTONS) <= 13
        assert all(len(label) <= 20 for label in catalogue.TYPE_BUTTONS.values())
        assert all(len(v) <= 20 for k, v in catalogue.TEXTS.items() if k.startswith("btn_"))


# --- language, dates, numbers ----------------------------------------------------------------

@pytest.mark.parametrize("text, previous, lang", [
    ("โดนหลอกค่ะ", None, "th"), ("I was scammed", None, "en"), ("โอนผ่าน KBank", "en", "th"),
    ("5000", "en", "en"), ("5000", None, "th"), ("/affirm", "en", "en"), ("OK", "th", "th"),
    ("SCB 1234567890", "th", "th"),
])
def test_detect_language(text, previous, lang):
    assert detect_language(text, previous) == lang


def test_bangkok_clock_formats():
    when = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    assert format_datetime("th", when) == "วันอังคารที่ 1 ธ.ค. 2569 เวลา 15:30 น."
    assert format_datetime("en", when) == "Tue 1 Dec 2026, 15:30 (Bangkok time)"


def test_case_numbers_are_unambiguous_and_findable():
    numbers = {new_case_number() for _ in range(500)}
    assert len(numbers) == 500
    for n in numbers:
        assert re.fullmatch(rf"SK-[{ALPHABET}]{{6}}", n)
        assert not set(n[3:]) & set("0O1IL5S2Z8BUV")
    n = sorted(numbers)[0]
    assert find_case_number(f"เคส {n.lower()} ถึงไหนแล้วคะ") == n
    assert find_case_number(f"case {n[3:]}") is None  # the prefix is needed in free text


def test_the_story_keeps_no_secret_and_masks_national_ids():
    out = story_text("OTP คือ 123456  รหัสผ่าน: abcd1234\nบัตร 1-1017-00000-45-1")
    assert "123456" not in out and "abcd1234" not in out and "00000" not in out
    assert out.endswith("บัตร 1-1017-xxxxx-45-1") and "\n" not in out


# --- advice and the complaint draft ----------------------------------------------------------

@pytest.mark.parametrize("scam_type", list(ScamType))
def test_advice_for_every_type_in_both_languages(scam_type):
    for lang in ("th", "en"):
        advice = advice_for(scam_type, lang=lang, money_lost=True)
        assert advice.scam_type is scam_type and len(advice.lines) == 3
        assert len(advice.text()) < 600  # short
    assert "1207" in advice_for("investment").text()
    assert "1599" in advice_for("loan").text()
    assert "Wi-Fi" in advice_for("remote_app").text()
    assert advice_for("nonsense").scam_type is ScamType.OTHER


def _view(**kw) -> CaseView:
    base = dict(
        id="c1", case_number="SK-7KQ4M9", scam_type="online_shopping", priority="P0",
        status="open", money_lost=True, amount_thb=Decimal("2500.00"), victim_bank="SCB",
        last_transfer_at=datetime(2026, 11, 28, 7, 40, tzinfo=UTC),
        hold_deadline_at=datetime(2026, 12, 1, 7, 40, tzinfo=UTC),
        created_at=datetime(2026, 11, 28, 8, 0, tzinfo=UTC),
        story="สั่งของในเฟซ โอนแล้วร้านบล็อก",
        destinations=(Destination("account", "1234567890", "KBANK"),
                      Destination("promptpay_id", "0812345678", "PROMPTPAY")),
        suspect_phones=("+66898765432",), links=("https://fb.com/shop",),
        transfer_refs=("2026112801ABC",),
    )
    base.update(kw)
    return CaseView(**base)


def test_complaint_draft_has_the_official_type_and_the_money_trail():
    draft = complaint_draft(_view())
    assert SCAM_TYPES[ScamType.ONLINE_SHOPPING].police_label_th in draft
    assert "2,500 บาท" in draft and "123-4-56789-0" in draft and "0812345678" in draft
    assert "ธนาคารไทยพาณิชย์" in draft and "ธนาคารกสิกรไทย" in draft
    assert "วันเสาร์ที่ 28 พ.ย. 2569 เวลา 14:40 น." in draft
    assert "+66898765432" in draft and "https://fb.com/shop" in draft
    assert "Bank Case ID" in draft and "SK-7KQ4M9" in draft


def test_complaint_draft_without_loss_has_no_money_trail():
    draft = complaint_draft(_view(money_lost=False, amount_thb=None, destinations=(),
                                  last_transfer_at=None, scam_type=None))
    assert "เส้นทางการเงิน" not in draft and "Bank Case ID" not in draft
    assert SCAM_TYPES[ScamType.OTHER].police_label_th in draft


def test_freeze_packet_uses_cfr_names_and_the_exchange_schema():
    packet = build_case_packet(_view(), reported_at=datetime(2026, 11, 28, 8, 0, tzinfo=UTC))
    assert packet["source_case_ref"] == "SK-7KQ4M9" and packet["priority"] == "P0"
    assert not re.search(r"\d{9,}", packet["victim_contact_ref"])
    first, second = packet["transfers"]
    assert first == {"from_bank_code": "014", "to_bank_code": "004",
                     "to_account_no": "1234567890", "transfer_date": "2026-11-28",
                     "transfer_time": "14:40", "transfer_amount": "2500.00",
                     "transfer_ref": "2026112801ABC", "transfer_channel": "EBank/Mobile"}
    assert second["promptpay_type"] == "mobile" and second["promptpay_id"] == "0812345678"
    assert "to_bank_code" not in second  # PromptPay: the receiving bank is unknown
    from aoc_contract.schemas import CaseCreate

    CaseCreate.model_validate(packet)  # the contract accepts exactly what we queue
    unknowns = build_case_packet(_view(amount_thb=None, last_transfer_at=None, victim_bank=None),
                                 reported_at=datetime(2026, 11, 28, 8, 0, tzinfo=UTC))
    CaseCreate.model_validate(unknowns)


# --- facts and intake ----------------------------------------------------------------------------

def test_facts_from_one_message():
    f = facts_from_text("โดนหลอกโอนเงินไป 5,000 บาท เมื่อ 10 นาทีที่แล้ว เข้าบัญชีกสิกร "
                        "123-4-56789-0 โอนจากไทยพาณิชย์", NOW)
    assert f.amount == Decimal("5000.00") and f.victim_bank == "SCB"
    assert f.transfer_at == NOW - timedelta(minutes=10)
    assert [d.normalized_value for d in f.destinations] == ["1234567890"]
    assert f.mentions_money_sent and not f.denies_loss


def test_facts_answer_the_question_asked():
    assert facts_from_text("กรุงไทย", NOW, asked="victim_bank").victim_bank == "KTB"
    dest = facts_from_text("0898765432", NOW, asked="destination").destinations
    assert dest and dest[0].kind == "promptpay_id"
    assert facts_from_text("ได้ SMS ถูกรางวัล ให้โอน 500 บาท แต่ยังไม่ได้โอน", NOW).denies_loss


def test_intake_order():
    empty = dict.fromkeys(("money_lost", "transfer_time", "amount", "victim_bank",
                           "destination", "type_confirmed"))
    assert next_slot(empty, p0=False) == "money_lost"
    lost = {**empty, "money_lost": "yes"}
    assert next_slot(lost, p0=False) == "transfer_time"
    assert next_slot(lost, p0=True) == "victim_bank"
    assert next_slot({**lost, "victim_bank": "KBANK", "amount": "1", "transfer_time": "unknown"},
                     p0=True) is None
    assert next_slot({**empty, "money_lost": "no"}, p0=False) == "type_confirmed"
    assert next_slot({**empty, "money_lost": "no", "type_confirmed": "yes"}, p0=False) is None
    assert next_slot(empty, p0=True, on_line=True) is None
    done = {k: "unknown" for k in empty} | {"money_lost": "yes"}
    assert next_slot(done, p0=False) is None


# --- Rasa's runtime wiring ------------------------------------------------------------------

def test_rasa_env_fills_every_endpoint_variable(monkeypatch, tmp_path):
    from sakot.rasa_env import rasa_env
    from sakot.settings import PROJECT_ROOT, Settings

    monkeypatch.delenv("SAKOT_RASA_TRACKER_URL", raising=False)
    wanted = set(re.findall(r"\$\{(SAKOT_\w+)\}", (PROJECT_ROOT / "dialogue" / "endpoints.yml")
                            .read_text()))
    sqlite = rasa_env(Settings(database_url=f"sqlite:///{tmp_path}/a.db", var_dir=tmp_path))
    assert len(wanted) >= 9 and wanted <= set(sqlite)
    assert sqlite["SAKOT_RASA_TRACKER_URL"] == f"sqlite:///{tmp_path}/rasa_tracker.db"
    assert sqlite["SAKOT_RASA_LOCK_STORE"] == "in_memory"
    assert sqlite["SAKOT_ACTION_ENDPOINT_URL"] == "http://127.0.0.1:5055/webhook"
    assert sqlite["SAKOT_NLU_ENDPOINT_URL"] == "http://127.0.0.1:5056"
    pg = rasa_env(Settings(database_url="postgresql+psycopg://u:p@db:5432/sakot",
                           redis_url="redis://cache:6380/2"))
    assert pg["SAKOT_RASA_TRACKER_DIALECT"] == "postgresql"
    assert pg["SAKOT_RASA_TRACKER_URL"] == "postgresql://u:p@db:5432/sakot"  # psycopg2 in Rasa
    assert (pg["SAKOT_RASA_LOCK_STORE"], pg["SAKOT_RASA_LOCK_HOST"], pg["SAKOT_RASA_LOCK_PORT"],
            pg["SAKOT_RASA_LOCK_DB"]) == ("redis", "cache", "6380", "2")


def test_the_rasa_process_gets_that_env():
    from sakot.processes import product_processes
    from sakot.settings import Settings

    rasa = next(p for p in product_processes(Settings()) if p.name == "rasa")
    assert rasa.env["SAKOT_NLU_ENDPOINT_URL"].endswith(":5056")
    assert rasa.env["RASA_TELEMETRY_ENABLED"] == "false"


def test_freeze_packet_leaves_out_what_the_exchange_cannot_route():
    from aoc_contract.schemas import CaseCreate

    view = _view(
        destinations=(Destination("account", "xxxxx1234x", "KBANK"),   # partial, from a slip
                      Destination("account", "9876543210", None),       # no bank known
                      Destination("account", "1234567890", "KBANK")),
        source_accounts=(Destination("promptpay_id", "1101700203450", "PROMPTPAY"),))
    packet = build_case_packet(view, reported_at=datetime(2026, 11, 28, 8, 0, tzinfo=UTC))
    (only,) = packet["transfers"]
    assert only["to_account_no"] == "1234567890"
    assert "from_account_no" not in only  # a national-ID PromptPay never goes to a bank
    CaseCreate.model_validate(packet)  # one bad identifier does not block the freeze


def test_escalation_defers_a_packet_with_no_routable_destination():
    from bot.cases.packet import sendable_destinations

    assert sendable_destinations(_view(destinations=(
        Destination("account", "xxxxx1234x", "KBANK"),))) == []
