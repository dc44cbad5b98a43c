"""The LINE webhook against hostile, unexpected, old and future input, over real HTTP: the app
(uvicorn) with the LINE simulator and a fake Rasa; bodies shaped as LINE documents them
(line_documented_events.py), signed as LINE signs them.

The promise under test: one event nobody can model never costs the others (a victim's text in
the same body is stored and answered); nothing is read past the size cap or stored without a
valid signature; group chats never reach a victim's case."""

from __future__ import annotations

import json
import logging
import time

import httpx
import line_documented_events as ev
import pytest
from sqlalchemy import select
from test_line_webhook import SECRET, line_stack, wait_until  # noqa: F401  (fixture)

from bot.storage.models import Conversation, Evidence, Message, ProcessedEvent
from channels.line import simulator as sim
from channels.line.api import ContentTooLarge, LineApi
from channels.line.webhook import MAX_BODY_BYTES

SIGNED_HEADERS = {"content-type": "application/json"}


def post_raw(stack, raw: bytes, *, signature: str | None = None, **kw) -> httpx.Response:
    signed = sim.sign(raw, SECRET) if signature is None else signature
    headers = {**SIGNED_HEADERS, "x-line-signature": signed}
    return httpx.post(f"{stack.server.url}/line/webhook", content=raw, headers=headers, **kw)


def post_events(stack, events: list) -> httpx.Response:
    return post_raw(stack, json.dumps({"destination": sim.BOT_USER_ID, "events": events},
                                      ensure_ascii=False).encode())


def settle(stack) -> None:
    """Wait until the background work of every accepted webhook is done."""
    runtime = stack.app.state.conversation_runtime
    wait_until(lambda: not runtime.tasks)


def inbound(stack) -> list[Message]:
    with stack.sessions() as db:
        return list(db.scalars(select(Message).where(Message.direction == "inbound")
                               .order_by(Message.created_at)))


def dialogue_messages(stack) -> list[str]:
    return [c["message"] for c in stack.rasa.app.state.calls]


def tiny_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return out.getvalue()


def no_tracebacks(caplog) -> bool:
    return not [r for r in caplog.records if r.exc_info]


# ------------------------------------------------------------------ one bad event, not all

def test_a_victims_text_survives_events_the_sdk_cannot_model(line_stack, caplog):
    s = line_stack
    broken = ev.text("ignored")
    broken["message"]["text"] = {"not": "a string"}
    events = [ev.unknown_event_type(), broken, ev.unknown_message_type(),
              {**ev.text("x"), "source": {"type": "square", "squareChatId": "S1"}},
              "not-an-object",
              ev.text("เมื่อกี้โอนเงินค่าเสื้อ 2,500 บาท โดนหลอกค่ะ")]
    with caplog.at_level(logging.INFO):
        assert post_events(s, events).status_code == 200
        wait_until(lambda: s.calls("reply") or s.calls("push"))
        settle(s)
    assert [m.text for m in inbound(s)] == ["เมื่อกี้โอนเงินค่าเสื้อ 2,500 บาท โดนหลอกค่ะ"]
    assert dialogue_messages(s) == ["เมื่อกี้โอนเงินค่าเสื้อ 2,500 บาท โดนหลอกค่ะ"]
    skipped = [r.getMessage() for r in caplog.records if "event skipped" in r.getMessage()]
    assert len(skipped) == 5
    assert no_tracebacks(caplog)


def test_older_shapes_from_one_user_are_all_stored(line_stack, caplog):
    s = line_stack
    content_id = httpx.post(f"{s.sim.url}/_sim/content", content=tiny_png(),
                            headers={"content-type": "image/png"}).json()["message_id"]
    follow = ev.legacy(ev.follow())
    text, image = ev.legacy(ev.text("โดนหลอกค่ะ")), ev.legacy(ev.image(content_id))
    sticker, location = ev.legacy(ev.sticker()), ev.legacy(ev.location())
    with caplog.at_level(logging.INFO):
        assert post_events(s, [follow, text, image, sticker, location]
                           ).status_code == 200
        wait_until(lambda: len(inbound(s)) == 5)
        settle(s)
    stored = inbound(s)
    assert [m.channel_message_id for m in stored[1:]] == [
        text["message"]["id"], image["message"]["id"], sticker["message"]["id"],
        location["message"]["id"]]
    assert stored[0].channel_message_id.startswith("follow:derived-")
    assert dialogue_messages(s) == ["/greet", "โดนหลอกค่ะ", "/image_received",
                                    "/sticker_received", "/location_received"]
    assert no_tracebacks(caplog)


