"""Spans of the normalised text already taken by an entity, so later passes skip them.

Kept as sorted, merged, disjoint intervals so look-ups stay O(log n) on long messages.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


class Claims:
    __slots__ = ("_starts", "_ends")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        if end <= start:
            return
        # merge with every interval that touches [start, end)
        lo = bisect_left(self._ends, start)  # first interval ending at/after start
        hi = bisect_right(self._starts, end)  # intervals starting after end are untouched
        if lo < hi:
            start = min(start, self._starts[lo])
            end = max(end, self._ends[hi - 1])
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self._starts, end) - 1  # last interval starting before end
        return i >= 0 and self._ends[i] > start

    def between(self, start: int, end: int) -> bool:
        """Whether some claimed span lies entirely inside [start, end)."""
        i = bisect_left(self._starts, start)
        return i < len(self._starts) and self._ends[i] <= end
