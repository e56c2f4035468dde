"""The backtesting router's request and answers, as the Hummingbot API documents them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

DEFAULT_START = 1735689600
DEFAULT_END = 1738368000


class BacktestingConfig(BaseModel):
    start_time: int = Field(DEFAULT_START, description="Start of the range, seconds since the epoch.")
    end_time: int = Field(DEFAULT_END, description="End of the range (excluded), seconds since the epoch.")
    backtesting_resolution: str = Field("1m", description="Interval of the candles the executors walk.")
    trade_cost: float = Field(0.0006, ge=0, lt=1, description="Fee of each trade, as a fraction.")
    config: dict[str, Any] | str = Field(
        description="A controller config (naming its controller_type and controller_name; the type may"
        " be left out for a shipped controller), or a saved config's name (or a shipped controller's,"
        " run with its defaults)."
    )
    engine: Literal["auto", "vectorised", "hummingbot"] = Field(
        "auto",
        description="hbdesk's extension: 'auto' runs hbdesk's vectorised engine where it applies and"
        " hummingbot's BacktestingEngineBase otherwise; the other two force one.",
    )


class TaskSubmitted(BaseModel):
    task_id: str
    status: str


class TaskSummary(BaseModel):
    task_id: str
    status: Literal["pending", "running", "completed", "failed"]
    progress: float
    engine: str | None = None
    error: str | None = None
    created_at: float
    started_at: float | None = None
    completed_at: float | None = None
    config: dict[str, Any] = Field(default_factory=dict, description="The request as submitted.")


class TaskDeleted(BaseModel):
    task_id: str
    status: Literal["cancelled", "deleted"]
    message: str
