"""Controllers run live: a hummingbot strategy_v2 controller ticked on the kernel, its executors
those of the executors plugin.

hummingbot runs a controller inside its ``StrategyV2Base``: a ``MarketDataProvider`` over the
bot's connectors, an executor orchestrator, and an actions queue between them. Here each piece
is hbdesk's own:

- the market data provider is hummingbot's, over the account's running trading connectors (the
  connector manager's), its clock the kernel's, and its candles loaded each tick through the
  market-data service (computed by the sim for its connectors, hummingbot's candles feeds for
  an exchange's);
- ``executors_info`` is every executor of the executors plugin whose ``controller_id`` is the
  controller's: the running ones as their own ``executor_info``, the others (finished, or being
  resumed after a restart) rebuilt from the rows the executors plugin publishes;
- ``positions_held`` are the positions its executors were told to keep;
- the actions it sends become the executors service's ``create`` and ``stop_executor``.

Which controllers run is recorded (``tables.LiveControllerRow``) before they run, so a restart
starts them again; their executors are resumed by the executors plugin itself. A controller
whose code raises is stopped ticking and marked failed with the reason; its executors keep
their own barriers until it is stopped.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from hbdesk.sdk import (
    CANDLE_FIELDS,
    INTERVAL_SECONDS,
    Conflict,
    HbdeskError,
    InvalidInput,
    NotFound,
    TimedOut,
    Unavailable,
    excerpt,
)
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER
from hbdesk_plugins.executors.public import EXECUTORS, ExecutorChanged
from hbdesk_plugins.market_data.public import MARKET_DATA
from hbdesk_plugins.trading.public import TRADING

if TYPE_CHECKING:
    import pandas as pd

    from hbdesk.sdk import Kernel, Subscription
    from hbdesk_plugins.controllers.service import ControllersService
    from hbdesk_plugins.controllers.tables import LiveControllerRow
    from hbdesk_plugins.executors.service import ExecutorService

log = logging.getLogger(__name__)

RUNNING, STARTING, STOPPED, FAILED = "RUNNING", "STARTING", "STOPPED", "FAILED"
FINISHED_KEPT = 1000  # closed executors a controller is shown, newest first (hummingbot: all)
RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)


class ControllerFailed(Exception):
    """Something the controller cannot run on (not a passing outage): it is marked failed."""


# -- market data -------------------------------------------------------------------------------


class CandlesSlot:
    """Stands where hummingbot keeps a candles feed: the latest candles the runner loaded for one
    (connector, pair, interval), as hummingbot's feeds hold them."""

    def __init__(self, connector: str, trading_pair: str, interval: str, max_records: int) -> None:
        self.connector = connector
        self.trading_pair = trading_pair
        self.interval = interval
        self.max_records = max_records
        self.frame: pd.DataFrame | None = None

    @property
    def ready(self) -> bool:
        return self.frame is not None

    @property
    def candles_df(self) -> pd.DataFrame:
        if self.frame is None:
            import pandas as pd

            return pd.DataFrame({name: [] for name in CANDLE_FIELDS})
        return self.frame

    def start(self) -> None:
        """Loaded by the runner, each tick."""

    def stop(self) -> None:
        self.frame = None


@cache
def provider_class() -> type:
    """hummingbot's ``MarketDataProvider`` over hbdesk's connectors (made on first use: it imports
    hummingbot)."""
    from hummingbot.data_feed.market_data_provider import MarketDataProvider

    class DeskMarketData(MarketDataProvider):  # type: ignore[misc]  # hummingbot has no type hints
        """The account's running connectors; the kernel's clock; candles the runner loads."""

        def __init__(self, connectors: dict[str, Any], clock: Callable[[], float]) -> None:
            super().__init__(connectors)
            self._clock = clock

        def time(self) -> float:
            return self._clock()

        def initialize_rate_sources(self, connector_pairs: Any) -> None:
            """hbdesk's rate oracle plugin keeps hummingbot's RateOracle priced: nothing to poll."""

        def remove_rate_sources(self, connector_pairs: Any) -> None:
            """Nothing was polled."""

        def get_candles_feed(self, config: Any) -> CandlesSlot:
            key = self._generate_candle_feed_key(config)
            slot: CandlesSlot | None = self.candles_feeds.get(key)
            if slot is None:
                slot = CandlesSlot(config.connector, config.trading_pair, config.interval, config.max_records)
                self.candles_feeds[key] = slot
            else:
                slot.max_records = max(slot.max_records, int(config.max_records))
            return slot

        def _create_non_trading_connector(self, connector_name: str) -> Any:
            raise ValueError(
                f"{connector_name} is not among the connectors of this controller's markets "
                f"({', '.join(self.connectors) or 'none'})"
            )

    return DeskMarketData


