"""The market screen: one pair's ticker, order-book ladder, candles and trades, kept live.

Everything is read through the market_data service, so any connector works as the simulated one
does. The screen samples the book on a timer instead of redrawing per update: a book that changes
a thousand times a second costs ten redraws a second. Its loops run only while the screen is the
one shown, and what fails (an exchange that cannot be reached) is told once, as a notification.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.widgets import Footer

from hbdesk.sdk import (
    INTERVAL_SECONDS,
    CandleChart,
    Choice,
    DeskScreen,
    HbdeskError,
    KernelState,
    OrderBookLadder,
    PairPicker,
    Ticker,
    TickerStrip,
    TradesTape,
)
from hbdesk_plugins.connectors.public import CONNECTORS
from hbdesk_plugins.market_data.pairs import trading_pairs
from hbdesk_plugins.market_data.public import MARKET_DATA
from hbdesk_plugins.market_data.trades import TradeFeed

if TYPE_CHECKING:
    from textual.worker import Worker

    from hbdesk.sdk import Interval, Kernel
    from hbdesk_plugins.market_data.service import MarketDataService

log = logging.getLogger(__name__)

DEFAULT_PAIR = "BTC-USDT"
DEFAULT_INTERVAL: Interval = "1m"
BOOK_PERIOD = 0.1  # seconds between two looks at the book: 10 frames a second at most
CANDLE_PERIOD = 1.0  # the open candle's refresh
DAY_PERIOD = 30.0  # the ticker's 24 h figures
RETRY = 5.0  # after a failure, before asking again
DEPTH = 40  # levels read a side: enough for a tall terminal
# Candles per series. A series is always loaded whole first: hummingbot's feeds keep the size they
# were made with, so a later call for the newest two shares the feed instead of shrinking it.
CANDLES = 300
DAY_CANDLES = 24  # hourly candles in the ticker's day

INTERVAL_GROUP = Binding.Group("Interval", compact=True)
VIEW_GROUP = Binding.Group("View", compact=True)  # one footer entry: 80 columns are few


class MarketScreen(DeskScreen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]  # wide: the tape beside the chart
    BINDINGS = [
        Binding("p,slash", "pick_pair", "Pair"),
        Binding("[", "interval(-1)", "Interval", group=INTERVAL_GROUP),
        Binding("]", "interval(1)", "Interval", group=INTERVAL_GROUP),
        Binding("left", "pan(-1)", "Pan", group=VIEW_GROUP),
        Binding("right", "pan(1)", "Pan", group=VIEW_GROUP),
        Binding("+,=", "zoom(1)", "Zoom", group=VIEW_GROUP),
        Binding("-", "zoom(-1)", "Zoom", group=VIEW_GROUP),
        Binding("end", "follow", "Newest", show=False),
        Binding("r", "reload", "Reload", show=False),
    ]
    LOOPS = ("book", "candles", "day")
    ladder: OrderBookLadder
    chart: CandleChart
    tape: TradesTape
    ticker: TickerStrip

    def __init__(self) -> None:
        super().__init__()
        self.connector = ""  # the desk's default market, once the kernel can tell which it is
        self.pair = DEFAULT_PAIR
        self.interval: Interval = DEFAULT_INTERVAL
        self._told: dict[str, str] = {}  # loop → the error last notified, so it is told once

    def compose_body(self) -> ComposeResult:
        yield TickerStrip(id="market-ticker")
        with Horizontal(id="market-body"):
            with Vertical(classes="pane", id="book-pane"):
                yield OrderBookLadder(id="ladder")
            with Container(id="market-right"):
                with Vertical(classes="pane", id="chart-pane"):
                    yield CandleChart(id="chart")
                with Vertical(classes="pane", id="tape-pane") as tape:
                    tape.border_title = "Trades"
                    yield TradesTape(id="tape")

    @property
    def service(self) -> MarketDataService:
        kernel: Kernel = self.kernel  # typed here: DeskScreen.kernel is typed Any
        return kernel.service(MARKET_DATA)

    def on_mount(self) -> None:
        # Held, not queried each time: a loop's last step may land while the screen is torn down.
        self.ladder = self.query_one(OrderBookLadder)
        self.chart = self.query_one(CandleChart)
        self.tape = self.query_one(TradesTape)
        self.ticker = self.query_one(TickerStrip)
        self.query_one(Footer).compact = True  # the market's keys and the desk's fit in 80 columns
        self._resolve_default()
        self._show_titles()
        self.ticker.show(Ticker(self.connector, self.pair))

    # -- the loops run while the screen is shown ------------------------------------------------

    def on_screen_resume(self) -> None:
        self._start(*self.LOOPS)

    def on_screen_suspend(self) -> None:
        for loop in self.LOOPS:
            self.workers.cancel_group(self, loop)

    def _start(self, *loops: str) -> None:
        bodies: dict[str, Callable[[], Awaitable[None]]] = {
            "book": self._follow_book,
            "candles": self._follow_candles,
            "day": self._follow_day,
        }
        for loop in loops:
            # A callable, not a coroutine: a worker replaced before it starts leaves nothing unawaited.
            # Typed, as mypy cannot tell the result type from a callable returning a coroutine (it
            # fits two of textual's work types, and mypy infers Never).
            _: Worker[None] = self.run_worker(
                partial(self._guarded, loop, bodies[loop]), group=loop, exclusive=True, exit_on_error=False
            )

    async def _guarded(self, loop: str, body: Callable[[], Awaitable[None]]) -> None:
        """Run a loop until cancelled; a failure is told, then the loop starts over after a pause."""
        while not self._kernel_running():
            await asyncio.sleep(0.1)
        if self._resolve_default():
            self._show_titles()
            self.ticker.show(Ticker(self.connector, self.pair))
        while True:
            try:
                await body()
                continue  # the loop ended by itself (a new book to follow): start it over at once
            except HbdeskError as exc:
                self._tell(loop, exc.detail)
            except Exception as exc:  # a bug must not take the desk down with it
                log.exception("market screen: the %s loop failed", loop)
                self._tell(loop, f"{type(exc).__name__}: {exc}")
            await asyncio.sleep(RETRY)

    def _kernel_running(self) -> bool:
        running = self.kernel.state is KernelState.RUNNING
        return running and self.kernel.optional_service(MARKET_DATA) is not None

    def _resolve_default(self) -> bool:
        """Open on the desk's default market (a connector whose market a plugin computes) once
        the kernel runs; True when the connector was chosen just now."""
        if self.connector or not self._kernel_running():
            return False
        self.connector = self.kernel.service(CONNECTORS).default_market() or ""
        return bool(self.connector)

    def _tell(self, loop: str, detail: str) -> None:
        if detail not in self._told.values():  # loops failing for one reason tell it once
            self.notify(detail, title=f"{self.connector} {self.pair}", severity="error", markup=False)
        self._told[loop] = detail
        if loop == "book":
            self.ladder.show_message(detail)
        elif loop == "candles" and not self.chart.bars:
            self.chart.show_message(detail)

    async def _follow_book(self) -> None:
        book = await self.service.book(self.connector, self.pair)
        feed = await TradeFeed.open(self.kernel, self.connector, self.pair, book)
        self.tape.set_trades(feed.history)
        try:
            while True:
                self._show_book(book, feed)
                self._told.pop("book", None)
                await asyncio.sleep(BOOK_PERIOD)
                current = await self.service.book(self.connector, self.pair)
                if current is not book:  # the connector replaced its book: listen to the new one
                    return
        finally:
            feed.close()

    def _show_book(self, book: Any, feed: TradeFeed) -> None:
        """Draw the book as it is now; widgets redraw only what changed."""
        bids = [(float(row.price), float(row.amount)) for row in islice(book.bid_entries(), DEPTH)]
        asks = [(float(row.price), float(row.amount)) for row in islice(book.ask_entries(), DEPTH)]
        self.ladder.update_book(bids, asks)
        self.tape.add(feed.drain())
        mid = (bids[0][0] + asks[0][0]) / 2 if bids and asks else None
        last = self.tape.prints[0].price if self.tape.prints else _finite(book.last_trade_price)
        self.ticker.update_prices(last, mid)

    async def _follow_candles(self) -> None:
        interval = self.interval
        candles = await self.service.candles(self.connector, self.pair, interval, CANDLES)
        self.chart.set_candles(candles, INTERVAL_SECONDS[interval])
        self._told.pop("candles", None)
        self.call_after_refresh(self._describe_view)
        while True:
            await asyncio.sleep(CANDLE_PERIOD)
            newest = await self.service.candles(self.connector, self.pair, interval, 2)
            if self.chart.update_tail(newest):
                self._describe_view()

    async def _follow_day(self) -> None:
        while True:
            candles = await self.service.candles(self.connector, self.pair, "1h", CANDLES)
            self.ticker.show(self.ticker.ticker.with_day(candles[-DAY_CANDLES:]))
            self._told.pop("day", None)
            await asyncio.sleep(DAY_PERIOD)

    # -- titles ---------------------------------------------------------------------------------

    def _show_titles(self) -> None:
        self.query_one("#book-pane").border_title = f"Book · {self.connector}"
        self.query_one("#chart-pane").border_title = f"{self.pair} · {self.interval}"

    def _describe_view(self) -> None:
        chart = self.chart
        shown = len(chart.shown())
        where = "newest" if chart.lag == 0 else f"{chart.lag} back"
        self.query_one("#chart-pane").border_subtitle = f"{shown} candles · {where}" if shown else ""

    def on_resize(self) -> None:
        self.call_after_refresh(self._describe_view)

    # -- actions --------------------------------------------------------------------------------

    def select(self, connector: str, pair: str) -> None:
        """Show another pair: everything reloads, the interval and zoom stay."""
        self.connector, self.pair = connector, pair
        self._told.clear()
        self._show_titles()
        self.ladder.show_message(f"Waiting for the {pair} book…")
        self.chart.show_message(f"Loading {pair} candles…")
        self._describe_view()
        self.tape.set_trades([])
        self.ticker.show(Ticker(connector, pair))
        self._start(*self.LOOPS)

    @work(group="pick-pair", exclusive=True)
    async def action_pick_pair(self) -> None:
        if not self._kernel_running():
            self.notify("The kernel is still starting.", timeout=3)
            return
        choices = await self._choices()
        picked = await self.app.push_screen_wait(PairPicker(choices, self._pairs_of))
        if picked is not None and picked != (self.connector, self.pair):
            self.select(*picked)

    async def _pairs_of(self, connector: str) -> list[str]:
        return await trading_pairs(self.kernel, connector)

    async def _choices(self) -> list[Choice]:
        """The pairs known at once, then every other connector by name (its pairs asked on choice)."""
        known: dict[str, list[str]] = {}
        catalog = self.kernel.service(CONNECTORS)
        for connector in dict.fromkeys([self.connector, *catalog.market_connectors()]):
            try:
                known[connector] = await asyncio.wait_for(trading_pairs(self.kernel, connector), 2.0)
            except (HbdeskError, TimeoutError):
                continue
        names = await catalog.names() if catalog.loaded else []
        choices: list[Choice] = [(c, p) for c, pairs in known.items() for p in pairs]
        return choices + [(name, None) for name in names if name not in known]

    def action_interval(self, step: int) -> None:
        names = list(INTERVAL_SECONDS)
        self.interval = names[(names.index(self.interval) + step) % len(names)]
        self._show_titles()
        self.chart.show_message(f"Loading {self.interval} candles…")
        self._describe_view()
        self._start("candles")

    def action_pan(self, direction: int) -> None:
        self.chart.pan(direction)
        self._describe_view()

    def action_zoom(self, direction: int) -> None:
        self.chart.zoom_by(direction)
        self._describe_view()

    def action_follow(self) -> None:
        self.chart.follow()
        self._describe_view()

    def action_reload(self) -> None:
        self._told.clear()
        self._start(*self.LOOPS)


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None
