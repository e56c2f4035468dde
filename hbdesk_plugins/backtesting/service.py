"""Backtests off the event loop: a pool of worker processes, tasks recorded in the database.

The loop only checks the request, plans the candles each backtest reads and waits; the candles
(for a market computed from its seed), the controller's features, the executors and the JSON of
the answer are all made in a worker process. Tasks are written when submitted and when they
finish; a task that was still running when the server stopped (or crashed) is found unfinished at
the next start and marked failed with that reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import math
import pickle
import secrets
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import undefer

from hbdesk.sdk import (
    CANDLE_FIELDS,
    INTERVAL_SECONDS,
    HbdeskError,
    InvalidInput,
    NotFound,
    TimedOut,
    Unavailable,
    excerpt,
)
from hbdesk_plugins.backtesting.configs import resolve
from hbdesk_plugins.backtesting.models import BacktestingConfig, TaskDeleted, TaskSubmitted, TaskSummary
from hbdesk_plugins.backtesting.settings import BacktestingSettings
from hbdesk_plugins.backtesting.tables import BacktestTaskRow
from hbdesk_plugins.backtesting.worker import BacktestFailed, Feed, Job, initialize, run_job
from hbdesk_plugins.connectors.public import CONNECTORS

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel
    from hbdesk_plugins.backtesting.configs import Resolved

log = logging.getLogger(__name__)

CANCEL_SLOTS = 256  # cancelled job numbers the workers can see at once (a ring)
UNFINISHED = ("pending", "running")


class TaskCancelled(Exception):
    pass


@dataclass
class _Live:
    number: int
    driver: asyncio.Task[None] | None = None
    future: Future[tuple[str, str]] | None = None


@dataclass
class _Pool:
    executor: ProcessPoolExecutor
    progress: Any  # multiprocessing queue
    cancelled: Any  # multiprocessing array
    reader: threading.Thread
    slot: itertools.count[int] = field(default_factory=itertools.count)


class BacktestingService:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.settings = kernel.settings.section("backtesting", BacktestingSettings)
        self._pool: _Pool | None = None
        self._numbers = itertools.count(1)
        self._live: dict[str, _Live] = {}  # task id → its job while it runs
        self._progress: dict[int, float] = {}  # job number → fraction, written by the reader thread
        self._started: dict[int, float] = {}  # job number → when its worker took it
        self._portable: dict[str, bool] = {}  # connector → its market source pickles

    # -- life --------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Tasks left unfinished by the last run (stopped or crashed) are failed, with the reason."""
        async with self.kernel.db.session() as session:
            await session.execute(
                update(BacktestTaskRow)
                .where(BacktestTaskRow.status.in_(UNFINISHED))
                .values(
                    status="failed",
                    error="The server stopped while this backtest ran; submit it again.",
                    finished_at=self.kernel.clock(),
                )
            )
            await session.commit()

    async def stop(self) -> None:
        for live in list(self._live.values()):
            if live.driver is not None:
                live.driver.cancel()
        drivers = [live.driver for live in self._live.values() if live.driver is not None]
        if drivers:
            await asyncio.gather(*drivers, return_exceptions=True)
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(_close, pool)

    def _ensure_pool(self) -> _Pool:
        if self._pool is None:
            import multiprocessing

            _start_resource_tracker()
            # spawn: a fresh interpreter, never a fork of a process running threads and a loop
            context = multiprocessing.get_context("spawn")
            progress = context.Queue()
            cancelled = context.Array("q", CANCEL_SLOTS)
            executor = ProcessPoolExecutor(
                self.settings.workers,
                mp_context=context,
                initializer=initialize,
                initargs=(progress, cancelled),
            )
            reader = threading.Thread(
                target=self._read_progress, args=(progress,), name="backtest-progress", daemon=True
            )
            reader.start()
            self._pool = _Pool(executor, progress, cancelled, reader)
        return self._pool

    def _read_progress(self, queue: Any) -> None:
        while True:
            try:
                item = queue.get()
            except (EOFError, OSError):
                return
            if item is None:
                return
            number, fraction = item
            self._started.setdefault(number, time.time())
            self._progress[number] = fraction

    # -- planning, on the loop -------------------------------------------------------------------

    async def prepare(self, request: BacktestingConfig) -> Job:
        """The job for ``request``, or the 4xx that says why there is none."""
        resolution = request.backtesting_resolution
        if resolution not in INTERVAL_SECONDS:
            raise InvalidInput(
                f"Unknown backtesting_resolution {excerpt(resolution)!r}."
                f" Intervals: {', '.join(INTERVAL_SECONDS)}."
            )
        if request.end_time <= request.start_time:
            raise InvalidInput("end_time must be after start_time")
        resolved = await resolve(self.kernel, request.config)
        wanted = await asyncio.to_thread(_candles_wanted, resolved)
        feeds = []
        for connector, pair, interval in dict.fromkeys(
            [(wanted[0][0], wanted[0][1], resolution), *wanted[1:]]
        ):
            feeds.append(await self._feed(connector, pair, interval, request.start_time, request.end_time))
        return Job(
            number=next(self._numbers),
            source=resolved.source,
            config=resolved.data,
            resolution=resolution,
            trade_cost=request.trade_cost,
            engine=request.engine,
            feeds=tuple(feeds),
        )

    async def _feed(self, connector: str, pair: str, interval: str, start: int, end: int) -> Feed:
        catalog = self.kernel.service(CONNECTORS)
        await catalog.spec(connector)  # an unknown connector is a 400 naming the known ones
        if interval not in INTERVAL_SECONDS:
            raise InvalidInput(f"Unknown candles interval {excerpt(interval)!r}")
        stop = min(float(end), self.kernel.clock())
        span = INTERVAL_SECONDS[interval]
        count = math.ceil(stop / span) - math.ceil(start / span)
        if count <= 0:
            raise InvalidInput(
                f"No {interval} candles of {excerpt(pair)} on {connector} between {start} and {end}"
                " (a range in the past is needed)"
            )
        market = catalog.market_source(connector)
        if market is None:
            return await self._exchange_feed(connector, pair, interval, start, int(stop))
        if pair not in market.trading_pairs():
            raise InvalidInput(
                f"Unknown trading pair {excerpt(pair)} on {connector}."
                f" Pairs: {', '.join(sorted(market.trading_pairs()))}."
            )
        if count > (limit := market.max_candles(interval)):
            raise InvalidInput(
                f"{count:,} candles of {interval} asked; a backtest reads at most {limit:,}: narrow the"
                " range or widen the resolution"
            )
        if self._portable.setdefault(connector, _pickles(market)):
            return Feed(connector, pair, interval, float(start), stop, market=market)
        columns = await asyncio.to_thread(market.candle_columns, pair, interval, float(start), stop)
        return Feed(connector, pair, interval, float(start), stop, columns=columns)

    async def _exchange_feed(self, connector: str, pair: str, interval: str, start: int, end: int) -> Feed:
        from hummingbot.data_feed.candles_feed.candles_factory import CandlesFactory
        from hummingbot.data_feed.candles_feed.data_types import CandlesConfig, HistoricalCandlesConfig

        if connector not in CandlesFactory._candles_map:
            raise InvalidInput(f"{connector} has no candles feed to backtest on")
        feed = CandlesFactory.get_candle(CandlesConfig(connector=connector, trading_pair=pair, interval="1m"))
        if interval not in getattr(feed, "intervals", {interval: 0}):
            raise InvalidInput(
                f"{connector}'s candles have no {interval} interval. Intervals: {', '.join(feed.intervals)}."
            )
        feed = CandlesFactory.get_candle(
            CandlesConfig(connector=connector, trading_pair=pair, interval=interval)
        )
        config = HistoricalCandlesConfig(
            connector_name=connector, trading_pair=pair, interval=interval, start_time=start, end_time=end
        )
        try:
            frame = await asyncio.wait_for(feed.get_historical_candles(config), self.settings.feed_timeout)
        except TimeoutError:
            raise TimedOut(f"{connector} sent no candles within {self.settings.feed_timeout:g} s") from None
        except Exception as error:
            raise Unavailable(f"{connector}'s candles feed failed: {excerpt(str(error))}") from None
        if frame is None or frame.empty:
            raise InvalidInput(f"{connector} has no {interval} candles of {excerpt(pair)} in that range")
        frame = frame[(frame["timestamp"] >= start) & (frame["timestamp"] < end)]
        columns = {name: frame[name].to_numpy() for name in CANDLE_FIELDS if name in frame}
        return Feed(connector, pair, interval, float(start), float(end), columns=columns)

    # -- running, in a worker ------------------------------------------------------------------

    async def _execute(self, job: Job, live: _Live | None = None) -> tuple[str, str]:
        pool = self._ensure_pool()
        try:
            future = pool.executor.submit(run_job, job)
        except (BrokenProcessPool, RuntimeError):
            self._pool = None
            await asyncio.to_thread(_close, pool)
            pool = self._ensure_pool()
            future = pool.executor.submit(run_job, job)
        if live is not None:
            live.future = future
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            self._cancel(job.number, future)
            raise
        except BrokenProcessPool:
            self._pool = None
            await asyncio.to_thread(_close, pool)
            raise Unavailable("The backtest's worker process died; try again") from None
        except BacktestFailed as failure:
            raise InvalidInput(f"The backtest failed: {excerpt(str(failure), 2000)}") from None
        except HbdeskError:
            raise
        except Exception as error:
            if type(error).__name__ == "Cancelled":
                raise TaskCancelled from None
            raise InvalidInput(
                f"The backtest failed: {type(error).__name__}: {excerpt(str(error))}"
            ) from None
        finally:
            self._progress.pop(job.number, None)
            self._started.pop(job.number, None)

    def _cancel(self, number: int, future: Future[Any]) -> None:
        future.cancel()  # enough while it waits for a worker
        pool = self._pool
        if pool is not None:
            with pool.cancelled.get_lock():
                pool.cancelled[next(pool.slot) % CANCEL_SLOTS] = number

    async def run(self, request: BacktestingConfig) -> bytes:
        """Run a backtest and wait for its answer (JSON)."""
        job = await self.prepare(request)
        text, _engine = await self._execute(job)
        return await asyncio.to_thread(text.encode)

    # -- tasks ---------------------------------------------------------------------------------------

    async def submit(self, request: BacktestingConfig) -> TaskSubmitted:
        job = await self.prepare(request)  # a bad request is refused, never recorded
        task_id = f"bt_{secrets.token_hex(8)}"
        async with self.kernel.db.session() as session:
            session.add(
                BacktestTaskRow(
                    task_id=task_id,
                    status="pending",
                    progress=0.0,
                    request=request.model_dump_json(),
                    created_at=self.kernel.clock(),
                )
            )
            await session.commit()
        live = _Live(job.number)
        self._live[task_id] = live
        live.driver = asyncio.create_task(self._drive(task_id, job, live), name=f"backtest {task_id}")
        return TaskSubmitted(task_id=task_id, status="pending")

    async def _drive(self, task_id: str, job: Job, live: _Live) -> None:
        values: dict[str, Any]
        try:
            text, engine = await self._execute(job, live)
            values = {"status": "completed", "progress": 1.0, "result": text, "engine": engine}
        except (asyncio.CancelledError, TaskCancelled):
            self._live.pop(task_id, None)
            return  # deleted, or the server is stopping (start() marks it next time)
        except HbdeskError as error:
            values = {"status": "failed", "error": error.detail}
        except Exception as error:  # never a task stuck in "running"
            log.exception("backtest %s failed", task_id)
            values = {"status": "failed", "error": f"{type(error).__name__}: {excerpt(str(error))}"}
        started = self._started.get(job.number)
        values |= {"finished_at": self.kernel.clock(), "started_at": started}
        try:
            async with self.kernel.db.session() as session:
                await session.execute(
                    update(BacktestTaskRow).where(BacktestTaskRow.task_id == task_id).values(**values)
                )
                await session.commit()
            await self._forget_oldest()
        finally:
            self._live.pop(task_id, None)

    async def _forget_oldest(self) -> None:
        async with self.kernel.db.session() as session:
            finished = select(BacktestTaskRow.task_id).where(BacktestTaskRow.status.not_in(UNFINISHED))
            kept = finished.order_by(BacktestTaskRow.created_at.desc()).limit(self.settings.keep_tasks)
            await session.execute(
                delete(BacktestTaskRow).where(
                    BacktestTaskRow.status.not_in(UNFINISHED), BacktestTaskRow.task_id.not_in(kept)
                )
            )
            await session.commit()

    def _summary(self, row: BacktestTaskRow) -> TaskSummary:
        status, progress, started = row.status, row.progress, row.started_at
        live = self._live.get(row.task_id)
        if live is not None and status in UNFINISHED and live.number in self._progress:
            status, progress = "running", self._progress[live.number]
            started = self._started.get(live.number)
        try:
            config = json.loads(row.request)
        except ValueError:
            config = {}
        return TaskSummary(
            task_id=row.task_id,
            status=status,
            progress=progress,
            engine=row.engine,
            error=row.error,
            created_at=row.created_at,
            started_at=started,
            completed_at=row.finished_at,
            config=config,
        )

    async def tasks(self) -> list[TaskSummary]:
        async with self.kernel.db.session() as session:
            rows = list(
                await session.scalars(select(BacktestTaskRow).order_by(BacktestTaskRow.created_at.desc()))
            )
        return [self._summary(row) for row in rows]

    async def task(self, task_id: str) -> bytes:
        """The task with its result once it has one, as JSON."""
        async with self.kernel.db.session() as session:
            row = await session.scalar(
                select(BacktestTaskRow)
                .where(BacktestTaskRow.task_id == task_id)
                .options(undefer(BacktestTaskRow.result))
            )
        if row is None:
            raise NotFound(f"No backtest task {excerpt(task_id)}")
        head = self._summary(row).model_dump_json()
        if row.result is None:
            return head.encode()
        result = row.result
        return await asyncio.to_thread(lambda: f'{head[:-1]},"result":{result}}}'.encode())

    async def delete(self, task_id: str) -> TaskDeleted:
        """Cancel a task that runs or waits, forget one that finished."""
        live = self._live.pop(task_id, None)
        if live is not None and live.driver is not None:
            live.driver.cancel()
        async with self.kernel.db.session() as session:
            gone = await session.execute(delete(BacktestTaskRow).where(BacktestTaskRow.task_id == task_id))
            await session.commit()
        if live is None and not getattr(gone, "rowcount", 0):
            raise NotFound(f"No backtest task {excerpt(task_id)}")
        if live is not None:
            return TaskDeleted(
                task_id=task_id, status="cancelled", message="Backtest cancelled and forgotten"
            )
        return TaskDeleted(task_id=task_id, status="deleted", message="Backtest task deleted")