def candles_frame(candles: list[Any]) -> pd.DataFrame:
    """hbdesk's candles as the frame a hummingbot candles feed holds."""
    import pandas as pd

    frame = pd.DataFrame({name: [getattr(c, name) for c in candles] for name in CANDLE_FIELDS})
    frame["timestamp"] = frame["timestamp"].astype(float)
    return frame


# -- executors ---------------------------------------------------------------------------------


class ExecutorBook:
    """The executors of the controllers run live, as the rows the executors plugin publishes,
    and what hummingbot's ``ExecutorInfo`` each is when it does not run here (yet)."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, dict[str, Any]]] = {}  # controller → executor → row
        self._infos: dict[str, Any] = {}  # executor → ExecutorInfo rebuilt from its current row

    def follow(self, controller_id: str) -> None:
        self.rows.setdefault(controller_id, {})

    def seed(self, views: list[dict[str, Any]], controller_ids: set[str] | None = None) -> None:
        for view in views:
            controller_id = view.get("controller_id")
            if controller_ids is None or controller_id in controller_ids:
                self._put(view)

    def changed(self, event: ExecutorChanged) -> None:
        self._put(event.executor)

    def _put(self, view: dict[str, Any]) -> None:
        rows = self.rows.get(str(view.get("controller_id")))
        executor_id = view.get("executor_id")
        if rows is None or not isinstance(executor_id, str):
            return
        rows[executor_id] = view
        self._infos.pop(executor_id, None)
        if len(rows) > FINISHED_KEPT * 1.2:
            self._trim(rows)

    def _trim(self, rows: dict[str, dict[str, Any]]) -> None:
        done = [v for v in rows.values() if v.get("status") == "TERMINATED"]
        done.sort(key=lambda v: v.get("close_timestamp") or 0.0)
        for view in done[: max(0, len(done) - FINISHED_KEPT)]:
            rows.pop(view["executor_id"], None)
            self._infos.pop(view["executor_id"], None)

    def infos(self, controller_id: str, running: dict[str, Any], executors: ExecutorService) -> list[Any]:
        """Every executor of the controller as hummingbot's ``ExecutorInfo``: the running ones
        from themselves, the others from their rows."""
        found = []
        shown: set[str] = set()
        for executor_id, executor in running.items():
            try:
                found.append(running_info(executor))
                shown.add(executor_id)
            except Exception:  # its own figures failed (no price yet, say): its row stands in
                log.debug("executor %s: executor_info raised", executor_id, exc_info=True)
        for executor_id, view in self.rows.get(controller_id, {}).items():
            if executor_id in shown:
                continue
            info = self._infos.get(executor_id)
            if info is None:
                info = rebuilt_info(view, executors)
                if info is None:
                    continue
                self._infos[executor_id] = info
            found.append(info)
        return found


def running_info(executor: Any) -> Any:
    """hummingbot's own ``executor_info``; an executor that has stopped but whose end the
    executors plugin has not recorded yet (a kept position among it) still counts as active, so
    the controller does not replace it before its position is known."""
    from hummingbot.strategy_v2.models.base import RunnableStatus

    info = executor.executor_info
    if info.status == RunnableStatus.TERMINATED:
        info = info.model_copy(update={"status": RunnableStatus.SHUTTING_DOWN, "is_active": True})
    return info


def rebuilt_info(view: dict[str, Any], executors: ExecutorService) -> Any:
    """An ``ExecutorInfo`` from an executor's row (its config rebuilt by its type's own model),
    or None when its type is gone."""
    from hummingbot.core.data_type.common import TradeType
    from hummingbot.strategy_v2.models.base import RunnableStatus
    from hummingbot.strategy_v2.models.executors import CloseType
    from hummingbot.strategy_v2.models.executors_info import ExecutorInfo

    try:
        config_class: Any = executors.executor_type(str(view.get("executor_type"))).load_config()
    except (NotFound, ImportError, AttributeError, TypeError):
        return None
    given = view.get("config")
    raw: dict[str, Any] = given if isinstance(given, dict) else {}
    try:
        config = config_class.model_validate(raw)
    except Exception:  # an old row hummingbot's model no longer reads: its fields as they are
        config = config_class.model_construct(**raw)
    info = dict(view.get("custom_info") or {})
    side = info.get("side", view.get("side"))
    if isinstance(side, str) and side in TradeType.__members__:
        info["side"] = TradeType[side]
    status = str(view.get("status"))
    close_type = view.get("close_type")
    # ExecutorInfo's config is a union of hummingbot's own types: built as it is, so the config
    # of a type another plugin registered is kept too.
    return ExecutorInfo.model_construct(
        id=view["executor_id"],
        timestamp=float(view.get("timestamp") or getattr(config, "timestamp", 0.0) or 0.0),
        type=str(view.get("executor_type")),
        status=RunnableStatus[status] if status in RunnableStatus.__members__ else RunnableStatus.RUNNING,
        config=config,
        net_pnl_pct=_decimal(view.get("net_pnl_pct")),
        net_pnl_quote=_decimal(view.get("net_pnl_quote")),
        cum_fees_quote=_decimal(view.get("cum_fees_quote")),
        filled_amount_quote=_decimal(view.get("filled_amount_quote")),
        is_active=bool(view.get("is_active")),
        is_trading=bool(view.get("is_trading")),
        custom_info=info,
        close_timestamp=view.get("close_timestamp"),
        close_type=CloseType[close_type] if close_type in CloseType.__members__ else None,
        controller_id=view.get("controller_id"),
    )


def _decimal(value: Any) -> Decimal:
    try:
        result = Decimal(str(value))
    except ArithmeticError:
        return Decimal(0)
    return result if result.is_finite() else Decimal(0)


# -- one controller ----------------------------------------------------------------------------


@dataclass(eq=False)
class Runner:
    """One controller run live."""

    controller_id: str
    account: str
    config_name: str | None
    config_data: dict[str, Any]  # what it was started from, to start it again
    update_interval: float
    started_at: float
    status: str = STARTING
    reason: str | None = None
    config: Any = None
    controller: Any = None
    provider: Any = None
    task: asyncio.Task[None] | None = None
    unpins: list[Callable[[], None]] = field(default_factory=list)
    ticks: int = 0
    last_tick: float | None = None
    waiting: str | None = None  # what the last tick waited for
    refused: int = 0  # actions the executors plugin refused
    last_refused: str | None = None

    @property
    def active(self) -> bool:
        return self.status in (STARTING, RUNNING)


class LiveControllers:
    """The controllers run live, for the controllers service."""

    def __init__(self, kernel: Kernel, service: ControllersService) -> None:
        self.kernel = kernel
        self.service = service
        self.runners: dict[str, Runner] = {}
        self.book = ExecutorBook()
        self._events: Subscription[ExecutorChanged] | None = None
        self._lock = asyncio.Lock()

    # -- life -----------------------------------------------------------------------------------

    async def start(self) -> None:
        executors = self.kernel.optional_service(EXECUTORS)
        if executors is None:
            return  # nothing runs live without the executors plugin
        self._events = self.kernel.bus.on(ExecutorChanged, self.book.changed, maxsize=100_000)
        rows = await self._load_rows()
        for row in rows:
            runner = Runner(
                controller_id=row.controller_id,
                account=row.account_name,
                config_name=row.config_name,
                config_data=json.loads(row.config),
                update_interval=row.update_interval,
                started_at=row.started_at,
                status=STARTING if row.status == RUNNING else row.status,
                reason=row.reason,
            )
            self.runners[runner.controller_id] = runner
            self.book.follow(runner.controller_id)
        if self.runners:
            self.book.seed(executors.views(), set(self.runners))
        for runner in self.runners.values():
            if runner.status == STARTING:
                runner.task = self.kernel.spawn(
                    self._restore(runner), name=f"controller {runner.controller_id}"
                )

    async def stop(self) -> None:
        """Stop ticking; the record says what ran, to run again on the next start."""
        tasks = [r.task for r in self.runners.values() if r.task is not None and not r.task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for runner in self.runners.values():
            self._release(runner)
        if self._events is not None:
            self._events.close()

    def _executors(self) -> ExecutorService:
        executors = self.kernel.optional_service(EXECUTORS)
        if executors is None:
            raise Unavailable("The executors plugin is switched off: controllers cannot run live.")
        return executors

    # -- starting -------------------------------------------------------------------------------

    async def start_controller(
        self, config: dict[str, Any] | str, account: str, update_interval: float | None
    ) -> dict[str, Any]:
        """Start a controller from a config (or a saved config's name) on ``account``: 400 for
        a config that does not validate, 404 for an unknown controller, config or account, 409
        when a controller of that id runs already, 503 when a connector cannot be reached."""
        executors = self._executors()
        config_name = config if isinstance(config, str) else None
        if isinstance(config, str):
            data = {"id": config, **await self.service.get_config(config)}
        else:
            data = dict(config)
        loaded = await self.service.load_config(data)
        data.setdefault("id", loaded.id)
        controller_id = str(loaded.id)
        if not controller_id or len(controller_id) > 128:
            raise InvalidInput("id: a controller's id is 1 to 128 characters")
        interval = update_interval or self.service.settings.live_update_interval
        async with self._lock:
            current = self.runners.get(controller_id)
            if current is not None and current.active:
                raise Conflict(f"Controller {controller_id} is running already: stop it first.")
            runner = Runner(
                controller_id=controller_id,
                account=account,
                config_name=config_name,
                config_data=_plain_json(data),
                update_interval=float(interval),
                started_at=self.kernel.clock(),
            )
            await self._prepare(runner, loaded)
            try:
                await self._record(runner, RUNNING)
            except Exception as exc:
                self._release(runner)
                raise Unavailable(
                    f"The controller could not be recorded, so it was not started: {exc}"
                ) from exc
            self.runners[controller_id] = runner
            self.book.follow(controller_id)
            self.book.seed(executors.views(), {controller_id})
            runner.task = self.kernel.spawn(self._run(runner), name=f"controller {controller_id}")
        return self.view(controller_id)

    async def _prepare(self, runner: Runner, config: Any) -> None:
        """The controller over its markets' running connectors (each following its pairs)."""
        from hummingbot.core.data_type.common import MarketDict

        trading = self.kernel.service(TRADING)
        try:
            markets = config.update_markets(MarketDict())
        except Exception as exc:
            raise InvalidInput(
                f"The controller's markets could not be read: {type(exc).__name__}: {exc}"
            ) from None
        connectors: dict[str, Any] = {}
        for name, pairs in markets.items():
            for pair in sorted(pairs):
                connector = await trading.connector(runner.account, name, pair)
                if pair not in connector.trading_rules:
                    raise InvalidInput(f"trading_pair: {excerpt(pair)} is not traded on {name}.")
                connectors[name] = connector
        if not connectors:
            await trading.require_account(runner.account)
        provider = provider_class()(connectors, self.kernel.clock)
        controller_class = self.service.controller_class(config)
        try:
            controller = controller_class(
                config, provider, asyncio.Queue(), update_interval=runner.update_interval
            )
            controller.initialize_candles()
        except HbdeskError:
            raise
        except Exception as exc:
            raise InvalidInput(
                f"The controller {config.controller_name} could not be built: "
                f"{type(exc).__name__}: {excerpt(exc)}"
            ) from None
        manager = self.kernel.service(CONNECTOR_MANAGER)
        runner.unpins = [manager.pin(runner.account, name) for name in connectors]
        runner.config, runner.controller, runner.provider = config, controller, provider

    async def _restore(self, runner: Runner) -> None:
        """Start again, after a restart, a controller that was running."""
        attempt = 0
        while True:
            try:
                config = await self.service.load_config(runner.config_data)
                await self._prepare(runner, config)
                break
            except asyncio.CancelledError:
                raise
            except (Unavailable, TimedOut) as exc:
                runner.waiting = exc.detail
                delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                attempt += 1
                log.warning("controller %s waits to start again: %s", runner.controller_id, exc.detail)
                await asyncio.sleep(delay)
            except Exception as exc:
                detail = exc.detail if isinstance(exc, HbdeskError) else f"{type(exc).__name__}: {exc}"
                await self._fail(runner, f"not started again after the restart: {detail}")
                return
        await self._run(runner)

    # -- ticking --------------------------------------------------------------------------------

    async def _run(self, runner: Runner) -> None:
        runner.status = RUNNING
        runner.waiting = None
        controller = runner.controller
        try:
            await controller.on_start()
            while True:
                await self._tick(runner)
                await asyncio.sleep(max(0.1, float(controller.update_interval)))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not isinstance(exc, ControllerFailed | HbdeskError):
                log.exception("controller %s failed", runner.controller_id)
            detail = exc.detail if isinstance(exc, HbdeskError) else str(exc)
            await self._fail(
                runner, detail if isinstance(exc, ControllerFailed) else f"{type(exc).__name__}: {detail}"
            )

    async def _tick(self, runner: Runner) -> None:
        """One step, as hummingbot's strategy gives it its controller: executors and positions
        brought up to date, its ``control_task``, then the actions it sent."""
        executors = self._executors()
        controller = runner.controller
        runner.waiting = await self._load_candles(runner)
        controller.executors_info = self._infos(runner, executors)
        controller.positions_held = self._positions(runner, executors)
        if runner.waiting is None and not runner.provider.ready:
            names = [name for name, c in runner.provider.connectors.items() if not c.ready]
            runner.waiting = f"connectors not ready: {', '.join(names)}"
        if runner.waiting is not None:
            return
        controller.executors_update_event.set()
        await controller.control_task()
        actions: list[Any] = []
        while not controller.actions_queue.empty():
            actions.extend(controller.actions_queue.get_nowait())
        await self._apply(runner, actions, executors)
        runner.ticks += 1
        runner.last_tick = self.kernel.clock()

    async def _load_candles(self, runner: Runner) -> str | None:
        """The candles the controller reads, loaded again; what they wait for, if anything."""
        market_data = self.kernel.optional_service(MARKET_DATA)
        slots: list[CandlesSlot] = list(runner.provider.candles_feeds.values())
        if not slots:
            return None
        if market_data is None:
            raise ControllerFailed("it reads candles, and the market-data plugin is switched off")
        for slot in slots:
            if slot.interval not in INTERVAL_SECONDS:
                raise ControllerFailed(
                    f"candles interval {excerpt(slot.interval)!r} is not one of {', '.join(INTERVAL_SECONDS)}"
                )
            try:
                candles = await market_data.candles(
                    slot.connector, slot.trading_pair, slot.interval, slot.max_records
                )
            except (Unavailable, TimedOut) as exc:
                return f"candles of {slot.connector} {slot.trading_pair} {slot.interval}: {exc.detail}"
            except (InvalidInput, NotFound) as exc:
                raise ControllerFailed(
                    f"candles of {slot.connector} {slot.trading_pair} {slot.interval}: {exc.detail}"
                ) from None
            if len(candles) > 500:
                slot.frame = await asyncio.to_thread(candles_frame, candles)
            else:
                slot.frame = candles_frame(candles)
        return None

    def _infos(self, runner: Runner, executors: ExecutorService) -> list[Any]:
        running = {
            executor.config.id: executor
            for executor in executors.live_executors()
            if getattr(executor.config, "controller_id", None) == runner.controller_id
        }
        return self.book.infos(runner.controller_id, running, executors)

    def _positions(self, runner: Runner, executors: ExecutorService) -> list[Any]:
        """The positions its executors were told to keep, as hummingbot's ``PositionSummary``."""
        from hummingbot.core.data_type.common import TradeType
        from hummingbot.strategy_v2.executors.data_types import PositionSummary

        held = []
        for hold in executors.holds.listed(runner.controller_id):
            net = hold.net_amount_base
            if hold.account_name != runner.account or net == 0:
                continue
            long = net > 0
            base = hold.buy_amount_base if long else hold.sell_amount_base
            quote = hold.buy_amount_quote if long else hold.sell_amount_quote
            price = _mid(runner.provider, hold.connector_name, hold.trading_pair)
            held.append(
                PositionSummary(
                    connector_name=hold.connector_name,
                    trading_pair=hold.trading_pair,
                    volume_traded_quote=_decimal(hold.buy_amount_quote + hold.sell_amount_quote),
                    side=TradeType.BUY if long else TradeType.SELL,
                    amount=_decimal(abs(net)),
                    breakeven_price=_decimal(quote / base if base else 0),
                    unrealized_pnl_quote=_decimal(hold.unrealized(price) or 0),
                    realized_pnl_quote=_decimal(hold.realized_pnl_quote),
                    cum_fees_quote=_decimal(hold.cum_fees_quote),
                )
            )
        return held

    async def _apply(self, runner: Runner, actions: list[Any], executors: ExecutorService) -> None:
        """The controller's actions through the executors service; one it refuses is counted
        and said, never fatal (the next tick proposes again, as hummingbot's does)."""
        from hummingbot.strategy_v2.models.executor_actions import CreateExecutorAction, StopExecutorAction

        for action in actions:
            if isinstance(action, CreateExecutorAction):
                try:
                    await executors.create(
                        runner.account, runner.controller_id, action.executor_config.model_dump()
                    )
                except (InvalidInput, NotFound, Conflict, Unavailable, TimedOut) as exc:
                    self._refused(runner, f"create {action.executor_config.type}: {exc.detail}")
            elif isinstance(action, StopExecutorAction):
                if not self._owns(runner, executors, action.executor_id):
                    self._refused(runner, f"stop {excerpt(action.executor_id)}: not one of its executors")
                    continue
                try:
                    await executors.stop_executor(action.executor_id, bool(action.keep_position))
                except Conflict:
                    pass  # closing or closed already, or being resumed: the next tick sees it
                except (NotFound, Unavailable, TimedOut) as exc:
                    self._refused(runner, f"stop {action.executor_id}: {exc.detail}")
            # StoreExecutorAction and the like: hbdesk keeps every executor's record already.

    def _owns(self, runner: Runner, executors: ExecutorService, executor_id: str) -> bool:
        if executor_id in self.book.rows.get(runner.controller_id, {}):
            return True
        return any(
            e.config.id == executor_id and getattr(e.config, "controller_id", None) == runner.controller_id
            for e in executors.live_executors()
        )

    def _refused(self, runner: Runner, message: str) -> None:
        runner.refused += 1
        if message != runner.last_refused:
            log.warning("controller %s: %s", runner.controller_id, message)
        runner.last_refused = message

    # -- ending ---------------------------------------------------------------------------------

    async def _fail(self, runner: Runner, reason: str) -> None:
        log.error("controller %s failed: %s", runner.controller_id, reason)
        runner.status, runner.reason = FAILED, excerpt(reason, 2000)
        self._release(runner)
        try:
            await self._record(runner, FAILED)
        except Exception:
            log.exception("controller %s: its failure could not be recorded", runner.controller_id)

    def _release(self, runner: Runner) -> None:
        controller = runner.controller
        if controller is not None:
            try:
                controller.stop()
                controller.on_stop()
            except Exception:
                log.exception("controller %s: stopping it raised", runner.controller_id)
        if runner.provider is not None:
            try:
                runner.provider.stop()
            except Exception:
                log.debug(
                    "controller %s: its market data did not stop cleanly", runner.controller_id, exc_info=True
                )
        for unpin in runner.unpins:
            try:
                unpin()
            except Exception:
                log.debug("ignored", exc_info=True)
        runner.unpins.clear()

    async def stop_controller(self, controller_id: str, keep_position: bool) -> dict[str, Any]:
        """Stop ticking and stop its executors (their positions kept, with ``keep_position``)."""
        executors = self._executors()
        runner = self.runners.get(controller_id)
        if runner is None:
            raise NotFound(f"Controller {excerpt(controller_id)} is not run live here.")
        if runner.status == STOPPED:
            raise Conflict(f"Controller {controller_id} is stopped already.")
        task = runner.task
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        self._release(runner)
        runner.status = STOPPED
        runner.reason = "stopped, positions kept" if keep_position else "stopped"
        runner.waiting = None
        await self._record(runner, STOPPED)
        stopped, waiting = await self._stop_executors(runner, executors, keep_position)
        if waiting:
            self.kernel.spawn(
                self._stop_later(runner, executors, keep_position, waiting),
                name=f"controller {controller_id}: stop resumed executors",
            )
        return {
            "controller_id": controller_id,
            "status": STOPPED,
            "keep_position": keep_position,
            "executors_stopped": stopped,
            "executors_waiting": waiting,
        }

    async def _stop_executors(
        self, runner: Runner, executors: ExecutorService, keep_position: bool, only: list[str] | None = None
    ) -> tuple[list[str], list[str]]:
        """Stop every active executor of the controller; those still being resumed after a
        restart cannot be stopped yet and are listed apart."""
        ids = [
            info.id
            for info in self._infos(runner, executors)
            if info.is_active and info.status.name != "SHUTTING_DOWN" and (only is None or info.id in only)
        ]
        stopped, waiting = [], []
        for executor_id in ids:
            try:
                await executors.stop_executor(executor_id, keep_position)
                stopped.append(executor_id)
            except Conflict as exc:
                if "being resumed" in exc.detail:
                    waiting.append(executor_id)
            except NotFound:
                pass
        return stopped, waiting

    async def _stop_later(
        self, runner: Runner, executors: ExecutorService, keep_position: bool, waiting: list[str]
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.service.settings.live_stop_timeout
        while waiting and loop.time() < deadline:
            if self.runners.get(runner.controller_id) is not runner or runner.status != STOPPED:
                return  # started again since: its executors are its own again
            await asyncio.sleep(0.5)
            _stopped, waiting = await self._stop_executors(runner, executors, keep_position, waiting)
        if waiting:
            log.warning(
                "controller %s: executors %s were not stopped", runner.controller_id, ", ".join(waiting)
            )

    # -- records --------------------------------------------------------------------------------

    async def _load_rows(self) -> list[LiveControllerRow]:
        from sqlalchemy import select

        from hbdesk_plugins.controllers.tables import LiveControllerRow

        async with self.kernel.db.session() as session:
            rows = list(await session.scalars(select(LiveControllerRow)))
            session.expunge_all()
        return rows

    async def _record(self, runner: Runner, status: str) -> None:
        from hbdesk_plugins.controllers.tables import LiveControllerRow

        row = LiveControllerRow(
            controller_id=runner.controller_id,
            account_name=runner.account,
            config_name=runner.config_name,
            config=json.dumps(runner.config_data),
            update_interval=runner.update_interval,
            status=status,
            reason=runner.reason,
            started_at=runner.started_at,
            updated_at=self.kernel.clock(),
        )
        async with self.kernel.db.session() as session:
            await session.merge(row)
            await session.commit()

    # -- reading --------------------------------------------------------------------------------

    def views(self) -> list[dict[str, Any]]:
        return [self.view(controller_id) for controller_id in sorted(self.runners)]

    def view(self, controller_id: str) -> dict[str, Any]:
        runner = self.runners.get(controller_id)
        if runner is None:
            raise NotFound(f"Controller {excerpt(controller_id)} is not run live here.")
        executors = self.kernel.optional_service(EXECUTORS)
        infos = self._infos(runner, executors) if executors is not None else []
        active = [i for i in infos if i.is_active]
        done = [i for i in infos if not i.is_active]
        close_types: dict[str, int] = {}
        for info in done:
            name = info.close_type.name if info.close_type is not None else "NONE"
            close_types[name] = close_types.get(name, 0) + 1
        data = runner.config_data
        controller = runner.controller
        return {
            "controller_id": runner.controller_id,
            "controller_name": str(data.get("controller_name", "")),
            "controller_type": str(data.get("controller_type", "")),
            "account_name": runner.account,
            "config_name": runner.config_name,
            "status": runner.status,
            "reason": runner.reason,
            "waiting_for": runner.waiting,
            "started_at": _iso(runner.started_at),
            "last_tick_at": _iso(runner.last_tick),
            "ticks": runner.ticks,
            "update_interval": runner.update_interval,
            "executors_total": len(infos),
            "executors_active": len(active),
            "close_types": close_types,
            "net_pnl_quote": _sum(i.net_pnl_quote for i in infos),
            "realized_pnl_quote": _sum(i.net_pnl_quote for i in done),
            "unrealized_pnl_quote": _sum(i.net_pnl_quote for i in active),
            "volume_traded_quote": _sum(i.filled_amount_quote for i in infos),
            "cum_fees_quote": _sum(i.cum_fees_quote for i in infos),
            "refused_actions": runner.refused,
            "last_refused": runner.last_refused,
            "config": data,
            "processed_data": _processed(controller),
            "status_lines": _status_lines(controller) if runner.status == RUNNING else [],
        }


# -- helpers -----------------------------------------------------------------------------------


def _mid(provider: Any, connector_name: str, pair: str) -> float | None:
    connector = provider.connectors.get(connector_name) if provider is not None else None
    if connector is None:
        return None
    try:
        price = float(connector.get_mid_price(pair))
    except Exception:
        return None
    return price if math.isfinite(price) and price > 0 else None


def _sum(values: Any) -> float:
    total = 0.0
    for value in values:
        try:
            number = float(value)
        except (TypeError, ValueError, ArithmeticError):
            continue
        if math.isfinite(number):
            total += number
    return total


def _iso(moment: float | None) -> str | None:
    return None if moment is None else datetime.fromtimestamp(moment, UTC).isoformat()


def _processed(controller: Any) -> dict[str, Any]:
    shown = plain(getattr(controller, "processed_data", None) or {})
    return shown if isinstance(shown, dict) else {"value": shown}


def _status_lines(controller: Any) -> list[str]:
    try:
        lines = controller.to_format_status()
    except Exception as exc:  # a view, never a reason to fail a read
        return [f"(to_format_status raised {type(exc).__name__}: {excerpt(exc)})"]
    return [str(line) for line in lines or []]


def _plain_json(data: dict[str, Any]) -> dict[str, Any]:
    """The config as JSON keeps it (a saved YAML file may hold dates, Decimals...)."""
    result: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return result


def plain(value: Any, depth: int = 0) -> Any:
    """``processed_data`` as JSON: a frame as its size, columns and last row; a series as its
    length and last value; numbers finite or None."""
    if depth > 6:
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, enum.Enum):
        return value.name
    kind = type(value).__name__
    if kind == "DataFrame":
        last = value.iloc[-1].to_dict() if len(value) else {}
        return {
            "rows": len(value),
            "columns": [str(c) for c in value.columns],
            "last": plain(last, depth + 1),
        }
    if kind == "Series":
        return {"length": len(value), "last": plain(value.iloc[-1], depth + 1) if len(value) else None}
    if hasattr(value, "item") and callable(value.item) and not hasattr(value, "__len__"):
        return plain(value.item(), depth + 1)  # a numpy scalar
    if hasattr(value, "model_dump"):
        return plain(value.model_dump(), depth + 1)
    if isinstance(value, dict):
        return {str(k): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        items = list(value)
        return [plain(v, depth + 1) for v in items[-100:]]
    return str(value)


__all__ = [
    "CandlesSlot",
    "ControllerFailed",
    "ExecutorBook",
    "LiveControllers",
    "Runner",
    "plain",
    "provider_class",
]
