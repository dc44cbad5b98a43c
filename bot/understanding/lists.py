"""Numbered and bulleted lists in a message ("1. กสิกร 123… 5,000", "- SCB 456… 3,000").

A victim who lists several transfers states the role once, in the line above the list ("โอนไปให้
บัญชีพวกนี้") or in its first item; the items inherit it. These helpers find the list around a
position; the callers decide what to take from it.
"""

from __future__ import annotations

import re

# a list marker at the start of a line: "1.", "2)", "-", "•", "ครั้งที่ 2", "รายการที่ 3"
_ITEM = re.compile(r" ?(?:\d{1,2}[.)](?!\d)|[-•*▪●◦‣➤]|ครั้งที่ ?\d{1,2}|รายการที่ ?\d{1,2})")
_MAX_LINES = 30  # a longer list is not a list of transfers; never walk further back
_MAX_LINE = 300  # a longer line is no list item (and bounds the work on a huge message)


def _line_start(t: str, pos: int) -> int | None:
    lo = max(0, pos - _MAX_LINE)
    i = t.rfind("\n", lo, pos)
    if i < 0 and lo > 0:
        return None
    return i + 1


def _item_start(t: str, pos: int) -> int | None:
    start = _line_start(t, pos)
    return start if start is not None and _ITEM.match(t, start) else None


def is_item(t: str, pos: int) -> bool:
    """Whether the line holding ``pos`` starts with a list marker."""
    return _item_start(t, pos) is not None


def list_start(t: str, pos: int) -> int | None:
    """Start of the first item of the list holding ``pos``; None when ``pos`` is in no item."""
    start = _item_start(t, pos)
    if start is None:
        return None
    for _ in range(_MAX_LINES):
        if start == 0:
            break
        prev = _item_start(t, start - 1)
        if prev is None:
            break
        start = prev
    return start


def heading(t: str, pos: int) -> tuple[int, int] | None:
    """(start, end) of the line just above the list holding ``pos``, if there is one."""
    first = list_start(t, pos)
    if first is None or first == 0:
        return None
    start = _line_start(t, first - 1)
    return None if start is None else (start, first - 1)
