"""Webhook events shaped as LINE's Messaging API reference documents them
(https://developers.line.biz/en/reference/messaging-api/#webhook-event-objects), with values
of our own. One builder per event the LINE channel must handle; each returns a fresh dict.

`legacy(...)` removes the fields LINE added over the years (mode, webhookEventId,
deliveryContext, quoteToken, ...), giving the older shapes that LINE's own SDK test suites
still carry.
"""

from __future__ import annotations

import itertools
import time

_counter = itertools.count(1)

USER = "U4af4980629a1b2c3d4e5f60718293a4b"
OTHER_USER = "Ub1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6"
GROUP = "Ca56f94637c1b2d3e4f5a6b7c8d9e0f1a"
ROOM = "Ra8dc3a1b2c3d4e5f6a7b8c9d0e1f2a3b"
IMAGE_SET_ID = "7A3F0C12D4E5B6978A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F6071"


def event_id() -> str:
    """A ULID-shaped webhookEventId (26 characters), unique in the test run."""
    return f"01FZ74A0TDDPYRVKNK{next(_counter):08d}"


def message_id() -> str:
    return str(468789577898262500 + next(_counter))


def now_ms() -> int:
    """Now, in LINE's milliseconds; strictly increasing between events, so they sort."""
    return int(time.time() * 1000) + next(_counter)


def _base(kind: str, *, source: dict | None = None, reply_token: str | None = "reply",
          redelivery: bool = False, mode: str = "active", **fields) -> dict:
    event = {
        "type": kind,
        "mode": mode,
        "timestamp": now_ms(),
        "source": source or {"type": "user", "userId": USER},
        "webhookEventId": event_id(),
        "deliveryContext": {"isRedelivery": redelivery},
        **fields,
    }
    if reply_token:
        event["replyToken"] = f"{reply_token}-{next(_counter)}"
    return event


def user_source(user_id: str = USER) -> dict:
    return {"type": "user", "userId": user_id}


def group_source(user_id: str | None = USER) -> dict:
    source = {"type": "group", "groupId": GROUP}
    if user_id:
        source["userId"] = user_id
    return source


def room_source(user_id: str | None = USER) -> dict:
    source = {"type": "room", "roomId": ROOM}
    if user_id:
        source["userId"] = user_id
    return source


# ------------------------------------------------------------------ message events

def text(body: str, **kw) -> dict:
    message = {"id": kw.pop("message_id", None) or message_id(), "type": "text",
               "quoteToken": "q3Plxr4AgKd" + str(next(_counter)), "text": body}
    message.update(kw.pop("message_extra", {}))
    return _base("message", message=message, **kw)


def text_with_emojis(**kw) -> dict:
    """Two LINE emojis: each is a `$` in the text, placed by `emojis[].index`."""
    body = "$ โดนโกงค่ะ $"
    return text(body, message_extra={"emojis": [
        {"index": 0, "length": 1, "productId": "5ac1bfd5040ab15980c9b435", "emojiId": "001"},
        {"index": len(body) - 1, "length": 1, "productId": "5ac1bfd5040ab15980c9b435",
         "emojiId": "002"},
    ]}, **kw)


def text_with_mention(**kw) -> dict:
    """`@สกัด ช่วยด้วยค่ะ` with the bot mentioned (mentionees: user, isSelf)."""
    body = "@สกัด ช่วยด้วยค่ะ"
    return text(body, message_extra={"mention": {"mentionees": [
        {"index": 0, "length": 5, "type": "user", "userId": USER, "isSelf": True},
    ]}}, **kw)


def image(content_id: str | None = None, *, external: bool = False, **kw) -> dict:
    provider = ({"type": "external", "originalContentUrl": "https://example.com/slip.jpg",
                 "previewImageUrl": "https://example.com/slip_preview.jpg"}
                if external else {"type": "line"})
    message = {"id": content_id or message_id(), "type": "image",
               "quoteToken": "yHAz4Ua2wx7" + str(next(_counter)),
               "contentProvider": provider,
               "imageSet": {"id": IMAGE_SET_ID, "index": 1, "total": 2}}
    return _base("message", message=message, **kw)


def video(content_id: str | None = None, **kw) -> dict:
    message = {"id": content_id or message_id(), "type": "video", "duration": 60000,
               "quoteToken": "yHAz4Ua2wx7" + str(next(_counter)),
               "contentProvider": {"type": "line"}}
    return _base("message", message=message, **kw)


def audio(content_id: str | None = None, **kw) -> dict:
    message = {"id": content_id or message_id(), "type": "audio", "duration": 60000,
               "contentProvider": {"type": "line"}}
    return _base("message", message=message, **kw)


def file(content_id: str | None = None, **kw) -> dict:
    message = {"id": content_id or message_id(), "type": "file", "fileName": "chat.pdf",
               "fileSize": 2138}
    return _base("message", message=message, **kw)


def sticker(**kw) -> dict:
    message = {"id": message_id(), "type": "sticker", "packageId": "446", "stickerId": "1988",
               "stickerResourceType": "ANIMATION", "keywords": ["sad", "cry"],
               "quoteToken": "yHAz4Ua2wx7" + str(next(_counter))}
    return _base("message", message=message, **kw)


def location(**kw) -> dict:
    message = {"id": message_id(), "type": "location", "title": "ธนาคารใกล้บ้าน",
               "address": "ถนนสุขุมวิท คลองเตย กรุงเทพมหานคร 10110",
               "latitude": 13.7246, "longitude": 100.5795}
    return _base("message", message=message, **kw)


def unknown_message_type(**kw) -> dict:
    """A message type LINE may add later (the SDK does not know it)."""
    message = {"id": message_id(), "type": "hologram", "quoteToken": "x"}
    return _base("message", message=message, **kw)


def message_edited(body: str, original_id: str, **kw) -> dict:
    message = {"id": original_id, "type": "text", "quoteToken": "q3Plxr4AgKd", "text": body}
    return _base("messageEdited", message=message, **kw)


# ------------------------------------------------------------------ other events

def follow(*, unblocked: bool = False, **kw) -> dict:
    return _base("follow", follow={"isUnblocked": unblocked}, **kw)


def unfollow(**kw) -> dict:
    return _base("unfollow", reply_token=None, **kw)


def postback(data: str, *, params: dict | None = None, **kw) -> dict:
    content = {"data": data}
    if params is not None:
        content["params"] = params
    return _base("postback", postback=content, **kw)


def unsend(of_message_id: str, **kw) -> dict:
    return _base("unsend", reply_token=None, unsend={"messageId": of_message_id}, **kw)


def join(**kw) -> dict:
    return _base("join", source=group_source(None), **kw)


def unknown_event_type(**kw) -> dict:
    """An event type LINE may add later (the SDK does not know it)."""
    return _base("crystalBall", reply_token=None, crystalBall={"future": True}, **kw)


# ------------------------------------------------------------------ older shapes

LEGACY_DROPPED = ("mode", "webhookEventId", "deliveryContext")
LEGACY_MESSAGE_DROPPED = ("quoteToken", "contentProvider", "stickerResourceType")


def legacy(event: dict) -> dict:
    """The same event as LINE sent it before those fields existed."""
    old = {k: v for k, v in event.items() if k not in LEGACY_DROPPED}
    if isinstance(old.get("message"), dict):
        old["message"] = {k: v for k, v in old["message"].items()
                          if k not in LEGACY_MESSAGE_DROPPED}
    if old.get("type") == "follow":
        old.pop("follow", None)
    return old
