"""OTPs, PINs and passwords a victim pastes are removed before storage; numbers the case needs
are kept."""

from __future__ import annotations

import pytest

from bot.conversation.redact import REDACTED, redact_credentials


@pytest.mark.parametrize("text,expected", [
    ("OTP 482913", f"OTP {REDACTED}"),
    ("รหัส OTP คือ 482913 ค่ะ", f"รหัส OTP คือ {REDACTED} ค่ะ"),
    ("pin: 1234", f"pin: {REDACTED}"),
    ("พิน ๑๒๓๔๕๖", f"พิน {REDACTED}"),
    ("OTP-493021", f"OTP-{REDACTED}"),
    ("รหัสพิน 9999 บัญชี 1234567890", f"รหัสพิน {REDACTED} บัญชี 1234567890"),
    ("รหัสผ่านของฉันคือ Qwerty!9", f"รหัสผ่านของฉันคือ {REDACTED}"),
    ("password is hunter22", f"password is {REDACTED}"),
])
def test_credentials_are_removed(text, expected):
    assert redact_credentials(text) == (expected, 1)


@pytest.mark.parametrize("text", [
    "โอนเข้ากสิกร 123-4-56789-0 เบอร์ 0812345678 ไป 5,000 บาท",
    "ได้รับ otp แล้วแต่ไม่ได้ให้ใคร",
    "รหัสผ่านหายค่ะ",
    "ลืมรหัสผ่าน แอปเข้าไม่ได้",
    "he sent a password reset link",
    "otp 0812345678",  # a phone number after the word is not a 4-8 digit code
    "shopping 1234 บาท",
])
def test_everything_else_is_kept(text):
    assert redact_credentials(text) == (text, 0)


async def test_the_engine_never_stores_or_forwards_an_otp(kit):
    from datetime import UTC, datetime

    from sqlalchemy import select

    from bot.conversation.types import InboundMessage
    from bot.storage.models import Message

    await kit.engine.handle_inbound(InboundMessage(
        channel="line", channel_user_id="U1", text="มิจฉาชีพขอ OTP 482913 ไปแล้วค่ะ",
        received_at=datetime.now(UTC), channel_message_id="m1"))
    with kit.sessions() as s:
        stored = s.scalar(select(Message.text).where(Message.direction == "inbound"))
    assert "482913" not in stored and REDACTED in stored
    assert "482913" not in kit.dialogue.calls[0]["message"]
    assert all("482913" not in str(e.data) for e in kit.events.published)
