"""Shapes of the market-data router, as the Hummingbot API has them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from hbdesk.sdk import ConnectorName, Interval, RequestModel, TradingPair

# The limit depends on the interval (it bounds one request's work) and is the service's to check.
CANDLE_LIMIT = "Candles a request may ask for are limited by interval; beyond it, a 400 names the limit."
TIMESTAMP_MAX = 253_402_300_799  # 9999-12-31 23:59:59 UTC in seconds: milliseconds are refused


class CandlesConfigRequest(RequestModel):
    connector_name: ConnectorName
    trading_pair: TradingPair
    interval: Interval = "1m"
    max_records: int = Field(500, ge=1, description=CANDLE_LIMIT)


class HistoricalCandlesConfig(RequestModel):
    connector_name: ConnectorName
    trading_pair: TradingPair
    interval: Interval
    start_time: int = Field(ge=0, le=TIMESTAMP_MAX, description="Seconds. " + CANDLE_LIMIT)
    end_time: int = Field(ge=0, le=TIMESTAMP_MAX, description="Seconds, exclusive.")


class CandleModel(BaseModel):
    timestamp: float
    open: float
    high: float
    low: float
    close: float
    volume: float
    quote_asset_volume: float
    n_trades: int
    taker_buy_base_volume: float
    taker_buy_quote_volume: float


class PriceRequest(RequestModel):
    connector_name: ConnectorName
    trading_pairs: list[TradingPair] = Field(min_length=1, max_length=1000)


class PricesResponse(BaseModel):
    connector: str
    prices: dict[str, float]
    timestamp: float


class FundingInfoRequest(RequestModel):
    connector_name: ConnectorName
    trading_pair: TradingPair


class FundingInfoResponse(BaseModel):
    trading_pair: str
    funding_rate: float | None
    next_funding_time: float | None
    mark_price: float | None
    index_price: float | None


class OrderBookRequest(RequestModel):
    connector_name: ConnectorName
    trading_pair: TradingPair
    depth: int = Field(10, ge=1, le=1000)


class OrderBookLevel(BaseModel):
    price: float
    amount: float


class OrderBookResponse(BaseModel):
    trading_pair: str
    bids: list[OrderBookLevel]
    asks: list[OrderBookLevel]
    timestamp: float


class BookQuery(RequestModel):
    connector_name: ConnectorName
    trading_pair: TradingPair
    is_buy: bool


class PriceForVolumeRequest(BookQuery):
    volume: float = Field(gt=0)


class VWAPForVolumeRequest(BookQuery):
    volume: float = Field(gt=0)


class PriceForQuoteVolumeRequest(BookQuery):
    quote_volume: float = Field(gt=0)


class VolumeForPriceRequest(BookQuery):
    price: float = Field(gt=0)


class QuoteVolumeForPriceRequest(BookQuery):
    price: float = Field(gt=0)


class OrderBookQueryResult(BaseModel):
    trading_pair: str
    is_buy: bool
    query_volume: float | None = None
    query_price: float | None = None
    result_price: float | None = None
    result_volume: float | None = None
    result_quote_volume: float | None = None
    average_price: float | None = None
    timestamp: float


class AddTradingPairRequest(RequestModel):
    connector_name: ConnectorName
    trading_pair: TradingPair
    account_name: str | None = Field(None, max_length=64)
    timeout: float = Field(30.0, ge=1, le=120)


class RemoveTradingPairRequest(RequestModel):
    connector_name: ConnectorName
    trading_pair: TradingPair
    account_name: str | None = Field(None, max_length=64)


class TradingPairResponse(BaseModel):
    success: bool
    connector_name: str
    trading_pair: str
    message: str


class MarketDataSettingsModel(BaseModel):
    cleanup_interval: float
    feed_timeout: float
    description: str


class TickersQuery(BaseModel):
    connectors: list[str] | None = Field(
        None, description="Only these connectors: comma-separated, or the parameter repeated."
    )
    refresh: bool = Field(False, description="Fetch again, whatever the cache holds.")
    max_age: float | None = Field(None, ge=0, description="Seconds a cached ticker may be old.")

    def connector_names(self) -> list[str]:
        names = [part.strip() for value in self.connectors or () for part in value.split(",")]
        return list(dict.fromkeys(name for name in names if name))


class TickerInfo(BaseModel):
    price: float
    base_volume: float | None = None  # the last 24 h, where the source tells it
    quote_volume: float | None = None
    volume: float | None = None  # the 24 h quote volume, under the name older clients read
    timestamp: float


class TickersResponse(BaseModel):
    tickers: dict[str, dict[str, TickerInfo]]
    counts: dict[str, int]
    updated_at: dict[str, float | None]
    errors: dict[str, str]


class TickerRatesRequest(RequestModel):
    trading_pairs: list[TradingPair] = Field(min_length=1, max_length=1000)
    connector: ConnectorName | None = None


class RatesResponse(BaseModel):
    quote_token: str
    connector: str | None = None
    rates: dict[str, float | None]
