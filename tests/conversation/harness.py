"""Start the real dialogue stack for tests and benchmarks: an NLU service, our action server
(`sakot actions`) and stock Rasa 3.6 (`.venv-rasa`), on free ports, with a temporary database.

``Chat`` plays the conversation engine's part: it stores each inbound message (so identifiers
can point at it), forwards it to Rasa's REST channel with the engine's metadata, and stays
silent while staff own the chat, as the engine does.

NLU: SAKOT_TEST_NLU=real uses `sakot models serve-nlu` (needs models/classifier); =stub uses
the keyword stub; =auto (default) uses the real one when it is built, the stub otherwise.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bot.handoff import bot_may_reply
from bot.storage.db import make_engine, make_session_factory, session_scope
from bot.storage.migrate import upgrade
from bot.storage.models import Conversation, Direction, HandoffState, Message, SenderKind
from sakot.processes import rasa_argv
from sakot.rasa_env import rasa_env
from sakot.settings import PROJECT_ROOT, Settings
from tooling.dialogue_model import build

STUB = Path(__file__).with_name("nlu_stub.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, name: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{name} not ready after {timeout}s:\n{log.read_text()[-4000:]}")


@dataclass
class Stack:
    workdir: Path
    nlu_mode: str = "auto"
    database_url: str = ""
    redis_url: str | None = None  # set: Rasa uses the Redis lock store
    tracker_dialect: str = ""  # what Rasa's tracker store runs on (sqlite / postgresql)
    procs: list[subprocess.Popen] = field(default_factory=list)
    rasa_url: str = ""
    nlu_used: str = ""
    nlu_url: str = ""
    action_url: str = ""
    token: str = ""  # the sidecar token Rasa's API, the NLU service and the actions require

    def _spawn(self, name: str, argv: list[str], env: dict) -> tuple[subprocess.Popen, Path]:
        log = self.workdir / f"{name}.log"
        handle = open(log, "w")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=env, stdout=handle,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc, log

    def start(self) -> Stack:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.database_url = self.database_url or f"sqlite:///{self.workdir / 'sakot.db'}"
        upgrade(self.database_url)
        build(quiet=True)  # the dialogue model (cached by input hash)
        base_env = {**os.environ, "SAKOT_ENV": "development",
                    "SAKOT_DATABASE_URL": self.database_url, "RASA_TELEMETRY_ENABLED": "false",
                    "SAKOT_LOG_LEVEL": "WARNING", "SAKOT_VAR_DIR": str(self.workdir)}
        if self.redis_url:
            base_env["SAKOT_REDIS_URL"] = self.redis_url
        nlu_port, action_port, rasa_port = free_port(), free_port(), free_port()

        nlu_proc, nlu_log = self._start_nlu(nlu_port, base_env)
        action_proc, action_log = self._spawn(
            "actions", [sys.executable, "-m", "sakot", "actions", "--port", str(action_port)],
            {**base_env, "SANIC_HOST": "127.0.0.1"})
        settings = Settings(database_url=self.database_url, var_dir=self.workdir,
                            redis_url=self.redis_url)
        base_env.pop("SAKOT_RASA_TRACKER_URL", None)
        saved = os.environ.pop("SAKOT_RASA_TRACKER_URL", None)
        try:
            env = {**base_env, **rasa_env(settings, nlu_url=f"http://127.0.0.1:{nlu_port}",
                                          action_url=f"http://127.0.0.1:{action_port}/webhook")}
        finally:
            if saved is not None:
                os.environ["SAKOT_RASA_TRACKER_URL"] = saved
        self.tracker_dialect = env["SAKOT_RASA_TRACKER_DIALECT"]
        self.token = settings.sidecar_token.get_secret_value()
        rasa_proc, rasa_log = self._spawn("rasa", rasa_argv(
            settings, port=rasa_port, model_dir=PROJECT_ROOT / "models" / "rasa"), env)
        _wait(f"http://127.0.0.1:{nlu_port}/", nlu_proc, "nlu", 180, nlu_log)
        _wait(f"http://127.0.0.1:{action_port}/health", action_proc, "actions", 60, action_log)
        _wait(f"http://127.0.0.1:{rasa_port}/status?token={self.token}", rasa_proc, "rasa", 240,
              rasa_log)
        self.rasa_url = f"http://127.0.0.1:{rasa_port}"
        self.nlu_url = f"http://127.0.0.1:{nlu_port}"
        self.action_url = f"http://127.0.0.1:{action_port}"
        return self

    def _start_nlu(self, port: int, env: dict) -> tuple[subprocess.Popen, Path]:
        if self.nlu_mode == "stub-no-payloads":  # an NLU that does not parse "/intent"
            self.nlu_used = self.nlu_mode
            return self._spawn("nlu", [sys.executable, str(STUB), str(port)],
                               {**env, "SAKOT_STUB_NO_PAYLOADS": "1"})
        mode = os.environ.get("SAKOT_TEST_NLU", self.nlu_mode)
        real_ready = (PROJECT_ROOT / "models" / "classifier").exists()
        if mode == "real" or (mode == "auto" and real_ready):
            proc, log = self._spawn("nlu", [sys.executable, "-m", "sakot", "models", "serve-nlu",
                                            "--port", str(port)], env)
            try:
                _wait(f"http://127.0.0.1:{port}/", proc, "nlu", 180, log)
                self.nlu_used = "real"
                return proc, log
            except RuntimeError:
                if mode == "real":
                    raise
            self._stop(proc)
        self.nlu_used = "stub"
        return self._spawn("nlu", [sys.executable, str(STUB), str(port)], env)

    @staticmethod
    def _stop(proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            self._stop(proc)
        self.procs.clear()

    def sessions(self):
        return make_session_factory(make_engine(self.database_url))

    def chat(self, channel: str = "web", language: str | None = None) -> Chat:
        return Chat(self, channel=channel, language=language)


@dataclass
class Turn:
    text: str
    replies: list[dict]
    seconds: float

    @property
    def texts(self) -> list[str]:
        return [r["text"] for r in self.replies if r.get("text")]

    @property
    def joined(self) -> str:
        return "\n".join(self.texts)

    def custom(self, key: str) -> list:
        return [r["custom"][key] for r in self.replies
                if isinstance(r.get("custom"), dict) and key in r["custom"]]


class Chat:
    """One victim talking to Sakot through the REST channel, the way the engine forwards."""

    def __init__(self, stack: Stack, *, channel: str, language: str | None) -> None:
        self.stack = stack
        self.id = uuid.uuid4().hex
        self.channel = channel
        self.language = language
        self.turns: list[Turn] = []
        self._sessions = stack.sessions()
        with session_scope(self._sessions) as s:
            s.add(Conversation(id=self.id, channel=channel, channel_user_id=f"u-{self.id}",
                               language=language or "th"))

    def send(self, text: str, *, received_at: datetime | None = None,
             metadata: dict | None = None) -> Turn:
        received_at = received_at or datetime.now(UTC)
        with session_scope(self._sessions) as s:
            conv = s.get(Conversation, self.id)
            state = conv.handoff_state
            message = Message(conversation_id=self.id, direction=Direction.INBOUND,
                              sender_kind=SenderKind.USER, text=text,
                              channel_message_id=uuid.uuid4().hex, created_at=received_at)
            s.add(message)
            s.flush()
            message_id = message.id
        if not bot_may_reply(state) and state != HandoffState.WAITING_FOR_STAFF:
            turn = Turn(text, [], 0.0)  # as the engine: staff own the chat, the bot is silent
            self.turns.append(turn)
            return turn
        meta = {"channel": self.channel, "message_id": message_id,
                "received_at": received_at.isoformat(), "language": self.language,
                **(metadata or {})}
        started = time.perf_counter()
        response = httpx.post(f"{self.stack.rasa_url}/webhooks/rest/webhook",
                              json={"sender": self.id, "message": text, "metadata": meta},
                              timeout=60)
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        turn = Turn(text, response.json(), elapsed)
        self.turns.append(turn)
        return turn

    def tracker(self) -> dict:
        return httpx.get(f"{self.stack.rasa_url}/conversations/{self.id}/tracker",
                         params={"token": self.stack.token},
                         timeout=30).json()
