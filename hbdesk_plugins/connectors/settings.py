"""The connectors' settings section (HBDESK_CONNECTORS__<KEY>)."""

from __future__ import annotations

from pydantic import Field

from hbdesk.sdk import PluginSettings


class ConnectorsSettings(PluginSettings):
    timeout: float = Field(10.0, gt=0, description="Seconds to wait for an exchange before giving up.")
    catalog_timeout: float = Field(
        120.0, gt=0, description="Seconds to wait for hummingbot's connector list to load."
    )
    idle_timeout: float = Field(
        900.0,
        ge=0,
        description="Seconds a trading connector may sit unused, with no order in flight, before it is"
        " stopped (started again on the next use); 0 keeps them running.",
    )
