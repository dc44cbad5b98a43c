"""Modelling LINE webhook events one by one (channels/line/events.py): every documented shape
is modelled, older shapes too, and what cannot be modelled is skipped with a reason that
names the type and webhookEventId and never the victim's words."""

from __future__ import annotations

import logging

import line_documented_events as ev
import pytest
from linebot.v3.webhooks import (
    AudioMessageContent,
    FileMessageContent,
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEditedEvent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UnsendEvent,
    VideoMessageContent,
)

from channels.line.events import Modelled, Skipped, derived_event_id, log_skipped, model_event

SECRET_WORDS = "บัญชี 123-4-56789-0 ของคนร้าย"

DOCUMENTED = [
    (lambda: ev.text("สวัสดีค่ะ"), MessageEvent, TextMessageContent),
    (ev.text_with_emojis, MessageEvent, TextMessageContent),
    (ev.text_with_mention, MessageEvent, TextMessageContent),
    (ev.image, MessageEvent, ImageMessageContent),
    (lambda: ev.image(external=True), MessageEvent, ImageMessageContent),
    (ev.video, MessageEvent, VideoMessageContent),
    (ev.audio, MessageEvent, AudioMessageContent),
    (ev.file, MessageEvent, FileMessageContent),
    (ev.sticker, MessageEvent, StickerMessageContent),
    (ev.location, MessageEvent, LocationMessageContent),
    (lambda: ev.message_edited("แก้เลขบัญชีค่ะ", "4687"), MessageEditedEvent,
     TextMessageContent),
    (ev.follow, FollowEvent, None),
    (ev.unfollow, UnfollowEvent, None),
    (lambda: ev.postback("s=x&p=%2Faffirm"), PostbackEvent, None),
    (lambda: ev.postback("pick", params={"datetime": "2026-11-30T14:05"}), PostbackEvent, None),
    (lambda: ev.unsend("4687"), UnsendEvent, None),
]


@pytest.mark.parametrize("make,event_class,content_class", DOCUMENTED)
def test_documented_events_are_modelled_with_their_own_id(make, event_class, content_class):
    raw = make()
    result = model_event(raw)
    assert isinstance(result, Modelled), result
    assert isinstance(result.event, event_class)
    if content_class:
        assert isinstance(result.event.message, content_class)
    assert result.event_id == raw["webhookEventId"] and result.redelivery is False


@pytest.mark.parametrize("make,event_class,content_class", DOCUMENTED)
def test_older_shapes_without_later_fields_are_still_modelled(make, event_class,
                                                               content_class):
    old = ev.legacy(make())
    assert "webhookEventId" not in old and "mode" not in old
    result = model_event(old)
    assert isinstance(result, Modelled), result
    assert isinstance(result.event, event_class)
    assert result.event_id.startswith("derived-")
    assert str(result.event.mode.value) == "active"


def test_a_legacy_text_keeps_its_words():
    result = model_event(ev.legacy(ev.text("โดนหลอกโอนเงินค่ะ")))
    assert result.event.message.text == "โดนหลอกโอนเงินค่ะ"


def test_present_fields_are_never_overwritten_by_the_legacy_defaults():
    raw = ev.sticker(mode="standby")
    raw["message"]["stickerResourceType"] = "POPUP"
    result = model_event(raw)
    assert str(result.event.mode.value) == "standby"
    assert result.event.message.sticker_resource_type == "POPUP"
    assert raw["message"]["stickerResourceType"] == "POPUP" and "mode" in raw  # not mutated


def test_derived_id_is_stable_and_ignores_the_delivery_context():
    old = ev.legacy(ev.text("สวัสดี"))
    again = {**old, "deliveryContext": {"isRedelivery": True}}
    other = ev.legacy(ev.text("สวัสดี"))
    assert derived_event_id(old) == derived_event_id(again) == model_event(again).event_id
    assert derived_event_id(old) != derived_event_id(other)
    assert model_event(again).redelivery is True


def test_an_over_long_event_id_is_replaced_by_a_derived_one():
    raw = ev.text("สวัสดี")
    raw["webhookEventId"] = "x" * 500
    result = model_event(raw)
    assert result.event_id.startswith("derived-") and len(result.event_id) <= 128


@pytest.mark.parametrize("raw,reason", [
    (ev.unknown_event_type(), "unknown event type"),
    (ev.unknown_message_type(), "unknown message type 'hologram'"),
    ({**ev.text("x"), "source": {"type": "square", "squareChatId": "S1"}},
     "unknown source type"),
    ({**ev.text("x"), "timestamp": "yesterday"}, "not valid: MessageEvent timestamp"),
    ({**ev.postback("x"), "postback": None}, "not valid: PostbackEvent postback"),
    ({**ev.text("x"), "timestamp": 10 ** 20}, "timestamp out of range"),
    ({**ev.text("x"), "timestamp": -1}, "timestamp out of range"),
    ({"type": ["message"]}, "unknown event type"),
    ("message", "not a JSON object"),
    (None, "not a JSON object"),
])
def test_what_the_sdk_cannot_model_is_skipped_with_a_reason(raw, reason):
    result = model_event(raw)
    assert isinstance(result, Skipped)
    assert result.reason == reason


def test_a_skipped_event_is_logged_by_type_and_id_without_the_victims_words(caplog):
    raw = ev.text(SECRET_WORDS)
    raw["message"]["text"] = 12345  # not a string: the SDK refuses it
    raw["message"]["quoteToken"] = SECRET_WORDS
    unknown = {**ev.unknown_event_type(), "note": SECRET_WORDS}
    with caplog.at_level(logging.INFO):
        for event in (raw, unknown):
            result = model_event(event)
            assert isinstance(result, Skipped)
            log_skipped(result)
    logged = caplog.text
    assert raw["webhookEventId"] in logged and unknown["webhookEventId"] in logged
    assert "type=message" in logged and "type=crystalBall" in logged
    assert "TextMessageContent text" in logged  # the field, not its value
    assert "123-4-56789-0" not in logged and "12345" not in logged and "บัญชี" not in logged
    assert all(r.exc_info is None for r in caplog.records)
