"""Gateway's settings section (HBDESK_GATEWAY__<KEY>); its URL also reads the Hummingbot API's
GATEWAY_URL."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from hbdesk.sdk import PluginSettings


class GatewaySettings(PluginSettings):
    url: str = Field(
        "http://localhost:15888",
        validation_alias=AliasChoices("HBDESK_GATEWAY__URL", "GATEWAY_URL"),
        description="Where Gateway answers.",
    )
    timeout: float = Field(10.0, gt=0, description="Seconds to wait for Gateway before giving up.")
