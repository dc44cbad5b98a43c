"""One asyncio lock per key, so messages from one channel user are handled strictly in order
while different users run side by side."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Hashable


class KeyedLocks:
    """`async with locks.hold(key): ...`; a key's lock goes away once nobody holds or waits
    for it (weak values), so the table does not grow with every user ever seen."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[Hashable, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def hold(self, key: Hashable) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock
