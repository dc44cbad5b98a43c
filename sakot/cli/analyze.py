"""`sakot analyze`: JSON Lines of messages in, JSON Lines of extracted entities out.

Input lines: ``{"id": ..., "text": ..., "received_at": optional ISO 8601}``. Output: one line per
input line, same order: ``{"id": ..., "entities": {...}}`` or ``{"id": ..., "error": "..."}``.
Blank lines are skipped. The input is streamed: one line in memory at a time.

The seam for the classifier: ``analyze_record(record, analyzer)`` builds every output line, and
an analyzer is anything with ``analyze(text, received_at) -> dict`` whose keys are merged into the
output (``ExtractionAnalyzer`` gives ``entities``; a classifier analyzer can add ``scam_type``,
``scam_type_confidence``, ``intent`` and ``priority``, e.g. by wrapping it); ``build_analyzer``
is where the command picks its analyzer.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Annotated, Any, Protocol

import typer

from bot.understanding import MAX_TEXT_CHARS, analyze_text


class Analyzer(Protocol):
    def analyze(self, text: str, received_at: datetime | None) -> dict[str, Any]: ...


class ExtractionAnalyzer:
    """Entities only (no classifier)."""

    def analyze(self, text: str, received_at: datetime | None) -> dict[str, Any]:
        return {"entities": analyze_text(text, received_at).to_json()}


def build_analyzer() -> Analyzer:
    """The analyzer `sakot analyze` uses: the one place to plug the classifier in."""
    return ExtractionAnalyzer()


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


def analyze_record(record: str | dict[str, Any], analyzer: Analyzer) -> dict[str, Any]:
    """One output object for one input line (a JSON string or an already-parsed dict)."""
    try:
        rid, text, received_at = _parse(record)
    except RecordError as e:
        return {"id": _id_of(record), "error": str(e)}
    except RecursionError:
        return {"id": None, "error": "invalid JSON: nested too deeply"}
    try:
        result = analyzer.analyze(text, received_at)
    except Exception as e:  # a bug on one message must not lose the rest of a batch
        print(f"sakot analyze: id={rid!r}: {type(e).__name__}: {e}", file=sys.stderr)
        return {"id": rid, "error": f"internal error: {type(e).__name__}"}
    return {"id": rid, **result}


def analyze_lines(lines: Iterable[str],
                  analyzer: Analyzer | None = None) -> Iterator[dict[str, Any]]:
    """Output objects for input lines, lazily and in order; blank lines are skipped."""
    analyzer = analyzer or build_analyzer()
    for line in lines:
        if not line.strip():
            continue
        yield analyze_record(line, analyzer)


def analyze(
    in_: Annotated[Path | None, typer.Option("--in", help="JSON Lines input (default: stdin)",
                                             exists=True, dir_okay=False)] = None,
    out: Annotated[Path | None, typer.Option("--out", help="JSON Lines output (default: stdout)",
                                             dir_okay=False)] = None,
) -> None:
    """Extract accounts, phones, banks, amounts and times from messages (JSON Lines)."""
    # undecodable bytes become U+FFFD: that line is still analysed (or reported), the run goes on
    src: IO[str] = (open(in_, encoding="utf-8", errors="replace") if in_
                    else io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
                    if hasattr(sys.stdin, "buffer") else sys.stdin)
    dst: IO[str] = open(out, "w", encoding="utf-8") if out else sys.stdout
    try:
        for obj in analyze_lines(src):
            dst.write(json.dumps(obj, ensure_ascii=False) + "\n")
            if out is None:
                dst.flush()
    finally:
        if in_:
            src.close()
        if out:
            dst.close()
