"""Gateway: the DEX middleware, reached over HTTP at GATEWAY_URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import RegisterSettings, hookimpl
from hbdesk_plugins.gateway.public import GATEWAY

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel, RegisterService
    from hbdesk_plugins.gateway.client import GatewayClient


@hookimpl
def register_settings(register: RegisterSettings) -> None:
    from hbdesk_plugins.gateway.settings import GatewaySettings

    register("gateway", GatewaySettings)


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def client(kernel: Kernel) -> GatewayClient:
        from hbdesk_plugins.gateway.client import GatewayClient
        from hbdesk_plugins.gateway.settings import GatewaySettings

        settings = kernel.settings.section("gateway", GatewaySettings)
        return GatewayClient(settings.url, settings.timeout)

    register(GATEWAY, client)
