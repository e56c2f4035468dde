"""The trading desk: the trading screen (ticket, open orders, fills, positions) and the home
summary, drawn on a frozen market and driven by keyboard.

With the kernel's clock frozen the simulated book does not move, so prices, fills at market and
the positions' profit are the same every run and the snapshots exact. Order ids are random: no
snapshot shows one (a placed order's notification does, so snapshots place through the service).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, TabbedContent

from hbdesk.runtime import create_desk
from hbdesk.tui.app import DeskApp
from hbdesk.tui.home import HomeScreen
from hbdesk.tui.widgets.confirm import ConfirmModal
from hbdesk.tui.widgets.form import FormModal
from hbdesk.tui.widgets.pair_picker import PairPicker
from hbdesk_plugins.trading.checks import OrderIntent
from hbdesk_plugins.trading.history import search_orders
from hbdesk_plugins.trading.models import OrderFilterRequest
from hbdesk_plugins.trading.ticket import Ticket
from hbdesk_plugins.trading.tui import TradingScreen
from tests.desk_support import kernel_running, table_rows
from tests.helpers import core_settings, wait_for

FIXED_TIMESTAMP = 1_767_259_234.5  # 2026-01-01 09:20:34.5 UTC, as the market screen's snapshots
LOAD_TIMEOUT = 60.0  # the first connector waits for hummingbot to import (slower beside another worker)
SPOT, PERPETUAL = "hbdesk_sim", "hbdesk_sim_perpetual"
ACCOUNT = "master_account"
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture(autouse=True)
def _scripted_connectors(scripted_catalog: None) -> None:
    """The connector list is scripted (the sim's connectors are its provider's, not hummingbot's)."""


@pytest.fixture
def make_desk_app(tmp_path: Path) -> Callable[..., DeskApp]:
    """The desk on the frozen market; without the portfolio unless asked, as its home panel reads
    every account's balances at start, in tasks a desk that quits at once leaves running."""

    def make(theme: str = "hbdesk-dark", portfolio: bool = False) -> DeskApp:
        settings = core_settings(tmp_path / "desk", disabled_plugins=[] if portfolio else ["portfolio"])
        desk = create_desk(settings, clock=lambda: FIXED_TIMESTAMP)
        desk.kernel.preferences.set("theme", theme)
        return DeskApp(desk)

    return make


def trading(app: DeskApp) -> Any:
    return app.kernel.service("trading")


async def open_trading(pilot) -> TradingScreen:
    app: DeskApp = pilot.app
    await kernel_running(app)
    await pilot.press("g", "t")
    await wait_for(lambda: app.current_mode == "trading")
    screen = app.screen
    assert isinstance(screen, TradingScreen)
    ticket = screen.query_one(Ticket)
    try:
        await wait_for(lambda: ticket.market.chosen and "min notional" in rules(screen), timeout=LOAD_TIMEOUT)
    except AssertionError:
        raise AssertionError(f"the ticket did not load: {ticket.market} {estimate(screen)!r}") from None
    return screen


def rules(screen: TradingScreen) -> str:
    return str(screen.query_one("#ticket-rules").render())


def estimate(screen: TradingScreen) -> str:
    return str(screen.query_one("#ticket-estimate").render())


async def place(
    app: DeskApp, connector: str, pair: str, side: str, kind: str, amount: str, price: str | None
):
    intent = OrderIntent(pair, side, kind, Decimal(amount), Decimal(price) if price else None, "OPEN")
    return await trading(app).place(ACCOUNT, connector, intent)


async def resting_orders(app: DeskApp) -> None:
    """Two buys far below the market and a sell far above: they rest, whatever the book does."""
    await place(app, SPOT, "BTC-USDT", "BUY", "LIMIT", "0.01", "1000")
    await place(app, SPOT, "ETH-USDT", "BUY", "LIMIT", "0.5", "100")
    await place(app, SPOT, "BTC-USDT", "SELL", "LIMIT", "0.02", "500000")
    await wait_for(lambda: [r.status.value for r in trading(app).active_orders()] == ["OPEN"] * 3)


async def open_positions(app: DeskApp) -> None:
    """A long and a short on the perpetual, at market."""
    await place(app, PERPETUAL, "BTC-USDT", "BUY", "MARKET", "0.01", None)
    await place(app, PERPETUAL, "ETH-USDT", "SELL", "MARKET", "0.5", None)

    async def both_open() -> bool:
        return len(await trading(app).positions([ACCOUNT], [PERPETUAL])) == 2

    await wait_for(both_open, timeout=LOAD_TIMEOUT)


async def rows(pilot, selector: str, count: int) -> list[tuple[str, ...]]:
    async def counted() -> bool:
        await pilot.pause()
        return len(await table_rows(pilot.app, selector)) == count

    await wait_for(counted, timeout=LOAD_TIMEOUT)
    return await table_rows(pilot.app, selector)


# -- snapshots -----------------------------------------------------------------------------------


@SIZES
def test_ticket_snapshot(snap_compare, make_desk_app, size: tuple[int, int]) -> None:
    """A limit buy typed in: its rules, the touch, its cost and fee as preview reckons them."""

    async def prepare(pilot) -> None:
        screen = await open_trading(pilot)
        await pilot.press("b", *"0.015", "tab", *"70000.5")
        await wait_for(lambda: "≈ 1050.01 USDT" in estimate(screen), timeout=LOAD_TIMEOUT)
        await wait_for(lambda: "ask" in screen.ticket.border_subtitle)
        await pilot.pause()

    assert snap_compare(make_desk_app(), terminal_size=size, run_before=prepare)


@SIZES
def test_open_orders_snapshot(snap_compare, make_desk_app, size: tuple[int, int]) -> None:
    async def prepare(pilot) -> None:
        screen = await open_trading(pilot)
        await resting_orders(pilot.app)
        await rows(pilot, "#orders", 3)
        await wait_for(lambda: "Type an amount" in estimate(screen))
        await pilot.pause()

    assert snap_compare(make_desk_app(), terminal_size=size, run_before=prepare)


@SIZES
def test_positions_snapshot(snap_compare, make_desk_app, size: tuple[int, int]) -> None:
    async def prepare(pilot) -> None:
        screen = await open_trading(pilot)
        await open_positions(pilot.app)
        await pilot.press("P")
        await rows(pilot, "#positions", 2)
        await wait_for(lambda: "Type an amount" in estimate(screen))
        await pilot.pause()

    assert snap_compare(make_desk_app(), terminal_size=size, run_before=prepare)


@SIZES
@pytest.mark.parametrize("theme", ["hbdesk-dark", "hbdesk-light"])
def test_home_summary_snapshot(snap_compare, make_desk_app, size: tuple[int, int], theme: str) -> None:
    """Home: the portfolio's value, the open orders, the tickers and the positions with their PnL."""

    async def prepare(pilot) -> None:
        app: DeskApp = pilot.app
        await kernel_running(app)
        await resting_orders(app)
        await open_positions(app)
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.on_screen_resume()  # reload the panels now, not at their next period

        def panel(index: int) -> str:
            return str(home.query_one(f"#home-panel-{index}").query(".panel--message").first().render())

        await wait_for(lambda: "USDT" in panel(0) and "3 open" in panel(1), timeout=LOAD_TIMEOUT)
        await wait_for(lambda: "2 open" in panel(3) and len(home.query("TickerStrip")) == 3)
        await pilot.pause()

    assert snap_compare(make_desk_app(theme, portfolio=True), terminal_size=size, run_before=prepare)


# -- keyboard flows ------------------------------------------------------------------------------


async def test_place_a_limit_buy_then_cancel_it_by_keyboard(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_trading(pilot)
        assert (screen.ticket.market.connector, screen.ticket.market.pair) == (SPOT, "BTC-USDT")
        await pilot.press("b", *"0.01", "enter")  # enter on the amount moves on to the price
        assert screen.query_one("#price").has_focus
        await pilot.press(*"1000")
        await wait_for(lambda: "≈ 10.00 USDT" in estimate(screen), timeout=LOAD_TIMEOUT)
        await pilot.press("enter")  # 10 USDT: under confirm_notional, sent without asking

        placed = await rows(pilot, "#orders", 1)
        assert placed[0][:7] == ("BTC-USDT", "BUY", "LIMIT", "0.01", "1000", "0", "OPEN")
        assert str(screen.query_one(TabbedContent).get_tab("orders-tab").label) == "Orders 1"
        [record] = trading(app).active_orders()

        await pilot.press("escape")  # back to the tables
        assert screen.query_one("#orders", DataTable).has_focus
        await pilot.press("c")
        await rows(pilot, "#orders", 0)
        assert screen.query_one("#orders-empty").display
        assert trading(app).active_orders() == []
        cancelled = await search_orders(app.kernel, OrderFilterRequest(status="CANCELLED"))
        assert [order["order_id"] for order in cancelled["data"]] == [record.client_order_id]


async def test_an_order_above_confirm_notional_is_asked_first(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_trading(pilot)
        await pilot.press("b", *"0.05", "tab", *"1000")  # 50 USDT
        await wait_for(lambda: "≈ 50.00 USDT" in estimate(screen), timeout=LOAD_TIMEOUT)
        trading(app).settings.confirm_notional = Decimal(20)
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        assert "Buy 0.05 BTC-USDT at 1000 on hbdesk_sim for master_account?" in app.screen.question
        await pilot.press("n")
        await wait_for(lambda: app.screen is screen)
        assert any(n.message == "Not sent." for n in app._notifications)
        assert trading(app).active_orders() == []

        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await rows(pilot, "#orders", 1)


async def test_a_refused_order_is_explained_on_the_ticket(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_trading(pilot)
        await pilot.press("b", *"0.00001", "tab", *"1000")  # 0.01 USDT: under the minimum notional
        await wait_for(lambda: "minimum notional" in estimate(screen), timeout=LOAD_TIMEOUT)
        assert screen.query_one("#ticket-estimate").has_class("-error")
        await pilot.press("enter")
        await pilot.pause()
        assert trading(app).active_orders() == []
        await pilot.press("home", "ctrl+k", *"0")  # a price of 0
        await wait_for(lambda: "price must be greater than 0" in estimate(screen))
        await pilot.press("shift+tab", "home", "ctrl+k", "0")  # an amount of 0: the request model says
        await wait_for(lambda: "amount must be greater than 0" in estimate(screen))


async def test_the_kill_switch_cancels_every_order_after_asking(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_trading(pilot)
        await resting_orders(app)
        await rows(pilot, "#orders", 3)
        await pilot.press("K")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        assert "Cancel all 3 open order(s)" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert len(trading(app).active_orders()) == 3
        await pilot.press("K")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await rows(pilot, "#orders", 0)
        assert trading(app).active_orders() == []


async def test_fills_arrive_live_and_positions_close_reduce_and_take_leverage(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_trading(pilot)
        await pilot.press("p")
        await wait_for(lambda: isinstance(app.screen, PairPicker))
        await pilot.press(*"perp eth", "enter")
        await wait_for(lambda: screen.ticket.market.connector == PERPETUAL, timeout=LOAD_TIMEOUT)
        assert screen.ticket.market.pair == "ETH-USDT" and screen.ticket.market.perpetual
        await wait_for(lambda: "min notional" in rules(screen), timeout=LOAD_TIMEOUT)
        await pilot.press("l")  # leverage of the ticket's pair, before there is a position
        await wait_for(lambda: isinstance(app.screen, FormModal))
        await pilot.press("tab", *"5", "enter")
        await wait_for(lambda: any("Leverage for ETH-USDT set to 5" in n.message for n in app._notifications))

        await pilot.press("t", "b", *"1")  # LIMIT → MARKET; a 1 ETH long
        await wait_for(lambda: "(market)" in estimate(screen), timeout=LOAD_TIMEOUT)
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))  # above 1000 USDT: asked
        assert "Buy 1 ETH-USDT at market (OPEN) on hbdesk_sim_perpetual" in app.screen.question
        await pilot.press("y")

        await pilot.press("escape", "f")
        [fill] = await rows(pilot, "#fills", 1)
        assert fill[1:4] == ("ETH-USDT", "BUY", "1") and fill[6:] == (PERPETUAL, ACCOUNT)

        await pilot.press("P")
        [position] = await rows(pilot, "#positions", 1)
        assert position[:3] == ("ETH-USDT", "LONG", "1") and position[6] == "5x"

        await pilot.press("l")  # the venue keeps a position's leverage: its refusal is told
        await wait_for(lambda: isinstance(app.screen, FormModal))
        assert app.screen.query_one("#field-leverage").value == "5"
        await pilot.press("tab", "home", "ctrl+k", "3", "enter")
        await wait_for(lambda: any("refused leverage 3" in n.message for n in app._notifications))

        await pilot.press("r")  # reduce: half, as the form offers
        await wait_for(lambda: isinstance(app.screen, FormModal))
        await pilot.press("enter")

        async def halved() -> bool:
            await pilot.pause()
            return (await table_rows(app, "#positions"))[0][2] == "0.5"

        await wait_for(halved, timeout=LOAD_TIMEOUT)

        await pilot.press("x")  # close the rest, after asking
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        assert "Close the LONG 0.5 ETH-USDT position" in app.screen.question
        await pilot.press("y")
        await rows(pilot, "#positions", 0)
        await rows(pilot, "#fills", 3)
        assert await trading(app).positions([ACCOUNT], [PERPETUAL]) == []


async def test_an_unknown_account_or_connector_is_a_notification_not_a_crash(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_trading(pilot)
        await app.kernel.service("accounts").add_account("desk_trader")
        await pilot.press("a")
        await wait_for(lambda: type(app.screen).__name__ == "AccountPicker")
        await pilot.press("down", "enter")
        await wait_for(lambda: screen.ticket.market.account == "desk_trader")
        await app.kernel.service("accounts").delete_account("desk_trader")
        await pilot.press("b", *"0.01", "tab", *"1000")
        await wait_for(lambda: "not found" in estimate(screen), timeout=LOAD_TIMEOUT)
        await pilot.press("escape", "x")  # no position highlighted: told, nothing else
        await wait_for(lambda: any("No position" in n.message for n in app._notifications))
        assert app.is_running


async def test_palette_commands_open_the_trading_screen(make_desk_app) -> None:
    app = make_desk_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kernel_running(app)
        titles = {command.title: command for command in app.get_system_commands(app.screen)}
        assert {"trading: Open Trading", "trading: Buy", "trading: Cancel all open orders"} <= set(titles)
        titles["trading: Sell"].callback()
        await wait_for(lambda: app.current_mode == "trading")
        screen = app.screen
        assert isinstance(screen, TradingScreen)
        await wait_for(lambda: screen.is_mounted and screen.query_one("#amount").has_focus)
        assert screen.ticket.side == "SELL"
        await pilot.press("escape")
        titles["trading: Cancel all open orders"].callback()
        await wait_for(lambda: any(n.message == "No open orders." for n in app._notifications))
