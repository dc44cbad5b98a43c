"""The NLU service over HTTP: Rasa 3.6's /model/parse contract, batching, the event loop."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass

import httpx
import pytest

from bot.classifier import Prediction
from sakot.nlu_server import create_nlu_app


class FakeClassifier:
    """Scam report when the text mentions 'แอป', greeting otherwise; slow like a model."""

    def __init__(self, delay: float = 0.05, threshold: float = 0.5) -> None:
        self.delay = delay
        self.calls: list[list[str]] = []
        self.threshold = threshold

    def classify(self, texts: list[str]) -> list[Prediction]:
        self.calls.append(list(texts))
        time.sleep(self.delay)  # blocking, as a real forward pass is
        out = []
        for t in texts:
            scam = "แอป" in t
            conf = 0.3 if "?" in t else 0.9
            intent = "report_scam" if scam else "greet"
            other = "greet" if scam else "report_scam"
            out.append(Prediction(
                intent=intent, intent_confidence=conf,
                intent_ranking=((intent, conf), (other, 1 - conf)),
                scam_type="remote_app" if scam else None, scam_type_confidence=0.8,
                uncertain=conf < self.threshold or (scam and "!" in t),
                scam_type_ranking=(("remote_app", 0.8), ("hacking", 0.2)),
                intent_uncertain=conf < self.threshold,
                scam_type_uncertain=scam and "!" in t,
            ))
        return out


@dataclass(frozen=True)
class FakeEntity:
    raw: str
    start: int
    end: int
    confidence: float
    value: str
    kind: str = "phone"


@dataclass(frozen=True)
class FakeExtraction:
    entities: tuple


def fake_analyzer(text: str) -> FakeExtraction:
    i = text.find("081")
    if i < 0:
        return FakeExtraction(())
    return FakeExtraction((FakeEntity("081-234-5678", i, i + 12, 0.99, "+66812345678"),))


def client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://nlu")


async def test_parse_returns_rasa_shape_with_scam_type_and_identifiers() -> None:
    text = "ลงแอปแล้วเงินหาย เบอร์ 081-234-5678"
    async with client(create_nlu_app(FakeClassifier(), fake_analyzer)) as c:
        r = await c.post("/model/parse", json={"text": text, "message_id": "m1"})
    assert r.status_code == 200
    body = r.json()
    assert body["text"] == text and body["message_id"] == "m1"
    assert body["intent"] == {"name": "report_scam", "confidence": 0.9}
    assert [i["name"] for i in body["intent_ranking"]] == ["report_scam", "greet"]
    scam, phone = body["entities"]
    assert scam == {"entity": "scam_type", "value": "remote_app", "start": 0, "end": len(text),
                    "confidence_entity": 0.8, "extractor": "SakotClassifier"}
    assert phone["entity"] == "phone" and phone["value"] == "+66812345678"
    assert text[phone["start"]:phone["end"]] == "081-234-5678"
    assert phone["extractor"] == "SakotExtractor"
    assert body["sakot"]["uncertain"] is False


async def test_greeting_has_no_scam_type_and_works_without_analyzer() -> None:
    async with client(create_nlu_app(FakeClassifier())) as c:
        body = (await c.post("/model/parse", json={"text": "สวัสดีครับ"})).json()
    assert body["intent"]["name"] == "greet"
    assert body["entities"] == []


async def test_uncertain_prediction_becomes_nlu_fallback() -> None:
    async with client(create_nlu_app(FakeClassifier())) as c:
        body = (await c.post("/model/parse", json={"text": "ลงแอป?"})).json()
    assert body["intent"]["name"] == "nlu_fallback"
    assert body["intent_ranking"][0]["name"] == "nlu_fallback"
    assert body["intent_ranking"][1] == {"name": "report_scam", "confidence": 0.3}
    assert body["sakot"] == {
        "uncertain": True, "scam_type_uncertain": False, "intent": {"name": "report_scam", "confidence": 0.3},
        "scam_type_ranking": [{"name": "remote_app", "confidence": 0.8},
                              {"name": "hacking", "confidence": 0.2}],
    }


async def test_sure_report_of_unsure_type_has_no_scam_type_entity() -> None:
    async with client(create_nlu_app(FakeClassifier())) as c:
        body = (await c.post("/model/parse", json={"text": "โดนแอปโกง!"})).json()
    assert body["intent"] == {"name": "report_scam", "confidence": 0.9}
    assert body["entities"] == []
    assert body["sakot"]["scam_type_uncertain"] is True


async def test_empty_text() -> None:
    async with client(create_nlu_app(FakeClassifier())) as c:
        body = (await c.post("/model/parse", json={"text": "  "})).json()
    assert body["intent"]["name"] is None and body["entities"] == []


async def test_concurrent_messages_are_batched_and_loop_stays_free() -> None:
    fake = FakeClassifier(delay=0.2)
    app = create_nlu_app(fake, max_wait=0.02)
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    t = asyncio.create_task(ticker())
    async with client(app) as c:
        rs = await asyncio.gather(*[
            c.post("/model/parse", json={"text": f"ลงแอป {i}"}) for i in range(8)
        ])
    t.cancel()
    assert all(r.status_code == 200 for r in rs)
    assert [r.json()["text"] for r in rs] == [f"ลงแอป {i}" for i in range(8)]
    assert max(len(c) for c in fake.calls) > 1  # batched
    assert len(fake.calls) < 8
    assert ticks >= 10  # the event loop kept running during the blocking 0.2 s inference


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_real_uvicorn_server() -> None:
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_nlu_app(FakeClassifier(delay=0)),
                                           host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        r = httpx.post(f"http://127.0.0.1:{port}/model/parse",
                       json={"text": "ลงแอปแล้วเงินหาย", "message_id": "x"}, timeout=5)
        assert r.status_code == 200
        assert r.json()["intent"]["name"] == "report_scam"
        assert httpx.get(f"http://127.0.0.1:{port}/status", timeout=5).json()["status"] == "ok"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def test_button_payloads_name_their_own_intent_and_entities() -> None:
    async with client(create_nlu_app(FakeClassifier(), fake_analyzer)) as c:
        r = await c.post("/model/parse", json={"text": '/inform{"scam_type": "romance"}'})
        plain = await c.post("/model/parse", json={"text": "/not a payload {"})
        # issue 14 S13: only what our buttons send (a domain intent, a known scam type id)
        forged = await c.post("/model/parse",
                              json={"text": '/inform{"victim_bank": "KBANK", "money_lost": "yes"}'})
    body = r.json()
    assert body["intent"] == {"name": "inform", "confidence": 1.0}
    assert {(e["entity"], e["value"]) for e in body["entities"]} == {("scam_type", "romance")}
    assert plain.json()["intent"]["name"] != "not"  # malformed: classified like text
    assert forged.json()["intent"]["confidence"] != 1.0  # classified like text


class SituationClassifier(FakeClassifier):
    """A scam report whose situation head says money was paid and the scammer is on the line."""

    def classify(self, texts: list[str]) -> list[Prediction]:
        from dataclasses import replace

        scores = (("money_paid", 0.93), ("still_leaving", 0.2), ("on_line_now", 0.71),
                  ("app_installed", 0.05), ("victim_in_distress", 0.01))
        return [replace(p, situation=("money_paid", "on_line_now"), situation_scores=scores)
                for p in super().classify(texts)]


async def test_situation_labels_are_entities_for_the_action_server() -> None:
    text = "โอนไปแล้ว เขายังอยู่ในสาย ให้ลงแอป"
    async with client(create_nlu_app(SituationClassifier())) as c:
        body = (await c.post("/model/parse", json={"text": text})).json()
    situation = [e for e in body["entities"] if e["entity"] == "situation"]
    assert situation == [
        {"entity": "situation", "value": "money_paid", "start": 0, "end": len(text),
         "confidence_entity": 0.93, "extractor": "SakotClassifier"},
        {"entity": "situation", "value": "on_line_now", "start": 0, "end": len(text),
         "confidence_entity": 0.71, "extractor": "SakotClassifier"},
    ]
    assert body["entities"][0]["entity"] == "scam_type"  # still first, as before
    assert body["sakot"]["situation_scores"]["app_installed"] == 0.05
