"""Cursor pages of rows held in memory: every row once across the pages, in order, while rows
come and go between two requests."""

from __future__ import annotations

from typing import Any

from hbdesk.sdk import page_in_memory, pagination


def rows(*names: str) -> list[dict[str, Any]]:
    return [{"name": name} for name in names]


def key(row: dict[str, Any]) -> str:
    return str(row["name"])


def every_page(items: list[dict[str, Any]], limit: int, **options: Any) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = page_in_memory(items, key, cursor, limit, **options)
        pages.append([key(row) for row in page["data"]])
        cursor = page["pagination"]["next_cursor"]
        if not page["pagination"]["has_more"]:
            assert cursor is None
            return pages


def test_pages_cover_every_row_once_in_order() -> None:
    items = rows("c", "a", "e", "b", "d")
    assert every_page(items, 2) == [["a", "b"], ["c", "d"], ["e"]]
    assert every_page(items, 2, newest_first=True) == [["e", "d"], ["c", "b"], ["a"]]
    assert every_page(items, 5) == [["a", "b", "c", "d", "e"]]
    first = page_in_memory(items, key, None, 2)
    assert first["pagination"] == {"limit": 2, "has_more": True, "next_cursor": "b", "total_count": 5}


def test_a_row_gone_between_two_pages_neither_repeats_nor_skips_one() -> None:
    items = rows("a", "b", "c", "d", "e")
    first = page_in_memory(items, key, None, 2, newest_first=True)
    assert [key(row) for row in first["data"]] == ["e", "d"]
    # The last row shown is gone and a newer one arrived: the next page goes on after "d".
    changed = rows("a", "b", "c", "e", "f")
    second = page_in_memory(changed, key, first["pagination"]["next_cursor"], 2, newest_first=True)
    assert [key(row) for row in second["data"]] == ["c", "b"]
    assert second["pagination"]["total_count"] == 5


def test_a_cursor_past_the_last_row_gives_an_empty_last_page() -> None:
    page = page_in_memory(rows("a", "b"), key, "z", 10)
    assert page["data"] == [] and not page["pagination"]["has_more"]
    assert page["pagination"]["next_cursor"] is None


def test_pagination_of_a_page_read_with_one_row_more() -> None:
    assert pagination(["a", "b", "c"], 2, str.upper, 7) == {
        "limit": 2,
        "has_more": True,
        "next_cursor": "B",
        "total_count": 7,
    }
    assert pagination(["a"], 2, str.upper, 1)["next_cursor"] is None
