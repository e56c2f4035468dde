"""Writes the trading records in batches.

Every record that arrives while a batch is being written goes into the next one: one transaction
and one trip to the database's thread for all of them, so a thousand orders a second cost a few
commits a second, not a thousand. An order's changes are coalesced (its latest state is what is
written); its state changes are all kept, in the events table. ``write`` returns a future that
is done once the record is committed: an order is sent to its exchange only after that.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hbdesk_plugins.trading.tables import FillRow, FundingRow, OrderEventRow, OrderRow, PositionRow

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.ext.asyncio import AsyncConnection

    from hbdesk.sdk import Kernel

log = logging.getLogger(__name__)

ORDER_KEY = ("account_name", "connector_name", "client_order_id")
FILL_KEY = ("account_name", "connector_name", "trade_id")
FUNDING_KEY = ("account_name", "connector_name", "trading_pair", "timestamp")
POSITION_KEY = ("account_name", "connector_name", "trading_pair", "side")


@dataclass
class Batch:
    orders: dict[tuple[str, ...], dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    fills: dict[tuple[str, ...], dict[str, Any]] = field(default_factory=dict)
    funding: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)
    positions: dict[tuple[str, ...], dict[str, Any] | None] = field(default_factory=dict)
    waiters: list[asyncio.Future[None]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.orders) + len(self.events) + len(self.fills) + len(self.funding) + len(self.positions)


class Recorder:
    def __init__(self, kernel: Kernel, batch_size: int) -> None:
        self.kernel = kernel
        self.batch_size = batch_size
        self._batch = Batch()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._held: AsyncConnection | None = None

    def start(self) -> None:
        self._task = self.kernel.spawn(self._run(), name="trading recorder")

    async def _connection(self) -> AsyncConnection:
        """The writer's own connection, kept: a pool checkout (and its liveness ping) per batch
        cost more than the batch itself."""
        if self._held is None:
            engine = self.kernel.db.engine
            if engine is None:
                raise RuntimeError("the database is closed")
            self._held = await engine.connect()
        return self._held

    async def _drop_connection(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            try:
                await held.close()
            except Exception:
                log.debug("closing the recorder's connection failed", exc_info=True)

    async def stop(self) -> None:
        """Write what is queued, then stop."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        if len(self._batch):
            await self._write(self._take())
        await self._drop_connection()

    # -- what callers queue ---------------------------------------------------------------------

    def order(self, row: dict[str, Any], event: dict[str, Any] | None = None) -> asyncio.Future[None]:
        self._batch.orders[tuple(row[k] for k in ORDER_KEY)] = row
        if event is not None:
            self._batch.events.append(event)
        return self._queued()

    def fill(self, row: dict[str, Any]) -> asyncio.Future[None]:
        self._batch.fills[tuple(row[k] for k in FILL_KEY)] = row
        return self._queued()

    def funding(self, row: dict[str, Any]) -> asyncio.Future[None]:
        self._batch.funding[tuple(row[k] for k in FUNDING_KEY)] = row
        return self._queued()

    def position(self, key: tuple[str, str, str, str], row: dict[str, Any] | None) -> None:
        """The position's latest state, or None once it is closed."""
        self._batch.positions[key] = row
        self._queued()

    def _queued(self) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # Most callers do not wait (a fill is recorded as it comes); the failure is logged once
        # by the writer, so an unread one must not be reported again as never retrieved.
        future.add_done_callback(_seen)
        self._batch.waiters.append(future)
        self._wake.set()
        return future

    # -- the writer -----------------------------------------------------------------------------

    def _take(self) -> Batch:
        batch, self._batch = self._batch, Batch()
        return batch

    async def _run(self) -> None:
        while not self._stopping:
            await self._wake.wait()
            self._wake.clear()
            if not len(self._batch):
                continue
            await self._write(self._take())
            if len(self._batch):
                self._wake.set()

    async def _write(self, batch: Batch) -> None:
        failure: Exception | None = None
        for _attempt in range(2):  # a kept connection the server dropped gets one fresh retry
            try:
                connection = await self._connection()
                async with connection.begin():
                    await connection.run_sync(_write_batch, batch)
            except Exception as exc:
                failure = exc
                await self._drop_connection()
            else:
                failure = None
                break
        if failure is not None:
            log.error("writing %d trading records failed: %s", len(batch), failure)
        for waiter in batch.waiters:
            if waiter.done():
                continue
            if failure is not None:
                waiter.set_exception(failure)
            else:
                waiter.set_result(None)


def _seen(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()


def _insert(connection: Connection, table: Any) -> Any:
    """The backend's INSERT, which knows ON CONFLICT."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def _upsert(connection: Connection, table: Any, rows: list[dict[str, Any]], key: tuple[str, ...]) -> None:
    if not rows:
        return
    statement = _insert(connection, table)
    changed = {name: statement.excluded[name] for name in rows[0] if name not in key}
    connection.execute(statement.on_conflict_do_update(index_elements=list(key), set_=changed), rows)


def _insert_new(connection: Connection, table: Any, rows: list[dict[str, Any]], key: tuple[str, ...]) -> None:
    if not rows:
        return
    connection.execute(_insert(connection, table).on_conflict_do_nothing(index_elements=list(key)), rows)


def _write_batch(connection: Connection, batch: Batch) -> None:
    from sqlalchemy import and_, delete, insert

    _upsert(connection, OrderRow.__table__, list(batch.orders.values()), ORDER_KEY)
    if batch.events:
        connection.execute(insert(OrderEventRow), batch.events)
    _insert_new(connection, FillRow.__table__, list(batch.fills.values()), FILL_KEY)
    _insert_new(connection, FundingRow.__table__, list(batch.funding.values()), FUNDING_KEY)
    live = [row for row in batch.positions.values() if row is not None]
    _upsert(connection, PositionRow.__table__, live, POSITION_KEY)
    table: Any = PositionRow.__table__
    for key, row in batch.positions.items():
        if row is None:
            connection.execute(
                delete(PositionRow).where(
                    and_(*(table.c[name] == value for name, value in zip(POSITION_KEY, key, strict=True)))
                )
            )
