"""The trading router, as the Hummingbot API documents it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hbdesk.sdk import Call, RouteTable, page_in_memory
from hbdesk_plugins.trading.checks import OrderIntent
from hbdesk_plugins.trading.history import search_funding, search_orders, search_trades
from hbdesk_plugins.trading.models import (
    ActiveOrderFilterRequest,
    FundingPaymentFilterRequest,
    LeverageRequest,
    OrderFilterRequest,
    PaginatedResponse,
    PositionFilterRequest,
    PositionModeRequest,
    TradeFilterRequest,
    TradeRequest,
    TradeResponse,
)
from hbdesk_plugins.trading.public import TRADING

if TYPE_CHECKING:
    from hbdesk_plugins.trading.service import TradingService

routes = RouteTable(tags=("Trading",))
NAME = {"type": "string", "minLength": 1, "maxLength": 64}
ACCOUNT_CONNECTOR = {"account_name": NAME, "connector_name": {**NAME, "maxLength": 128}}


def trading(call: Call) -> TradingService:
    return call.kernel.service(TRADING)


@routes.post("/trading/orders", body=TradeRequest, response=TradeResponse, status=201, errors=(400, 404, 503))
async def place_trade(call: Call) -> TradeResponse:
    """Place an order: checked against the venue's rules and funds, recorded, then sent."""
    request: TradeRequest = call.body
    intent = OrderIntent(
        trading_pair=request.trading_pair,
        trade_type=request.trade_type,
        order_type=request.order_type,
        amount=request.amount_decimal,
        price=request.price_decimal,
        position_action=request.position_action,
    )
    record = await trading(call).place(request.account_name, request.connector_name, intent)
    return TradeResponse(
        order_id=record.client_order_id,
        account_name=record.account_name,
        connector_name=record.connector_name,
        trading_pair=record.trading_pair,
        trade_type=record.trade_type,
        amount=f"{record.amount.normalize():f}",
        order_type=record.order_type,
        price=None if record.price is None else f"{record.price.normalize():f}",
        status="submitted",
    )


@routes.post(
    "/trading/{account_name}/{connector_name}/orders/{client_order_id}/cancel",
    response=dict[str, Any],
    errors=(400, 404, 409, 503),
    path_params={**ACCOUNT_CONNECTOR, "client_order_id": {**NAME, "maxLength": 128}},
)
async def cancel_order(call: Call) -> dict[str, Any]:
    """Cancel an active order by its client order id."""
    order_id = await trading(call).cancel(
        call.path["account_name"], call.path["connector_name"], call.path["client_order_id"]
    )
    return {"message": f"Order cancellation initiated for {order_id}"}


@routes.post("/trading/positions", body=PositionFilterRequest, response=PaginatedResponse, errors=(400, 404))
async def get_positions(call: Call) -> PaginatedResponse:
    """Open perpetual positions, live from the connectors."""
    request: PositionFilterRequest = call.body
    rows = await trading(call).positions(request.account_names, request.connector_names)
    return PaginatedResponse.model_validate(
        page_in_memory(
            rows,
            lambda row: f"{row['account_name']}:{row['connector_name']}:{row['trading_pair']}:{row['side']}",
            request.cursor,
            request.limit,
        )
    )


@routes.post(
    "/trading/orders/active", body=ActiveOrderFilterRequest, response=PaginatedResponse, errors=(400,)
)
async def get_active_orders(call: Call) -> PaginatedResponse:
    """Orders not yet filled, cancelled or failed."""
    request: ActiveOrderFilterRequest = call.body
    rows = [
        record.api()
        for record in trading(call).active_orders()
        if (not request.account_names or record.account_name in request.account_names)
        and (not request.connector_names or record.connector_name in request.connector_names)
        and (not request.trading_pairs or record.trading_pair in request.trading_pairs)
    ]
    return PaginatedResponse.model_validate(
        page_in_memory(rows, lambda row: str(row["order_id"]), request.cursor, request.limit)
    )


@routes.post("/trading/orders/search", body=OrderFilterRequest, response=PaginatedResponse, errors=(400,))
async def get_orders(call: Call) -> PaginatedResponse:
    """Recorded orders, newest first, filtered by account, connector, pair, status and time."""
    return PaginatedResponse.model_validate(await search_orders(call.kernel, call.body))


@routes.post("/trading/trades", body=TradeFilterRequest, response=PaginatedResponse, errors=(400,))
async def get_trades(call: Call) -> PaginatedResponse:
    """Recorded fills, newest first, filtered by account, connector, pair, side and time."""
    return PaginatedResponse.model_validate(await search_trades(call.kernel, call.body))


@routes.post(
    "/trading/{account_name}/{connector_name}/position-mode",
    body=PositionModeRequest,
    response=dict[str, Any],
    errors=(400, 404, 503),
    path_params=ACCOUNT_CONNECTOR,
)
async def set_position_mode(call: Call) -> dict[str, str]:
    """Set a perpetual connector's position mode (HEDGE or ONEWAY)."""
    return await trading(call).set_position_mode(
        call.path["account_name"], call.path["connector_name"], call.body.position_mode
    )


@routes.get(
    "/trading/{account_name}/{connector_name}/position-mode",
    response=dict[str, Any],
    errors=(400, 404, 503),
    path_params=ACCOUNT_CONNECTOR,
)
async def get_position_mode(call: Call) -> dict[str, str]:
    """A perpetual connector's position mode."""
    return await trading(call).position_mode(call.path["account_name"], call.path["connector_name"])


@routes.post(
    "/trading/{account_name}/{connector_name}/leverage",
    body=LeverageRequest,
    response=dict[str, Any],
    errors=(400, 404, 503),
    path_params=ACCOUNT_CONNECTOR,
)
async def set_leverage(call: Call) -> dict[str, str]:
    """Set the leverage of one pair on a perpetual connector."""
    request: LeverageRequest = call.body
    return await trading(call).set_leverage(
        call.path["account_name"], call.path["connector_name"], request.trading_pair, request.leverage
    )


@routes.post(
    "/trading/funding-payments", body=FundingPaymentFilterRequest, response=PaginatedResponse, errors=(400,)
)
async def get_funding_payments(call: Call) -> PaginatedResponse:
    """Recorded funding payments of perpetual positions, newest first."""
    return PaginatedResponse.model_validate(await search_funding(call.kernel, call.body))
