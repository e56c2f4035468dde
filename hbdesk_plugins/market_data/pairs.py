"""The trading pairs a connector offers: its provider's market's own, or what the exchange lists."""

from __future__ import annotations

from hbdesk.sdk import Kernel
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS


async def trading_pairs(kernel: Kernel, name: str) -> list[str]:
    """Every pair ``name`` trades; a 503 (Unavailable) when the exchange cannot be asked."""
    catalog = kernel.service(CONNECTORS)
    await catalog.spec(name)  # an unknown name is a 400 naming what exists
    market = catalog.market_source(name)
    if market is not None:
        return sorted(market.trading_pairs())
    manager = kernel.service(CONNECTOR_MANAGER)
    connector = await manager.public(name)
    return sorted(await manager.ask(name, connector.all_trading_pairs()))
