"""Order-book changes as they happen, for any number of readers of one book.

hummingbot's ``OrderBook`` raises no event when a snapshot or diff is applied, but it does carry
the ids of the last ones applied. One watcher per watched book looks at those ids every few
milliseconds and wakes every reader when they move, so a change reaches all of a book's readers
within one look, however many there are, and a book nobody reads is not looked at.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

LOOK_INTERVAL = 0.005  # seconds between two looks at a watched book's ids
REFETCH_INTERVAL = 1.0  # seconds between two fetches of the book itself (and keep-alive touches)

BookSource = Callable[[], Awaitable[Any]]  # returns the live OrderBook (and marks it as read)


class BookWatch:
    def __init__(self, source: BookSource) -> None:
        self._source = source
        self._readers = 0
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.book: Any = None
        self.version: Any = None
        self.detected_at = 0.0  # loop time at which the current version was seen
        self.error: BaseException | None = None

    @property
    def readers(self) -> int:
        return self._readers

    async def changes(self) -> AsyncGenerator[tuple[Any, float]]:
        """(book, loop time the change was seen): now, then at each change; a slow reader sees
        the latest only."""
        self._readers += 1
        try:
            if self.book is None:
                await self._fetch()
            if self._task is None or self._task.done():
                self._task = asyncio.create_task(self._watch(), name="order book watch")
            seen = None
            while True:
                while self.version == seen and self.error is None:
                    await self._changed.wait()
                if self.error is not None:
                    raise self.error
                seen = self.version
                yield self.book, self.detected_at
        finally:
            self._readers -= 1
            if self._readers == 0 and self._task is not None:
                self._task.cancel()
                self._task = None
                self.book = None
                self.version = None
                self.error = None  # the next reader tries afresh

    async def _fetch(self) -> None:
        self.book = await self._source()
        self._look()

    def _look(self) -> None:
        version = (self.book.snapshot_uid, self.book.last_diff_uid)
        if version != self.version:
            self.version = version
            self.detected_at = asyncio.get_running_loop().time()
            changed, self._changed = self._changed, asyncio.Event()
            changed.set()

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        refetch_at = loop.time() + REFETCH_INTERVAL
        try:
            while True:
                await asyncio.sleep(LOOK_INTERVAL)
                if loop.time() >= refetch_at:
                    await self._fetch()  # a restarted connector has a new book object
                    refetch_at = loop.time() + REFETCH_INTERVAL
                else:
                    self._look()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.error = exc
            self._changed.set()
