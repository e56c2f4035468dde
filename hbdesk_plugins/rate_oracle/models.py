"""Shapes of the rate-oracle router, as the Hummingbot API has them."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from hbdesk.sdk import RequestModel, TradingPair


class GlobalTokenConfig(RequestModel):
    global_token_name: str = Field("USDT", min_length=1, max_length=20, pattern=r"^[A-Za-z0-9]+$")
    global_token_symbol: str = Field("$", min_length=1, max_length=8)

    @field_validator("global_token_name")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()  # hummingbot's pairs spell tokens in capitals


class RateOracleSourceConfig(RequestModel):
    # A plain string, not an enum: the sources are hummingbot's, known only once it has loaded.
    # Unset: the desk's default market (a market computed offline, so everything is priced).
    name: str = Field("", max_length=64)


class RateOracleConfig(BaseModel):
    rate_oracle_source: RateOracleSourceConfig = Field(default_factory=RateOracleSourceConfig)
    global_token: GlobalTokenConfig = Field(default_factory=GlobalTokenConfig)


class RateOracleConfigResponse(BaseModel):
    rate_oracle_source: RateOracleSourceConfig
    global_token: GlobalTokenConfig
    available_sources: list[str]


class RateOracleConfigUpdateRequest(RequestModel):
    """Only what is given changes; a field left out of ``global_token`` keeps its value."""

    rate_oracle_source: RateOracleSourceConfig | None = None
    global_token: GlobalTokenConfig | None = None


class RateOracleConfigUpdateResponse(BaseModel):
    success: bool
    message: str
    config: RateOracleConfig


class RateRequest(RequestModel):
    trading_pairs: list[TradingPair] = Field(min_length=1, max_length=1000)


class RateResponse(BaseModel):
    source: str
    quote_token: str
    rates: dict[str, float | None]  # None: the source prices no chain between the two tokens


class SingleRateResponse(BaseModel):
    trading_pair: str
    rate: float | None
    source: str
    quote_token: str


class CachedPricesResponse(BaseModel):
    source: str
    quote_token: str
    prices_count: int
    prices: dict[str, float]
    updated_at: float | None
