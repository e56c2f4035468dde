"""The portfolio router, as the Hummingbot API documents it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import Call, RouteTable
from hbdesk_plugins.portfolio.models import (
    AccountsDistribution,
    PortfolioDistribution,
    PortfolioDistributionFilterRequest,
    PortfolioHistoryFilterRequest,
    PortfolioHistoryResponse,
    PortfolioState,
    PortfolioStateFilterRequest,
)
from hbdesk_plugins.portfolio.public import PORTFOLIO

if TYPE_CHECKING:
    from hbdesk_plugins.portfolio.service import PortfolioService

routes = RouteTable(tags=("Portfolio",))


def portfolio(call: Call) -> PortfolioService:
    return call.kernel.service(PORTFOLIO)


@routes.post(
    "/portfolio/state", body=PortfolioStateFilterRequest, response=PortfolioState, errors=(400, 404, 503)
)
async def get_portfolio_state(call: Call) -> PortfolioState:
    """Balances of every (or the chosen) account and connector, valued in the global token."""
    body: PortfolioStateFilterRequest = call.body
    return await portfolio(call).state(body.account_names, body.connector_names, refresh=body.refresh)


@routes.post(
    "/portfolio/history",
    body=PortfolioHistoryFilterRequest,
    response=PortfolioHistoryResponse,
    errors=(400, 404, 503),
)
async def get_portfolio_history(call: Call) -> PortfolioHistoryResponse:
    """Snapshots of the portfolio, resampled to the interval, newest first, by cursor."""
    return await portfolio(call).history(call.body)


@routes.post(
    "/portfolio/distribution",
    body=PortfolioDistributionFilterRequest,
    response=PortfolioDistribution,
    errors=(400, 404, 503),
)
async def get_portfolio_distribution(call: Call) -> PortfolioDistribution:
    """The value by token, with each token's share and where it is held."""
    body: PortfolioDistributionFilterRequest = call.body
    return await portfolio(call).distribution(body.account_names, body.connector_names)


@routes.get("/portfolio/accounts-distribution", response=AccountsDistribution, errors=(503,))
async def get_accounts_distribution(call: Call) -> AccountsDistribution:
    """The value by account, with each account's and connector's share."""
    return await portfolio(call).accounts_distribution()
