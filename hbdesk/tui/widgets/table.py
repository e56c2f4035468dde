"""Row tables as the desk's screens draw them: numbers right-aligned, each column's cells styled
by the caller, rows keyed so the cursor can be read back as the row's key."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from rich.text import Text
from textual.widgets import DataTable


def table_columns(table: DataTable[Any], columns: Iterable[str], numeric: Collection[str]) -> None:
    """Add ``columns`` (keyed by their titles), the ``numeric`` ones right-aligned."""
    for column in columns:
        table.add_column(Text(column, justify="right" if column in numeric else "left"), key=column)


def table_row(
    columns: Iterable[str],
    cells: Iterable[str],
    numeric: Collection[str],
    styles: Mapping[str, str] | None = None,
) -> list[Text]:
    """One row's cells: each in its column's style (a Rich style string), numbers right-aligned."""
    styles = styles or {}
    return [
        Text(cell, style=styles.get(column, ""), justify="right" if column in numeric else "left")
        for column, cell in zip(columns, cells, strict=True)
    ]


def selected_row_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor; None when the table is empty."""
    if table.row_count == 0:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
