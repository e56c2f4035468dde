"""Trades on a journaled venue as fast as it can until it is killed (by test_durability).

    python -m tests.plugins.sim.journal_child FOLDER ROUND
    python -m tests.plugins.sim.journal_child --desk DATA_DIR

The first opens the spot venue kept in FOLDER (funding it on the first round only), then places,
steps and cancels in a loop: resting limit orders on both sides, market orders, cancellations.
The second starts a whole desk on DATA_DIR and trades on both its sim venues, its matching loop
running between the orders. After each call returns the child prints what the venue answered, so
every line on stdout is an operation the venue had already journaled: ``order <exchange id>
<client id>`` (``perp-order`` on the perpetual venue) or ``cancel <exchange id>``.
"""

from __future__ import annotations

import asyncio
import sys
from decimal import Decimal
from pathlib import Path

from hbdesk_plugins.sim.market import SimMarket
from hbdesk_plugins.sim.service import open_venue
from hbdesk_plugins.sim.venue import SimVenue, VenueError

SEED = 8
ACCOUNT = "trader"
FUNDING = {ACCOUNT: {"USDT": Decimal("1000000"), "BTC": Decimal("20")}}
T0 = 1_763_700_000.0
ETH = Decimal("0.01")


def main(folder: Path, round_: int) -> None:
    venue = SimVenue(SimMarket(SEED))
    open_venue(venue, folder, FUNDING)
    now = T0 + round_ * 100_000.0  # each round later than the last: resting orders go on filling
    print("ready", flush=True)
    for i in range(10**9):
        now += 0.25
        client = f"r{round_}-{i}"
        mid = Decimal(str(venue.market.mid("BTC-USDT", now))).quantize(Decimal("0.01"))
        kind = i % 4
        try:
            if kind == 0:  # rests a little away from the market: the walk reaches some of them
                order = venue.place(
                    ACCOUNT, client, "BTC-USDT", "BUY", "LIMIT", Decimal("0.01"), mid - 20, now
                )
            elif kind == 1:
                order = venue.place(
                    ACCOUNT, client, "BTC-USDT", "SELL", "LIMIT", Decimal("0.01"), mid + 20, now
                )
            else:
                side = "BUY" if kind == 2 else "SELL"
                order = venue.place(ACCOUNT, client, "BTC-USDT", side, "MARKET", Decimal("0.002"), None, now)
        except VenueError:
            continue
        print("order", order.exchange_order_id, client, flush=True)
        venue.step(now)
        if i % 10 == 9:
            resting = venue.open_orders(ACCOUNT)
            if resting:
                cancelled = venue.cancel(ACCOUNT, resting[0].exchange_order_id, now)
                print("cancel", cancelled.exchange_order_id, flush=True)


async def desk(data_dir: Path) -> None:
    from hbdesk.sdk import create_desk
    from hbdesk_plugins.sim.service import MASTER_ACCOUNT
    from tests.helpers import core_settings

    running = create_desk(core_settings(data_dir))
    await running.start()
    sim = running.kernel.service("sim")
    print("ready", flush=True)
    for i in range(10**9):
        now = running.kernel.clock()
        mid = Decimal(str(sim.market.mid("ETH-USDT", now))).quantize(Decimal("0.01"))
        try:
            if i % 2:  # opens or reduces the perpetual position
                side = "BUY" if i % 4 == 1 else "SELL"
                order = sim.perpetual.place(
                    MASTER_ACCOUNT, f"p{i}", "ETH-USDT", side, "MARKET", ETH, None, now
                )
                print("perp-order", order.exchange_order_id, f"p{i}", flush=True)
            elif i % 4 == 0:
                order = sim.venue.place(MASTER_ACCOUNT, f"s{i}", "ETH-USDT", "BUY", "MARKET", ETH, None, now)
                print("order", order.exchange_order_id, f"s{i}", flush=True)
            else:  # rests just above the market: some fill as it moves
                order = sim.venue.place(
                    MASTER_ACCOUNT, f"s{i}", "ETH-USDT", "SELL", "LIMIT", ETH, mid + 1, now
                )
                print("order", order.exchange_order_id, f"s{i}", flush=True)
        except VenueError:
            pass
        await asyncio.sleep(0.001)  # the matching loop fills what the market reaches meanwhile


if __name__ == "__main__":
    if sys.argv[1] == "--desk":
        asyncio.run(desk(Path(sys.argv[2])))
    else:
        main(Path(sys.argv[1]), int(sys.argv[2]))
