"""The trading pairs a connector offers: the simulated market's own, or what the exchange lists."""

from __future__ import annotations

from typing import Any

from hbdesk_plugins.market_data.service import SIM_CONNECTORS

SIM = SIM_CONNECTORS[0]  # the desk's default market


async def trading_pairs(kernel: Any, name: str) -> list[str]:
    """Every pair ``name`` trades; a 503 (Unavailable) when the exchange cannot be asked."""
    await kernel.service("connectors").spec(name)  # an unknown name is a 400 naming what exists
    if name in SIM_CONNECTORS and kernel.has_service("sim"):
        return sorted(kernel.service("sim").market.pairs)
    manager = kernel.service("connector_manager")
    connector = await manager.public(name)
    return sorted(await manager.ask(name, connector.all_trading_pairs()))
