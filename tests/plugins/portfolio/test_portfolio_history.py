"""The portfolio's history on a stepped clock: snapshots at known times, resampled, paged, filtered."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hbdesk.runtime import create_desk
from hbdesk_plugins.portfolio.history import bucket, cursor_seconds, epoch_seconds, sample
from hbdesk_plugins.portfolio.public import PortfolioRecorded
from hbdesk_plugins.portfolio.settings import PortfolioSettings
from hbdesk_plugins.rest_api.app import create_app
from tests.helpers import SteppedClock, core_settings, wait_for
from tests.plugins.portfolio.support import PERPETUAL, SPOT, post

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
MINUTE, HOUR, DAY = 60, 3600, 86_400


def at(seconds: float) -> str:
    return datetime.fromtimestamp(START + seconds, UTC).isoformat()


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock(START)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def stepped(
    request: pytest.FixtureRequest, data_dir: Path, clock: SteppedClock, aiohttp_client: Any
) -> tuple[Any, Any]:
    """A desk on the stepped clock and its REST app, on SQLite and on a real PostgreSQL."""
    url = None if request.param == "sqlite" else request.getfixturevalue("fresh_postgres")
    desk = create_desk(core_settings(data_dir, database_url=url), clock=clock)
    return desk, await aiohttp_client(create_app(desk))


async def record_at(desk: Any, clock: SteppedClock, offsets: list[float]) -> None:
    portfolio = desk.kernel.service("portfolio")
    for offset in offsets:
        clock.now = START + offset
        assert await portfolio.record() == START + offset


async def history(api: Any, **body: Any) -> dict[str, Any]:
    status, answer = await post(api, "/portfolio/history", body)
    assert status == 200, answer
    return answer


def times(page: dict[str, Any]) -> list[str]:
    return [item["timestamp"] for item in page["data"]]


async def test_every_snapshot_at_5m_newest_first_valued_at_its_time(
    stepped: tuple[Any, Any], clock: SteppedClock
) -> None:
    desk, api = stepped
    await record_at(desk, clock, [i * 5 * MINUTE for i in range(12)])
    page = await history(api)
    assert times(page) == [at(i * 5 * MINUTE) for i in reversed(range(12))]
    assert page["pagination"] == {
        "limit": 100,
        "has_more": False,
        "next_cursor": None,
        "current_cursor": None,
        "filters": {
            "account_names": None,
            "connector_names": None,
            "start_time": None,
            "end_time": None,
            "interval": "5m",
        },
    }
    market = desk.kernel.service("sim").market
    for item in page["data"]:
        moment = datetime.fromisoformat(item["timestamp"]).timestamp()
        btc = next(e for e in item["state"]["master_account"][SPOT] if e["token"] == "BTC")
        assert btc["price"] == market.mid("BTC-USDT", moment)  # the rate oracle's price then
        assert btc["value"] == btc["units"] * btc["price"]
    prices = {item["timestamp"]: item["state"]["master_account"][SPOT][0]["price"] for item in page["data"]}
    assert len(set(prices.values())) == 12  # the market moved between snapshots
    assert set(page["data"][0]["state"]["master_account"]) == {SPOT, PERPETUAL}


async def test_an_hour_is_the_last_snapshot_of_each_hour(
    stepped: tuple[Any, Any], clock: SteppedClock
) -> None:
    desk, api = stepped
    await record_at(desk, clock, [i * 5 * MINUTE for i in range(36)])  # 00:00 … 02:55
    page = await history(api, interval="1h")
    assert times(page) == [at(2 * HOUR + 55 * MINUTE), at(HOUR + 55 * MINUTE), at(55 * MINUTE)]
    assert page["pagination"]["filters"]["interval"] == "1h"
    quarter = await history(api, interval="15m", limit=3)
    assert times(quarter) == [
        at(2 * HOUR + 55 * MINUTE),
        at(2 * HOUR + 40 * MINUTE),
        at(2 * HOUR + 25 * MINUTE),
    ]


async def test_a_day_is_the_last_snapshot_of_each_utc_day(
    stepped: tuple[Any, Any], clock: SteppedClock
) -> None:
    desk, api = stepped
    await record_at(desk, clock, [0, 6 * HOUR, 12 * HOUR, 18 * HOUR, DAY, DAY + 6 * HOUR])
    assert times(await history(api, interval="1d")) == [at(DAY + 6 * HOUR), at(18 * HOUR)]
    assert times(await history(api, interval="12h")) == [at(DAY + 6 * HOUR), at(18 * HOUR), at(6 * HOUR)]
    assert times(await history(api, interval="4h")) == [
        at(DAY + 6 * HOUR), at(DAY), at(18 * HOUR), at(12 * HOUR), at(6 * HOUR), at(0)
    ]  # fmt: skip


async def test_pages_follow_the_cursor_to_the_end(stepped: tuple[Any, Any], clock: SteppedClock) -> None:
    desk, api = stepped
    await record_at(desk, clock, [i * 5 * MINUTE for i in range(12)])
    seen: list[str] = []
    cursor = None
    pages = []
    while True:
        page = await history(api, limit=5, **({"cursor": cursor} if cursor else {}))
        pages.append(page)
        seen += times(page)
        assert page["pagination"]["current_cursor"] == cursor
        if not page["pagination"]["has_more"]:
            assert page["pagination"]["next_cursor"] is None
            break
        cursor = page["pagination"]["next_cursor"]
    assert [len(page["data"]) for page in pages] == [5, 5, 2]
    assert seen == [at(i * 5 * MINUTE) for i in reversed(range(12))]  # each once, newest first
    assert pages[0]["pagination"]["next_cursor"] == at(35 * MINUTE)  # the start of its oldest bucket

    await record_at(desk, clock, [i * 5 * MINUTE for i in range(12, 36)])
    hourly = await history(api, interval="1h", limit=2)
    assert times(hourly) == [at(2 * HOUR + 55 * MINUTE), at(HOUR + 55 * MINUTE)]
    assert hourly["pagination"]["next_cursor"] == at(HOUR)
    rest = await history(api, interval="1h", limit=2, cursor=hourly["pagination"]["next_cursor"])
    assert times(rest) == [at(55 * MINUTE)] and rest["pagination"]["has_more"] is False
    zulu = await history(api, interval="1h", cursor=at(HOUR).replace("+00:00", "Z"))
    assert times(zulu) == times(rest)


async def test_the_time_range_in_milliseconds_or_seconds(
    stepped: tuple[Any, Any], clock: SteppedClock
) -> None:
    desk, api = stepped
    await record_at(desk, clock, [i * 5 * MINUTE for i in range(12)])
    expected = [at(m * MINUTE) for m in (30, 25, 20, 15, 10)]
    start, end = START + 10 * MINUTE, START + 30 * MINUTE
    in_ms = await history(api, start_time=int(start * 1000), end_time=int(end * 1000))
    assert times(in_ms) == expected  # both ends included
    assert in_ms["pagination"]["filters"]["start_time"] == int(start * 1000)
    in_seconds = await history(api, start_time=int(start), end_time=int(end))
    assert times(in_seconds) == expected  # as the client's docstring writes them
    assert times(await history(api, start_time=int(START + 50 * MINUTE))) == [
        at(55 * MINUTE),
        at(50 * MINUTE),
    ]
    assert (await history(api, end_time=int(START) - 1))["data"] == []


async def test_account_and_connector_filters(stepped: tuple[Any, Any], clock: SteppedClock) -> None:
    desk, api = stepped
    await record_at(desk, clock, [0, 5 * MINUTE])
    page = await history(api, connector_names=[PERPETUAL], account_names=["master_account"])
    assert times(page) == [at(5 * MINUTE), at(0)]
    for item in page["data"]:
        assert list(item["state"]) == ["master_account"]
        assert list(item["state"]["master_account"]) == [PERPETUAL]
        [collateral] = item["state"]["master_account"][PERPETUAL]
        assert {"unrealized_pnl", "position_margin"} <= set(collateral)
    # A connector held nowhere in the history: no snapshot holds it.
    assert (await history(api, connector_names=["binance"]))["data"] == []


async def test_snapshots_are_taken_every_account_update_interval(
    core: Any, aiohttp_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCOUNT_UPDATE_INTERVAL", "0.005")  # minutes: 0.3 s
    desk = create_desk(core)
    api = await aiohttp_client(create_app(desk))
    portfolio = desk.kernel.service("portfolio")
    assert portfolio.interval == pytest.approx(0.3)
    taken: list[float] = []
    desk.kernel.bus.on(PortfolioRecorded, lambda event: taken.append(event.taken_at))
    await wait_for(lambda: len(taken) >= 2, timeout=30)
    assert taken[1] - taken[0] == pytest.approx(0.3, abs=0.25)
    # Five minutes' snapshots are one bucket, shown by its newest snapshot.
    newest = (await history(api))["data"][0]
    assert newest["timestamp"] >= datetime.fromtimestamp(int(taken[1]), UTC).isoformat()


def test_the_interval_setting_reads_both_names(monkeypatch: pytest.MonkeyPatch) -> None:
    assert PortfolioSettings().account_update_interval == 5
    monkeypatch.setenv("ACCOUNT_UPDATE_INTERVAL", "15")
    assert PortfolioSettings().account_update_interval == 15
    monkeypatch.setenv("HBDESK_PORTFOLIO__ACCOUNT_UPDATE_INTERVAL", "1")
    assert PortfolioSettings().account_update_interval == 1  # hbdesk's own name first


def test_resampling_keeps_the_newest_of_each_bucket() -> None:
    snapshots = [(6, 7_500.0), (5, 7_200.0), (4, 7_199.0), (3, 3_600.0), (2, 3_599.0), (1, 0.0)]
    assert sample(snapshots, 3600) == [(6, 7_500.0), (4, 7_199.0), (2, 3_599.0)]
    assert sample(snapshots, 300) == snapshots[:2] + snapshots[2:]  # all in buckets of their own
    assert bucket(START + 5 * HOUR + 59, DAY) == START


def test_times_and_cursors() -> None:
    assert epoch_seconds(1_767_225_600_000) == START
    assert epoch_seconds(1_767_225_600) == START
    assert epoch_seconds(None) is None
    assert cursor_seconds("2026-01-01T00:00:00+00:00") == START
    assert cursor_seconds("2026-01-01T00:00:00Z") == START
    assert cursor_seconds("2026-01-01T00:00:00") == START  # the desk writes UTC
    assert cursor_seconds(None) is None
