"""The controllers router's shapes, as the Hummingbot API names them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from hbdesk.sdk import RequestModel
from hbdesk_plugins.controllers.sources import SOURCE_MAX

ControllerType = Literal["directional_trading", "market_making", "generic"]


class ControllerBody(RequestModel):
    """A controller's source; ``type``, when given, must be the path's."""

    content: str = Field(max_length=SOURCE_MAX)
    type: ControllerType | None = None


class Message(BaseModel):
    message: str


class Validated(Message):
    config: dict[str, object]  # the config as the controller's class reads it


# -- hbdesk's own: controllers run live --------------------------------------------------------

LiveStatus = Literal["STARTING", "RUNNING", "STOPPED", "FAILED"]


class StartLiveRequest(RequestModel):
    """A controller config to run live (``controller_type``, ``controller_name`` and its
    fields; ``id``, the controller_id its executors carry, defaults to the controller's name)."""

    config: dict[str, Any]
    account_name: str = Field(default="master_account", min_length=1, max_length=64)
    update_interval: float | None = Field(
        default=None, ge=0.1, le=3600, description="Seconds between two ticks (default: the setting)."
    )


class StartLiveQuery(RequestModel):
    account_name: str = Field(default="master_account", min_length=1, max_length=64)
    update_interval: float | None = Field(
        default=None, ge=0.1, le=3600, description="Seconds between two ticks (default: the setting)."
    )


class StopLiveQuery(RequestModel):
    keep_position: bool = Field(
        default=False, description="Keep what the executors hold instead of closing it."
    )


class LiveController(BaseModel):
    """A controller run live: its state, its executors and their PnL (from the executors
    plugin's figures), and what its last tick computed."""

    controller_id: str
    controller_name: str
    controller_type: str
    account_name: str
    config_name: str | None
    status: LiveStatus
    reason: str | None = Field(description="Why it failed or stopped.")
    waiting_for: str | None = Field(description="What its last tick waited for (connectors, candles).")
    started_at: str | None
    last_tick_at: str | None
    ticks: int
    update_interval: float
    executors_total: int
    executors_active: int
    close_types: dict[str, int]
    net_pnl_quote: float
    realized_pnl_quote: float = Field(description="Of its closed executors.")
    unrealized_pnl_quote: float = Field(description="Of its active executors.")
    volume_traded_quote: float
    cum_fees_quote: float
    refused_actions: int = Field(description="Actions the executors plugin refused (each said in the log).")
    last_refused: str | None
    config: dict[str, Any]
    processed_data: dict[str, Any] = Field(
        description="The controller's processed_data as JSON: a frame as its rows, columns and last row."
    )
    status_lines: list[str]


class StoppedLive(BaseModel):
    controller_id: str
    status: LiveStatus
    keep_position: bool
    executors_stopped: list[str]
    executors_waiting: list[str] = Field(
        description="Executors still being resumed after a restart: stopped once they run again."
    )
