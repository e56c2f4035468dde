"""The executors service: hummingbot's strategy_v2 executors, validated, recorded, driven and
resumed after a restart.

An executor is validated completely (its type, hummingbot's config model, the account, each
connector and pair, the amount against the trading rules, the balance) before anything is
written; then its row is committed; then it runs, each executor in a task of its own that
steps it as hummingbot's own control loop does. Its orders go through the trading plugin
(recorded with the executor as their owner, the executor's state that refers to them written,
then sent). Its row (status, figures, and the state that rebuilds it) is written again
whenever it changes, changes gathered for ``save_delay``.

On start, every executor that was running is rebuilt from its config and saved state, put
back on its orders once the trading plugin has settled them with their exchange, told what
happened to them meanwhile, and driven again. Types that cannot be rebuilt are closed with the
reason, never left looking alive.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hbdesk.sdk import Conflict, InvalidInput, NotFound, Unavailable, excerpt
from hbdesk_plugins.accounts.public import ACCOUNTS
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER
from hbdesk_plugins.executors import balance, fees, margin, resume, state
from hbdesk_plugins.executors.adapter import ExecutorStrategy
from hbdesk_plugins.executors.configs import validate
from hbdesk_plugins.executors.holds import Holds
from hbdesk_plugins.executors.logs import CURRENT, ExecutorLogs
from hbdesk_plugins.executors.public import ExecutorChanged, ExecutorType
from hbdesk_plugins.executors.settings import ExecutorsSettings
from hbdesk_plugins.executors.views import custom_info, figures, iso, row_view
from hbdesk_plugins.trading.public import TRADING, OrderChanged

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel, Subscription
    from hbdesk_plugins.executors.tables import ExecutorRow
    from hbdesk_plugins.trading.public import OrderIntent

log = logging.getLogger(__name__)

ACTIVE = ("NOT_STARTED", "RUNNING", "SHUTTING_DOWN")
RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)


@dataclass(eq=False)
class Live:
    """An executor this process runs (or is bringing back)."""

    row: ExecutorRow  # its record as last built; the API reads it
    kind: ExecutorType | None
    executor: Any = None  # None while it is being resumed
    connectors: dict[str, Any] = field(default_factory=dict)
    order_connectors: dict[str, str] = field(default_factory=dict)  # order id → connector name
    rebuilt: dict[str, Any] = field(default_factory=dict)  # orders no connector tracks any more
    task: asyncio.Task[None] | None = None
    unpins: list[Callable[[], None]] = field(default_factory=list)
    note: str | None = None  # what a resume waits for
    finished: bool = False  # its end is recorded (held position included): only then TERMINATED
    written: dict[str, Any] | None = None  # its columns as last written (None: not yet, here)
    stepped_at: float = 0.0  # loop time its steps last asked for a write
    logs_sequence: int = -1  # the last log line its row holds

    @property
    def executor_id(self) -> str:
        return self.row.executor_id


class ExecutorService:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.settings = kernel.settings.section("executors", ExecutorsSettings)
        self.types: dict[str, ExecutorType] = {}
        self.logs = ExecutorLogs(self.settings.log_limit, self._logged)
        self.holds = Holds(kernel)
        self._live: dict[str, Live] = {}
        self._done: dict[str, ExecutorRow] = {}
        self._imported: set[str] = set()  # types whose classes are imported (off the loop, once)
        self._dirty: set[str] = set()
        self._wake = asyncio.Event()
        self._write_lock = asyncio.Lock()
        self._writer: asyncio.Task[None] | None = None
        self._news: dict[tuple[str, str, str], dict[str, Any]] = {}  # our orders' latest records
        self._orders: Subscription[OrderChanged] | None = None

    # -- life -----------------------------------------------------------------------------------

    async def start(self) -> None:
        self.kernel.call_hook("register_executor_types", registrar=self._registrar, kernel=self.kernel)
        self.logs.install()
        self._orders = self.kernel.bus.on(OrderChanged, self._order_changed, maxsize=100_000)
        await self.holds.load()
        for row in await self._load_rows():
            if row.status in ACTIVE:
                live = Live(row=row, kind=self.types.get(row.executor_type), note="resuming")
                self._live[row.executor_id] = live
                self.kernel.spawn(self._resume(live), name=f"resume executor {row.executor_id}")
            else:
                self._done[row.executor_id] = row
        self._writer = self.kernel.spawn(self._write_forever(), name="executors writer")

    async def stop(self) -> None:
        """Leave every executor as it is, to be resumed by the next start: never stopped (that
        would close its position), only no longer stepped."""
        for live in self._live.values():
            if live.task is not None:
                live.task.cancel()
        await asyncio.gather(
            *(live.task for live in self._live.values() if live.task), return_exceptions=True
        )
        if self._writer is not None:
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
        running = [live for live in self._live.values() if live.executor is not None]
        try:
            await self._write(running)
        except Exception:
            log.exception("the executors' last state could not be written")
        for live in running:
            _quietly(live.executor.unregister_events)
            self._unpin(live)
        if self._orders is not None:
            self._orders.close()
        self.logs.uninstall()

    def _registrar(self, owner: str) -> Callable[[ExecutorType], None]:
        def register(executor_type: ExecutorType) -> None:
            if executor_type.name in self.types:
                raise ValueError(f"executor type {executor_type.name!r} is already registered")
            self.types[executor_type.name] = executor_type

        return register

    async def _load_rows(self) -> list[ExecutorRow]:
        from sqlalchemy import select

        from hbdesk_plugins.executors.tables import ExecutorRow

        async with self.kernel.db.session() as session:
            rows = list(await session.scalars(select(ExecutorRow)))
            session.expunge_all()
        for row in rows:
            entries = json.loads(row.logs or "[]")
            self.logs.load(row.executor_id, entries, (row.error_count, row.last_error))
        return rows

    # -- creating -------------------------------------------------------------------------------

    def executor_type(self, name: str) -> ExecutorType:
        found = self.types.get(name)
        if found is None:
            raise NotFound(f"Unknown executor type '{excerpt(name)}'. Valid types: {', '.join(self.types)}")
        return found

    async def config_class(self, kind: ExecutorType) -> type:
        """The type's config class, its executor class loaded with it, both imported off the loop:
        a first import of hummingbot's executor modules takes hundreds of milliseconds, and waits
        on the import lock while hummingbot loads in another thread (a 0.3-0.7 s stall of every
        executor's resume, before)."""

        if kind.name in self._imported:
            return kind.load_config()

        def load() -> type:
            kind.load_executor()
            return kind.load_config()

        config = await asyncio.to_thread(load)
        self._imported.add(kind.name)
        return config

    async def create(self, account: str | None, controller_id: str, raw: dict[str, Any]) -> dict[str, Any]:
        from hummingbot.strategy_v2.models.executors import CloseType

        account = account or "master_account"
        type_name = raw.get("type")
        if not isinstance(type_name, str) or not type_name:
            raise InvalidInput("executor_config must include 'type' field")
        kind = self.types.get(type_name)
        if kind is None:
            raise InvalidInput(
                f"Invalid executor type '{excerpt(type_name)}'. Valid types: {', '.join(self.types)}"
            )
        await self._require_account(account)
        raw = {**raw, "controller_id": controller_id}
        if raw.get("timestamp") is None:
            raw["timestamp"] = self.kernel.clock()  # hummingbot's default is the wall clock, not ours
        config = validate(await self.config_class(kind), raw)
        if kind.needs_gateway:
            raise Unavailable(
                f"{type_name} needs Gateway, which this desk does not drive: nothing was created"
            )
        if config.id in self._live or config.id in self._done:
            raise Conflict(f"Executor {config.id} exists already.")
        markets = markets_of(config)
        if not markets:
            raise InvalidInput(f"{type_name} names no connector and trading pair to trade on.")
        connectors = await self._open(account, markets)
        _check_amount(config, connectors)
        row = self._new_row(config, kind, account, controller_id, markets)
        live = Live(row=row, kind=kind, connectors=connectors)
        executor = self._construct(live, kind, config)
        if executor.status.name == "TERMINATED":
            raise InvalidInput(f"{type_name} refused its config: {self._last_words(live)}")
        try:
            await executor.validate_sufficient_balance()
        except NotImplementedError:
            pass
        except Exception as exc:
            raise InvalidInput(f"The balance check failed: {type(exc).__name__}: {excerpt(exc)}") from None
        if executor.close_type == CloseType.INSUFFICIENT_BALANCE:
            raise InvalidInput(
                f"Insufficient balance on {', '.join(connectors)} for this {type_name}: nothing was started."
            )
        try:
            applied = await margin.apply(self.kernel.service(TRADING), account, config, markets, connectors)
        except (InvalidInput, Unavailable) as exc:
            raise type(exc)(f"{type_name} was not started: {exc.detail}") from None
        live.executor = executor
        self._refresh(live)
        try:
            await self._write([live])
        except Exception as exc:
            raise Unavailable(f"the executor could not be recorded, so it was not started: {exc}") from exc
        self._live[live.executor_id] = live
        self.logs.note(live.executor_id, "INFO", f"created on {account}", self.kernel.clock())
        if applied:
            self.logs.note(live.executor_id, "INFO", f"set {', '.join(applied)}", self.kernel.clock())
        self._start(live, resumed=False)
        return {
            "executor_id": live.executor_id,
            "executor_type": type_name,
            "connector_name": row.connector_name,
            "trading_pair": row.trading_pair,
            "controller_id": controller_id,
            "status": "RUNNING",
            "created_at": iso(row.created_at),
        }

    async def _require_account(self, account: str) -> None:
        if account not in await self.kernel.service(ACCOUNTS).list_accounts():
            raise NotFound(f"Account '{excerpt(account)}' not found.")

    async def _open(self, account: str, markets: list[tuple[str, str]]) -> dict[str, Any]:
        """The account's trading connectors for ``markets``, each following its pairs' books
        (executors price from them from their first step): 400 unknown, 503 unreachable."""
        trading = self.kernel.service(TRADING)
        connectors: dict[str, Any] = {}
        for name, pair in markets:
            connector = await trading.connector(account, name, pair)
            if pair not in connector.trading_rules:
                raise InvalidInput(f"Trading pair '{excerpt(pair)}' is not traded on {name}.")
            connectors[name] = connector
        return connectors

    def _construct(self, live: Live, kind: ExecutorType, config: Any) -> Any:
        strategy = ExecutorStrategy(self, live.row.account_name, live.executor_id, live.connectors)
        token = CURRENT.set(live.executor_id)
        try:
            executor = kind.load_executor()(
                strategy=strategy,
                config=config,
                update_interval=self.settings.update_interval,
                max_retries=self.settings.max_retries,
            )
        except (InvalidInput, NotFound, Unavailable):
            raise
        except Exception as exc:
            raise InvalidInput(f"Failed to create executor: {type(exc).__name__}: {excerpt(exc)}") from None
        finally:
            CURRENT.reset(token)
        self._wrap_events(live, executor)
        fees.spot_fee_views(executor.connectors)
        executor.validate_sufficient_balance = balance.guarded(executor)
        executor.adjust_order_candidates = balance.guarded_adjust(executor)
        rebuilt = live.rebuilt
        original = executor.get_in_flight_order

        # hummingbot's tracker forgets a finished order within 30 s; after a restart, orders that
        # ended while the desk was down are only known here.
        def get_in_flight_order(connector_name: str, order_id: str) -> Any:
            found = original(connector_name, order_id)
            return found if found is not None else rebuilt.get(order_id)

        executor.get_in_flight_order = get_in_flight_order
        return executor

    def _wrap_events(self, live: Live, executor: Any) -> None:
        """The executor's event handlers hear of its own orders only (hummingbot hands every
        executor every order's news, and its TWAP raises on others'), run under its name (for
        its log) and mark it changed; a handler that raises is logged and kept away from the
        connector that told it."""
        from hummingbot.core.event.event_forwarder import SourceInfoEventForwarder

        executor_id = live.executor_id

        def wrap(handler: Callable[[int, Any, Any], None]) -> Callable[[int, Any, Any], None]:
            def handle(tag: int, source: Any, event: Any) -> None:
                order_id = getattr(event, "order_id", None)
                if order_id is not None and order_id not in live.order_connectors:
                    return  # another executor's order, or one placed from the desk
                token = CURRENT.set(executor_id)
                try:
                    handler(tag, source, event)
                except Exception:
                    log.exception("executor %s failed on event %s", executor_id, tag)
                finally:
                    CURRENT.reset(token)
                    self.mark_dirty(executor_id)

            return handle

        # The executor keeps its forwarders: hummingbot's listeners are weak references.
        executor._event_pairs = [
            (tag, SourceInfoEventForwarder(wrap(forwarder._to_function)))
            for tag, forwarder in executor._event_pairs
        ]

    # -- orders (called by the strategy adapter) ------------------------------------------------

    def submit(self, strategy: ExecutorStrategy, connector_name: str, intent: OrderIntent) -> str:
        connector = strategy.connectors[connector_name]
        live = self._live.get(strategy.executor_id)
        if intent.position_action == "NIL" and margin.is_perpetual(connector):
            # Arbitrage and cross-exchange executors name no position action (spot habits); a
            # perpetual exchange's order with none opens, as hummingbot's perpetual connectors
            # send it (only CLOSE is reduce-only).
            from dataclasses import replace

            intent = replace(intent, position_action="OPEN")

        async def before_send() -> None:
            if live is not None:
                await self._write([live])

        order_id: str = self.kernel.service(TRADING).submit(
            strategy.account,
            connector_name,
            connector,
            intent,
            owner=strategy.executor_id,
            before_send=before_send,
        )
        if live is not None:
            live.order_connectors[order_id] = connector_name
        return order_id

    def _order_changed(self, event: OrderChanged) -> None:
        owner = event.order.get("owner")
        if owner is not None and owner in self._live:
            self._news[(event.account_name, event.connector_name, event.order_id)] = event.order
            self.mark_dirty(owner)

    # -- driving --------------------------------------------------------------------------------

    def _start(self, live: Live, resumed: bool) -> None:
        for name in live.connectors:
            live.unpins.append(self.kernel.service(CONNECTOR_MANAGER).pin(live.row.account_name, name))
        live.note = None
        live.task = self.kernel.spawn(self._drive(live, resumed), name=f"executor {live.executor_id}")

    async def _drive(self, live: Live, resumed: bool) -> None:
        """hummingbot's ExecutorBase.control_loop, in a task the service owns: never
        ``executor.start()``, whose task nobody holds and which re-runs ``on_start`` (its balance
        check would count the executor's own resting orders against it after a restart)."""
        from hummingbot.strategy_v2.models.base import RunnableStatus
        from hummingbot.strategy_v2.models.executors import CloseType

        CURRENT.set(live.executor_id)
        executor = live.executor
        if executor.status == RunnableStatus.NOT_STARTED:
            executor._status = RunnableStatus.RUNNING
            resumed = False
        executor.terminated.clear()
        executor.register_events()
        if not resumed:
            try:
                await executor.on_start()
            except Exception as exc:
                log.exception("executor %s failed to start", live.executor_id)
                self.logs.note(live.executor_id, "ERROR", f"failed to start: {exc}", self.kernel.clock())
                executor.close_type = CloseType.FAILED
                executor.stop()
        self.mark_dirty(live.executor_id)
        while not executor.terminated.is_set():
            try:
                await executor.control_task()
                executor.evaluate_max_retries()
            except Exception:
                log.exception("executor %s: a step failed", live.executor_id)
            finally:
                self._stepped(live)
            await asyncio.sleep(executor.update_interval)
        try:
            executor.on_stop()
        except Exception:
            log.exception("executor %s: on_stop failed", live.executor_id)
        await self._finish(live)

    async def _finish(self, live: Live) -> None:
        close = live.executor.close_type
        self.logs.note(
            live.executor_id, "INFO", f"closed: {close.name if close else 'done'}", self.kernel.clock()
        )
        _quietly(live.executor.unregister_events)
        if close is not None and close.name == "POSITION_HOLD":
            try:
                await self.holds.add(live.row, live.executor)
            except Exception:
                log.exception("executor %s: its kept position could not be recorded", live.executor_id)
        live.finished = True
        for attempt in range(5):
            try:
                await self._write([live])
                break
            except Exception:
                log.exception("executor %s: its final state could not be written", live.executor_id)
                await asyncio.sleep(1 + attempt)
        self._unpin(live)
        self._live.pop(live.executor_id, None)
        self._done[live.executor_id] = live.row
        self._dirty.discard(live.executor_id)
        for key in [key for key, order in self._news.items() if order.get("owner") == live.executor_id]:
            del self._news[key]

    def _unpin(self, live: Live) -> None:
        for unpin in live.unpins:
            _quietly(unpin)
        live.unpins.clear()

    async def stop_executor(self, executor_id: str, keep_position: bool) -> dict[str, Any]:
        live = self._live.get(executor_id)
        if live is None:
            if executor_id in self._done:
                raise Conflict(f"Executor {executor_id} is already closed.")
            raise NotFound(f"Executor {excerpt(executor_id)} not found")
        executor = live.executor
        if executor is None:
            raise Conflict(
                f"Executor {executor_id} is being resumed ({live.note}); stop it once it runs again."
            )
        from hummingbot.strategy_v2.models.executors import CloseType

        if executor.status.name == "TERMINATED":
            raise Conflict(f"Executor {executor_id} is already closed.")
        if executor.status.name == "SHUTTING_DOWN":  # stopping already: a clear no-op
            return {"executor_id": executor_id, "status": "stopping", "keep_position": keep_position}
        token = CURRENT.set(executor_id)
        try:
            executor.early_stop(keep_position)
        except NotImplementedError:
            executor.close_type = CloseType.POSITION_HOLD if keep_position else CloseType.EARLY_STOP
            executor.stop()
        finally:
            CURRENT.reset(token)
        self.logs.note(
            executor_id,
            "INFO",
            f"stop asked{' (keeping the position)' if keep_position else ''}",
            self.kernel.clock(),
        )
        self._refresh(live)
        await self._write([live])  # the intent survives a restart
        return {"executor_id": executor_id, "status": "stopping", "keep_position": keep_position}

    # -- resuming -------------------------------------------------------------------------------

    async def _resume(self, live: Live) -> None:
        row = live.row
        kind = live.kind
        token = CURRENT.set(row.executor_id)
        try:
            if kind is None:
                await self._give_up(live, f"its type {row.executor_type} is not registered any more")
                return
            if kind.state is None or row.state is None:
                await self._give_up(
                    live, f"not resumed after the restart: {kind.not_resumable_reason or 'no saved state'}"
                )
                return
            saved = json.loads(row.state)
            markets = [tuple(m) for m in json.loads(row.markets)]
            live.connectors = await self._open_patiently(live, [(str(a), str(b)) for a, b in markets])
            live.order_connectors = {str(k): str(v) for k, v in saved.get("connectors", {}).items()}
            await self._settled(live, saved)
            config = validate(await self.config_class(kind), json.loads(row.config))
            await self._reapply_margin(live, config, [(str(a), str(b)) for a, b in markets])
            executor = self._construct(live, kind, config)
            await self._read_records(live, saved)
            attach, seen = self._attach(live, saved)

            state.restore(executor, saved, attach)
            live.executor = executor
            told = self._replay(live, attach, seen)
            note = f"resumed after a restart with {len(attach)} order(s)"
            if told:
                note += "; while stopped: " + "; ".join(told)
            self.logs.note(row.executor_id, "INFO", note, self.kernel.clock())
            self._refresh(live)
            await self._write([live])
            self._start(live, resumed=True)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("executor %s could not be resumed", row.executor_id)
            await self._give_up(live, f"could not be resumed: {type(exc).__name__}: {exc}")
        finally:
            CURRENT.reset(token)

    async def _reapply_margin(self, live: Live, config: Any, markets: list[tuple[str, str]]) -> None:
        """The connector forgets a pair's leverage when the desk stops: set it again (the same
        leverage is accepted with a position open). A refusal is logged, not fatal: the executor
        is already trading."""
        try:
            await margin.apply(
                self.kernel.service(TRADING), live.row.account_name, config, markets, live.connectors
            )
        except (InvalidInput, Unavailable) as exc:
            self.logs.note(
                live.executor_id,
                "WARNING",
                f"its leverage could not be set again after the restart: {exc.detail}",
                self.kernel.clock(),
            )

    async def _open_patiently(self, live: Live, markets: list[tuple[str, str]]) -> dict[str, Any]:
        attempt = 0
        while True:
            try:
                return await self._open(live.row.account_name, markets)
            except (Unavailable, InvalidInput, NotFound) as exc:
                live.note = f"waiting for its connectors: {exc.detail}"
                delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                attempt += 1
                log.warning("executor %s: %s; trying again in %g s", live.executor_id, live.note, delay)
                await asyncio.sleep(delay)

    async def _settled(self, live: Live, saved: dict[str, Any]) -> None:
        """Wait until the trading plugin has settled this executor's active orders with their
        exchange: tracked by a connector again, or ended (the deadline bounds the wait)."""
        trading = self.kernel.service(TRADING)
        account = live.row.account_name
        waiting = [
            order_id
            for order_id, seen in saved.get("orders", {}).items()
            if seen is None or int(seen.get("last_state", 0)) not in _FINAL_STATES
        ]
        if not waiting:
            return
        live.note = f"waiting for {len(waiting)} order(s) to be settled with the exchange"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.resume_timeout
        while loop.time() < deadline:
            active = {
                record.client_order_id
                for record in trading.active_orders()
                if record.account_name == account and record.owner == live.executor_id
            }
            pending = [
                order_id
                for order_id in waiting
                if resume.live_order(live.connectors, order_id) is None
                and order_id in active
                and not self._final_news(account, live, order_id)
            ]
            if not pending:
                return
            await asyncio.sleep(0.2)
        log.warning("executor %s resumes before all its orders were settled", live.executor_id)

    async def _read_records(self, live: Live, saved: dict[str, Any]) -> None:
        """The trading records of the orders no connector tracks and no news told of: a fill or
        an end recorded in the moment before the desk stopped, after the executor's last saved
        state, is known to it this way."""
        trading = self.kernel.service(TRADING)
        account = live.row.account_name
        for order_id in saved.get("orders", {}):
            if resume.live_order(live.connectors, order_id) or self._news_of(account, live, order_id):
                continue
            names = (
                [live.order_connectors[order_id]] if order_id in live.order_connectors else live.connectors
            )
            for name in names:
                record = await trading.order_record(account, name, order_id)
                if record is not None:
                    self._news[(account, name, order_id)] = record
                    break

    def _final_news(self, account: str, live: Live, order_id: str) -> bool:
        record = self._news_of(account, live, order_id)
        return record is not None and record.get("status") in resume.FINAL

    def _news_of(self, account: str, live: Live, order_id: str) -> dict[str, Any] | None:
        names = (
            [live.order_connectors[order_id]] if order_id in live.order_connectors else list(live.connectors)
        )
        for name in names:
            record = self._news.get((account, name, order_id))
            if record is not None:
                return record
        return None

    def _attach(self, live: Live, saved: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        attach: dict[str, Any] = {}
        seen_orders: dict[str, Any] = saved.get("orders", {})
        for order_id, seen in seen_orders.items():
            found = resume.live_order(live.connectors, order_id)
            if found is not None:
                live.order_connectors.setdefault(order_id, found[0])
                attach[order_id] = found[1]
                continue
            record = self._news_of(live.row.account_name, live, order_id)
            order = resume.rebuilt_order(seen, record)
            if order is not None:
                live.rebuilt[order_id] = order
                attach[order_id] = order
        return attach, seen_orders

    def _replay(self, live: Live, attach: dict[str, Any], seen: dict[str, Any]) -> list[str]:
        told = []
        for order_id, order in attach.items():
            name = live.order_connectors.get(order_id) or next(iter(live.connectors))
            try:
                happened = resume.replay(
                    live.executor, live.connectors[name], seen.get(order_id), order, self.kernel.clock()
                )
            except Exception:
                log.exception("executor %s: replaying order %s failed", live.executor_id, order_id)
                continue
            if happened:
                told.append(f"{order_id} {', '.join(happened)}")
        return told

    async def _give_up(self, live: Live, reason: str) -> None:
        """Close an executor that cannot be brought back, saying why (its resting orders are
        left as they are: the trading plugin shows them and they can be cancelled there)."""
        row = live.row
        self.logs.note(row.executor_id, "ERROR", reason, self.kernel.clock())
        row.status = "TERMINATED"
        row.close_type = "FAILED"
        row.close_timestamp = self.kernel.clock()
        row.error_count, row.last_error = self.logs.errors.get(row.executor_id, (1, reason))
        row.logs = json.dumps(self._log_tail(row.executor_id))
        row.updated_at = self.kernel.clock()
        try:
            await self._merge([row])
        except Exception:
            log.exception("executor %s: could not record that it was not resumed", row.executor_id)
        self._live.pop(row.executor_id, None)
        self._done[row.executor_id] = row
        self._publish(row)

    # -- writing --------------------------------------------------------------------------------

    def mark_dirty(self, executor_id: str) -> None:
        self._dirty.add(executor_id)
        self._wake.set()

    def _stepped(self, live: Live) -> None:
        """After a step: written at once when its status moved, else at most every
        ``step_save_interval`` (a step's other changes, a trailing stop's trigger say, are few;
        orders and fills mark it changed as they come)."""
        now = asyncio.get_running_loop().time()
        executor = live.executor
        moved = executor is not None and executor.status.name != live.row.status
        if moved or now - live.stepped_at >= self.settings.step_save_interval:
            live.stepped_at = now
            self.mark_dirty(live.executor_id)

    def _logged(self, executor_id: str) -> None:
        if executor_id in self._live:
            self.mark_dirty(executor_id)

    async def _write_forever(self) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(self.settings.save_delay)
            self._wake.clear()
            ids, self._dirty = self._dirty, set()
            lives = [self._live[i] for i in ids if i in self._live and self._live[i].executor is not None]
            try:
                await self._write(lives)
            except Exception:
                log.exception("writing %d executor(s) failed; trying again", len(lives))
                self._dirty.update(ids)
                self._wake.set()
                await asyncio.sleep(1.0)

    async def _write(self, lives: list[Live]) -> None:
        """Build the rows and write them under one lock, so that a row built later is never
        overwritten by one built earlier."""
        if not lives:
            return
        async with self._write_lock:
            new: list[tuple[Live, dict[str, Any]]] = []
            changed: list[tuple[Live, dict[str, Any]]] = []
            for live in lives:
                columns = _columns(self._refresh(live))
                if live.written is None:
                    new.append((live, columns))
                elif _differs(columns, live.written):
                    changed.append((live, columns))
            if not new and not changed:
                return
            await self._store([columns for _, columns in new], [columns for _, columns in changed])
            for live, columns in (*new, *changed):
                live.written = columns
        for live, _ in (*new, *changed):
            self._publish(live.row)

    async def _store(self, new: list[dict[str, Any]], changed: list[dict[str, Any]]) -> None:
        """Rows not yet written by this process merged (inserted or replaced), the others updated
        by their key in one statement."""
        from sqlalchemy import update

        from hbdesk_plugins.executors.tables import ExecutorRow

        async with self.kernel.db.session() as session:
            for columns in new:
                await session.merge(ExecutorRow(**columns))
            if changed:
                await session.execute(update(ExecutorRow), changed)
            await session.commit()

    async def _merge(self, rows: list[ExecutorRow]) -> None:
        from hbdesk_plugins.executors.tables import ExecutorRow

        async with self.kernel.db.session() as session:
            for row in rows:
                await session.merge(ExecutorRow(**_columns(row)))
            await session.commit()

    def _refresh(self, live: Live) -> ExecutorRow:
        """The live executor's row, brought up to date."""
        executor = live.executor
        row = live.row
        if executor is None:
            return row
        row.status = executor.status.name
        if row.status == "TERMINATED" and not live.finished:
            row.status = "SHUTTING_DOWN"  # shown closed once its end (and kept position) is recorded
        row.close_type = executor.close_type.name if executor.close_type is not None else None
        row.close_timestamp = executor.close_timestamp
        numbers = figures(executor)
        row.net_pnl_quote = numbers["net_pnl_quote"]
        row.net_pnl_pct = numbers["net_pnl_pct"]
        row.cum_fees_quote = numbers["cum_fees_quote"]
        row.filled_amount_quote = numbers["filled_amount_quote"]
        try:
            row.is_trading = int(bool(executor.is_trading))
        except Exception:
            row.is_trading = 0
        row.custom_info = json.dumps(custom_info(executor))
        try:
            row.config = json.dumps(executor.config.model_dump(mode="json"))
        except Exception:
            log.debug("executor %s: config not serialisable", live.executor_id, exc_info=True)
        if live.kind is not None and live.kind.state is not None:
            try:
                saved = state.snapshot(executor, live.kind.state)
                saved["connectors"] = dict(live.order_connectors)
                row.state = json.dumps(saved)
            except Exception:
                log.exception("executor %s: its state could not be saved", live.executor_id)
        row.error_count, row.last_error = self.logs.errors.get(live.executor_id, (0, None))
        entries = self.logs.entries(live.executor_id)
        newest = entries[-1]["sequence"] if entries else 0
        if newest != live.logs_sequence:
            row.logs = json.dumps([{k: v for k, v in e.items() if k != "sequence"} for e in entries])
            live.logs_sequence = newest
        row.updated_at = self.kernel.clock()
        return row

    def _log_tail(self, executor_id: str) -> list[dict[str, Any]]:
        return [{k: v for k, v in e.items() if k != "sequence"} for e in self.logs.entries(executor_id)]

    def _last_words(self, live: Live) -> str:
        entries = self.logs.entries(live.executor_id)
        errors = [e["message"] for e in entries if e["level"] in ("ERROR", "WARNING")]
        return errors[-1] if errors else "it stopped itself"

    def _new_row(
        self,
        config: Any,
        kind: ExecutorType,
        account: str,
        controller_id: str,
        markets: list[tuple[str, str]],
    ) -> ExecutorRow:
        from hbdesk_plugins.executors.tables import ExecutorRow

        side = getattr(config, "side", None)
        return ExecutorRow(
            executor_id=config.id,
            account_name=account,
            controller_id=controller_id,
            executor_type=kind.name,
            connector_name=markets[0][0],
            trading_pair=markets[0][1],
            markets=json.dumps([list(m) for m in markets]),
            side=side.name if side is not None and hasattr(side, "name") else None,
            config=json.dumps(config.model_dump(mode="json")),
            status="NOT_STARTED",
            close_type=None,
            created_at=self.kernel.clock(),
            close_timestamp=None,
            net_pnl_quote=0.0,
            net_pnl_pct=0.0,
            cum_fees_quote=0.0,
            filled_amount_quote=0.0,
            is_trading=0,
            custom_info="{}",
            state=None,
            error_count=0,
            last_error=None,
            logs="[]",
            updated_at=self.kernel.clock(),
        )

    def _publish(self, row: ExecutorRow) -> None:
        self.kernel.bus.publish(ExecutorChanged(row.executor_id, row.status, row_view(row)))

    # -- reading --------------------------------------------------------------------------------

    def views(self) -> list[dict[str, Any]]:
        shown = [self._view(live) for live in self._live.values()]
        shown.extend(row_view(row) for row in self._done.values())
        return shown

    def _view(self, live: Live) -> dict[str, Any]:
        if live.executor is not None:
            self._refresh(live)
        return row_view(live.row, live.note)

    def view(self, executor_id: str) -> dict[str, Any]:
        live = self._live.get(executor_id)
        if live is not None:
            return self._view(live)
        row = self._done.get(executor_id)
        if row is None:
            raise NotFound(f"Executor {excerpt(executor_id)} not found")
        return row_view(row)

    def executor_logs(self, executor_id: str, level: str | None, limit: int) -> dict[str, Any]:
        if executor_id not in self._live and executor_id not in self._done:
            raise NotFound(f"Executor {excerpt(executor_id)} not found")
        entries = self._log_tail(executor_id)
        if level:
            entries = [e for e in entries if e["level"] == level.upper()]
        return {"executor_id": executor_id, "logs": entries[-limit:], "total_count": len(entries)}

    def live_executors(self) -> list[Any]:
        return [live.executor for live in self._live.values() if live.executor is not None]

    def price(self, account: str, connector_name: str, pair: str) -> float | None:
        """The mid price on a running connector of the account that follows the pair; else the
        rate hummingbot's RateOracle has for it (as the rate oracle plugin configures it)."""
        connector = self.kernel.service(CONNECTOR_MANAGER).live.get((account, connector_name))
        value: Any = None
        try:
            if connector is not None and pair in getattr(connector, "order_books", {}):
                value = connector.get_mid_price(pair)
            else:
                from hummingbot.core.rate_oracle.rate_oracle import RateOracle

                value = RateOracle.get_instance().get_pair_rate(pair)
            found = float(value) if value is not None else 0.0
        except Exception:
            return None
        return found if found > 0 and found == found else None


_FINAL_STATES = {3, 5, 6}  # OrderState CANCELED, FILLED, FAILED (hummingbot's numbers)


def markets_of(config: Any) -> list[tuple[str, str]]:
    """(connector, pair) of every market a config names: its own, and any ``ConnectorPair``
    field (an arbitrage's two markets, a cross-exchange maker's and taker's)."""
    found: list[tuple[str, str]] = []
    name, pair = getattr(config, "connector_name", None), getattr(config, "trading_pair", None)
    if isinstance(name, str) and isinstance(pair, str):
        found.append((name, pair))
    for field_name in type(config).model_fields:
        value: Any = getattr(config, field_name, None)
        if type(value).__name__ == "ConnectorPair":
            found.append((value.connector_name, value.trading_pair))
    return list(dict.fromkeys(found))


def _check_amount(config: Any, connectors: dict[str, Any]) -> None:
    from decimal import Decimal

    amount = getattr(config, "amount", None)
    name, pair = getattr(config, "connector_name", None), getattr(config, "trading_pair", None)
    if not isinstance(amount, Decimal) or name not in connectors:
        return
    connector = connectors[name]
    rule = connector.trading_rules[pair]
    quantized = connector.quantize_order_amount(pair, amount)
    if quantized <= 0 or quantized < rule.min_order_size:
        raise InvalidInput(
            f"amount {amount} is below the minimum order size {rule.min_order_size} of {pair} on {name}."
        )
    try:
        mid = Decimal(str(connector.get_mid_price(pair)))
    except Exception:
        return
    if mid.is_finite() and mid > 0 and quantized * mid < rule.min_notional_size:
        raise InvalidInput(
            f"amount {amount} ({(quantized * mid).normalize():f} quote) is below the minimum notional "
            f"{rule.min_notional_size} of {pair} on {name}."
        )


def _columns(row: ExecutorRow) -> dict[str, Any]:
    return {column: getattr(row, column) for column in row.__table__.columns.keys()}  # noqa: SIM118


def _differs(columns: dict[str, Any], written: dict[str, Any]) -> bool:
    """Whether a row changed since it was written (its update time aside)."""
    return any(value != written.get(name) for name, value in columns.items() if name != "updated_at")


def _quietly(call: Callable[[], Any]) -> None:
    try:
        call()
    except Exception:
        log.debug("ignored", exc_info=True)
