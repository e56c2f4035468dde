"""Keeping long-lived objects out of the garbage collector's way.

A desk loads a great deal once and keeps it for its life: textual, pydantic models, plugins, then
hummingbot and its connectors. A full collection walks every one of those objects again (a pause
of a fifth of a second once hummingbot is in), though none of them will ever be garbage. After
each such load the heap is "settled": what is alive then moves to the permanent generation
(``gc.freeze``), and later collections look only at what came after.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Freeze what is alive now and let the collector run on what comes after."""
    gc.freeze()
    gc.enable()
