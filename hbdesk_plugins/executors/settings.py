"""The executors section (HBDESK_EXECUTORS__<KEY>)."""

from __future__ import annotations

from pydantic import Field

from hbdesk.sdk import PluginSettings


class ExecutorsSettings(PluginSettings):
    update_interval: float = Field(
        1.0, gt=0, le=60, description="Seconds between two steps of an executor (hummingbot's control task)."
    )
    max_retries: int = Field(10, ge=0, description="Failed orders an executor retries before it gives up.")
    log_limit: int = Field(200, ge=1, le=10_000, description="Log lines kept per executor.")
    save_delay: float = Field(
        0.2,
        ge=0,
        le=10,
        description="Seconds an executor's changes are gathered before they are written (one write"
        " for many changes); the state an order depends on is written before it is sent, whatever"
        " this says.",
    )
    step_save_interval: float = Field(
        5.0,
        gt=0,
        le=60,
        description="Seconds between two writes of an executor whose steps changed nothing else"
        " (its orders, fills and status are written as they change).",
    )
    resume_timeout: float = Field(
        60.0,
        gt=0,
        description="Seconds a restart waits for an executor's orders to be settled with their"
        " exchange before it resumes with what it knows.",
    )
