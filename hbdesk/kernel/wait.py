"""Waiting for a condition that nothing signals (a library's ``ready`` flag, say)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(condition: Callable[[], bool], interval: float = 0.05) -> None:
    """Return once ``condition()`` holds; callers bound the wait with a timeout."""
    while not condition():
        await asyncio.sleep(interval)
