"""What the sim venues' journal costs: order placements and bare mutations, with and without it.

Each figure is one run in this process, the venues side by side on the same market and the same
calls: a venue in memory, one journaling to a temporary folder (the desk's default), and one that
also flushes each journal line to disk (``HBDESK_SIM__FSYNC=true``). Then what a journal of that
many orders costs to reopen (load, replay, compact) and how long a periodic compaction holds the
event loop (taking the state; the writing is in a worker thread).
Usage: .venv/bin/python benchmarks/sim_journal.py [orders]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from hbdesk_plugins.sim.market import SimMarket
from hbdesk_plugins.sim.service import open_venue
from hbdesk_plugins.sim.store import VenueStore
from hbdesk_plugins.sim.venue import SimVenue

T0 = 1_763_700_000.0
ACCOUNT = "bench"
FUNDING = {ACCOUNT: {"USDT": Decimal("1e12"), "BTC": Decimal("1e6")}}
AMOUNT = Decimal("0.01")


def venue(folder: Path | None, fsync: bool = False) -> tuple[SimVenue, VenueStore | None]:
    made = SimVenue(SimMarket(42))
    if folder is None:
        for asset, amount in FUNDING[ACCOUNT].items():
            made.fund(ACCOUNT, asset, amount)
        return made, None
    return made, open_venue(made, folder, FUNDING, fsync=fsync)


def interleaved(
    count: int, one: Callable[[int], object], other: Callable[[int], object]
) -> tuple[float, float]:
    """Microseconds per call of each, the calls alternating (and which goes first too): the
    market's cost, which varies with the time an order arrives at, is the same for both."""
    spent = [0, 0]
    clock = time.perf_counter_ns
    calls = (one, other)
    for i in range(count):
        first = i % 2
        began = clock()
        calls[first](i)
        middle = clock()
        calls[1 - first](i)
        spent[first] += middle - began
        spent[1 - first] += clock() - middle
    return spent[0] / count / 1000, spent[1] / count / 1000


def market_orders(sim: SimVenue, prefix: str) -> Callable[[int], object]:
    def place(i: int) -> object:
        side = "BUY" if i % 2 else "SELL"
        return sim.place(ACCOUNT, f"{prefix}{i}", "BTC-USDT", side, "MARKET", AMOUNT, None, T0 + i * 0.001)

    return place


def resting_orders(sim: SimVenue, prefix: str) -> Callable[[int], object]:
    """A limit order far from the market, then its cancellation: two operations, no fill."""
    far = Decimal(str(sim.market.mid("BTC-USDT", T0))) / 2

    def place_and_cancel(i: int) -> object:
        order = sim.place(ACCOUNT, f"{prefix}{i}", "BTC-USDT", "BUY", "LIMIT", AMOUNT, far, T0 + i * 0.001)
        return sim.cancel(ACCOUNT, order.exchange_order_id, T0 + i * 0.001)

    return place_and_cancel


def fund(sim: SimVenue, _prefix: str) -> Callable[[int], object]:
    """The smallest mutation: one balance, one journal line."""
    return lambda i: sim.fund(ACCOUNT, "USDT", Decimal(1))


def main(orders: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="hbdesk-bench-"))
    try:
        base, _ = venue(None)
        journaled, store = venue(root / "journaled")
        flushed, flushed_store = venue(root / "fsync", fsync=True)
        assert store is not None and flushed_store is not None
        few = max(200, orders // 20)  # a disk flush per operation: fewer of them
        workloads: list[tuple[str, Callable[[SimVenue, str], Callable[[int], object]]]] = [
            ("market order (fills at once)", market_orders),
            ("limit order + its cancel", resting_orders),
            ("one balance change", fund),
        ]
        print(f"µs a call, alternating with the in-memory venue's ({orders:,} calls; with fsync {few:,})")
        print(f"{'':<30}{'in memory':>10}{'journaled':>10}{'share':>8}{'+ fsync':>10}{'journal':>10}")
        for name, workload in workloads:
            before = store.journal_bytes
            plain, written = interleaved(orders, workload(base, "j"), workload(journaled, "j"))
            size = (store.journal_bytes - before) / orders
            _, synced = interleaved(few, workload(base, "f"), workload(flushed, "f"))
            share = written - plain
            print(f"{name:<30}{plain:>10.1f}{written:>10.1f}{share:>8.1f}{synced:>10.1f}{size:>8.0f} B")
        _plain, written = interleaved(orders, fund(base, ""), fund(journaled, ""))
        print(f"journaled mutations/s (one balance change an operation): {1e6 / written:,.0f}")
        lines = sum(1 for _ in next(iter(store.folder.glob("journal.*.jsonl"))).open("rb"))
        print(f"journal: {store.journal_bytes / 1e6:.1f} MB in {lines:,} operations")

        began = time.perf_counter()
        records = journaled.records()
        held = time.perf_counter() - began
        entities = sum(1 for _ in records())
        print(f"a periodic compaction holds the event loop {held * 1000:.1f} ms for {entities:,} records")

        store.close()
        began = time.perf_counter()
        reopened, again = venue(store.folder)
        took = time.perf_counter() - began
        assert again is not None and reopened.balances(ACCOUNT) == journaled.balances(ACCOUNT)
        print(f"reopening it (load, replay, compact): {took * 1000:.0f} ms")
        again.close()
        flushed_store.close()
    finally:
        shutil.rmtree(root)
    print("goal: 1,000 market orders/s on the venue, so the journal's share a few to tens of µs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
