"""``hbdesk_sim_perpetual``: a hummingbot perpetual connector over the simulated perpetual venue.

A ``PerpetualDerivativePyBase`` like any real perpetual connector: positions, leverage, position
modes and funding payments reach hummingbot through the same methods and events, so executors
that trade perpetuals drive it unchanged.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from hummingbot.connector.derivative.position import Position
from hummingbot.connector.perpetual_derivative_py_base import PerpetualDerivativePyBase
from hummingbot.core.data_type.common import OrderType, PositionAction, PositionMode, PositionSide, TradeType
from hummingbot.core.data_type.funding_info import FundingInfo, FundingInfoUpdate
from hummingbot.core.data_type.in_flight_order import InFlightOrder
from hummingbot.core.data_type.perpetual_api_order_book_data_source import PerpetualAPIOrderBookDataSource
from hummingbot.core.data_type.trade_fee import TokenAmount, TradeFeeBase

from hbdesk_plugins.sim.connector import Clock, SimConnectorMixin, SimOrderBookDataSource
from hbdesk_plugins.sim.perpetual import SimPerpVenue
from hbdesk_plugins.sim.venue import VenueError, VenueFill

CONNECTOR_NAME = "hbdesk_sim_perpetual"


class SimPerpOrderBookDataSource(SimOrderBookDataSource, PerpetualAPIOrderBookDataSource):  # type: ignore[misc]  # hummingbot has no type hints
    """The spot feed plus funding: the current funding info with every book snapshot."""

    def __init__(self, trading_pairs: list[str], venue: SimPerpVenue, clock: Clock) -> None:
        super().__init__(trading_pairs, venue.market, clock)
        self.venue = venue

    def _funding(self, trading_pair: str) -> dict[str, Any]:
        """The venue's funding now, as the fields FundingInfo and FundingInfoUpdate share."""
        funding = self.venue.funding(trading_pair, self.clock())
        return {
            "trading_pair": trading_pair,
            "index_price": funding.index_price,
            "mark_price": funding.mark_price,
            "next_funding_utc_timestamp": int(funding.next_funding_time),
            "rate": funding.rate,
        }

    async def get_funding_info(self, trading_pair: str) -> FundingInfo:
        return FundingInfo(**self._funding(trading_pair))

    async def _order_book_snapshot(self, trading_pair: str) -> Any:
        snapshot = await super()._order_book_snapshot(trading_pair)
        update = FundingInfoUpdate(**self._funding(trading_pair))
        self._message_queue[self._funding_info_messages_queue_key].put_nowait(update)
        return snapshot

    async def _parse_funding_info_message(
        self, raw_message: Any, message_queue: asyncio.Queue[FundingInfoUpdate]
    ) -> None:
        message_queue.put_nowait(raw_message)


class HbdeskSimPerpetualDerivative(SimConnectorMixin, PerpetualDerivativePyBase):  # type: ignore[misc]  # hummingbot has no type hints
    venue: SimPerpVenue
    _funding_fee_polling_task: asyncio.Task[None] | None  # the base class's, started with the network

    @property
    def name(self) -> str:
        return CONNECTOR_NAME

    @property
    def client_order_id_prefix(self) -> str:
        return "HBP"

    @property
    def funding_fee_poll_interval(self) -> int:
        return 60

    def supported_position_modes(self) -> list[PositionMode]:
        return [PositionMode.ONEWAY, PositionMode.HEDGE]

    def get_buy_collateral_token(self, trading_pair: str) -> str:
        return self.venue.market.spec(trading_pair).quote

    def get_sell_collateral_token(self, trading_pair: str) -> str:
        return self.venue.market.spec(trading_pair).quote

    def _create_order_book_data_source(self) -> PerpetualAPIOrderBookDataSource:
        return SimPerpOrderBookDataSource(self.trading_pairs, self.venue, self._now)

    def _get_fee(
        self,
        base_currency: str,
        quote_currency: str,
        order_type: OrderType,
        order_side: TradeType,
        position_action: PositionAction,
        amount: Decimal,
        price: Decimal = Decimal("nan"),
        is_maker: bool | None = None,
    ) -> TradeFeeBase:
        percent = self._fee_rate(order_type, is_maker)
        return TradeFeeBase.new_perpetual_fee(
            self.trade_fee_schema(), position_action, percent=percent, percent_token=quote_currency
        )

    def _fill_fee(self, fill: VenueFill, order: InFlightOrder) -> TradeFeeBase:
        return TradeFeeBase.new_perpetual_fee(
            self.trade_fee_schema(),
            order.position,
            percent_token=fill.fee_asset,
            flat_fees=[TokenAmount(fill.fee_asset, fill.fee)],
        )

    async def stop_network(self) -> None:
        # hummingbot's perpetual base starts its funding-payment loop with the network but never
        # stops it, and swaps the Event that loop waits on: the loop would wait on an Event nobody
        # holds, until the collector destroys it still pending (a restart drops one more each time).
        polling, self._funding_fee_polling_task = self._funding_fee_polling_task, None
        if polling is not None:
            polling.cancel()
            await asyncio.gather(polling, return_exceptions=True)
        await super().stop_network()

    async def _after_venue_event(self, kind: str) -> None:
        await self._update_balances()
        await self._update_positions()
        if kind == "funding":
            # As a live exchange's private stream announces a funding fee: fetch it now rather
            # than at the next poll.
            self._funding_fee_poll_notifier.set()

    # -- positions, leverage, funding: asked of the venue ----------------------------------------

    async def _update_positions(self) -> None:
        now = self._now()
        live = {}
        for held in self.venue.positions(self.account):
            side = PositionSide[held.side]
            key = self._perpetual_trading.position_key(held.trading_pair, side)
            live[key] = Position(
                trading_pair=held.trading_pair,
                position_side=side,
                unrealized_pnl=held.unrealized_pnl(self.venue.mark_price(held.trading_pair, now)),
                entry_price=held.entry_price,
                amount=held.signed_amount,
                leverage=Decimal(held.leverage),
            )
        for key in set(self._perpetual_trading.account_positions) - set(live):
            self._perpetual_trading.remove_position(key)
        for key, position in live.items():
            self._perpetual_trading.set_position(key, position)

    async def _fetch_account_position_mode(self) -> PositionMode:
        return PositionMode[self.venue.position_mode(self.account)]

    async def _trading_pair_position_mode_set(
        self, mode: PositionMode, trading_pair: str
    ) -> tuple[bool, str]:
        try:
            self.venue.set_position_mode(self.account, mode.name)
        except VenueError as exc:
            return False, str(exc)
        return True, ""

    async def _set_trading_pair_leverage(self, trading_pair: str, leverage: int) -> tuple[bool, str]:
        try:
            self.venue.set_leverage(self.account, trading_pair, leverage)
        except VenueError as exc:
            return False, str(exc)
        return True, ""

    async def _fetch_last_fee_payment(self, trading_pair: str) -> tuple[float, Decimal, Decimal]:
        payments = self.venue.funding_payments(self.account, trading_pair)
        if not payments:
            return 0, Decimal(-1), Decimal(-1)
        last = payments[-1]
        return last.timestamp, last.rate, last.amount
