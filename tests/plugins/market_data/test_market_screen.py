"""The market screen: snapshots on a frozen market, and keyboard flows.

The simulated market is a function of the seed and the time, and the sim connector reads the
kernel's clock: with the clock frozen, the book, candles and trades on screen are the same every
run, so the snapshots are exact.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hbdesk.kernel.errors import Unavailable
from hbdesk.runtime import create_desk
from hbdesk.tui.app import DeskApp
from hbdesk.tui.widgets.ladder import OrderBookLadder
from hbdesk.tui.widgets.pair_picker import PairPicker
from hbdesk_plugins.connectors.public import ConnectorProvider, ConnectorSpec
from hbdesk_plugins.market_data.tui import BOOK_PERIOD, MarketScreen
from tests.desk_support import kernel_running
from tests.helpers import core_settings, wait_for

FIXED_TIMESTAMP = 1_767_259_234.5  # 2026-01-01 09:20:34.5 UTC: the newest candles are still open
LOAD_TIMEOUT = 60.0  # the first book waits for hummingbot to import (slower beside another worker)


@pytest.fixture
def make_market_app(tmp_path: Path):
    def make(theme: str | None = None) -> DeskApp:
        desk = create_desk(core_settings(tmp_path / "desk"), clock=lambda: FIXED_TIMESTAMP)
        if theme:
            desk.kernel.preferences.set("theme", theme)
        return DeskApp(desk)

    return make


def loaded(screen: MarketScreen) -> bool:
    return bool(
        screen.ladder.bids
        and screen.chart.bars
        and screen.tape.prints
        and screen.ticker.ticker.high is not None
        and screen.query_one("#chart-pane").border_subtitle
    )


async def open_market(pilot) -> MarketScreen:
    app: DeskApp = pilot.app
    await kernel_running(app)
    await pilot.press("3")
    await wait_for(lambda: app.current_mode == "market")
    screen = app.screen
    assert isinstance(screen, MarketScreen)
    await wait_for(lambda: loaded(screen), timeout=LOAD_TIMEOUT)
    await pilot.pause()
    return screen


def ladder_lines(ladder: OrderBookLadder) -> list[str]:
    return ladder.text_lines()


@pytest.mark.parametrize("theme", ["hbdesk-dark", "hbdesk-light"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_market_screen_snapshot(snap_compare, make_market_app, theme: str, size: tuple[int, int]) -> None:
    assert snap_compare(make_market_app(theme), terminal_size=size, run_before=open_market)


def test_market_screen_snapshot_wide_puts_the_trades_beside_the_chart(snap_compare, make_market_app) -> None:
    assert snap_compare(make_market_app("hbdesk-dark"), terminal_size=(160, 45), run_before=open_market)


async def test_pick_a_pair_by_fuzzy_search(make_market_app) -> None:
    app = make_market_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_market(pilot)
        await pilot.press("p")
        await wait_for(lambda: isinstance(app.screen, PairPicker))
        picker = app.screen
        await pilot.press(*"perp sol")
        await pilot.pause()
        assert picker.shown[0] == ("hbdesk_sim_perpetual", "SOL-USDT")
        await pilot.press("enter")
        await wait_for(lambda: app.screen is screen)
        assert (screen.connector, screen.pair) == ("hbdesk_sim_perpetual", "SOL-USDT")
        await wait_for(lambda: loaded(screen) and screen.ladder.bids[0][0] < 1_000, timeout=LOAD_TIMEOUT)
        assert screen.query_one("#chart-pane").border_title == "SOL-USDT · 1m"
        assert screen.query_one("#book-pane").border_title == "Book · hbdesk_sim_perpetual"
        assert screen.ticker.ticker.pair == "SOL-USDT"

        await pilot.press("slash", *"eth", "enter")
        await wait_for(lambda: screen.pair == "ETH-USDT")
        assert screen.connector == "hbdesk_sim_perpetual"  # the current connector's pairs come first


async def test_escape_leaves_the_pair_as_it_was(make_market_app) -> None:
    app = make_market_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_market(pilot)
        await pilot.press("p")
        await wait_for(lambda: isinstance(app.screen, PairPicker))
        await pilot.press(*"xyzzy")
        await pilot.pause()
        assert app.screen.shown == []
        await pilot.press("enter", "escape")
        await wait_for(lambda: app.screen is screen)
        assert (screen.connector, screen.pair) == ("hbdesk_sim", "BTC-USDT")


async def test_switching_the_interval_reloads_the_candles(make_market_app) -> None:
    app = make_market_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_market(pilot)
        chart = screen.chart
        assert chart.span == 60

        def spacing() -> set[float]:
            return {b.timestamp - a.timestamp for a, b in zip(chart.bars, chart.bars[1:], strict=False)}

        await pilot.press("right_square_bracket")
        await wait_for(lambda: chart.span == 180 and chart.bars)
        assert spacing() == {180.0}
        assert screen.query_one("#chart-pane").border_title == "BTC-USDT · 3m"
        await pilot.press("[", "[")
        await wait_for(lambda: chart.span == 1 and chart.bars)
        assert spacing() == {1.0}
        assert chart.bars[-1].timestamp == int(FIXED_TIMESTAMP)  # the open candle is the clock's
        await pilot.press("[")  # from the first interval round to the last
        await wait_for(lambda: chart.span == 86_400 and chart.bars)
        assert screen.interval == "1d"


async def test_pan_and_zoom_change_the_visible_range(make_market_app) -> None:
    app = make_market_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_market(pilot)
        chart = screen.chart
        newest = chart.bars[-1].timestamp
        first, last = chart.visible_range
        assert last == newest
        count = len(chart.shown())

        await pilot.press("left")
        earlier = chart.visible_range
        assert earlier[1] < last and earlier[0] < first
        assert "back" in screen.query_one("#chart-pane").border_subtitle
        await pilot.press("right")
        assert chart.visible_range == (first, last)

        await pilot.press("plus")
        assert len(chart.shown()) < count
        assert chart.visible_range[1] == newest
        await pilot.press("minus", "minus", "minus")
        wider = chart.visible_range
        assert len(chart.shown()) > count and wider[0] < first

        await pilot.press("left", "left", "end")
        assert chart.visible_range[1] == newest
        assert screen.query_one("#chart-pane").border_subtitle.endswith("newest")


async def test_the_ladder_shows_the_spread_between_asks_and_bids(make_market_app) -> None:
    app = make_market_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_market(pilot)
        book = await app.kernel.service("market_data").order_book("hbdesk_sim", "BTC-USDT", 1)
        bid, ask = book.bids[0].price, book.asks[0].price
        spread = ask - bid
        bps = spread / ((ask + bid) / 2) * 10_000

        lines = ladder_lines(screen.ladder)
        middle = next(i for i, line in enumerate(lines) if "spread" in line)
        assert f"spread {spread:.2f}  {bps:.2f} bps" in lines[middle]
        assert lines[middle - 1].split()[0] == f"{ask:.2f}"  # the best ask right above
        assert lines[middle + 1].split()[0] == f"{bid:.2f}"  # the best bid right below
        above = [float(line.split()[0]) for line in lines[1:middle]]
        below = [float(line.split()[0]) for line in lines[middle + 1 :] if line.strip()]
        assert above == sorted(above, reverse=True) and below == sorted(below, reverse=True)
        assert min(above) > max(below)


async def test_a_burst_of_book_updates_is_drawn_at_the_refresh_rate(make_market_app) -> None:
    from hummingbot.core.data_type.order_book_row import OrderBookRow

    app = make_market_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_market(pilot)
        book = await app.kernel.service("market_data").book("hbdesk_sim", "BTC-USDT")
        drawn = 0
        build = screen.ladder.build  # called once each time the ladder's lines are drawn anew

        def counting_build(width: int, height: int):
            nonlocal drawn
            drawn += 1
            return build(width, height)

        screen.ladder.build = counting_build  # type: ignore[method-assign]
        loop = asyncio.get_running_loop()
        started = loop.time()
        updates = 600
        for n in range(updates):  # 600 different books, a millisecond or so apart
            bids = [OrderBookRow(70_000.0 - i - n % 7, 1.0 + i, 10_000 + n) for i in range(20)]
            asks = [OrderBookRow(70_010.0 + i + n % 5, 1.0 + i, 10_000 + n) for i in range(20)]
            book.apply_snapshot(bids, asks, 10_000 + n)
            await asyncio.sleep(0.001)
        await wait_for(lambda: screen.ladder.bids[0][0] < 70_001)
        elapsed = loop.time() - started
        # Drawn per look at the book (BOOK_PERIOD), not per update nor per frame (60 a second).
        assert 1 <= drawn <= elapsed / BOOK_PERIOD + 3, (drawn, elapsed)


async def test_an_unreachable_exchange_is_a_notification_not_a_crash(make_market_app) -> None:
    def unreachable(account, pairs, trading_required):
        raise Unavailable("deadex cannot be reached: connection refused")

    app = make_market_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_market(pilot)
        app.kernel.service("connectors").add(ConnectorProvider(ConnectorSpec("deadex", "spot"), unreachable))

        await pilot.press("p")
        await wait_for(lambda: isinstance(app.screen, PairPicker))
        await pilot.press(*"deadex")
        await pilot.pause()
        assert app.screen.shown == [("deadex", None)]
        await pilot.press("enter")
        status = app.screen.query_one("#picker-status")
        await wait_for(lambda: "connection refused" in str(status.render()))
        await pilot.press("escape")
        await wait_for(lambda: app.screen is screen)

        screen.select("deadex", "BTC-USDT")
        await wait_for(lambda: any("connection refused" in n.message for n in app._notifications))
        assert "connection refused" in "".join(screen.ladder.text_lines())
        await wait_for(lambda: any("no candles feed" in n.message for n in app._notifications))
        assert app.is_running
        await pilot.press("p")
        await wait_for(lambda: isinstance(app.screen, PairPicker))
        await pilot.press(*"btc", "enter")
        await wait_for(lambda: screen.connector == "hbdesk_sim" and screen.pair == "BTC-USDT")
        await wait_for(lambda: loaded(screen), timeout=LOAD_TIMEOUT)


async def test_palette_commands_open_the_market(make_market_app) -> None:
    app = make_market_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kernel_running(app)
        command = next(
            c for c in app.get_system_commands(app.screen) if c.title == "market: Pick a trading pair"
        )
        command.callback()
        await wait_for(lambda: isinstance(app.screen, PairPicker))
        assert app.current_mode == "market"
        await pilot.press("escape")


async def test_switching_theme_recolours_the_drawn_book(make_market_app) -> None:
    app = make_market_app("hbdesk-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_market(pilot)

        def ask_colour() -> str:
            segments = list(screen.ladder.render_line(1))  # the first ask row under the header
            return segments[0].style.color.name.lower()

        dark = ask_colour()
        assert dark == app.theme_variables["error"].lower()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.theme == "hbdesk-light"
        assert ask_colour() == app.theme_variables["error"].lower() != dark
