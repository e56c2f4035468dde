"""The simulated exchange as a kernel service: the market, the venue and its matching loop."""

from __future__ import annotations

import asyncio
from typing import Any

from hbdesk.sim.market import SimMarket
from hbdesk.sim.venue import SimVenue

SPOT = "hbdesk_sim"
MASTER_ACCOUNT = "master_account"


class SimService:
    def __init__(self, kernel: Any) -> None:
        self.kernel = kernel
        self.settings = kernel.settings.section("sim")
        self.market = SimMarket(self.settings.seed)
        self.venue = SimVenue(self.market)
        for asset, amount in self.settings.funding.items():
            self.venue.fund(MASTER_ACCOUNT, asset, amount)

    async def start(self) -> None:
        from hbdesk_plugins.connectors.specs import ConnectorSpec

        self.kernel.service("connectors").register(ConnectorSpec(SPOT, "spot"))
        self.kernel.service("connector_manager").register_factory(SPOT, self.connector)
        self.kernel.spawn(self._match(), name="sim matching")

    async def _match(self) -> None:
        while True:
            self.venue.step(self.kernel.clock())
            await asyncio.sleep(self.settings.step_interval)

    def connector(self, account: str | None, trading_pairs: list[str], trading_required: bool) -> Any:
        from hbdesk.sim.connector import HbdeskSimExchange

        return HbdeskSimExchange(
            self.venue,
            account or MASTER_ACCOUNT,
            trading_pairs or None,
            trading_required=trading_required,
            clock=self.kernel.clock,
        )
