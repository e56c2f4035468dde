"""What other plugins may use of the gateway plugin: its service key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import ServiceKey

if TYPE_CHECKING:
    from hbdesk_plugins.gateway.client import GatewayClient

GATEWAY: ServiceKey[GatewayClient] = ServiceKey("gateway")
