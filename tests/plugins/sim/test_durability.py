"""The sim venues keep their state in the data dir: a venue reopened from its folder is the venue
that was closed (or killed), and goes on exactly as that one would have.

Each test runs the same calls on a journaled venue and on a twin in memory: after reopening, the
journaled one must hold the twin's state and, given the same calls, stay equal to it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hbdesk_plugins.sim.market import SimMarket
from hbdesk_plugins.sim.perpetual import SimPerpVenue
from hbdesk_plugins.sim.service import MASTER_ACCOUNT, open_venue
from hbdesk_plugins.sim.settings import SimSettings
from hbdesk_plugins.sim.store import SNAPSHOT, StoreBusy, VenueStore
from hbdesk_plugins.sim.venue import SimVenue, UnknownOrder, VenueError
from tests.helpers import core_settings, wait_for
from tests.plugins.sim import journal_child
from tests.sim_support import install_host

D = Decimal
SEED = 21
T0 = 1_763_700_000.0
HOUR = 3600
ME = "trader"
FUNDING = {ME: {"USDT": D("100000000"), "BTC": D("1")}}
ROOT = Path(__file__).parents[3]


def state(venue: SimVenue) -> list[Any]:
    return list(venue.records()())


def best(venue: SimVenue, side: str, at: float = T0) -> Decimal:
    book = venue.market.book("BTC-USDT", at, 50)
    return D(str((book.asks if side == "ask" else book.bids)[0][0]))


def journaled[V: SimVenue](make: Callable[[], V], folder: Path) -> tuple[V, VenueStore]:
    venue = make()
    return venue, open_venue(venue, folder, FUNDING)


def twin[V: SimVenue](make: Callable[[], V]) -> V:
    venue = make()
    for account, amounts in FUNDING.items():
        for asset, amount in amounts.items():
            venue.fund(account, asset, amount)
    return venue


def only_journal(folder: Path) -> Path:
    [journal] = folder.glob("journal.*.jsonl")
    return journal


def journal_sizes(folder: Path) -> list[int]:
    """The sizes of the journals in ``folder``, while a compaction may be removing one."""
    sizes = []
    for path in folder.glob("journal.*.jsonl"):
        with contextlib.suppress(FileNotFoundError):
            sizes.append(path.stat().st_size)
    return sizes


# -- the spot venue ----------------------------------------------------------------------------


def spot() -> SimVenue:
    return SimVenue(SimMarket(SEED))


def trade_spot(venue: SimVenue) -> str:
    """Balances moved, one order filled, one cancelled, one resting partly filled: its id."""
    venue.place(ME, "taker", "BTC-USDT", "BUY", "MARKET", D("0.1"), None, T0)
    far = venue.place(ME, "far", "BTC-USDT", "SELL", "LIMIT", D("0.5"), best(venue, "ask") + 500, T0)
    venue.cancel(ME, far.exchange_order_id, T0)
    resting = venue.place(ME, "big", "BTC-USDT", "BUY", "LIMIT", D("40"), best(venue, "ask") + 5, T0)
    assert resting.status == "PARTIALLY_FILLED"
    return resting.exchange_order_id


def test_a_spot_venue_reopened_is_the_one_closed_and_its_resting_order_goes_on_filling(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "spot"
    venue, store = journaled(spot, folder)
    resting = trade_spot(venue)
    memory = twin(spot)
    assert trade_spot(memory) == resting
    store.close()  # as a kill leaves it: nothing is written on the way out

    again, _store = journaled(spot, folder)
    assert state(again) == state(memory)
    assert again.balances(ME) == memory.balances(ME)
    assert again.open_orders(ME) == memory.open_orders(ME)
    assert again.order_by_client_id(ME, "big") == memory.order(resting)
    assert again.fills(resting) == memory.fills(resting) and again.fills(resting)
    filled = again.order(resting).filled

    for venue_ in (again, memory):
        venue_.step(T0 + 0.5)  # the book refreshes: the market reaches the order again
    assert again.order(resting).filled > filled
    assert state(again) == state(memory)

    # The ids go on from where they were: no order or trade id is handed out twice.
    taken = {record[1] for record in state(again) if record[0] in ("O", "T")}
    new = again.place(ME, "next", "BTC-USDT", "SELL", "MARKET", D("0.01"), None, T0 + 1)
    assert new.exchange_order_id not in taken
    assert not taken & {f.trade_id for f in again.fills(new.exchange_order_id)}
    assert new == memory.place(ME, "next", "BTC-USDT", "SELL", "MARKET", D("0.01"), None, T0 + 1)


def test_the_funding_is_the_first_runs_only(tmp_path: Path) -> None:
    venue, store = journaled(spot, tmp_path / "spot")
    venue.place(ME, "spend", "BTC-USDT", "BUY", "MARKET", D("0.1"), None, T0)
    spent = venue.balances(ME)
    store.close()
    again, _store = journaled(spot, tmp_path / "spot")
    assert again.balances(ME) == spent != twin(spot).balances(ME)


def test_a_torn_last_line_is_left_out_and_compaction_keeps_the_state(tmp_path: Path) -> None:
    folder = tmp_path / "spot"
    venue, store = journaled(spot, folder)
    trade_spot(venue)
    store.close()
    expected = state(venue)
    with only_journal(folder).open("ab") as journal:
        journal.write(b'[["B","trader","USDT","0"],["O","SIM-99"')  # a crash in the middle of a write

    again, store = journaled(spot, folder)
    assert state(again) == expected
    # Opening compacted: the snapshot holds it all and the new journal is empty.
    assert only_journal(folder).stat().st_size == 0
    store.close()
    from_snapshot, _store = journaled(spot, folder)
    assert state(from_snapshot) == expected


def test_an_unreadable_line_ends_the_journal_there(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "spot"
    venue, store = journaled(spot, folder)
    venue.fund(ME, "ETH", D("1"))
    before = state(venue)
    venue.fund(ME, "SOL", D("1"))
    store.close()
    journal = only_journal(folder)
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join([*lines[:-1], b"\x00\x00garbage\n", lines[-1]]))
    again, _store = journaled(spot, folder)
    assert state(again) == before  # what came after the damage is not applied out of order
    assert "left out" in caplog.text


def test_one_process_at_a_time_owns_a_folder(tmp_path: Path) -> None:
    store = VenueStore(tmp_path / "spot")
    with pytest.raises(StoreBusy, match="in use by another process"):
        VenueStore(tmp_path / "spot")
    store.close()
    VenueStore(tmp_path / "spot").close()


def test_a_compaction_while_the_venue_goes_on_loses_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "spot"
    venue, store = journaled(spot, folder)
    memory = twin(spot)
    for venue_ in (venue, memory):
        venue_.place(ME, "a", "BTC-USDT", "BUY", "MARKET", D("0.1"), None, T0)
    records, generation = venue.records(), store.rotate()
    for venue_ in (venue, memory):  # between the switch to a new journal and the snapshot
        venue_.place(ME, "b", "BTC-USDT", "SELL", "MARKET", D("0.05"), None, T0 + 1)
    store.write_snapshot(generation, records())
    store.close()
    again, _store = journaled(spot, folder)
    assert state(again) == state(memory)
    assert [path.name for path in sorted(folder.iterdir())] == ["journal.3.jsonl", "lock", SNAPSHOT]


def test_a_stopped_venue_refuses_operations(tmp_path: Path) -> None:
    venue, store = journaled(spot, tmp_path / "spot")
    venue.close()
    store.close()
    with pytest.raises(VenueError, match="stopped"):
        venue.place(ME, "late", "BTC-USDT", "BUY", "MARKET", D("0.1"), None, T0)


# -- the perpetual venue -----------------------------------------------------------------------


def perpetual() -> SimPerpVenue:
    return SimPerpVenue(SimMarket(SEED), funding_interval=HOUR)


FIRST_HOUR = (int(T0) // HOUR + 1) * HOUR


def trade_perp(perp: SimPerpVenue) -> str:
    """HEDGE mode, 5x on BTC-USDT, a long and a short, a resting order, one funding paid."""
    perp.set_position_mode(ME, "HEDGE")
    perp.set_leverage(ME, "BTC-USDT", 5)
    perp.set_leverage(ME, "ETH-USDT", 3)
    perp.step(T0)
    perp.place(ME, "long", "BTC-USDT", "BUY", "MARKET", D("0.5"), None, T0, "OPEN")
    perp.place(ME, "short", "BTC-USDT", "SELL", "MARKET", D("0.2"), None, T0, "OPEN")
    far = (best(perp, "bid") * D("0.7")).quantize(D("0.01"))  # out of the market's reach for hours
    resting = perp.place(ME, "rest", "BTC-USDT", "BUY", "LIMIT", D("0.1"), far, T0, "OPEN")
    perp.step(FIRST_HOUR + 1)
    assert len(perp.funding_payments(ME)) == 2
    return resting.exchange_order_id


def test_a_perpetual_venue_reopened_keeps_positions_leverage_mode_and_funding(tmp_path: Path) -> None:
    folder = tmp_path / "perpetual"
    perp, store = journaled(perpetual, folder)
    resting = trade_perp(perp)
    memory = twin(perpetual)
    trade_perp(memory)
    store.close()

    again, _store = journaled(perpetual, folder)
    assert state(again) == state(memory)
    assert again.position_mode(ME) == "HEDGE"
    assert (again.leverage(ME, "BTC-USDT"), again.leverage(ME, "ETH-USDT")) == (5, 3)
    assert again.positions(ME) == memory.positions(ME)
    assert [(p.side, p.leverage) for p in again.positions(ME)] == [("LONG", 5), ("SHORT", 5)]
    assert again.funding_payments(ME) == memory.funding_payments(ME)
    assert again.open_orders(ME) == [memory.order(resting)]

    for venue_ in (again, memory):
        venue_.step(FIRST_HOUR + 2)  # the period already paid is not paid again
    assert len(again.funding_payments(ME)) == 2
    # (What is available counts the positions' profit at the time the venue was last told of: a
    # reopened venue learns it at its first step, as it did when new.)
    assert again.balances(ME) == memory.balances(ME)
    # Two more funding times pass while the desk is down: each is paid once, at the first step.
    for venue_ in (again, memory):
        venue_.step(FIRST_HOUR + 2 * HOUR + 5)
        venue_.step(FIRST_HOUR + 2 * HOUR + 6)
    times = [p.timestamp for p in again.funding_payments(ME)]
    assert times == [FIRST_HOUR] * 2 + [FIRST_HOUR + HOUR] * 2 + [FIRST_HOUR + 2 * HOUR] * 2
    assert state(again) == state(memory)


def test_the_funding_time_survives_a_change_of_interval(tmp_path: Path) -> None:
    folder = tmp_path / "perpetual"
    perp, store = journaled(perpetual, folder)
    trade_perp(perp)  # funding paid to FIRST_HOUR
    store.close()
    eight_hours = 8 * HOUR
    again, _store = journaled(lambda: SimPerpVenue(SimMarket(SEED), funding_interval=eight_hours), folder)
    next_eight = (FIRST_HOUR // eight_hours + 1) * eight_hours
    again.step(next_eight - 1)
    assert len(again.funding_payments(ME)) == 2
    again.step(next_eight + 1)
    assert [p.timestamp for p in again.funding_payments(ME)][2:] == [next_eight, next_eight]


# -- the connector, for an order recorded before a crash ----------------------------------------


async def test_the_connector_finds_a_tracked_order_with_no_exchange_id_by_its_client_id(
    tmp_path: Path,
) -> None:
    install_host(tmp_path)
    from hummingbot.core.data_type.common import OrderType, TradeType
    from hummingbot.core.data_type.in_flight_order import OrderState

    from hbdesk_plugins.sim.connector import HbdeskSimExchange

    venue = twin(spot)
    connector = HbdeskSimExchange(venue, ME, ["BTC-USDT"], clock=lambda: T0)
    price = best(venue, "ask") + 5
    for client_order_id in ("HBS-sent", "HBS-never-sent"):  # recorded, then the desk died
        connector.start_tracking_order(
            client_order_id, None, "BTC-USDT", TradeType.BUY, price, D("40"), OrderType.LIMIT
        )
    taken = venue.place(ME, "HBS-sent", "BTC-USDT", "BUY", "LIMIT", D("40"), price, T0)  # the answer was lost
    sent = connector.in_flight_orders["HBS-sent"]
    never = connector.in_flight_orders["HBS-never-sent"]

    update = await connector._request_order_status(sent)
    assert (update.exchange_order_id, update.new_state) == (
        taken.exchange_order_id,
        OrderState.PARTIALLY_FILLED,
    )
    trades = await connector._all_trade_updates_for_order(sent)
    assert [t.trade_id for t in trades] == [f.trade_id for f in venue.fills(taken.exchange_order_id)]

    with pytest.raises(UnknownOrder) as status_error:
        await connector._request_order_status(never)
    assert connector._is_order_not_found_during_status_update_error(status_error.value)
    with pytest.raises(UnknownOrder):
        await connector._all_trade_updates_for_order(never)

    await connector._update_orders()  # hummingbot's own poll: the one found, the other not
    await wait_for(lambda: sent.exchange_order_id == taken.exchange_order_id)
    assert connector._order_tracker._order_not_found_records.get("HBS-never-sent") == 1


def test_an_order_is_found_by_its_client_id_in_its_own_account_only() -> None:
    venue = twin(spot)
    order = venue.place(ME, "mine", "BTC-USDT", "BUY", "MARKET", D("0.01"), None, T0)
    assert venue.order_by_client_id(ME, "mine") is order
    with pytest.raises(UnknownOrder):
        venue.order_by_client_id("someone else", "mine")


# -- the service: a desk that stops and starts again -------------------------------------------


async def test_a_desk_restarted_on_its_data_dir_finds_the_sims_state(tmp_path: Path) -> None:
    from hbdesk.sdk import create_desk

    core = core_settings(tmp_path / "data")
    desk = create_desk(core)
    await desk.start()
    sim = desk.kernel.service("sim")
    funded = sim.venue.balances(MASTER_ACCOUNT)
    now = desk.kernel.clock()
    bid = D(str(sim.market.book("BTC-USDT", now, 1).bids[0][0]))
    resting = sim.venue.place(MASTER_ACCOUNT, "c1", "BTC-USDT", "BUY", "LIMIT", D("0.01"), bid / 2, now)
    sim.venue.place(MASTER_ACCOUNT, "c2", "BTC-USDT", "SELL", "MARKET", D("0.1"), None, now)
    sim.perpetual.set_leverage(MASTER_ACCOUNT, "ETH-USDT", 7)
    sim.perpetual.place(MASTER_ACCOUNT, "p1", "ETH-USDT", "BUY", "MARKET", D("1"), None, now)
    balances, positions = sim.venue.balances(MASTER_ACCOUNT), sim.perpetual.positions(MASTER_ACCOUNT)
    await desk.stop()
    with pytest.raises(VenueError, match="stopped"):  # a connector left running meets a closed exchange
        sim.venue.place(MASTER_ACCOUNT, "late", "BTC-USDT", "BUY", "MARKET", D("0.01"), None, now)

    desk = create_desk(core)
    await desk.start()
    try:
        sim = desk.kernel.service("sim")
        assert sim.venue.balances(MASTER_ACCOUNT) == balances != funded  # not funded afresh
        assert sim.venue.open_orders(MASTER_ACCOUNT) == [resting]
        assert sim.perpetual.leverage(MASTER_ACCOUNT, "ETH-USDT") == 7
        assert sim.perpetual.positions(MASTER_ACCOUNT) == positions
        assert {p.name for p in (core.data_dir / "sim").iterdir()} == {"spot", "perpetual"}
    finally:
        await desk.stop()


async def test_a_desk_compacts_a_long_journal_as_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hbdesk.sdk import create_desk

    monkeypatch.setattr(VenueStore, "due", lambda store: store.journal_bytes > 0)  # any journal is long
    core = core_settings(tmp_path / "data")
    desk = create_desk(core)
    await desk.start()
    sim = desk.kernel.service("sim")
    folder = core.data_dir / "sim" / "spot"
    for i in range(3):
        sim.venue.place(
            MASTER_ACCOUNT, f"c{i}", "BTC-USDT", "SELL", "MARKET", D("0.1"), None, desk.kernel.clock()
        )
        # compacted: a new journal, empty, the old one gone
        await wait_for(lambda: journal_sizes(folder) == [0])
    balances = sim.venue.balances(MASTER_ACCOUNT)
    await desk.stop()
    assert int(only_journal(folder).name.split(".")[1]) >= 4  # the first run's snapshot and three more

    desk = create_desk(core)
    await desk.start()
    try:
        assert desk.kernel.service("sim").venue.balances(MASTER_ACCOUNT) == balances
    finally:
        await desk.stop()


async def test_a_second_desk_on_the_same_data_dir_gets_a_sim_of_its_own_in_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from hbdesk.sdk import create_desk

    core = core_settings(tmp_path / "data")
    first, second = create_desk(core), create_desk(core)
    await first.start()
    try:
        now = first.kernel.clock()
        first.kernel.service("sim").venue.place(
            MASTER_ACCOUNT, "c1", "BTC-USDT", "SELL", "MARKET", D("0.1"), None, now
        )
        await second.start()
        try:
            assert "kept in memory only" in caplog.text
            venue = second.kernel.service("sim").venue
            assert venue.balances(MASTER_ACCOUNT)["BTC"][0] == D("1")  # funded, not the first's
        finally:
            await second.stop()
    finally:
        await first.stop()


async def test_a_sim_state_that_cannot_be_read_stops_the_start_and_says_where(tmp_path: Path) -> None:
    from hbdesk.sdk import HbdeskError, create_desk

    core = core_settings(tmp_path / "data")
    perpetual_folder = core.data_dir / "sim" / "perpetual"
    perpetual_folder.mkdir(parents=True)
    (perpetual_folder / SNAPSHOT).write_text("not json\n")
    desk = create_desk(core)
    with pytest.raises(HbdeskError, match=f"state in {perpetual_folder} cannot be read"):
        await desk.start()
    await desk.stop()
    assert (perpetual_folder / SNAPSHOT).read_text() == "not json\n"  # left as it was, for the trader
    VenueStore(core.data_dir / "sim" / "spot").close()  # the spot venue, opened first, was let go


# -- killed ------------------------------------------------------------------------------------


def run_until_killed(arguments: list[str], operations: int) -> list[list[str]]:
    """Run the trading child until it has printed ``operations`` lines, SIGKILL it while it
    trades, and return every line it printed."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.plugins.sim.journal_child", *arguments],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    lines = []
    try:
        for line in child.stdout:  # whatever a library prints on the way up comes first
            if line == "ready\n":
                break
        else:
            raise AssertionError(f"the child did not start (exit {child.wait()})")
        while len(lines) < operations:
            line = child.stdout.readline()
            assert line, f"the child stopped by itself (exit {child.wait()})"
            lines.append(line.split())
        child.send_signal(signal.SIGKILL)
        # What it printed before the kill landed (a line cut short by the kill was not printed).
        lines += [line.split() for line in child.stdout if line.endswith("\n")]
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    return lines


