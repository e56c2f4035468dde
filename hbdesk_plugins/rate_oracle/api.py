"""The rate-oracle router, as the Hummingbot API documents it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import Call, RouteTable
from hbdesk_plugins.rate_oracle.models import (
    CachedPricesResponse,
    RateOracleConfigResponse,
    RateOracleConfigUpdateRequest,
    RateOracleConfigUpdateResponse,
    RateRequest,
    RateResponse,
    SingleRateResponse,
)
from hbdesk_plugins.rate_oracle.public import RATE_ORACLE

if TYPE_CHECKING:
    from hbdesk_plugins.rate_oracle.service import RateOracleService

routes = RouteTable(tags=("Rate Oracle",))
PAIR = {"trading_pair": {"type": "string", "title": "Trading Pair", "examples": ["BTC-USDT"]}}


def oracle(call: Call) -> RateOracleService:
    return call.kernel.service(RATE_ORACLE)


@routes.get("/rate-oracle/sources", response=list[str])
async def get_available_sources(call: Call) -> list[str]:
    """The sources prices can come from: the simulated exchange and hummingbot's."""
    return await oracle(call).available_sources()


@routes.get("/rate-oracle/config", response=RateOracleConfigResponse)
async def get_rate_oracle_config(call: Call) -> RateOracleConfigResponse:
    """The source, the global token and the sources one may choose from."""
    service = oracle(call)
    return RateOracleConfigResponse(
        rate_oracle_source=service.config.rate_oracle_source,
        global_token=service.config.global_token,
        available_sources=await service.available_sources(),
    )


@routes.put(
    "/rate-oracle/config",
    body=RateOracleConfigUpdateRequest,
    response=RateOracleConfigUpdateResponse,
    errors=(400,),
)
async def update_rate_oracle_config(call: Call) -> RateOracleConfigUpdateResponse:
    """Change the source and/or the global token; kept across restarts."""
    service = oracle(call)
    changes = await service.update(call.body)
    return RateOracleConfigUpdateResponse(
        success=True,
        message="; ".join(changes) if changes else "No changes made",
        config=service.config,
    )


@routes.post("/rate-oracle/rates", body=RateRequest, response=RateResponse, errors=(400, 503))
async def get_rates(call: Call) -> RateResponse:
    """Rates of trading pairs; null for a pair the source cannot price."""
    body: RateRequest = call.body
    rates, snapshot = await oracle(call).rates(body.trading_pairs)
    return RateResponse(source=snapshot.source, quote_token=snapshot.quote_token, rates=rates)


async def _single(call: Call, fresh: bool) -> SingleRateResponse:
    pair = call.path["trading_pair"]
    rate, snapshot = await oracle(call).rate(pair, fresh=fresh)
    return SingleRateResponse(
        trading_pair=pair, rate=rate, source=snapshot.source, quote_token=snapshot.quote_token
    )


@routes.get(
    "/rate-oracle/rate/{trading_pair}", response=SingleRateResponse, errors=(400, 404, 503), path_params=PAIR
)
async def get_single_rate(call: Call) -> SingleRateResponse:
    """The rate of one pair, from prices fetched in the last few seconds."""
    return await _single(call, fresh=False)


@routes.get(
    "/rate-oracle/rate-async/{trading_pair}",
    response=SingleRateResponse,
    errors=(400, 404, 503),
    path_params=PAIR,
)
async def get_rate_async(call: Call) -> SingleRateResponse:
    """The rate of one pair, from prices fetched from the source now."""
    return await _single(call, fresh=True)


@routes.get("/rate-oracle/prices", response=CachedPricesResponse, errors=(400, 503))
async def get_cached_prices(call: Call) -> CachedPricesResponse:
    """Every price the source gives in the global token, as the oracle holds them."""
    snapshot = await oracle(call).prices()
    return CachedPricesResponse(
        source=snapshot.source,
        quote_token=snapshot.quote_token,
        prices_count=len(snapshot.prices),
        prices=snapshot.prices,
        updated_at=snapshot.updated_at,
    )
