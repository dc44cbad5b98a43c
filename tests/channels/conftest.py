"""Fixtures for the channel tests: an engine on a fresh SQLite database, and whole stacks
(fake Rasa + LINE simulator + the app) on real sockets."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from bot.conversation.engine import ConversationEngine
from bot.conversation.events import InProcessEvents
from bot.conversation.outbound import OutboundRegistry
from channels.base import CollectingOutput
from channel_fakes import ThreadedServer, fake_dialogue, fake_rasa_app


@pytest.fixture
def sessions(migrated_sessions):
    """The engine's storage on SQLite and on PostgreSQL (tests/conftest.py `database_url`)."""
    return migrated_sessions


class RecordingEvents(InProcessEvents):
    def __init__(self) -> None:
        super().__init__()
        self.published = []

    async def publish(self, event) -> None:
        self.published.append(event)
        await super().publish(event)

    def types(self) -> list[str]:
        return [e.type for e in self.published]


@dataclass
class EngineKit:
    engine: ConversationEngine
    dialogue: object
    events: RecordingEvents
    output: CollectingOutput
    sessions: object


@pytest.fixture
def kit(sessions, tmp_path) -> EngineKit:
    dialogue = fake_dialogue(sessions)
    events = RecordingEvents()
    output = CollectingOutput()
    registry = OutboundRegistry()
    registry.register("line", output)
    registry.register("web", output)
    engine = ConversationEngine(sessions=sessions, dialogue=dialogue, events=events,
                                outbound=registry, evidence_dir=tmp_path / "evidence")
    return EngineKit(engine, dialogue, events, output, sessions)


def slip_png(bank: str = "014", ref: str = "202202192TigfEjHASicIVY98") -> bytes:
    """A slip-like image: white canvas, some text, and the mini-QR (domain.md §4.4)."""
    import qrcode
    from PIL import Image, ImageDraw

    from bot.slip_qr import build_slip_qr

    qr = qrcode.make(build_slip_qr(bank, ref), box_size=6, border=4).convert("RGB")
    canvas = Image.new("RGB", (720, 1100), "white")
    draw = ImageDraw.Draw(canvas)
    draw.text((40, 40), "Transfer successful 15,000.00 THB", fill="black")
    canvas.paste(qr, (720 - qr.size[0] - 40, 1100 - qr.size[1] - 40))
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def fake_rasa():
    app = fake_rasa_app()
    server = ThreadedServer(app, lifespan="off").start()
    server.app = app
    yield server
    server.stop()
