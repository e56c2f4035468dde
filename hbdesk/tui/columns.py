"""Short key entries ("g a  Accounts") laid out in columns, for the home screen and the leader panel."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content


def key_entry(keys: str, title: str, note: str = "", title_width: int = 0) -> Content:
    """Bold keys, the title, then a dim note lined up after the longest title (``title_width``)."""
    entry = Content.assemble((keys, "bold"), "  ", title)
    if not note:
        return entry
    return entry + " " * max(0, title_width - len(title)) + Content.styled(f"  {note}", "dim")


def in_columns(entries: Sequence[Content], rows: int, width: int) -> Content:
    """Column by column, ``rows`` entries to a column, each column ``width`` cells wide."""
    rows = max(1, rows)
    columns = [entries[start : start + rows] for start in range(0, len(entries), rows)]
    lines = [
        Content("").join(column[row].truncate(width, pad=True) for column in columns if row < len(column))
        for row in range(min(rows, len(entries)))
    ]
    return Content("\n").join(line.rstrip() for line in lines)
