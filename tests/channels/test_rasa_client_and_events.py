"""The Rasa REST adapter (retries, timeouts, errors) and the live-event publishers."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.conversation.events import (
    STAFF_TOPIC,
    InProcessEvents,
    LiveEvent,
    RedisEvents,
    conversation_topic,
)
from bot.conversation.rasa_client import DialogueUnavailable, RasaRestDialogue


def rasa_with(handler, **kw) -> RasaRestDialogue:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return RasaRestDialogue("http://rasa.test", client=client, **kw)


async def test_posts_the_rest_channel_body_and_returns_its_items():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.read()))
        return httpx.Response(200, json=[{"recipient_id": "c1", "text": "สวัสดีค่ะ"}])

    items = await rasa_with(handler).respond(sender="c1", message="สวัสดี",
                                             metadata={"channel": "web"})
    assert items == [{"recipient_id": "c1", "text": "สวัสดีค่ะ"}]
    path, body = seen[0]
    assert path == "/webhooks/rest/webhook"
    import json

    assert json.loads(body) == {"sender": "c1", "message": "สวัสดี",
                                "metadata": {"channel": "web"}}


async def test_retries_a_503_then_succeeds():
    answers = iter([httpx.Response(503), httpx.Response(200, json=[{"text": "ok"}])])
    dialogue = rasa_with(lambda request: next(answers))
    assert await dialogue.respond(sender="c", message="m", metadata={}) == [{"text": "ok"}]


async def test_connection_refused_is_retried_then_reported_unavailable():
    attempts = []

    def handler(request):
        attempts.append(1)
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(DialogueUnavailable):
        await rasa_with(handler, attempts=3).respond(sender="c", message="m", metadata={})
    assert len(attempts) == 3


async def test_a_read_timeout_is_not_retried():
    attempts = []

    def handler(request):
        attempts.append(1)
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(DialogueUnavailable):
        await rasa_with(handler).respond(sender="c", message="m", metadata={})
    assert len(attempts) == 1  # Rasa may have processed it: never feed the tracker twice


@pytest.mark.parametrize("response", [httpx.Response(500), httpx.Response(200, text="<html>"),
                                      httpx.Response(200, json={"not": "a list"})])
async def test_errors_and_garbage_are_unavailable(response):
    with pytest.raises(DialogueUnavailable):
        await rasa_with(lambda request: response).respond(sender="c", message="m", metadata={})


async def test_real_socket_nobody_listening_is_unavailable():
    from channel_fakes import free_port

    dialogue = RasaRestDialogue(f"http://127.0.0.1:{free_port()}", attempts=2)
    with pytest.raises(DialogueUnavailable):
        await dialogue.respond(sender="c", message="m", metadata={})
    await dialogue.aclose()


async def _exercise(hub) -> None:
    staff = hub.subscribe([STAFF_TOPIC])
    mine = hub.subscribe([conversation_topic("c1")])
    both = hub.subscribe([STAFF_TOPIC, conversation_topic("c1")])
    for sub in (staff, mine, both):
        await sub.start()
    await hub.publish(LiveEvent("message_stored", "c1", {"text": "ก"}))
    await hub.publish(LiveEvent("handoff_changed", "c2", {"to": "staff"}))

    async def take(sub, n):
        return [await asyncio.wait_for(sub.__anext__(), 3) for _ in range(n)]

    assert [e.conversation_id for e in await take(staff, 2)] == ["c1", "c2"]
    assert [e.data for e in await take(mine, 1)] == [{"text": "ก"}]
    assert [e.type for e in await take(both, 2)] == ["message_stored", "handoff_changed"]
    with pytest.raises(asyncio.TimeoutError):  # c2 is not mine; "both" got each event once
        await asyncio.wait_for(mine.__anext__(), 0.3)
    for sub in (staff, mine, both):
        await sub.aclose()
    await hub.close()


async def test_in_process_events():
    await _exercise(InProcessEvents())


async def test_redis_events():
    import uuid

    hub = RedisEvents("redis://127.0.0.1:6379/0", prefix=f"sakot-test-{uuid.uuid4().hex}:")
    await _exercise(hub)


async def test_a_slow_subscriber_loses_old_events_not_new_ones():
    hub = InProcessEvents(queue_size=2)
    sub = await hub.subscribe(["staff"]).start()
    for i in range(5):
        await hub.publish(LiveEvent("message_stored", "c", {"i": i}))
    got = [(await sub.__anext__()).data["i"] for _ in range(2)]
    assert got == [3, 4]
    await sub.aclose()
    assert hub.subscriber_count("staff") == 0
