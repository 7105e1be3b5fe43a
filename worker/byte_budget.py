"""A budget of bytes shared by two tasks: one takes a share before it starts work, the other gives it back when
the work is done (worker.stages.watchdog bounds the records prepared ahead with it)."""

from __future__ import annotations

import asyncio


class ByteBudget:
    """Bytes taken and not yet given back, at most `limit` of them, except that one taker alone always gets its
    share (a record larger than the limit is worked on alone). One task takes, another gives back."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._given_back = asyncio.Event()

    async def take(self, size: int) -> None:
        while self.used and self.used + size > self.limit:
            self._given_back.clear()
            await self._given_back.wait()
        self.used += size

    def give_back(self, size: int) -> None:
        self.used -= size
        self._given_back.set()
