"""`sakot analyze`: JSON Lines of messages in, JSON Lines of what Sakot understands out.

Input lines: ``{"id": ..., "text": ..., "received_at": optional ISO 8601}``. Output: one line per
input line, same order::

    {"id": ..., "entities": {...}, "scam_type": "remote_app", "scam_type_confidence": 0.91,
     "intent": "report_scam", "priority": "P0", "situation": ["money_paid", "still_leaving"]}

or ``{"id": ..., "error": "..."}``. Blank lines are skipped. The input is streamed: lines are
read as they come and classified in small batches (whatever is already waiting, up to
``BATCH_SIZE`` lines), so a pipe is answered line by line and a file goes through in batches.

- The classifier is the one the NLU service uses (``models/classifier``), loaded once.
- ``scam_type`` is given whenever the text describes or forwards a scam, whatever the dialogue
  intent: when the classifier reads a report (``Prediction.scam_type``), or when the intent is
  not a purely conversational one (``CONVERSATIONAL_INTENTS``) and the type is sure (confidence
  at or above ``SAKOT_CLASSIFIER_THRESHOLD``), or when the text is a bare lure (a link or LINE id
  with a call to act on it or a sum: ``forwards_a_lure``). Otherwise ``scam_type`` and its
  confidence are null.
- ``priority`` (P0/P1/P2, ``bot.triage``) is computed for texts that describe a scam or state an
  urgent situation, from the extraction (destination accounts / PromptPay ids, transfer times)
  and the situation head; the keyword rules of ``bot.triage.urgency_signals`` can only raise it.
  Null for other texts (greetings, questions about a case...).
- ``--entities-only`` skips the classifier (extraction only, no model needed).

The seam: ``analyze_record(record, analyzer)`` builds every output line, and an analyzer is
anything with ``analyze(text, received_at) -> dict`` whose keys are merged into the output; an
analyzer that also has ``analyze_batch(items) -> list[dict]`` is called once per batch.
"""

from __future__ import annotations

import io
import json
import queue
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Annotated, Any, Protocol

import typer

from bot.understanding import MAX_TEXT_CHARS, Extraction, Role, analyze_text

BATCH_SIZE = 32

# Intents that are only conversation: their messages get no scam type unless the classifier
# reads them as a report anyway.
CONVERSATIONAL_INTENTS = frozenset({
    "greet", "thanks", "goodbye", "bot_challenge", "delete_my_data", "check_case_status",
    "affirm", "deny", "dont_know", "out_of_scope", "request_human", "distress",
})
URGENT_SITUATIONS = frozenset({"money_paid", "still_leaving", "on_line_now"})
# A bare lure (SMS, ad) carries a link or a LINE id and asks the reader to act on it or dangles
# a sum; whatever
# the intent model makes of its wording ("inform", "out_of_scope"), it forwards a scam.
_ACT_ON_IT = re.compile(r"(?:คลิ[กก๊]|คลิ๊ก|กด(?:ลิ|รับ|ที่)|แอด|ทัก|สมัคร|ติดต่อ|ยืนยัน|ป้อน|กรอก|click|tap|add|"
                        r"register|verify|contact|claim)", re.IGNORECASE)


def forwards_a_lure(text: str, extraction: Extraction) -> bool:
    """A link or LINE id, with a call to act on it or a sum of money."""
    return bool(extraction.urls or extraction.line_ids) and (
        bool(_ACT_ON_IT.search(text)) or bool(extraction.amounts))


class Analyzer(Protocol):
    def analyze(self, text: str, received_at: datetime | None) -> dict[str, Any]: ...


class ExtractionAnalyzer:
    """Entities only (no classifier)."""

    def analyze(self, text: str, received_at: datetime | None) -> dict[str, Any]:
        return {"entities": analyze_text(text, received_at).to_json()}


def priority_of(extraction: Extraction | None, situation: Iterable[str], *, now: datetime,
                text: str) -> str:
    """P0/P1/P2 for one message, by ``bot.triage`` over what the message itself says."""
    from bot.triage import TriageInput, triage, urgency_signals  # noqa: PLC0415

    facts = set(situation)
    signals = urgency_signals(text)  # the keyword safety net: it can only raise urgency
    still_leaving = "still_leaving" in facts or signals.money_still_leaving
    on_line = "on_line_now" in facts or signals.scammer_on_line
    money_lost = "money_paid" in facts or still_leaving
    has_destination = False
    last_transfer_at = None
    if extraction is not None:
        has_destination = (any(a.role != Role.SOURCE for a in extraction.accounts)
                           or any(p.role != Role.SOURCE for p in extraction.promptpay_ids))
        times = [t.value for t in extraction.transfer_times if t.value is not None]
        last_transfer_at = max(times) if times and money_lost else None
    result = triage(TriageInput(
        money_lost=money_lost, last_transfer_at=last_transfer_at,
        has_destination=has_destination, money_still_leaving=still_leaving,
        scammer_on_line=on_line, now=now,
    ))
    return result.priority.value


class ClassifierAnalyzer:
    """Extraction + the NLU classifier (loaded once by the caller) + triage priority."""

    def __init__(self, classifier: Any, *, threshold: float = 0.5,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.classifier = classifier
        self.threshold = threshold
        self.clock = clock

    def analyze(self, text: str, received_at: datetime | None) -> dict[str, Any]:
        return self.analyze_batch([(text, received_at)])[0]

    def analyze_batch(self, items: list[tuple[str, datetime | None]]) -> list[dict[str, Any]]:
        # the message's own time; without one, the injectable clock's "now"
        items = [(text, at if at is not None else self.clock()) for text, at in items]
        extractions = [analyze_text(text, at) for text, at in items]
        preds = self.classifier.classify([text for text, _ in items])
        return [self._result(text, ex, pred)
                for (text, _), ex, pred in zip(items, extractions, preds, strict=True)]

    def _result(self, text: str, ex: Extraction, pred: Any) -> dict[str, Any]:
        scam_type = pred.scam_type
        if scam_type is None and pred.scam_type_ranking and (
                (pred.intent not in CONVERSATIONAL_INTENTS
                 and pred.scam_type_confidence >= self.threshold)
                or forwards_a_lure(text, ex)):
            scam_type = pred.scam_type_ranking[0][0]
        situation = list(pred.situation)
        describes = scam_type is not None or bool(URGENT_SITUATIONS & set(situation))
        now = ex.received_at  # aware (Bangkok), as the extraction read the text
        return {
            "entities": ex.to_json(),
            "scam_type": scam_type,
            "scam_type_confidence": (round(pred.scam_type_confidence, 4)
                                     if scam_type is not None else None),
            "intent": pred.intent,
            "priority": (priority_of(ex, situation, now=now, text=text) if describes else None),
            "situation": situation,
        }


class ModelMissing(RuntimeError):
    pass


def build_analyzer(*, entities_only: bool = False) -> Analyzer:
    """The analyzer `sakot analyze` uses: the classifier the NLU service uses, loaded once."""
    if entities_only:
        return ExtractionAnalyzer()
    from bot.classifier import load_classifier  # noqa: PLC0415
    from sakot.settings import get_settings  # noqa: PLC0415

    settings = get_settings()
    model_dir = settings.models_dir / "classifier"
    if not (model_dir / "config.json").exists():
        raise ModelMissing(f"no classifier in {model_dir}: run `sakot models build` "
                           "(or use --entities-only)")
    threshold = settings.classifier_threshold
    return ClassifierAnalyzer(load_classifier(model_dir, threshold=threshold),
                              threshold=threshold)


class RecordError(ValueError):
    """A line that cannot be analysed; its message goes into the output's ``error``."""


def _parse(record: str | dict[str, Any]) -> tuple[Any, str, datetime | None]:
    if isinstance(record, str):
        try:
            record = json.loads(record)
        except json.JSONDecodeError as e:
            raise RecordError(f"invalid JSON: {e.msg} (column {e.colno})") from None
    if not isinstance(record, dict):
        raise RecordError("a line must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise RecordError("missing text" if text is None else "text must be a string")
    if len(text) > MAX_TEXT_CHARS:
        raise RecordError(f"text too long: {len(text)} characters (max {MAX_TEXT_CHARS})")
    received = record.get("received_at")
    received_at = None
    if received is not None:
        if not isinstance(received, str):
            raise RecordError("received_at must be an ISO 8601 string")
        try:
            received_at = datetime.fromisoformat(received)
        except ValueError:
            raise RecordError(f"received_at is not ISO 8601: {received[:40]!r}") from None
    return record.get("id"), text, received_at


def _id_of(record: str | dict[str, Any]) -> Any:
    if isinstance(record, dict):
        return record.get("id")
    try:
        obj = json.loads(record)
    except (json.JSONDecodeError, RecursionError):
        return None
    return obj.get("id") if isinstance(obj, dict) else None


def _checked(record: str | dict[str, Any]) -> tuple[Any, str, datetime | None] | dict[str, Any]:
    """The parsed record, or the error line for it."""
    try:
        return _parse(record)
    except RecordError as e:
        return {"id": _id_of(record), "error": str(e)}
    except RecursionError:
        return {"id": None, "error": "invalid JSON: nested too deeply"}


def _internal_error(rid: Any, e: Exception) -> dict[str, Any]:
    print(f"sakot analyze: id={rid!r}: {type(e).__name__}: {e}", file=sys.stderr)
    return {"id": rid, "error": f"internal error: {type(e).__name__}"}


def analyze_record(record: str | dict[str, Any], analyzer: Analyzer) -> dict[str, Any]:
    """One output object for one input line (a JSON string or an already-parsed dict)."""
    parsed = _checked(record)
    if isinstance(parsed, dict):
        return parsed
    rid, text, received_at = parsed
    try:
        result = analyzer.analyze(text, received_at)
    except Exception as e:  # a bug on one message must not lose the rest of a batch
        return _internal_error(rid, e)
    return {"id": rid, **result}


def _analyze_batch(records: list[str], analyzer: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any] | None] = [None] * len(records)
    todo: list[tuple[int, Any, str, datetime | None]] = []
    for k, line in enumerate(records):
        parsed = _checked(line)
        if isinstance(parsed, dict):
            out[k] = parsed
        else:
            todo.append((k, *parsed))
    if todo:
        try:
            results = analyzer.analyze_batch([(text, at) for _, _, text, at in todo])
        except Exception:  # noqa: BLE001 - find the one message that fails, keep the others
            results = None
        for n, (k, rid, text, at) in enumerate(todo):
            if results is not None:
                out[k] = {"id": rid, **results[n]}
                continue
            try:
                out[k] = {"id": rid, **analyzer.analyze(text, at)}
            except Exception as e:  # a bug on one message must not lose the rest
                out[k] = _internal_error(rid, e)
    return [o for o in out if o is not None]


_END = object()


def _ready_batches(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    """Non-blank lines in batches: the first line waits, the rest is whatever has already
    arrived (read by a thread), so an interactive pipe gets each answer at once."""
    q: queue.Queue = queue.Queue(maxsize=size * 4)  # bounded: the input stays streamed

    def read() -> None:
        try:
            for line in lines:
                if line.strip():
                    q.put(line)
        except BaseException as e:  # noqa: BLE001 - handed to the consumer
            q.put(e)
        q.put(_END)

    threading.Thread(target=read, name="sakot-analyze-reader", daemon=True).start()
    while True:
        item = q.get()
        if item is _END:
            return
        if isinstance(item, BaseException):
            raise item
        batch = [item]
        end = False
        while len(batch) < size:
            try:
                nxt = q.get_nowait()
            except queue.Empty:
                break
            if nxt is _END:
                end = True
                break
            if isinstance(nxt, BaseException):
                yield batch
                raise nxt
            batch.append(nxt)
        yield batch
        if end:
            return


def analyze_lines(lines: Iterable[str], analyzer: Analyzer | None = None, *,
                  batch_size: int = BATCH_SIZE) -> Iterator[dict[str, Any]]:
    """Output objects for input lines, in order; blank lines are skipped. Lazily, one line at
    a time, unless the analyzer can take batches (``analyze_batch``)."""
    analyzer = analyzer or build_analyzer()
    if not hasattr(analyzer, "analyze_batch"):
        for line in lines:
            if line.strip():
                yield analyze_record(line, analyzer)
        return
    for batch in _ready_batches(lines, batch_size):
        yield from _analyze_batch(batch, analyzer)


def analyze(
    in_: Annotated[Path | None, typer.Option("--in", help="JSON Lines input (default: stdin)",
                                             exists=True, dir_okay=False)] = None,
    out: Annotated[Path | None, typer.Option("--out", help="JSON Lines output (default: stdout)",
                                             dir_okay=False)] = None,
    entities_only: Annotated[bool, typer.Option(
        "--entities-only", help="Extraction only: no classifier, no scam type or priority.")
    ] = False,
) -> None:
    """Scam type, intent, priority and the accounts, phones, banks, amounts and times in
    messages (JSON Lines)."""
    try:
        analyzer = build_analyzer(entities_only=entities_only)
    except ModelMissing as e:
        typer.echo(f"sakot analyze: {e}", err=True)
        raise typer.Exit(2) from None
    # undecodable bytes become U+FFFD: that line is still analysed (or reported), the run goes on
    src: IO[str] = (open(in_, encoding="utf-8", errors="replace") if in_
                    else io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
                    if hasattr(sys.stdin, "buffer") else sys.stdin)
    dst: IO[str] = open(out, "w", encoding="utf-8") if out else sys.stdout
    try:
        for obj in analyze_lines(src, analyzer):
            dst.write(json.dumps(obj, ensure_ascii=False) + "\n")
            if out is None:
                dst.flush()
    finally:
        if in_:
            src.close()
        if out:
            dst.close()
