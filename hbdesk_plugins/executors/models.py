"""Request and response models of the executors router, with the reference's field names."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hbdesk.sdk import ConnectorName, RequestModel, TradingPair

ExecutorTypeName = Literal[
    "position_executor",
    "grid_executor",
    "dca_executor",
    "arbitrage_executor",
    "twap_executor",
    "xemm_executor",
    "order_executor",
    "lp_executor",
]
Name = ConnectorName  # a name without spaces, bounded


class CreateExecutorRequest(RequestModel):
    account_name: Name | None = Field(
        None, description="The account to trade for; master_account if omitted."
    )
    controller_id: Name = "main"
    executor_config: dict[str, Any] = Field(
        description="The executor's config, with its 'type' (position_executor, grid_executor, ...)."
    )


class CreateExecutorResponse(BaseModel):
    executor_id: str
    executor_type: str
    connector_name: str | None
    trading_pair: str | None
    controller_id: str = "main"
    status: str
    created_at: str | None


class ExecutorFilterRequest(RequestModel):
    account_names: list[Name] | None = None
    connector_names: list[Name] | None = None
    trading_pairs: list[TradingPair] | None = None
    executor_types: list[str] | None = Field(
        None, description="Executor types (the registered ones: position_executor, ...)."
    )
    status: str | None = Field(None, max_length=32)
    controller_ids: list[Name] | None = None
    limit: int = Field(100, ge=1, le=1000)
    cursor: str | None = Field(None, max_length=512)


class Pagination(BaseModel):
    limit: int
    has_more: bool
    next_cursor: str | None
    total_count: int


class PaginatedResponse(BaseModel):
    data: list[dict[str, Any]]
    pagination: Pagination


class ExecutorDetail(BaseModel):
    """An executor, live or finished."""

    model_config = ConfigDict(extra="allow")

    executor_id: str
    executor_type: str
    account_name: str
    connector_name: str | None
    trading_pair: str | None
    side: str | None = None
    status: str
    close_type: str | None = None
    is_active: bool
    is_trading: bool
    timestamp: float | None = None
    created_at: str | None = None
    close_timestamp: float | None = None
    closed_at: str | None = None
    controller_id: str = "main"
    net_pnl_quote: float
    net_pnl_pct: float
    cum_fees_quote: float
    filled_amount_quote: float
    config: dict[str, Any] = Field(default_factory=dict)
    custom_info: dict[str, Any] = Field(default_factory=dict)
    error_count: int = 0
    last_error: str | None = None


class SummaryResponse(BaseModel):
    total_active: int
    total_pnl_quote: float
    total_volume_quote: float
    by_type: dict[str, int]
    by_connector: dict[str, int]
    by_status: dict[str, int]


class TypePerformance(BaseModel):
    executor_type: str
    total: int
    completed: int
    running: int
    pnl_quote: float
    volume_quote: float
    fees_quote: float


class PerformanceResponse(BaseModel):
    controller_id: str | None
    total_executors: int
    by_status: dict[str, int]
    pnl_total_quote: float
    unrealized_pnl_quote: float
    global_pnl_quote: float
    pnl_pct_avg: float
    fees_total_quote: float
    volume_total_quote: float
    win_rate: float
    sharpe_ratio: float | None
    by_type: list[TypePerformance]
    active_positions: int


class ControllerQuery(RequestModel):
    controller_id: Name | None = None


class LogsQuery(RequestModel):
    level: (
        Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "debug", "info", "warning", "error"] | None
    ) = None
    limit: int = Field(50, ge=1, le=10_000)


class LogEntry(BaseModel):
    model_config = ConfigDict(extra="allow")

    timestamp: str
    level: str
    message: str
    exc_info: str | None = None


class LogsResponse(BaseModel):
    executor_id: str
    logs: list[LogEntry]
    total_count: int


class StopExecutorRequest(RequestModel):
    keep_position: bool = False


class StopExecutorResponse(BaseModel):
    executor_id: str
    status: str = "stopping"
    keep_position: bool


class ExecutorTypeInfo(BaseModel):
    type: str
    description: str
    use_case: str


class ExecutorTypesResponse(BaseModel):
    executor_types: list[ExecutorTypeInfo]


class PositionHoldResponse(BaseModel):
    trading_pair: str
    connector_name: str
    account_name: str
    controller_id: str = "main"
    buy_amount_base: float
    buy_amount_quote: float
    sell_amount_base: float
    sell_amount_quote: float
    net_amount_base: float
    buy_breakeven_price: float | None
    sell_breakeven_price: float | None
    matched_amount_base: float
    unmatched_amount_base: float
    position_side: str
    realized_pnl_quote: float
    cum_fees_quote: float = 0.0
    unrealized_pnl_quote: float | None
    executor_count: int
    executor_ids: list[str]
    last_updated: str | None


class PositionsSummaryResponse(BaseModel):
    total_positions: int
    total_realized_pnl: float
    total_unrealized_pnl: float | None
    positions: list[PositionHoldResponse]


class HoldQuery(RequestModel):
    account_name: Name = "master_account"
    controller_id: Name = "main"


class ClearedResponse(BaseModel):
    message: str
    connector_name: str
    trading_pair: str
