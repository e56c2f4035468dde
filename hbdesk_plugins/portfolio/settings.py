"""The portfolio's settings section (HBDESK_PORTFOLIO__<KEY>); the snapshot interval also reads
the Hummingbot API's ACCOUNT_UPDATE_INTERVAL."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from hbdesk.sdk import PluginSettings


class PortfolioSettings(PluginSettings):
    account_update_interval: float = Field(
        5.0,
        gt=0,
        validation_alias=AliasChoices("HBDESK_PORTFOLIO__ACCOUNT_UPDATE_INTERVAL", "ACCOUNT_UPDATE_INTERVAL"),
        description="Minutes between two snapshots of every account's balances.",
    )
