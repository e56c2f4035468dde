"""The trading section (HBDESK_TRADING__<KEY>)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from hbdesk.sdk import PluginSettings


class TradingSettings(PluginSettings):
    confirm_notional: Decimal = Field(
        Decimal(1000),
        ge=0,
        description="The desk asks before sending an order worth more than this (quote units);"
        " 0 asks always.",
    )
    record_batch: int = Field(
        500, ge=1, description="Records written to the database in one transaction at most."
    )
    reconcile_interval: float = Field(
        30.0, gt=0, description="Seconds between attempts to reconcile orders a restart left unsettled."
    )
    hold_before_send: float = Field(
        0.0,
        ge=0,
        description="Seconds an order waits between being recorded and being sent: a drill for crash"
        " recovery (a kill in that window must leave a record the next start settles). Keep 0.",
    )
