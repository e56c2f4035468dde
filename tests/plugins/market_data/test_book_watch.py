"""One watcher per order book wakes all its readers on a change and stops with the last one."""

from __future__ import annotations

import asyncio
from contextlib import aclosing

import pytest

from hbdesk_plugins.market_data import book_watch
from hbdesk_plugins.market_data.book_watch import BookWatch


class Book:
    """Stands in for hummingbot's OrderBook: only the ids of what was applied matter here."""

    def __init__(self) -> None:
        self.snapshot_uid = 1
        self.last_diff_uid = 0


async def test_every_reader_sees_each_change_and_a_slow_one_only_the_latest() -> None:
    book = Book()
    fetches = 0

    async def source() -> Book:
        nonlocal fetches
        fetches += 1
        return book

    watch = BookWatch(source)
    fast, slow = watch.changes(), watch.changes()
    async with aclosing(fast), aclosing(slow):
        assert (await anext(fast))[0] is book and (await anext(slow))[0] is book
        book.snapshot_uid = 2
        first_seen = (await asyncio.wait_for(anext(fast), 1))[1]
        book.last_diff_uid = 7
        later_seen = (await asyncio.wait_for(anext(fast), 1))[1]
        assert later_seen > first_seen
        _book, slow_seen = await asyncio.wait_for(anext(slow), 1)  # two changes since: one wake
        assert slow_seen == later_seen and watch.readers == 2
    assert watch.readers == 0
    await asyncio.sleep(0.02)
    assert watch.book is None  # nobody reads it: no longer watched
    assert fetches == 1


async def test_a_failing_book_is_raised_to_its_readers_and_the_next_reader_tries_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    book = Book()
    calls = 0

    async def source() -> Book:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("exchange gone")
        return book

    monkeypatch.setattr(book_watch, "REFETCH_INTERVAL", 0.01)  # the failing fetch comes at once
    watch = BookWatch(source)
    reader = watch.changes()
    async with aclosing(reader):
        await anext(reader)
        with pytest.raises(RuntimeError, match="exchange gone"):
            await asyncio.wait_for(anext(reader), 1)
    again = watch.changes()
    async with aclosing(again):
        assert (await anext(again))[0] is book
