"""The portfolio's shapes, as the Hummingbot API has them: request filters and the answers built
from balances. The desk's screen reads the same models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from hbdesk.sdk import ConnectorName, RequestModel

NAMES_MAX = 1_000  # names one filter may list
TIME_MAX = 10**16  # milliseconds: the year 318857, and far below what a float cannot hold

AccountName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
AccountNames = Annotated[list[AccountName], Field(max_length=NAMES_MAX)]
ConnectorNames = Annotated[list[ConnectorName], Field(max_length=NAMES_MAX)]


# -- requests ------------------------------------------------------------------------------------


class PortfolioStateFilterRequest(RequestModel):
    account_names: AccountNames | None = None
    connector_names: ConnectorNames | None = None
    skip_gateway: bool = False  # the desk reads no Gateway wallets: accepted, changes nothing
    refresh: bool = False


class PortfolioDistributionFilterRequest(RequestModel):
    account_names: AccountNames | None = None
    connector_names: ConnectorNames | None = None


class PortfolioHistoryFilterRequest(RequestModel):
    account_names: AccountNames | None = None
    connector_names: ConnectorNames | None = None
    # Milliseconds since the epoch, as the reference reads them (its client's docstring says
    # seconds: a value too small to be milliseconds of this century is read as seconds).
    start_time: int | None = Field(None, ge=0, le=TIME_MAX)
    end_time: int | None = Field(None, ge=0, le=TIME_MAX)
    interval: str | None = Field("5m", max_length=8)
    cursor: str | None = Field(None, max_length=64)
    limit: int = Field(100, ge=1, le=1000)


# -- balances ------------------------------------------------------------------------------------


class TokenBalance(BaseModel):
    token: str
    units: float
    price: float  # in the rate oracle's global token; 0 when it prices no such token
    value: float
    available_units: float


class PerpetualTokenBalance(TokenBalance):
    """A perpetual connector's collateral token, with what its open positions add or hold."""

    unrealized_pnl: float  # of the positions margined in this token, in the token
    position_margin: float  # initial margin those positions hold, in the token


# account → connector → tokens; a perpetual's entries carry their positions' figures too
PortfolioState = dict[str, dict[str, list[PerpetualTokenBalance | TokenBalance]]]


# -- history -------------------------------------------------------------------------------------


class HistoryItem(BaseModel):
    timestamp: str  # ISO 8601, UTC: when the snapshot was taken
    state: PortfolioState


class HistoryFilters(BaseModel):
    account_names: list[str] | None
    connector_names: list[str] | None
    start_time: int | None
    end_time: int | None
    interval: str


class HistoryPagination(BaseModel):
    limit: int
    has_more: bool
    next_cursor: str | None
    current_cursor: str | None
    filters: HistoryFilters


class PortfolioHistoryResponse(BaseModel):
    data: list[HistoryItem]
    pagination: HistoryPagination


# -- distribution --------------------------------------------------------------------------------


class ConnectorHolding(BaseModel):
    value: float
    units: float


class AccountHolding(BaseModel):
    value: float
    units: float
    percentage: float
    connectors: dict[str, ConnectorHolding]


class TokenShare(BaseModel):
    token: str
    total_value: float
    total_units: float
    percentage: float  # of the total value of what the filter covers
    accounts: dict[str, AccountHolding]


class PortfolioDistribution(BaseModel):
    total_portfolio_value: float
    token_count: int
    distribution: list[TokenShare]  # the largest value first
    account_filter: str  # "all_accounts", or the accounts asked for


class ConnectorShare(BaseModel):
    value: float
    percentage: float


class AccountShare(BaseModel):
    account: str
    total_value: float
    percentage: float
    connectors: dict[str, ConnectorShare]


class AccountsDistribution(BaseModel):
    total_portfolio_value: float
    account_count: int
    distribution: list[AccountShare]  # the largest value first
