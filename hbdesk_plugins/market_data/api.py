"""The market-data router, as the Hummingbot API documents it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from hbdesk.sdk import Call, Encoded, InvalidInput, RouteTable, Socket, Streamed
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS
from hbdesk_plugins.market_data.models import (
    AddTradingPairRequest,
    CandleModel,
    CandlesConfigRequest,
    FundingInfoRequest,
    FundingInfoResponse,
    HistoricalCandlesConfig,
    MarketDataSettingsModel,
    OrderBookQueryResult,
    OrderBookRequest,
    OrderBookResponse,
    PriceForQuoteVolumeRequest,
    PriceForVolumeRequest,
    PriceRequest,
    PricesResponse,
    QuoteVolumeForPriceRequest,
    RatesResponse,
    RemoveTradingPairRequest,
    TickerRatesRequest,
    TickersQuery,
    TickersResponse,
    TradingPairResponse,
    VolumeForPriceRequest,
    VWAPForVolumeRequest,
)
from hbdesk_plugins.market_data.public import MARKET_DATA, MARKET_TICKERS

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel
    from hbdesk_plugins.market_data.service import MarketDataService

routes = RouteTable(tags=("Market Data",))
ERRORS = (400, 503, 504)


def service(call: Call) -> MarketDataService:
    return call.kernel.service(MARKET_DATA)


@routes.post("/market-data/candles", body=CandlesConfigRequest, response=list[CandleModel], errors=ERRORS)
async def get_candles(call: Call) -> Streamed:
    """The latest candles of a pair, the newest still open."""
    body: CandlesConfigRequest = call.body
    return Streamed(
        await service(call).candles_json(
            body.connector_name, body.trading_pair, body.interval, body.max_records
        )
    )


@routes.post(
    "/market-data/historical-candles", body=HistoricalCandlesConfig, response=list[CandleModel], errors=ERRORS
)
async def get_historical_candles(call: Call) -> Streamed:
    """Candles opening within [start_time, end_time), in seconds."""
    body: HistoricalCandlesConfig = call.body
    return Streamed(
        await service(call).historical_json(
            body.connector_name, body.trading_pair, body.interval, body.start_time, body.end_time
        )
    )


@routes.get("/market-data/active-feeds", response=dict[str, Any])
async def get_active_feeds(call: Call) -> dict[str, Any]:
    """Feeds being kept up, with when each was last read."""
    return service(call).active_feeds()


@routes.get("/market-data/settings", response=MarketDataSettingsModel)
async def get_market_data_settings(call: Call) -> MarketDataSettingsModel:
    """How often idle feeds are swept, and after how long unread they stop."""
    settings = service(call).settings
    return MarketDataSettingsModel(
        cleanup_interval=settings.cleanup_interval,
        feed_timeout=settings.feed_timeout,
        description="A feed unread for feed_timeout seconds stops; the sweep runs every cleanup_interval.",
    )


@routes.get("/market-data/available-candle-connectors", response=list[str])
async def get_available_candle_connectors(call: Call) -> list[str]:
    """Connectors with a candles feed."""
    return service(call).candle_connectors()


@routes.post("/market-data/prices", body=PriceRequest, response=PricesResponse, errors=ERRORS)
async def get_prices(call: Call) -> PricesResponse:
    """Mid prices of pairs on a connector."""
    body: PriceRequest = call.body
    prices = await service(call).prices(body.connector_name, body.trading_pairs)
    return PricesResponse(connector=body.connector_name, prices=prices, timestamp=call.kernel.clock())


@routes.get("/market-data/tickers", query=TickersQuery, response=TickersResponse, errors=(400, 503))
async def get_tickers(call: Call) -> TickersResponse:
    """Tickers grouped by connector, with their counts, when each was collected and what failed."""
    query: TickersQuery = call.query
    pool = call.kernel.service(MARKET_TICKERS)
    return await pool.tickers(query.connector_names(), query.refresh, query.max_age)


@routes.post("/market-data/rates", body=TickerRatesRequest, response=RatesResponse, errors=(400, 503))
async def get_rates(call: Call) -> RatesResponse:
    """Cross rates of pairs from the tickers: direct, inverse or through a common token."""
    body: TickerRatesRequest = call.body
    return await call.kernel.service(MARKET_TICKERS).rates(body.trading_pairs, body.connector)


@routes.post(
    "/market-data/funding-info", body=FundingInfoRequest, response=FundingInfoResponse, errors=ERRORS
)
async def get_funding_info(call: Call) -> FundingInfoResponse:
    """Funding rate, next funding time, mark and index price of a perpetual pair."""
    body: FundingInfoRequest = call.body
    spec = await call.kernel.service(CONNECTORS).spec(body.connector_name)
    if spec.kind != "perpetual":
        raise InvalidInput(f"{body.connector_name} is a {spec.kind} connector: funding is for perpetual ones")
    await service(call).check_pair(body.connector_name, body.trading_pair)
    connector = await call.kernel.service(CONNECTOR_MANAGER).public(body.connector_name, [body.trading_pair])
    info = connector.get_funding_info(body.trading_pair)
    return FundingInfoResponse(
        trading_pair=body.trading_pair,
        funding_rate=float(info.rate),
        next_funding_time=float(info.next_funding_utc_timestamp),
        mark_price=float(info.mark_price),
        index_price=float(info.index_price),
    )


@routes.post("/market-data/order-book", body=OrderBookRequest, response=OrderBookResponse, errors=ERRORS)
async def get_order_book(call: Call) -> Encoded:
    """The top ``depth`` levels of each side."""
    body: OrderBookRequest = call.body
    return Encoded(await service(call).order_book_json(body.connector_name, body.trading_pair, body.depth))


def _query_route(path: str, model: type[BaseModel], kind: str, field: str) -> None:
    async def handler(call: Call) -> OrderBookQueryResult:
        body = call.body
        return await service(call).query(
            body.connector_name, body.trading_pair, body.is_buy, kind, getattr(body, field)
        )

    handler.__name__ = f"get_{kind}"
    handler.__doc__ = f"The order book's {kind.replace('_', ' ')}."
    routes.post(path, body=model, response=OrderBookQueryResult, errors=ERRORS)(handler)


_query_route("/market-data/order-book/price-for-volume", PriceForVolumeRequest, "price_for_volume", "volume")
_query_route("/market-data/order-book/volume-for-price", VolumeForPriceRequest, "volume_for_price", "price")
_query_route(
    "/market-data/order-book/price-for-quote-volume",
    PriceForQuoteVolumeRequest,
    "price_for_quote_volume",
    "quote_volume",
)
_query_route(
    "/market-data/order-book/quote-volume-for-price",
    QuoteVolumeForPriceRequest,
    "quote_volume_for_price",
    "price",
)
_query_route("/market-data/order-book/vwap-for-volume", VWAPForVolumeRequest, "vwap_for_volume", "volume")


@routes.post(
    "/market-data/trading-pair/add", body=AddTradingPairRequest, response=TradingPairResponse, errors=ERRORS
)
async def add_trading_pair(call: Call) -> TradingPairResponse:
    """Start following a pair's order book."""
    body: AddTradingPairRequest = call.body
    await service(call).add_pair(body.connector_name, body.trading_pair, body.timeout)
    return TradingPairResponse(
        success=True,
        connector_name=body.connector_name,
        trading_pair=body.trading_pair,
        message=f"Following {body.trading_pair} on {body.connector_name}",
    )