def test_a_venue_killed_while_trading_reopens_with_every_acknowledged_operation(tmp_path: Path) -> None:
    folder = tmp_path / "spot"
    acknowledged: dict[str, str] = {}  # client order id → exchange order id
    cancelled: set[str] = set()
    for round_ in range(3):  # each round reopens what the last one was killed in the middle of
        for line in run_until_killed([str(folder), str(round_)], operations=400 + 137 * round_):
            if line[0] == "order":
                acknowledged[line[2]] = line[1]
            else:
                cancelled.add(line[1])

        venue = SimVenue(SimMarket(journal_child.SEED))
        store = open_venue(venue, folder, {})
        account = journal_child.ACCOUNT
        for client_order_id, exchange_order_id in acknowledged.items():
            assert venue.order_by_client_id(account, client_order_id).exchange_order_id == exchange_order_id
        assert all(venue.order(eid).status == "CANCELED" for eid in cancelled)

        # The balances are the funding plus the fills kept, to the last digit: no operation was
        # kept in part.
        orders = [venue.order(eid) for eid in (record[1] for record in state(venue) if record[0] == "O")]
        usdt, btc = journal_child.FUNDING[account]["USDT"], journal_child.FUNDING[account]["BTC"]
        ids = []
        for order in orders:
            fills = venue.fills(order.exchange_order_id)
            assert order.filled == sum((f.amount for f in fills), D(0))
            for fill in fills:
                value = fill.price * fill.amount
                usdt += -(value + fill.fee) if fill.side == "BUY" else value - fill.fee
                btc += fill.amount if fill.side == "BUY" else -fill.amount
                ids.append(int(fill.trade_id.removeprefix("T-")))
            ids.append(int(order.exchange_order_id.removeprefix("SIM-")))
        assert venue.balances(account)["USDT"][0] == usdt
        assert venue.balances(account)["BTC"][0] == btc
        assert len(ids) == len(set(ids)) and venue._next_id > max(ids)
        store.close()
    assert len({eid for eid in acknowledged.values()}) == len(acknowledged) > 1000


