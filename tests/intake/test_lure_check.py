"""A forwarded lure ("is this a scam?" + the pasted message) is a check, not a loss report
(issue 13): the bot says what it looks like and what to do, and never asks whether money was
lost; once the sender says they clicked or paid, the intake goes on as for any report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.cases.facts import facts_from_text
from bot.intake import replay

AT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
LOAN_LURE = ('อันนี้หลอกไหมคะ "ยินดีด้วย! คุณได้รับสิทธิ์สินเชื่อ 50,000 บาท ไม่ต้องค้ำ '
             'กดรับสิทธิ์ที่ https://bit.ly/3xLoan9 หรือแอดไลน์ @fastloan99"')
PARCEL_LURE = 'is this legit? "Your parcel is on hold, unpaid fee 25 THB. Pay now: parcel-th-fee.com/pay"'
ASKS_LOSS = ("โอนเงินหรือเสียเงินไปแล้วหรือยัง", "transferred or lost money")


@pytest.mark.parametrize("text,dont", [(LOAN_LURE, "อย่ากดลิงก์"), (PARCEL_LURE, "Don't tap")])
def test_a_pasted_lure_gets_what_to_do_and_no_question_about_money(text, dont):
    [turn] = replay([(text, AT)])
    joined = "\n".join(turn.replies)
    assert dont in turn.replies[0]
    assert not any(q in joined for q in ASKS_LOSS)
    assert "1441" in joined  # the general advice keeps the official number
    assert turn.priority == "P2"


def test_saying_afterwards_that_they_paid_goes_on_with_the_intake():
    turns = replay([(LOAN_LURE, AT),
                    ("แต่หนูโอนค่าธรรมเนียมไปแล้ว 1,500 เมื่อกี้ค่ะ เข้าบัญชี กสิกร 123-4-56789-0",
                     AT + timedelta(minutes=2))])
    assert turns[1].priority == "P0"
    assert "1441" in turns[1].replies[0]


@pytest.mark.parametrize("text", [
    "อันนี้หลอกไหมคะ กดลิงก์ไปแล้วด้วย https://scb-verify.cc",  # clicked: a report
    "โดนหลอกโอนไป 3,000 อันนี้มิจใช่ไหม https://shop-x.cc",  # paid: a report
    "มิจไหมคะ",  # nothing pasted
])
def test_not_a_check_when_they_acted_or_pasted_nothing(text):
    assert not facts_from_text(text, AT).lure_check


def test_a_received_sms_told_with_its_link_is_a_check():
    text = "ได้ SMS มาแบบนี้ค่ะ: บัญชีของท่านถูกระงับชั่วคราว กรุณายืนยันตัวตนที่ scb-verify.cc"
    assert facts_from_text(text, AT).lure_check
