"""The order ticket: side, type, amount and price of one order on the chosen account and market.

What is typed is checked by the REST API's own ``TradeRequest`` and then by the service's
``preview``: the ticket shows the order as it would be sent (quantized, its cost and fee) or the
reason it would be refused, before anything is recorded. Above the ``confirm_notional`` setting
the desk asks before sending.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from hbdesk.sdk import ConfirmModal, DeskPanel, HbdeskError, KernelState
from hbdesk_plugins.trading.display import base_quote, money, number
from hbdesk_plugins.trading.public import TRADING

if TYPE_CHECKING:
    from textual import events

    from hbdesk_plugins.trading.checks import Checked, OrderIntent
    from hbdesk_plugins.trading.service import TradingService

SIDES = ("BUY", "SELL")
ORDER_TYPES = ("LIMIT", "MARKET", "LIMIT_MAKER")
ACTIONS = ("OPEN", "CLOSE")
TYPING_PAUSE = 0.15  # seconds after the last key before the order is checked again
RETRY = 5.0  # seconds before an unreachable connector is asked again (sooner if the trader acts)
DECIMAL_INPUT = r"[0-9]*\.?[0-9]*"


class Cycle(Widget, can_focus=True):
    """One of a few words (BUY or SELL, say): ←/→ or space step through them, a click too."""

    DEFAULT_CSS = """
    Cycle { width: auto; height: 1; padding: 0 1; background: $boost; }
    Cycle:focus { background: $primary-muted; text-style: bold; }
    """
    BINDINGS = [
        Binding("left", "step(-1)", "Previous", show=False),
        Binding("right,space", "step(1)", "Next", show=False),
    ]
    value: reactive[str] = reactive("", layout=True)

    class Changed(Message):
        def __init__(self, cycle: Cycle, value: str) -> None:
            super().__init__()
            self.cycle = cycle
            self.value = value

        @property
        def control(self) -> Cycle:
            return self.cycle

    def __init__(self, options: Sequence[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.options = tuple(options)
        self.width = max(len(option) for option in self.options)
        self.set_reactive(Cycle.value, self.options[0])

    def render(self) -> str:
        return f"‹ {self.value.ljust(self.width)} ›"

    def action_step(self, step: int) -> None:
        self.value = self.options[(self.options.index(self.value) + step) % len(self.options)]

    def on_click(self, _event: events.Click) -> None:
        self.action_step(1)

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))


@dataclass(frozen=True)
class Market:
    account: str = ""
    connector: str = ""
    pair: str = ""
    perpetual: bool = False

    @property
    def chosen(self) -> bool:
        return bool(self.account and self.connector and self.pair)

    @property
    def title(self) -> str:
        return (
            " · ".join(part for part in (self.account, self.connector, self.pair) if part) or "Order ticket"
        )


class Ticket(DeskPanel):
    """Kept current (rules, touch, estimate) once a second while its screen is shown."""

    PERIOD = 1.0
    DEFAULT_CSS = """
    Ticket { height: auto; }
    Ticket .ticket-row { height: 1; }
    Ticket .ticket-label { color: $text-muted; padding: 0 1 0 1; }
    Ticket .unit { color: $text-muted; padding: 0 2 0 1; min-width: 5; }
    Ticket Input { width: 14; }
    Ticket #place { margin-left: 1; width: 12; }  /* "Place SELL" as wide as "Place BUY" */
    Ticket #ticket-rules { color: $text-muted; padding: 0 1; height: 1; }
    Ticket #ticket-estimate { padding: 0 1; height: auto; max-height: 3; }
    Ticket #ticket-estimate.-error { color: $error; }
    """

    class Placed(Message):
        """An order was recorded and sent; ``order`` is its record as the API shows it."""

        def __init__(self, order: dict[str, Any]) -> None:
            super().__init__()
            self.order = order

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.market = Market()
        self._typed = False  # the next check waits for typing to pause
        # The market last found unreachable, and when: the timer asks it again only after a pause.
        self._broken: tuple[Market, float] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="ticket-row"):
            yield Label("Side", classes="ticket-label")
            yield Cycle(SIDES, id="side")
            yield Label("Type", classes="ticket-label")
            yield Cycle(ORDER_TYPES, id="order-type")
            yield Label("Action", classes="ticket-label", id="action-label")
            yield Cycle(ACTIONS, id="action")
        with Horizontal(classes="ticket-row"):
            yield Label("Amount", classes="ticket-label")
            yield Input(placeholder="0.0", restrict=DECIMAL_INPUT, compact=True, id="amount")
            yield Label("", classes="unit", id="base-unit")
            yield Label("Price", classes="ticket-label")
            yield Input(placeholder="0.0", restrict=DECIMAL_INPUT, compact=True, id="price")
            yield Label("", classes="unit", id="quote-unit")
            yield Button(f"Place {SIDES[0]}", compact=True, variant="primary", id="place")
        yield Static("", id="ticket-rules")
        yield Static("Starting the kernel…", id="ticket-estimate", classes="panel--message")

    def on_mount(self) -> None:
        self.border_title = self.market.title
        self._show_action()

    # -- what is on the ticket ------------------------------------------------------------------

    @property
    def side(self) -> str:
        return self.query_one("#side", Cycle).value

    @property
    def order_type(self) -> str:
        return self.query_one("#order-type", Cycle).value

    @property
    def action(self) -> str:
        return self.query_one("#action", Cycle).value if self.market.perpetual else "OPEN"

    def set_side(self, side: str) -> None:
        self.query_one("#side", Cycle).value = side
        self.query_one("#amount", Input).focus()

    def next_order_type(self) -> None:
        self.query_one("#order-type", Cycle).action_step(1)

    def set_market(self, market: Market) -> None:
        """Trade another account, connector or pair: the amount and price are cleared."""
        if market == self.market:
            return
        if (market.connector, market.pair) != (self.market.connector, self.market.pair):
            self.query_one("#amount", Input).value = ""
            self.query_one("#price", Input).value = ""
        self.market = market
        self.border_title = market.title
        self.border_subtitle = ""
        base, quote = base_quote(market.pair)
        self.query_one("#base-unit", Label).update(base)
        self.query_one("#quote-unit", Label).update(quote)
        self.query_one("#ticket-rules", Static).update("")
        self._show_action()
        self.ask()

    def _show_action(self) -> None:
        for widget in self.query("#action-label, #action"):
            widget.display = self.market.perpetual

    def request(self) -> Any:
        """The order as the REST API would take it; a ``ValidationError`` says what is wrong."""
        from hbdesk_plugins.trading.models import TradeRequest

        price = self.query_one("#price", Input).value.strip()
        return TradeRequest.model_validate(
            {
                "account_name": self.market.account,
                "connector_name": self.market.connector,
                "trading_pair": self.market.pair,
                "trade_type": self.side,
                "amount": self.query_one("#amount", Input).value.strip(),
                "order_type": self.order_type,
                "price": price if price and self.order_type != "MARKET" else None,
                "position_action": self.action,
            }
        )

    def intent(self) -> OrderIntent:
        from hbdesk_plugins.trading.checks import OrderIntent

        request = self.request()
        return OrderIntent(
            request.trading_pair,
            request.trade_type,
            request.order_type,
            request.amount_decimal,
            request.price_decimal,
            request.position_action,
        )

    # -- reacting to the trader -----------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._typed = True
        self.ask()

    def on_cycle_changed(self, event: Cycle.Changed) -> None:
        event.stop()
        if event.cycle.id == "order-type":
            market = event.value == "MARKET"
            price = self.query_one("#price", Input)
            price.disabled = market
            price.placeholder = "market" if market else "0.0"
        self.query_one("#place", Button).label = f"Place {self.side}"
        self.ask()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "amount" and self.order_type != "MARKET" and not self._price_typed():
            self.query_one("#price", Input).focus()  # a limit order needs its price first
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    def _price_typed(self) -> bool:
        return bool(self.query_one("#price", Input).value.strip())

    def ask(self) -> None:
        """Check the order again now: the trader changed something."""
        self._broken = None
        self.reload()

    # -- checking -------------------------------------------------------------------------------

    @property
    def service(self) -> TradingService | None:
        if self.kernel.state is not KernelState.RUNNING:
            return None
        return self.kernel.optional_service(TRADING)

    def _resting(self, market: Market) -> bool:
        """Whether this market failed a moment ago (an exchange down is not asked every second)."""
        if self._broken is None or self._broken[0] != market:
            return False
        return time.monotonic() - self._broken[1] < RETRY

    def _estimate(self, text: str, error: bool = False) -> None:
        estimate = self.query_one("#ticket-estimate", Static)
        estimate.update(text)
        estimate.set_class(error, "-error")

    async def update_panel(self) -> None:
        market = self.market
        service = self.service
        if service is None or not market.chosen or self._resting(market):
            return
        if self._typed:
            self._typed = False
            await asyncio.sleep(TYPING_PAUSE)
        try:
            connector = await service.connector(market.account, market.connector)
        except HbdeskError as exc:
            self._broken = (market, time.monotonic())
            self._estimate(exc.detail, error=True)
            return
        self._broken = None
        if market != self.market:
            return  # the trader moved on while the connector started
        self._show_market(connector)
        if not self.query_one("#amount", Input).value.strip():
            self._estimate("Type an amount: b buys, s sells, t changes the order type.")
            return
        try:
            checked = await service.preview(market.account, market.connector, self.intent())
        except ValidationError as exc:
            self._estimate(_first_error(exc), error=True)
        except HbdeskError as exc:
            self._estimate(exc.detail, error=True)
        else:
            self._estimate(self._describe(checked))

    def _show_market(self, connector: Any) -> None:
        """The pair's rules (minimum size and notional, steps) and the touch, from the connector."""
        pair = self.market.pair
        base, quote = base_quote(pair)
        rule = connector.trading_rules.get(pair)
        if rule is None:
            self.query_one("#ticket-rules", Static).update(
                f"{pair} is not traded on {self.market.connector}."
            )
            return
        self.query_one("#ticket-rules", Static).update(
            f"min {number(rule.min_order_size)} {base} · min notional {number(rule.min_notional_size)} "
            f"{quote} · tick {number(rule.min_price_increment)}"
        )
        try:
            bid, ask = (Decimal(str(connector.get_price(pair, is_buy))) for is_buy in (False, True))
        except Exception:  # no book yet: the title says nothing rather than something wrong
            bid = ask = Decimal("NaN")
        touch = bid.is_finite() and ask.is_finite() and bid > 0
        self.border_subtitle = f"bid {number(bid)} · ask {number(ask)}" if touch else ""

    def _describe(self, checked: Checked) -> str:
        base, quote = base_quote(self.market.pair)
        price = number(checked.reference_price)
        at = f"@ {price}" if checked.price is not None else f"@ ~{price} (market)"
        return (
            f"{number(checked.amount)} {base} {at} ≈ {money(checked.notional)} {quote}"
            f" · fee ≈ {number(checked.fee, 4)} {quote}"
        )

    # -- placing --------------------------------------------------------------------------------

    @work(group="place", exclusive=True)
    async def submit(self) -> None:
        service = self.service
        market = self.market
        if service is None or not market.chosen:
            self.app.notify("The kernel is still starting.", timeout=3)
            return
        try:
            intent = self.intent()
        except ValidationError as exc:
            self._estimate(_first_error(exc), error=True)
            return
        try:
            checked = await service.preview(market.account, market.connector, intent)
        except HbdeskError as exc:
            self._estimate(exc.detail, error=True)
            return
        threshold = service.settings.confirm_notional
        if threshold == 0 or checked.notional > threshold:
            question = f"{self._sentence(intent)}\n{self._describe(checked)}"
            if not await self.app.push_screen_wait(ConfirmModal(question, "Place")):
                self.app.notify("Not sent.", timeout=3)  # the ticket keeps the order, to change or send
                return
        try:
            record = await service.place(market.account, market.connector, intent)
        except HbdeskError as exc:
            self._estimate(exc.detail, error=True)
            self.app.notify(exc.detail, title="Order refused", severity="error", timeout=8)
            return
        self.app.notify(f"{self._sentence(intent).rstrip('?')}: sent as {record.client_order_id}.", timeout=4)
        self.post_message(self.Placed(record.api()))

    def _sentence(self, intent: OrderIntent) -> str:
        market = self.market
        price = "at market" if intent.price is None else f"at {number(intent.price)}"
        action = f" ({intent.position_action})" if market.perpetual else ""
        return (
            f"{intent.trade_type.capitalize()} {number(intent.amount)} {intent.trading_pair} {price}"
            f"{action} on {market.connector} for {market.account}?"
        )


def _first_error(exc: ValidationError) -> str:
    """The first thing the request model refused, in its words ("amount must be greater than 0")."""
    error = exc.errors(include_url=False, include_input=False)[0]
    message = str(error["msg"]).removeprefix("Value error, ")
    field = ".".join(str(part) for part in error["loc"])
    return message if field and field in message else f"{field}: {message}" if field else message