async def test_a_desk_killed_while_trading_restarts_with_every_acknowledged_order(tmp_path: Path) -> None:
    from hbdesk.sdk import create_desk

    data_dir = tmp_path / "data"
    lines = await asyncio.to_thread(run_until_killed, ["--desk", str(data_dir)], 300)
    acknowledged = {(kind, client): eid for kind, eid, client in lines}
    assert {kind for kind, _client in acknowledged} == {"order", "perp-order"}

    desk = create_desk(core_settings(data_dir))
    await desk.start()
    try:
        sim = desk.kernel.service("sim")
        for (kind, client), exchange_order_id in acknowledged.items():
            venue = sim.venue if kind == "order" else sim.perpetual
            order = venue.order_by_client_id(MASTER_ACCOUNT, client)
            assert order.exchange_order_id == exchange_order_id
            assert order.filled == sum((f.amount for f in venue.fills(exchange_order_id)), D(0))
        # A desk that found state funds nothing: the spot balances are the first run's funding and
        # the fills kept, exactly (a kill never keeps part of an operation).
        funding = SimSettings().funding
        usdt, eth = funding["USDT"], funding["ETH"]
        for record in state(sim.venue):
            if record[0] == "T":
                price, amount, fee = D(record[7]), D(record[8]), D(record[9])
                buy = record[6] == "BUY"
                usdt += -(price * amount + fee) if buy else price * amount - fee
                eth += amount if buy else -amount
        balances = sim.venue.balances(MASTER_ACCOUNT)
        assert (balances["USDT"][0], balances["ETH"][0]) == (usdt, eth)
    finally:
        await desk.stop()
