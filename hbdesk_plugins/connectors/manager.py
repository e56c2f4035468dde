"""Live connectors: one trading connector per (account, connector), public ones on demand.

Every connector hangs on one hummingbot ``Clock`` that the kernel runs in its own event loop. A
connector that does not become ready within the timeout (an exchange that cannot be reached) is
stopped again and reported as a 503 naming it; nothing waits longer than the timeout.
A connector some plugin provides (see ``providers``) is built by its provider's factory; every
other name from hummingbot's own connector classes.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hbdesk.sdk import Unavailable, settle_heap, until
from hbdesk_plugins.accounts.public import ACCOUNTS
from hbdesk_plugins.connectors.public import CONNECTORS

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel

log = logging.getLogger(__name__)

# Told of each trading connector: (account, connector name, connector), before it starts (so no
# event of it is missed) and again, with None for the connector, once it has stopped.
Watcher = Callable[[str, str, Any], None]


class ConnectorManager:
    def __init__(
        self, kernel: Kernel, timeout: float, tick_size: float = 1.0, idle_timeout: float = 0.0
    ) -> None:
        self.kernel = kernel
        self.timeout = timeout
        self.tick_size = tick_size
        self.idle_timeout = idle_timeout  # 0: trading connectors run until the desk stops
        self._used: dict[tuple[str | None, str], float] = {}
        self._pins: dict[tuple[str, str], int] = {}
        self._reaper: asyncio.Task[None] | None = None
        self._live: dict[tuple[str | None, str], Any] = {}
        self._locks: dict[tuple[str | None, ...], asyncio.Lock] = {}
        self._starting: dict[tuple[str | None, str], asyncio.Task[Any]] = {}
        self._clock: Any = None
        self._clock_task: asyncio.Task[None] | None = None
        self._watchers: list[Watcher] = []

    def watch(self, watcher: Watcher) -> Callable[[], None]:
        """Follow trading connectors as they start and stop (the running ones are told at once)."""
        self._watchers.append(watcher)
        for (account, name), connector in self._live.items():
            if account is not None:
                watcher(account, name, connector)
        return lambda: self._watchers.remove(watcher)

    def _tell(self, account: str | None, name: str, connector: Any) -> None:
        if account is None:
            return
        for watcher in tuple(self._watchers):
            try:
                watcher(account, name, connector)
            except Exception:
                log.exception("a watcher of %s/%s failed", account, name)

    @property
    def live(self) -> dict[tuple[str | None, str], Any]:
        """(account or None for public data, connector name) → running connector."""
        return dict(self._live)

    async def trading(self, account: str, name: str, trading_pairs: list[str] | None = None) -> Any:
        """The account's trading connector, started on first use."""
        return await self._get(account, name, trading_pairs or [], trading_required=True)

    async def public(self, name: str, trading_pairs: list[str] | None = None) -> Any:
        """A connector for public market data, without credentials."""
        connector = await self._get(None, name, [], trading_required=False)
        await self.follow(None, name, connector, trading_pairs or [])
        return connector

    async def follow(self, account: str | None, name: str, connector: Any, pairs: list[str]) -> None:
        """Make a running connector follow the order books of ``pairs`` (a trading connector starts
        with none: a market order needs the touch, and hummingbot prices it from the book)."""
        missing = [pair for pair in pairs if pair not in connector.order_books]
        if not missing:
            return
        # One pair added at a time per connector: two requests for the same new pair would both
        # ask the tracker for it, and the second would drop the first one's tracking.
        async with self._lock((account, name, "pairs")):
            for pair in missing:
                if pair not in connector.order_books:
                    await self._add_pair(connector, name, pair)

    def _lock(self, key: tuple[str | None, ...]) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    def pin(self, account: str, name: str) -> Callable[[], None]:
        """Keep a trading connector running while idle (an executor watching its orders, say);
        call what is returned to let it go."""
        key = (account, name)
        self._pins[key] = self._pins.get(key, 0) + 1

        def unpin() -> None:
            self._pins[key] -= 1
            if not self._pins[key]:
                del self._pins[key]

        return unpin

    async def reap(self) -> list[tuple[str, str]]:
        """Stop the trading connectors unused for ``idle_timeout`` with no order in flight."""
        now = time.monotonic()
        idle = [
            (account, name)
            for (account, name), connector in self._live.items()
            if account is not None
            and (account, name) not in self._pins
            and now - self._used.get((account, name), now) >= self.idle_timeout
            and not getattr(connector, "in_flight_orders", None)
        ]
        for account, name in idle:
            log.info("stopping %s for %s: idle for %g s", name, account, self.idle_timeout)
            await self.release(account, name)
        return idle

    async def _reap_forever(self) -> None:
        while True:
            await asyncio.sleep(max(self.idle_timeout / 4, 1.0))
            await self.reap()

    async def _get(self, account: str | None, name: str, pairs: list[str], trading_required: bool) -> Any:
        key = (account, name)
        self._used[key] = time.monotonic()
        live = self._live.get(key)
        if live is not None:
            return live  # the common case, on every market-data request: no lock to take
        # One start per connector, shared by whoever asks meanwhile, and carried on when a caller
        # stops waiting (a screen that asks again every second must not cancel every start).
        starting = self._starting.get(key)
        if starting is None:
            starting = asyncio.get_running_loop().create_task(
                self._bring_up(key, pairs, trading_required), name=f"start {name}"
            )
            self._starting[key] = starting
            starting.add_done_callback(lambda task: self._started(key, task))
        return await asyncio.shield(starting)

    def _started(self, key: tuple[str | None, str], task: asyncio.Task[Any]) -> None:
        if self._starting.get(key) is task:
            del self._starting[key]
        if not task.cancelled():
            task.exception()  # told to the callers still waiting; nobody else needs it

    async def _bring_up(self, key: tuple[str | None, str], pairs: list[str], trading_required: bool) -> Any:
        account, name = key
        async with self._lock(key):
            if key in self._live:
                return self._live[key]
            connector = await self._build(account, name, pairs, trading_required)
            self._tell(account, name, connector)
            try:
                await self._start(connector, name)
            except BaseException:
                self._tell(account, name, None)
                raise
            self._live[key] = connector
            settle_heap()  # a connector (and what it imported) lives until released
            return connector

    async def _build(self, account: str | None, name: str, pairs: list[str], trading_required: bool) -> Any:
        catalog = self.kernel.service(CONNECTORS)
        await catalog.spec(name)  # an unknown name is a 400 naming what exists
        provider = catalog.provider(name)
        if provider is not None:
            built = provider.factory(account, pairs, trading_required)
            return await built if inspect.isawaitable(built) else built
        from hbdesk_plugins.connectors.hummingbot_specs import build_connector

        keys: dict[str, str] = {}
        if account is not None and trading_required:
            accounts = self.kernel.optional_service(ACCOUNTS)  # declared optional: see the plugin
            if accounts is None:
                raise Unavailable(f"{name} needs an account's credentials: the accounts plugin is disabled")
            keys = await accounts.credentials(account, name)
        try:
            return await build_connector(name, keys, pairs, trading_required)
        except Exception as exc:
            raise Unavailable(f"{name} could not be started: {type(exc).__name__}: {exc}") from exc

    async def _start(self, connector: Any, name: str) -> None:
        await self._ensure_clock()
        # On the running clock, the connector checks its network and starts itself (hummingbot's
        # NetworkIterator), as it would in a hummingbot client.
        self._clock.add_iterator(connector)
        if not connector.is_trading_required:
            return  # a data connector is usable as soon as it runs; each pair is awaited when added
        try:
            await asyncio.wait_for(until(lambda: connector.ready), self.timeout)
        except TimeoutError:
            await self._stop(connector)
            raise Unavailable(f"{name} cannot be reached: not ready within {self.timeout:g} s") from None

    async def ask(self, name: str, call: Any) -> Any:
        """Await one request to an exchange, bounded by the timeout, failures told as 503s."""
        try:
            return await asyncio.wait_for(call, self.timeout)
        except TimeoutError:
            raise Unavailable(f"{name} did not answer within {self.timeout:g} s") from None
        except Unavailable:
            raise
        except Exception as exc:
            raise Unavailable(f"{name} cannot be reached: {type(exc).__name__}: {exc}") from exc

    async def _add_pair(self, connector: Any, name: str, pair: str) -> None:
        try:
            added = await asyncio.wait_for(connector.add_trading_pair(pair), self.timeout)
        except TimeoutError:
            raise Unavailable(f"{name} sent no order book for {pair} within {self.timeout:g} s") from None
        if not added:
            raise Unavailable(f"{name} could not follow {pair}")

    async def release(self, account: str | None, name: str) -> None:
        """Stop a connector nobody needs any more."""
        connector = self._live.pop((account, name), None)
        if connector is not None:
            await self._stop(connector)
            self._tell(account, name, None)

    async def _stop(self, connector: Any) -> None:
        try:
            await connector.stop_network()
        except Exception:
            log.exception("stopping connector %s failed", getattr(connector, "name", connector))
        if self._clock is not None and connector in self._clock.child_iterators:
            self._clock.remove_iterator(connector)

    async def _ensure_clock(self) -> None:
        if self._clock is not None:
            return
        from hummingbot.core.clock import Clock, ClockMode

        self._clock = Clock(ClockMode.REALTIME, tick_size=self.tick_size)
        self._clock.__enter__()
        self._clock_task = self.kernel.spawn(self._clock.run(), name="hummingbot clock")
        if self.idle_timeout > 0:
            self._reaper = self.kernel.spawn(self._reap_forever(), name="idle connectors")
        await asyncio.sleep(0)

    async def stop(self) -> None:
        for task in list(self._starting.values()):
            task.cancel()
        await asyncio.gather(*self._starting.values(), return_exceptions=True)
        if self._reaper is not None:
            self._reaper.cancel()
            await asyncio.gather(self._reaper, return_exceptions=True)
        for key in list(self._live):
            await self.release(*key)
        if self._clock_task is not None:
            self._clock_task.cancel()
            await asyncio.gather(self._clock_task, return_exceptions=True)
        if self._clock is not None:
            self._clock.__exit__(None, None, None)
        self._clock = None
        await _close_shared_session()


async def _close_shared_session() -> None:
    """hummingbot's connectors share one HTTP session (its ConnectionsFactory); closed last."""
    import sys

    if "hummingbot.core.web_assistant.connections.connections_factory" not in sys.modules:
        return  # no connector ever ran: nothing to close, nothing to import
    from hummingbot.core.web_assistant.connections.connections_factory import ConnectionsFactory

    try:
        await ConnectionsFactory().close()
    except Exception:
        log.debug("closing hummingbot's HTTP session failed", exc_info=True)
