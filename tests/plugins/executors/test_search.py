"""The executors search pages by keyset: paging through the running executors while one of them
ends shows each of the others once."""

from __future__ import annotations

from typing import Any, cast

from hbdesk_plugins.executors import reports
from hbdesk_plugins.executors.models import ExecutorFilterRequest


class Held:
    """The one thing the search reads of the service: its executors as the API shows them."""

    def __init__(self, count: int) -> None:
        self.items = [
            {
                "executor_id": f"e{n}",
                "created_at": f"2026-11-22T10:00:0{n}+00:00",
                "status": "RUNNING",
                "account_name": "master_account",
                "connector_name": "hbdesk_sim",
                "trading_pair": "BTC-USDT",
                "executor_type": "position_executor",
                "controller_id": "main",
            }
            for n in range(count)
        ]

    def views(self) -> list[dict[str, Any]]:
        return self.items


def search(held: Held, **request: Any) -> dict[str, Any]:
    return reports.search(cast(Any, held), ExecutorFilterRequest(**request))


def ids(page: dict[str, Any]) -> list[str]:
    return [item["executor_id"] for item in page["data"]]


def test_an_executor_ending_between_two_pages_repeats_none_of_the_others() -> None:
    held = Held(5)
    first = search(held, status="RUNNING", limit=2)
    assert ids(first) == ["e4", "e3"] and first["pagination"]["has_more"]
    held.items[3]["status"] = "TERMINATED"  # the last one shown ends: the filter drops it
    second = search(held, status="RUNNING", limit=2, cursor=first["pagination"]["next_cursor"])
    assert ids(second) == ["e2", "e1"]
    third = search(held, status="RUNNING", limit=2, cursor=second["pagination"]["next_cursor"])
    assert ids(third) == ["e0"] and not third["pagination"]["has_more"]
    assert third["pagination"]["next_cursor"] is None and third["pagination"]["total_count"] == 4
