"""Gateway's settings section (HBDESK_GATEWAY__<KEY>); its URL is the core GATEWAY_URL."""

from __future__ import annotations

from pydantic import Field

from hbdesk.settings import PluginSettings


class GatewaySettings(PluginSettings):
    timeout: float = Field(10.0, gt=0, description="Seconds to wait for Gateway before giving up.")