@routes.post(
    "/market-data/trading-pair/remove",
    body=RemoveTradingPairRequest,
    response=TradingPairResponse,
    errors=ERRORS,
)
async def remove_trading_pair(call: Call) -> TradingPairResponse:
    """Stop following a pair's order book."""
    body: RemoveTradingPairRequest = call.body
    removed = await service(call).remove_pair(body.connector_name, body.trading_pair)
    message = "Stopped following" if removed else "Was not following"
    return TradingPairResponse(
        success=removed,
        connector_name=body.connector_name,
        trading_pair=body.trading_pair,
        message=f"{message} {body.trading_pair} on {body.connector_name}",
    )


class AccountQuery(BaseModel):
    account_name: str | None = None


@routes.get(
    "/market-data/order-book/diagnostics/{connector_name}",
    query=AccountQuery,
    response=dict[str, Any],
    errors=(400,),
)
async def get_order_book_diagnostics(call: Call) -> dict[str, Any]:
    """Whether a connector's order books run, which pairs, and their message rates."""
    return await service(call).diagnostics(call.path["connector_name"])


@routes.post(
    "/market-data/order-book/restart/{connector_name}",
    query=AccountQuery,
    response=dict[str, Any],
    errors=ERRORS,
)
async def restart_order_book_tracker(call: Call) -> dict[str, Any]:
    """Stop a connector's order books and start them again with the same pairs."""
    name = call.path["connector_name"]
    pairs = await service(call).restart(name)
    return {"success": True, "connector_name": name, "trading_pairs": pairs}


@routes.websocket("/ws/market-data")
async def market_data_websocket(kernel: Kernel, socket: Socket) -> None:
    """Candles, order books and trades, pushed as they change."""
    from hbdesk_plugins.market_data.stream import market_data_socket

    await market_data_socket(kernel, socket)
