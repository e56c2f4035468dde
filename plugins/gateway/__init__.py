"""Gateway: the DEX middleware, reached over HTTP at GATEWAY_URL."""

from __future__ import annotations

from typing import Any

from hbdesk.hookspecs import hookimpl


@hookimpl
def register_settings(register: Any) -> None:
    from hbdesk_plugins.gateway.settings import GatewaySettings

    register("gateway", GatewaySettings)


@hookimpl
def register_services(kernel: Any, register: Any) -> None:
    def client(kernel: Any) -> Any:
        from hbdesk_plugins.gateway.client import GatewayClient

        settings = kernel.settings
        return GatewayClient(settings.core.gateway_url, settings.section("gateway").timeout)

    register("gateway", client)