def _candles_wanted(resolved: Resolved) -> list[tuple[str, str, str]]:
    """(connector, pair, interval) of the traded market (its interval unused) and of every candles
    feed the controller asks for; a controller that does not start fails here, on a thread,
    before any work."""
    from hbdesk_plugins.backtesting.frames import FrameProvider

    loaded = resolved.config
    market = (str(loaded.connector_name), str(loaded.trading_pair), "")
    try:
        controller = resolved.controller(
            config=loaded, market_data_provider=FrameProvider({}), actions_queue=None
        )
        feeds = [(c.connector, c.trading_pair, c.interval) for c in controller.get_candles_config()]
    except HbdeskError:
        raise
    except Exception as error:
        raise InvalidInput(
            f"The controller does not start: {type(error).__name__}: {excerpt(str(error))}"
        ) from None
    return [market, *feeds]


def _pickles(market: Any) -> bool:
    try:
        pickle.dumps(market)
    except Exception:
        return False
    return True


def _close(pool: _Pool) -> None:
    """Stop the workers now, a running backtest with them, and the progress reader."""
    processes = list(getattr(pool.executor, "_processes", {}).values())  # no public handle on them
    pool.executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(5)
    with contextlib.suppress(OSError, ValueError):
        pool.progress.put(None)
    pool.reader.join(2)


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the process's own stderr.

    A spawned worker pool starts it on first use, handing it ``sys.stderr``'s descriptor; inside
    the desk that is Textual's print capture, whose descriptor is -1, and the spawn fails ("bad
    value(s) in fds_to_keep"). Started first with the real stderr, it is running when the pool
    asks for it. Quick (it spawns without waiting); once per process.
    """
    import sys
    from multiprocessing import resource_tracker

    original = sys.__stderr__
    if original is None:
        return
    try:
        original.fileno()
    except (OSError, ValueError):
        return
    captured, sys.stderr = sys.stderr, original
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = captured
