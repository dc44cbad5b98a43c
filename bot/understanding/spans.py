"""Spans of the normalised text already taken by an entity, so later passes skip them."""

from __future__ import annotations


class Claims:
    __slots__ = ("_spans",)

    def __init__(self) -> None:
        self._spans: list[tuple[int, int]] = []

    def add(self, start: int, end: int) -> None:
        self._spans.append((start, end))

    def overlaps(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self._spans)

    def between(self, start: int, end: int) -> bool:
        """Whether some claimed span lies entirely inside [start, end)."""
        return any(start <= s and e <= end for s, e in self._spans)
