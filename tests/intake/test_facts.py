"""Reading one message (bot.cases.facts + the keyword net in bot.triage): amounts by role,
negations, the victim's bank vs the scammer's, the transfer time among several times. Each
case here was wrong before issue 12 (the old reading is kept in benchmarks/intake_scenarios.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from bot.cases.facts import facts_from_text
from bot.triage import urgency_signals

BKK = timezone(timedelta(hours=7))
NOW = datetime(2026, 3, 10, 14, 0, tzinfo=BKK)


@pytest.mark.parametrize("text", [
    "ไม่ได้ลงแอปค่ะ เงินยังอยู่ครบ", "ยังไม่ได้กดลิงก์", "I didn't install any app",
])
def test_a_negated_app_is_not_an_installed_app(text):
    s = urgency_signals(text)
    assert not s.app_may_be_installed and not s.clicked_link


@pytest.mark.parametrize("text, on_line, leaving", [
    ("เขายังถือสายอยู่ บอกให้โอนภายใน 1 ชั่วโมง", True, False),
    ("ตอนนี้ผมรับสายอยู่ เขาขู่จะออกหมายจับ", True, False),
    ("he's still on the phone with me right now", True, False),
    ("ยอดเงินในแอปลดลงเรื่อยๆ ไม่หยุดเลย", False, True),
    ("หน้าจอมันขยับเอง เปิดแอปธนาคารเอง", False, True),
    ("ผมวางสายไปแล้วครับ", False, False),
    ("เมื่อวานเงินหายไป 3,000", False, False),
])
def test_on_the_line_and_still_leaving(text, on_line, leaving):
    s = urgency_signals(text)
    assert (s.scammer_on_line, s.money_still_leaving) == (on_line, leaving)


def test_several_transfers_add_up_not_the_largest():
    f = facts_from_text("วันนี้โอนไปสามรอบ รอบแรก 1,500 รอบสอง 4,500 รอบสุดท้าย 12,000 "
                        "เข้ากรุงเทพ 226-0-73914-8", NOW)
    assert f.amount == Decimal("18000.00")


@pytest.mark.parametrize("text, total", [
    ("โดนหักไปสามครั้ง 20,000 + 20,000 + 5,000 ไม่ได้โอนเอง", "45000.00"),
    ("the card was charged 2,500 / 2,500 / 1,000 tonight", "6000.00"),
    ("I paid 4,000 then 4,000 then 1,500 to the same account", "9500.00"),
])
def test_the_same_sum_twice_in_one_list_is_two_transfers(text, total):
    assert facts_from_text(text, NOW).amount == Decimal(total)


def test_a_sum_asked_for_then_sent_is_paid():
    f = facts_from_text("My cousin's LINE asked for 8,000 for rent, I sent it at 10:30 to "
                        "SCB 402-7-18263-5", NOW)
    assert f.amount == Decimal("8000.00") and f.mentions_money_sent


@pytest.mark.parametrize("text", [
    "เขาให้จ่ายค่าธรรมเนียม 2,500 หนูไม่จ่ายค่ะ บล็อกไปแล้ว",
    "ป้าบ่ได้โอนเด้อ เขาขอ 5,000",
    "กดโอน 1,800 แต่ขึ้นว่าทำรายการไม่สำเร็จ ยอดเงินก็ปกติ",
])
def test_said_not_paid_in_more_words(text):
    assert facts_from_text(text, NOW).denies_loss, text


def test_a_time_right_before_a_sum_is_that_transfers_time():
    f = facts_from_text("I put in 5,000 on March 2, on March 6 another 20,000 and yesterday "
                        "30,000 to BBL 110-4-62839-0", NOW)
    assert f.transfer_at == datetime(2026, 3, 9, tzinfo=BKK)
    assert f.amount == Decimal("55000.00")


def test_a_balance_named_after_the_sum_is_not_paid():
    f = facts_from_text("I deposited 12,000 and now they won't let me withdraw my 90,000 "
                        "balance", NOW)
    assert f.amount == Decimal("12000.00")


def test_a_sum_with_a_transfer_time_and_a_destination_was_paid():
    # no money verb next to the sum, but when and where it went: it happened
    f = facts_from_text("เขาบอกให้โอนค่าปลดล็อกบัญชี เมื่อวานตอนสี่โมงเย็น 12,500 เข้าออมสิน "
                        "020-1-77341-206 ตอนนี้ติดต่อไม่ได้แล้ว", NOW)
    assert f.amount == Decimal("12500.00")


def test_what_the_victim_was_entitled_to_is_not_paid():
    f = facts_from_text("The SMS said I was entitled to a meter deposit refund of 3,140 THB; they told me "
                        "to pay 990 to unlock it, which I did at 11am to KTB 612-0-44813-2", NOW)
    assert f.amount == Decimal("990.00")


def test_a_total_is_not_added_to_its_parts():
    f = facts_from_text("โอนไป 3 ครั้ง 5,000 + 5,000 + 5,000 รวม 15,000 บาท", NOW)
    assert f.amount == Decimal("15000.00")


@pytest.mark.parametrize("text, paid, other", [
    ("แอปเงินกู้อนุมัติ 80,000 ให้โอนค่าเปิดบัญชี 1,990 ไปเมื่อคืนสี่ทุ่ม เข้าไทยพาณิชย์ "
     "627-3-40185-9", ["1990.00"], ["80000.00"]),
    ("ได้ SMS ถูกรางวัล ให้โอน 500 บาท แต่ยังไม่ได้โอน", [], ["500.00"]),
    ("ให้โอนค่าประกันก่อน 2,500 ซึ่งโอนไปแล้วเมื่อกี้ เข้าบัญชีออมสิน 031-4-70926-158 "
     "ตอนนี้เขาให้โอนค่าภาษีอีก 4,000 ยังไม่ได้โอน", ["2500.00"], ["4000.00"]),
    ("ยอดเงินเหลือ 31,000 จาก 84,000", [], ["31000.00"]),
])
def test_only_paid_amounts_are_the_loss(text, paid, other):
    f = facts_from_text(text, NOW)
    assert [str(v) for v in f.paid_amounts] == paid
    assert all(v in [str(x) for _, x in f.other_amounts] for v in other)


def test_requested_not_paid_denies_the_loss():
    f = facts_from_text("เขาให้โอนค่ามัดจำ 5,000 ก่อนพาดูห้อง ยังไม่ได้โอนค่ะ", NOW)
    assert f.denies_loss and not f.mentions_money_sent and f.amount is None


def test_the_victims_bank_by_app_not_the_scammers():
    f = facts_from_text("โอนจากแอป SCB EASY ไปเข้ากสิกรไทย 052-3-71846-9 จำนวน 15,000 เมื่อกี้",
                        NOW)
    assert f.victim_bank == "SCB" and f.amount == Decimal("15000.00")


def test_the_transfer_time_is_the_one_next_to_the_transfer():
    f = facts_from_text("วันจันทร์ที่แล้วโอนเงินให้คนที่อ้างเป็นน้องชาย 7,000 เข้ากสิกร "
                        "580-1-46273-9 เพิ่งรู้วันนี้ว่าน้องไม่ได้ขอ", NOW)
    assert f.transfer_at is not None and f.transfer_at.date() < NOW.date()  # not "วันนี้"


def test_a_deadline_is_not_a_transfer_time():
    f = facts_from_text("เขาให้โอน 50,000 เข้ากรุงไทย 482-0-71536-9 ภายในสิบโมง", NOW)
    assert f.transfer_at is None and f.amount is None


def test_a_loss_placed_long_ago_without_a_date():
    assert facts_from_text("ปีที่แล้วเคยโอนค่าเช่าพระ 4,500 เข้าไทยพาณิชย์ 207-8-54136-2",
                           NOW).long_ago
    assert not facts_from_text("โอนไป 4,500 เมื่อกี้", NOW).long_ago


def test_a_question_about_scams_is_not_a_report():
    assert not facts_from_text("วิธีสังเกตว่าเพจขายของเป็นมิจฉาชีพ ดูยังไงบ้างคะ", NOW).reports_scam
    assert facts_from_text("โดนหลอกซื้อของค่ะ", NOW).reports_scam


@pytest.mark.parametrize("text, leaving", [
    ("ลงแอปที่เขาส่งมาเมื่อชั่วโมงก่อน ตอนนี้เงินหายไป 20,000 ไม่ได้โอนเอง", True),
    ("เดือนที่แล้วลงแอปแล้วเงินหายไป ตอนนี้ลบแอปแล้ว ไม่มีเงินออกอีกแล้ว", False),
    ("เงินหายไป 20,000 ไม่รู้ว่าหายไปไหน", False),  # no app: a loss, not a leak
])
def test_a_remote_app_with_money_gone_is_money_still_leaving(text, leaving):
    assert urgency_signals(text).money_still_leaving is leaving


@pytest.mark.parametrize("text", [
    "มีคนโอนเงินมาผิดบัญชี 5,000 แล้วโทรมาขอให้โอนคืน",
    "SMS แจ้งว่าค้างชำระค่าไฟ 1,200 บาท ให้กดลิงก์",
    "ระวังแอปดูดเงินนะคะ",
])
def test_money_that_came_in_or_is_only_owed_is_not_a_loss(text):
    f = facts_from_text(text, NOW)
    assert not f.mentions_money_sent and f.amount is None


# --- negation scope, denials that are not, amounts by role (written for these tests) -----------

@pytest.mark.parametrize("text", [
    "เขาบอกให้โอนค่าธรรมเนียมก่อนสามพัน แต่ยังไม่ได้โอนเลยค่ะ",
    "ไห้โอนมัดจำ 2,000 ก่อน ยังไม่โอนค่ะ",  # typo'd "ให้"
    "ในแอปเปิดหน้าโอนไว้แล้ว แต่ไม่ได้กดโอนอะไรเลย",
    "เพจปลอมขอยืมเงินเพื่อนๆ 5,000 ยังไม่มีใครโอนให้",
    "เขาขู่ว่าต้องจ่ายค่าปรับ 8,000 ไม่งั้นจะโดนจับ แต่แม่ไม่ได้จ่าย",
    "they said I'd be arrested unless I pay 40,000 today",
])
def test_a_sum_nobody_paid_is_not_a_loss(text):
    f = facts_from_text(text, NOW)
    assert f.paid_amounts == () and not f.mentions_money_sent, f


@pytest.mark.parametrize("text, loss", [
    ("หลังวันที่ 3 ไม่ได้โอนเพิ่ม แต่ก่อนหน้านั้นโอนไปรวม 60,000 เข้ากสิกร 123-4-56789-0", 60000),
    ("แอปโอนเงินออก 12,000 ไม่ได้โอนเองค่ะ", 12000),
])
def test_a_denial_of_more_or_of_doing_it_oneself_is_not_a_denial(text, loss):
    f = facts_from_text(text, NOW)
    assert not f.denies_loss and f.amount == Decimal(loss), f


@pytest.mark.parametrize("text, paid, other", [
    ("ยินดีด้วย คุณได้รับบัตรกำนัล 5,000 บาท จ่ายแค่ค่าส่ง 150 บาท ก็เลยจ่ายไปแล้ว", [150], [5000]),
    ("วงเงิน 80,000 อนุมัติแล้ว เลยโอนค่าประกัน 2,000 ไปเมื่อกี้", [2000], [80000]),
    ("งวดแรก 700 งวดที่สอง 1,400 โอนไปแล้วทั้งสองงวด", [700, 1400], []),
    ("โอนไปสามครั้ง 10,000 20,000 และ 30,000 เข้ากรุงไทย 123-4-56789-0", [10000, 20000, 30000], []),
])
def test_promised_sums_stay_apart_and_listed_transfers_add_up(text, paid, other):
    f = facts_from_text(text, NOW)
    assert [int(v) for v in f.paid_amounts] == paid
    assert sorted(int(v) for _, v in f.other_amounts) == sorted(other)


def test_a_year_before_this_one_places_the_loss_long_ago():
    f = facts_from_text("ปี 2567 เคยโอนลงทุนไป 30,000 เข้ากสิกร 123-4-56789-0", NOW)
    assert f.transfer_at is None and f.long_ago


def test_the_day_it_was_learnt_is_not_the_transfer_time():
    f = facts_from_text("โอนไป 4,000 เมื่อวันจันทร์ เพิ่งรู้วันนี้ว่าโดนหลอก", NOW)
    assert f.transfer_at is not None and f.transfer_at.date() != NOW.date()


def test_noon_today_is_a_clock_time():
    f = facts_from_text("โอนไป 900 ตอนเที่ยงวันนี้", NOW)
    assert f.transfer_at == NOW.replace(hour=12, minute=0)


@pytest.mark.parametrize("text", ["ฝนจะตกไหมวันนี้", "ขอบคุณที่ช่วยเมื่อวานนะครับ", "บัญชีม้าคืออะไรคะ"])
def test_a_day_or_a_question_alone_is_no_report(text):
    assert not facts_from_text(text, NOW).reports_scam


@pytest.mark.parametrize("text, paid", [
    ("รอบแรกลงไป 2,000 แล้วถอนออกมาได้หมด เลยลงเพิ่มอีก 30,000 เมื่อวาน", [30000]),
    ("first I put in 5,000 and withdrew it all, then yesterday I deposited 40,000", [40000]),
])
def test_a_bait_round_that_came_back_is_not_a_loss(text, paid):
    assert [int(v) for v in facts_from_text(text, NOW).paid_amounts] == paid


# Stop 20 (studied split dev6), in wordings written for these tests.
@pytest.mark.parametrize("text, paid, denied", [
    # money that left without the victim's doing is a loss, not a denial
    ("บัญชีกสิกรมีเงินออกไป 3 ครั้งโดยที่หนูไม่ได้โอน ครั้งละ 4,000 เมื่อกี้", (Decimal(12000),), False),
    # "ทีละ X ... N ครั้งแล้ว": the same sum N times
    ("มีรายการตัดบัตรทีละ 800 ตอนนี้ 4 ครั้งแล้วค่ะ", (Decimal(3200),), False),
    # "แล้วก็อีก X": another transfer of the same sum
    ("เงินออก 7,000 แล้วก็อีก 7,000 เมื่อตะกี้", (Decimal(7000), Decimal(7000)), False),
    # a promised refund is no loss
    ("คนอ้างเป็นการประปาบอกว่าเราจ่ายค่าน้ำเกิน จะคืนเงินให้ 960 บาท", (), False),
    # "so I did not transfer" is a denial; "ยอดเท่าเดิม" (the sum is unchanged) is not
    ("เช็กแล้วบัญชีนี้โดนแจ้งเยอะ เลยไม่โอนค่ะ", (), True),
    ("ขอแก้เวลานะคะ โอนตอนสองทุ่มไม่ใช่สามทุ่ม ยอดเท่าเดิม", (), False),
])
def test_money_out_without_the_victims_doing_counts_and_the_rest_does_not(text, paid, denied):
    f = facts_from_text(text, NOW)
    assert f.paid_amounts == tuple(p.quantize(Decimal("0.01")) for p in paid), text
    assert f.denies_loss is denied, text


@pytest.mark.parametrize("text", [
    'ได้ข้อความนี้มาค่ะ หลอกไหม "สมัครงานออนไลน์ ได้เงินวันละ 1,500 บาท จ่ายทุกวัน แอดไลน์ @job-th99"',
    "Is this a scam? Got this on Messenger:\n\nEarn 2,000 baht per day, paid every evening, "
    "just like videos. Contact LINE @likejob1\n\nI didn't answer.",
])
def test_a_pasted_lures_sums_are_not_the_writers(text):
    f = facts_from_text(text, NOW)
    assert f.paid_amounts == () and not f.mentions_money_sent, text


@pytest.mark.parametrize("text, paid", [
    # a price beside a deposit: the deposit went, not the price
    ("I want to buy a camera, price 24,000, seller asks deposit 6,000 and I transfer it this morning",
     (Decimal(6000),)),
    # a price alone, with a transfer: the price went
    ("ซื้อรองเท้าราคา 3,200 โอนเข้าบัญชีคนขายไปเมื่อวาน", (Decimal(3200),)),
    # what the scammer paid the victim first is no loss
    ("first they paid me 200 baht for a task, then I sent 5,000 to unlock", (Decimal(5000),)),
    ("ตอนแรกแอดมินจ่ายค่าคอมให้ 150 บาท แล้วหนูโอนไป 3,000", (Decimal(3000),)),
    # a further demand is no loss, even with a transfer time and an account in the message
    ("paid 2,000 at 10:15 to TrueMoney 0812345678, now they say I must pay 6,000 more",
     (Decimal(2000),)),
    ("โอนไป 1,000 ตอนสิบโมงเข้าบัญชีกสิกร 123-4-56789-0 ตอนนี้บอกว่าต้องเติมอีก 9,000", (Decimal(1000),)),
    # an applied-for loan is a promise
    ("apply loan 40,000 in an app, they want fee 2,000 and I paid it", (Decimal(2000),)),
])
def test_only_what_the_victim_paid_is_the_loss(text, paid):
    f = facts_from_text(text, NOW)
    assert f.paid_amounts == tuple(p.quantize(Decimal("0.01")) for p in paid), text


def test_sums_someone_invested_are_paid_even_beside_a_fee_not_paid():
    f = facts_from_text("My father invested 40,000 in March, then he put in more: 60,000. "
                        "Now they want a 10% fee to withdraw. We did not pay that.", NOW)
    assert Decimal("40000.00") in f.paid_amounts and Decimal("60000.00") in f.paid_amounts
