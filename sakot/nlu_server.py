"""The NLU service Rasa calls (``endpoints.yml`` → ``nlu: url: http://127.0.0.1:5056``).

Rasa 3.6's HTTP interpreter POSTs ``{"text": ..., "message_id": ...}`` to ``/model/parse`` and
uses the answer as the message's parse data (the format: ``sakot/nlu_parse.py``).

Only Rasa may call ``/model/parse``: Rasa's HTTP interpreter puts ``endpoints.yml``'s
``nlu: token:`` into the JSON body as ``"token"``; other callers may send the same shared token
(SAKOT_SIDECAR_TOKEN) in an ``X-Sakot-Token`` header. Anything else gets 401.

Ready means ready: ``sakot models serve-nlu`` opens its port at once and loads the model in a
thread; until it is loaded ``/``, ``/status`` and ``/model/parse`` answer 503, so readiness
probes wait and the app gives victims the safe fallback instead of "I don't understand".

The model is loaded once by the caller and passed in. Requests that arrive together are
classified in one batch (a small async micro-batcher); inference runs in a worker thread so the
event loop never blocks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from bot.classifier import Classifier, Prediction
from sakot.nlu_parse import extraction_entities, parse_result, payload_result
from sakot.sidecar_auth import TOKEN_HEADER, token_matches

log = logging.getLogger(__name__)

Analyzer = Callable[[str], Any]  # bot.understanding.analyze_text (text -> Extraction)


class ParseRequest(BaseModel):
    text: str = ""
    message_id: str | None = None
    token: str | None = None  # Rasa's HTTP interpreter sends endpoints.yml's nlu token here


@dataclass
class _Job:
    text: str
    future: asyncio.Future


class MicroBatcher:
    """Collects texts for up to ``max_wait`` seconds (or ``max_batch`` texts), classifies them
    together in a worker thread, and hands each caller its own prediction."""

    def __init__(self, classifier: Classifier | None, *, max_batch: int = 16,
                 max_wait: float = 0.004):
        self.classifier = classifier  # None while the model is still loading
        self.max_batch = max_batch
        self.max_wait = max_wait
        self._queue: asyncio.Queue[_Job] | None = None
        self._task: asyncio.Task | None = None
        self.batches: list[int] = []  # sizes of recent batches (bounded; for tests and stats)

    async def start(self) -> None:
        if self._task is not None:
            return
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._run(), name="nlu-micro-batcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def classify(self, text: str) -> Prediction:
        if self._queue is None:
            await self.start()
        fut = asyncio.get_running_loop().create_future()
        await self._queue.put(_Job(text, fut))
        return await fut

    async def _run(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            jobs = [await self._queue.get()]
            deadline = loop.time() + self.max_wait
            while len(jobs) < self.max_batch:
                timeout = deadline - loop.time()
                if timeout <= 0:
                    break
                try:
                    jobs.append(await asyncio.wait_for(self._queue.get(), timeout))
                except TimeoutError:
                    break
            self.batches = [*self.batches[-99:], len(jobs)]
            try:
                preds = await asyncio.to_thread(self.classifier.classify, [j.text for j in jobs])
            except Exception as exc:  # handed to each waiting request, which maps it to a 500
                for j in jobs:
                    if not j.future.done():
                        j.future.set_exception(exc)
                continue
            for j, p in zip(jobs, preds, strict=True):
                if not j.future.done():
                    j.future.set_result(p)


def _safe_analyze(analyzer: Analyzer, text: str) -> Any:
    try:
        return analyzer(text)
    except ValueError as exc:  # e.g. a text over the analyzer's length limit
        log.warning("no identifiers extracted: %s", exc)
        return None


def create_nlu_app(
    classifier: Classifier | None,
    analyzer: Analyzer | None = None,
    *,
    token: str | None = None,
    load: Callable[[], Classifier] | None = None,
    max_batch: int = 16,
    max_wait: float = 0.004,
) -> FastAPI:
    """The NLU service. ``classifier`` is loaded once by the caller, or ``load`` loads it in a
    thread after start-up (503 until then); ``analyzer`` extracts identifiers
    (``bot.understanding.analyze_text``); without it only scam_type is returned. With ``token``
    (``serve_nlu`` always passes SAKOT_SIDECAR_TOKEN) /model/parse refuses calls without it."""
    if classifier is None and load is None:
        raise ValueError("create_nlu_app needs a classifier or a loader")
    batcher = MicroBatcher(classifier, max_batch=max_batch, max_wait=max_wait)
    loading: dict[str, str | None] = {"error": None}

    async def load_model() -> None:
        try:
            batcher.classifier = await asyncio.to_thread(load)
            log.info("classifier loaded; the NLU service is ready")
        except Exception as exc:  # stays not-ready (503) and says why
            loading["error"] = f"{type(exc).__name__}: {exc}"
            log.error("loading the classifier failed: %s", loading["error"])

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await batcher.start()
        loader = asyncio.create_task(load_model()) if batcher.classifier is None else None
        yield
        if loader is not None:
            loader.cancel()
        await batcher.stop()

    app = FastAPI(title="Sakot NLU", version="0.1.0", lifespan=lifespan)
    app.state.batcher = batcher

    def not_ready() -> JSONResponse | None:
        if batcher.classifier is not None:
            return None
        state = "failed" if loading["error"] else "loading"
        return JSONResponse({"status": state, "error": loading["error"]}, status_code=503,
                            headers={"Retry-After": "5"})

    @app.get("/")
    @app.get("/status")
    async def status():
        if (busy := not_ready()) is not None:
            return busy
        return {"status": "ok"}

    @app.post("/model/parse")
    async def parse(req: ParseRequest, request: Request):
        if token is not None and not token_matches(
                token, req.token or request.headers.get(TOKEN_HEADER)):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        if (busy := not_ready()) is not None:
            return busy
        text = req.text
        if not text.strip():
            return parse_result(text, req.message_id, None, [])
        if (payload := payload_result(text, req.message_id)) is not None:
            return payload
        if analyzer is not None:
            pred, extraction = await asyncio.gather(
                batcher.classify(text), asyncio.to_thread(_safe_analyze, analyzer, text)
            )
            entities = extraction_entities(extraction)
        else:
            pred, entities = await batcher.classify(text), []
        return parse_result(text, req.message_id, pred, entities)

    return app


def serve_nlu(host: str | None = None, port: int | None = None) -> None:
    """The NLU service's composition root: load ``models/classifier`` (in a thread, after the
    port opens), the identifier extractor and the token; serve on SAKOT_NLU_PORT (5056)."""
    import uvicorn  # noqa: PLC0415

    from bot.classifier import load_classifier  # noqa: PLC0415
    from bot.understanding import analyze_text  # noqa: PLC0415
    from sakot.settings import get_settings  # noqa: PLC0415

    settings = get_settings()
    app = create_nlu_app(
        None, analyze_text, token=settings.sidecar_token.get_secret_value(),
        load=lambda: load_classifier(settings.models_dir / "classifier",
                                     threshold=settings.classifier_threshold))
    uvicorn.run(app, host=host or settings.sidecar_host, port=port or settings.nlu_port,
                log_config=None)