# ------------------------------------------------------------------ the edge: size, signature, JSON

def test_a_body_over_the_cap_is_refused_before_anything_else(line_stack):
    s = line_stack
    big = json.dumps({"events": [ev.text("ก" * (MAX_BODY_BYTES // 3 + 10))]}).encode()
    assert len(big) > MAX_BODY_BYTES
    assert post_raw(s, big).status_code == 413

    def chunks():  # no Content-Length: the cap applies while streaming
        yield b'{"events": ['
        for _ in range(MAX_BODY_BYTES // 1024 + 1):
            yield b" " * 1024
        yield b"]}"

    streamed = httpx.post(f"{s.server.url}/line/webhook", content=chunks(),
                          headers={"x-line-signature": "irrelevant"})
    assert streamed.status_code == 413
    small = json.dumps({"events": [ev.text("ก" * 1000)]}).encode()
    assert post_raw(s, small).status_code == 200
    settle(s)
    assert len(inbound(s)) == 1


@pytest.mark.parametrize("raw,detail", [
    (b'{"events": [', "malformed webhook body"),
    (b'[{"type": "message"}]', "malformed webhook body"),
    (b'{"events": "none"}', "malformed webhook body"),
    (b'{"destination": "U1"}', "malformed webhook body"),
    (b"[" * 100_000 + b"]" * 100_000, "malformed webhook body"),  # RecursionError in json
    (b"\xff\xfe not utf-8", "invalid signature"),  # cannot be LINE's JSON: not even checked
])
def test_a_signed_body_that_is_not_a_webhook_gets_a_clear_400(line_stack, raw, detail):
    s = line_stack
    response = post_raw(s, raw)
    assert response.status_code == 400 and detail in response.json()["detail"]
    assert s.count(ProcessedEvent) == s.count(Message) == 0


def test_the_signature_is_checked_on_the_exact_bytes(line_stack):
    s = line_stack
    raw = json.dumps({"events": [ev.text("สวัสดี")]}, ensure_ascii=False).encode()
    reencoded = json.dumps(json.loads(raw)).encode()  # same JSON, other bytes (\\u escapes)
    assert post_raw(s, reencoded, signature=sim.sign(raw, SECRET)).status_code == 400
    assert post_raw(s, raw, signature="").status_code == 400
    assert post_raw(s, raw, signature=sim.sign(raw, SECRET) + "x").status_code == 400
    time.sleep(0.3)
    assert s.count(Message) == s.count(ProcessedEvent) == 0
    assert post_raw(s, raw).status_code == 200
    wait_until(lambda: s.count(Message) >= 1)


def test_an_empty_event_list_is_the_console_verify_call(line_stack):
    s = line_stack
    assert post_raw(s, b'{"destination": "U0", "events": []}').status_code == 200
    assert s.count(ProcessedEvent) == 0


# ------------------------------------------------------------------ each documented event

def test_text_with_emojis_and_mentions_is_stored_as_written(line_stack):
    s = line_stack
    emojis, mention = ev.text_with_emojis(), ev.text_with_mention()
    post_events(s, [emojis, mention])
    wait_until(lambda: len(inbound(s)) == 2)
    settle(s)
    assert [m.text for m in inbound(s)] == ["$ โดนโกงค่ะ $", "@สกัด ช่วยด้วยค่ะ"]
    assert dialogue_messages(s) == ["$ โดนโกงค่ะ $", "@สกัด ช่วยด้วยค่ะ"]


def test_image_video_audio_and_file_are_kept_as_evidence(line_stack):
    s = line_stack
    ids = {}
    for kind, data, content_type in [("image", tiny_png(), "image/png"),
                                     ("video", b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
                                     ("audio", b"\x00\x00\x00\x18ftypM4A ", "audio/m4a"),
                                     ("file", b"%PDF-1.4", "application/pdf")]:
        ids[kind] = httpx.post(f"{s.sim.url}/_sim/content", content=data,
                               headers={"content-type": content_type}).json()["message_id"]
    external = ev.image(external=True)
    events = [ev.image(ids["image"]), ev.video(ids["video"]), ev.audio(ids["audio"]),
              ev.file(ids["file"]), external]
    post_events(s, events)
    wait_until(lambda: len(inbound(s)) == 5)
    settle(s)
    by_id = {m.channel_message_id: m for m in inbound(s)}
    stored = [by_id[e["message"]["id"]] for e in events]
    kinds = [(m.attachments[0]["kind"], m.attachments[0]["meta"]["line_type"]) for m in stored]
    assert kinds == [("image", "image"), ("file", "video"), ("file", "audio"),
                     ("file", "file"), ("image", "image")]
    assert stored[1].attachments[0]["meta"]["duration_ms"] == 60000
    assert stored[3].attachments[0]["meta"]["file_name"] == "chat.pdf"
    assert stored[4].attachments[0]["url"] == "https://example.com/slip.jpg"
    with s.sessions() as db:
        evidence = sorted(e.message_id for e in db.scalars(select(Evidence)))
    assert evidence == sorted(m.id for m in stored[:4])  # external content is not fetched
    assert dialogue_messages(s) == ["/image_received", "/file_received", "/file_received",
                                    "/file_received", "/image_received"]


def test_content_larger_than_we_keep_is_not_downloaded_and_the_message_is_kept(
        line_stack, monkeypatch):
    s = line_stack
    content_id = httpx.post(f"{s.sim.url}/_sim/content", content=b"v" * 5000,
                            headers={"content-type": "video/mp4"}).json()["message_id"]
    monkeypatch.setattr("channels.line.webhook.MAX_EVIDENCE_BYTES", 1000)
    post_events(s, [ev.video(content_id)])
    wait_until(lambda: len(inbound(s)) == 1)
    settle(s)
    [message] = inbound(s)
    assert "content over 1000 bytes" in message.attachments[0]["meta"]["fetch_error"]
    assert s.count(Evidence) == 0


async def test_the_content_download_stops_at_the_cap():
    async def body():
        for _ in range(100):
            yield b"x" * 1000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body(), headers={"content-type": "video/mp4"})

    api = LineApi(api_base="http://line", data_api_base="http://line", access_token="t",
                  client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))
    with pytest.raises(ContentTooLarge):
        await api.get_content("1", max_bytes=10_000)
    data, content_type = await api.get_content("1", max_bytes=200_000)
    assert len(data) == 100_000 and content_type == "video/mp4"
    await api.aclose()


def test_sticker_location_follow_and_postback_reach_the_dialogue(line_stack):
    s = line_stack
    post_events(s, [ev.follow(unblocked=True), ev.sticker(), ev.location(),
                    ev.postback("pick", params={"datetime": "2026-11-30T14:05"})])
    wait_until(lambda: len(inbound(s)) == 4)
    settle(s)
    assert dialogue_messages(s) == ["/greet", "/sticker_received", "/location_received", "pick"]
    sticker = inbound(s)[1].attachments[0]
    assert sticker["meta"]["keywords"] == ["sad", "cry"]


def test_unfollow_is_noted_and_nothing_is_sent(line_stack):
    s = line_stack
    post_events(s, [ev.unfollow()])
    wait_until(lambda: s.count(ProcessedEvent) == 1)
    settle(s)
    assert inbound(s) == [] and s.calls() == []


def test_unsend_blanks_the_stored_message_and_keeps_the_fact(line_stack):
    s = line_stack
    message = ev.text("บัญชีคนร้าย 123-4-56789-0")
    location = ev.location()
    post_events(s, [message, location])
    wait_until(lambda: len(inbound(s)) == 2)
    settle(s)
    post_events(s, [ev.unsend(message["message"]["id"]), ev.unsend(location["message"]["id"]),
                    ev.unsend("999")])
    wait_until(lambda: all(m.payload.get("unsent_at") for m in inbound(s)))
    settle(s)
    first, second = inbound(s)
    assert first.text is None and first.channel_message_id == message["message"]["id"]
    assert second.attachments == [{"kind": "location", "unsent": True}]
    assert len(inbound(s)) == 2


def test_unsend_from_another_user_touches_nothing(line_stack):
    s = line_stack
    message = ev.text("ข้อความของฉัน")
    post_events(s, [message])
    wait_until(lambda: len(inbound(s)) == 1)
    settle(s)
    post_events(s, [ev.unsend(message["message"]["id"], source=ev.user_source(ev.OTHER_USER))])
    wait_until(lambda: s.count(ProcessedEvent) == 2)
    settle(s)
    assert inbound(s)[0].text == "ข้อความของฉัน"


def test_a_redelivered_event_is_processed_once(line_stack):
    s = line_stack
    event = ev.text("สวัสดีค่ะ")
    old = ev.legacy(ev.text("ข้อความรูปแบบเก่า"))
    post_events(s, [event, old])
    wait_until(lambda: len(inbound(s)) == 2)
    settle(s)
    again = {**event, "deliveryContext": {"isRedelivery": True}}
    post_events(s, [again, {**old, "deliveryContext": {"isRedelivery": True}}])
    post_events(s, [again])
    settle(s)
    time.sleep(0.3)
    assert len(inbound(s)) == 2 and s.count(ProcessedEvent) == 2
    assert dialogue_messages(s) == ["สวัสดีค่ะ", "ข้อความรูปแบบเก่า"]


def test_group_and_room_chats_never_reach_a_victims_case(line_stack):
    s = line_stack
    post_events(s, [ev.join(),
                    ev.text("ในกลุ่ม: โอนเงินไปแล้ว", source=ev.group_source()),
                    ev.text("ในห้อง: โดนหลอก", source=ev.room_source()),
                    ev.text("ไม่มี userId", source=ev.group_source(None)),
                    ev.text("ส่วนตัว: ขอความช่วยเหลือค่ะ")])
    wait_until(lambda: len(inbound(s)) == 1)
    settle(s)
    with s.sessions() as db:
        conversations = list(db.scalars(select(Conversation)))
    assert [c.channel_user_id for c in conversations] == [ev.USER]
    assert [m.text for m in inbound(s)] == ["ส่วนตัว: ขอความช่วยเหลือค่ะ"]
    assert dialogue_messages(s) == ["ส่วนตัว: ขอความช่วยเหลือค่ะ"]
    assert {c["to"] for c in s.calls() if c.get("to")} == {ev.USER}


def test_standby_events_are_left_to_the_module_that_owns_the_chat(line_stack):
    s = line_stack
    post_events(s, [ev.text("ตอนนี้แชตอยู่กับโมดูลอื่น", mode="standby", reply_token=None)])
    settle(s)
    time.sleep(0.3)
    assert inbound(s) == [] and dialogue_messages(s) == [] and s.calls() == []


def test_an_edited_message_reaches_the_case_as_a_correction(line_stack):
    s = line_stack
    original = ev.text("โอนเข้าบัญชี 123-4-56789-0")
    post_events(s, [original])
    wait_until(lambda: len(inbound(s)) == 1)
    settle(s)
    edit = ev.message_edited("โอนเข้าบัญชี 123-4-56789-1", original["message"]["id"])
    post_events(s, [edit])
    wait_until(lambda: len(inbound(s)) == 2)
    settle(s)
    first, second = inbound(s)
    assert first.text == "โอนเข้าบัญชี 123-4-56789-0"
    assert second.text == "โอนเข้าบัญชี 123-4-56789-1"
    assert second.channel_message_id == f"edited:{edit['webhookEventId']}"


def test_unknown_future_event_and_message_types_are_skipped_quietly(line_stack, caplog):
    s = line_stack
    with caplog.at_level(logging.INFO):
        post_events(s, [ev.unknown_event_type(), ev.unknown_message_type()])
        settle(s)
    assert inbound(s) == [] and s.count(ProcessedEvent) == 0 and s.calls() == []
    reasons = [r.getMessage().split("reason=")[1] for r in caplog.records
               if "event skipped" in r.getMessage()]
    assert reasons == ["unknown event type", "unknown message type 'hologram'"]
    assert no_tracebacks(caplog)


# ------------------------------------------------------------------ the router on its own

class NoRuntime:
    def spawn(self, work, name: str) -> None:
        work.close()  # not run: the router's part ends at the 200


def test_the_route_itself_refuses_big_bodies_before_the_signature_check():
    """Without the app's BodyLimitMiddleware: the router's own cap, streamed or declared."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from channels.line.webhook import LineChannel, make_router

    channel = LineChannel(runtime=NoRuntime(), sessions=None, channel_secret=SECRET, output=None)
    verified = []
    real_verify = channel.verify
    channel.verify = lambda raw, signature: verified.append(len(raw)) or real_verify(
        raw, signature)
    app = FastAPI()
    app.include_router(make_router(lambda: channel, max_body_bytes=2048))
    client = TestClient(app)
    big = b'{"events": []}' + b" " * 4096
    assert client.post("/line/webhook", content=big,
                       headers={"x-line-signature": sim.sign(big, SECRET)}).status_code == 413
    streamed = client.post("/line/webhook", content=iter([b" " * 1024] * 5),
                           headers={"x-line-signature": "x"})
    assert streamed.status_code == 413
    assert verified == []
    small = b'{"events": []}' + b" " * 1000
    assert client.post("/line/webhook", content=small,
                       headers={"x-line-signature": sim.sign(small, SECRET)}).status_code == 200
    assert verified == [len(small)]
