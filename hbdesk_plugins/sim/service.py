"""The simulated exchange as a kernel service: one market, a spot and a perpetual venue on it.

The venues keep their state in ``<data dir>/sim/spot`` and ``<data dir>/sim/perpetual`` (see
``hbdesk_plugins.sim.store``): a restart continues where the last run stopped, however it stopped.
``master_account`` is funded from the settings only the first time, when a venue has no state.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hbdesk.sdk import HbdeskError
from hbdesk_plugins.sim.keys import SPOT
from hbdesk_plugins.sim.market import SimMarket
from hbdesk_plugins.sim.perpetual import SimPerpVenue
from hbdesk_plugins.sim.settings import SimSettings
from hbdesk_plugins.sim.store import StoreBusy, VenueStore
from hbdesk_plugins.sim.venue import SimVenue

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel

log = logging.getLogger(__name__)

MASTER_ACCOUNT = "master_account"


def open_venue(
    venue: SimVenue, folder: Path, funding: Mapping[str, Mapping[str, Decimal]], fsync: bool = False
) -> VenueStore:
    """Give ``venue`` the state kept in ``folder`` (or ``funding``, account → asset → amount, when
    the folder holds none yet), compact it, and journal every change to it from now on.

    Blocks on the disk: call it before the venue is shared, off the event loop."""
    store = VenueStore(folder, fsync=fsync)
    try:
        if not venue.restore(store.load()):
            with venue.batch():
                for account, amounts in funding.items():
                    for asset, amount in amounts.items():
                        venue.fund(account, asset, amount)
        # The funding is in the first snapshot, so it is there whole or not at all: a crash
        # before the snapshot is written leaves a folder that is funded again next time.
        store.compact(venue.records()())
    except BaseException:
        store.close()
        raise
    venue.attach(store)
    return store


class SimService:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.settings = kernel.settings.section("sim", SimSettings)
        self.market = SimMarket(self.settings.seed, volatility=self.settings.volatility)
        self.venue = SimVenue(self.market)
        self.perpetual = SimPerpVenue(self.market, funding_interval=self.settings.funding_interval)
        self.folder = kernel.settings.core.data_dir / "sim"
        self._stores: dict[str, tuple[SimVenue, VenueStore]] = {}
        self._compacting: asyncio.Task[None] | None = None

    async def start(self) -> None:
        try:
            await asyncio.to_thread(self._open)
        except BaseException:
            await self.stop()  # lets go of a venue opened before the other failed
            raise
        self.kernel.spawn(self._match(), name="sim matching")

    def _open(self) -> None:
        venues = (
            ("spot", self.venue, self.settings.funding),
            ("perpetual", self.perpetual, self.settings.perpetual_funding),
        )
        for name, venue, funding in venues:
            folder = self.folder / name
            try:
                store = open_venue(venue, folder, {MASTER_ACCOUNT: funding}, self.settings.fsync)
            except StoreBusy as exc:
                # Another desk on this data dir runs the sim: this one gets a venue of its own,
                # in memory, rather than none (two desks writing one journal would corrupt it).
                log.warning("simulated %s exchange kept in memory only: %s", name, exc)
                with venue.batch():
                    for asset, amount in funding.items():
                        venue.fund(MASTER_ACCOUNT, asset, amount)
                continue
            except (OSError, ValueError, LookupError, TypeError, ArithmeticError) as exc:  # a bad number too
                # Starting afresh would throw the trader's sim history away: say so and stop.
                raise HbdeskError(
                    f"the simulated {name} exchange's state in {folder} cannot be read ({exc}); "
                    "move that folder away to start it afresh"
                ) from exc
            self._stores[name] = (venue, store)

    async def stop(self) -> None:
        for venue, _store in self._stores.values():
            venue.close()  # a connector still running meets a stopped exchange, not a closed file
        if self._compacting is not None:
            await asyncio.gather(self._compacting, return_exceptions=True)
        stores = [store for _venue, store in self._stores.values()]
        self._stores.clear()
        for store in stores:
            await asyncio.to_thread(store.close)  # waits for a snapshot being written

    async def _match(self) -> None:
        while True:
            now = self.kernel.clock()
            self.venue.step(now)
            self.perpetual.step(now)
            self._compact_if_due()
            await asyncio.sleep(self.settings.step_interval)

    def _compact_if_due(self) -> None:
        """Start compacting a venue whose journal has grown long, in a worker thread."""
        if self._compacting is not None and not self._compacting.done():
            return
        for venue, store in self._stores.values():
            if store.due():
                # The state and the switch to a new journal are taken together, in this thread,
                # between two operations; only the writing happens in the worker.
                records, generation = venue.records(), store.rotate()
                self._compacting = self.kernel.spawn(
                    asyncio.to_thread(store.write_snapshot, generation, records()), name="sim compaction"
                )
                return

    @staticmethod
    def connector_class(name: str) -> type:
        """The connector class of a venue (importing it imports hummingbot's exchange base)."""
        if name == SPOT:
            from hbdesk_plugins.sim.connector import HbdeskSimExchange

            return HbdeskSimExchange
        from hbdesk_plugins.sim.perpetual_connector import HbdeskSimPerpetualDerivative

        return HbdeskSimPerpetualDerivative

    def connector(
        self, name: str, account: str | None, trading_pairs: list[str], trading_required: bool
    ) -> Any:
        """The hummingbot connector of one venue for an account (or public data), not started."""
        venue: SimVenue = self.venue if name == SPOT else self.perpetual
        return self.connector_class(name)(
            venue,
            account or MASTER_ACCOUNT,
            trading_pairs or None,
            trading_required=trading_required,
            clock=self.kernel.clock,
        )
