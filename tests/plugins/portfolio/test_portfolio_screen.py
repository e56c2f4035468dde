"""The portfolio screen: snapshots over a recorded history on a fixed clock, and keyboard flows.

The simulated market is a function of the seed and the time: snapshots recorded at fixed times
and a clock fixed afterwards draw the same totals, bars and chart every run.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hbdesk.runtime import create_desk
from hbdesk.tui.app import DeskApp
from hbdesk_plugins.portfolio.tui import PortfolioScreen
from tests.desk_support import kernel_running, table_rows
from tests.helpers import SteppedClock, core_settings, wait_for

FIXED = 1_767_259_234.5  # 2026-01-01 09:20:34.5 UTC
HISTORY = 72  # snapshots, five minutes apart, up to FIXED
LOAD_TIMEOUT = 60.0  # the first balances wait for hummingbot to import (slower beside another worker)


@pytest.fixture
def make_portfolio_app(tmp_path: Path):
    def make(theme: str | None = None) -> tuple[DeskApp, SteppedClock]:
        clock = SteppedClock(FIXED)
        desk = create_desk(core_settings(tmp_path / "desk"), clock=clock)
        if theme:
            desk.kernel.preferences.set("theme", theme)
        return DeskApp(desk), clock

    return make


def summary(app: DeskApp) -> str:
    return str(app.screen.query_one("#portfolio-summary").render())


async def record_history(app: DeskApp, clock: SteppedClock) -> None:
    portfolio = app.kernel.service("portfolio")
    for step in range(HISTORY):
        clock.now = FIXED - (HISTORY - 1 - step) * 300
        await portfolio.record()
    clock.now = FIXED


async def open_portfolio(pilot: Any) -> PortfolioScreen:
    app: DeskApp = pilot.app
    await pilot.press("g", "p")
    await wait_for(lambda: app.current_mode == "portfolio")
    screen = app.screen
    assert isinstance(screen, PortfolioScreen)
    await wait_for(lambda: summary(app).startswith("Total"), timeout=LOAD_TIMEOUT)
    await pilot.pause()
    return screen


def prepare_with(clock: SteppedClock):
    async def prepare(pilot: Any) -> None:
        await kernel_running(pilot.app)
        await record_history(pilot.app, clock)
        await open_portfolio(pilot)
        await wait_for(lambda: "pts" in str(pilot.app.screen.query_one("#history-pane").border_subtitle))
        await pilot.pause()

    return prepare


@pytest.mark.parametrize("theme", ["hbdesk-dark", "hbdesk-light"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_portfolio_screen_snapshot(
    snap_compare, make_portfolio_app, theme: str, size: tuple[int, int]
) -> None:
    app, clock = make_portfolio_app(theme)
    assert snap_compare(app, terminal_size=size, run_before=prepare_with(clock))


def test_portfolio_screen_without_history_snapshot(snap_compare, make_portfolio_app) -> None:
    app, _clock = make_portfolio_app()

    async def prepare(pilot: Any) -> None:
        await kernel_running(pilot.app)
        await open_portfolio(pilot)
        await wait_for(
            lambda: "No snapshots yet" in str(pilot.app.screen.query_one("#history-note").render())
        )
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=prepare)


async def test_the_screen_shows_the_total_the_shares_and_where_it_is_held(make_portfolio_app) -> None:
    app, clock = make_portfolio_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kernel_running(app)
        await record_history(app, clock)
        screen = await open_portfolio(pilot)
        state = await app.kernel.service("portfolio").state()
        total = sum(b.value for connectors in state.values() for c in connectors.values() for b in c)
        assert summary(app).startswith(f"Total {total:,.2f} USDT")
        bars = screen.query_one("#allocation")
        assert [share.token for share in bars.shares] == ["USDT", "BTC", "ETH", "SOL"]
        rows = await table_rows(app, "#holdings")
        assert [row[:3] for row in rows] == [
            ("master_account", "hbdesk_sim", "BTC, ETH, SOL, USDT"),
            ("master_account", "hbdesk_sim_perpetual", "USDT"),
        ]
        assert rows[1][3] == "100,000.00"
        await wait_for(lambda: len(screen.query_one("#value-history").data or []) == HISTORY)


async def test_r_reads_the_exchanges_again_and_i_changes_the_chart_span(make_portfolio_app) -> None:
    app, clock = make_portfolio_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kernel_running(app)
        await record_history(app, clock)
        screen = await open_portfolio(pilot)
        app.kernel.service("sim").venue.fund("master_account", "DOGE", Decimal("5"))
        await pilot.press("r")
        await wait_for(lambda: "5 tokens" in summary(app))
        assert [share.token for share in screen.query_one("#allocation").shares][-1] == "DOGE"  # worth 0

        pane = screen.query_one("#history-pane")
        assert str(pane.border_subtitle).startswith("last day, 5m")
        await pilot.press("i")
        await wait_for(lambda: str(pane.border_subtitle) == "last week, 1h · 7 pts")
        await pilot.press("i")
        await wait_for(lambda: str(pane.border_subtitle) == "last year, 1d · 1 pts")
        await pilot.press("i")
        await wait_for(lambda: str(pane.border_subtitle).startswith("last day, 5m"))


async def test_a_connector_that_cannot_be_read_says_why(make_portfolio_app) -> None:
    from tests.plugins.portfolio.support import unreachable_exchange

    app, _clock = make_portfolio_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kernel_running(app)
        unreachable_exchange(app.kernel)
        accounts = app.kernel.service("accounts")
        await accounts.add_credential("master_account", "down_exchange", {"down_exchange_api_key": "k"})

        async def verified() -> bool:
            return [str(s.status) for s in await accounts.credential_states("master_account")] == ["verified"]

        await wait_for(verified)
        await open_portfolio(pilot)
        await wait_for(lambda: ("master_account", "down_exchange", "—", "not read", "0.0%") in _rows(app))
        await pilot.press("home")
        await wait_for(
            lambda: (
                "down_exchange cannot be reached" in str(app.screen.query_one("#holdings-detail").render())
            )
        )


def _rows(app: DeskApp) -> list[tuple[str, ...]]:
    table = app.screen.query_one("#holdings")
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]
