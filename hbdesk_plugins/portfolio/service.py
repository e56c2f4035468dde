"""The portfolio service: what every account holds on every connector, what it is worth, and how
that moved over time.

An account's connectors are those it holds credentials for plus every connector a plugin provides
that needs none (a provider's connector is reachable for any account). Balances are read from the
account's trading connector (the connector manager starts it) and kept: an answer uses the kept
reading, a refresh reads again. A connector that cannot be read within the connectors' timeout is
logged and answered as an empty list beside the others, and kept as failed until the next
refresh, so one exchange that is down never slows or fails the whole answer.

Values are in the rate oracle's global token, at its current prices; a token it cannot price is
worth 0 and still listed. Every ``account_update_interval`` minutes every connector is read again
and the valued state is written to the history.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from hbdesk.sdk import HbdeskError, NotFound, RateBook, Unavailable, excerpt
from hbdesk_plugins.accounts.public import ACCOUNTS, AccountsChanged
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS
from hbdesk_plugins.portfolio.distribution import by_account, by_token
from hbdesk_plugins.portfolio.history import (
    DEFAULT_INTERVAL,
    bucket,
    cursor_seconds,
    epoch_seconds,
    interval_seconds,
    iso,
    sample,
)
from hbdesk_plugins.portfolio.holdings import Prices, Reading, read_holdings, valued
from hbdesk_plugins.portfolio.models import (
    AccountsDistribution,
    HistoryFilters,
    HistoryItem,
    HistoryPagination,
    PerpetualTokenBalance,
    PortfolioDistribution,
    PortfolioHistoryFilterRequest,
    PortfolioHistoryResponse,
    PortfolioState,
    TokenBalance,
)
from hbdesk_plugins.portfolio.public import PortfolioRecorded
from hbdesk_plugins.portfolio.settings import PortfolioSettings
from hbdesk_plugins.portfolio.tables import PortfolioBalance, PortfolioSnapshot
from hbdesk_plugins.rate_oracle.public import RATE_ORACLE

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel, Subscription

log = logging.getLogger(__name__)

Key = tuple[str, str]  # (account, connector)
SCAN = 500  # snapshots read from the history at a time while resampling
RETRY_PRICES = 5.0  # seconds before the rate oracle is asked again after it could not answer


def _quiet(task: asyncio.Task[Any]) -> None:
    """A shielded start that outlived its caller: its failure was told (as a timeout) already."""
    if not task.cancelled():
        task.exception()


class PortfolioService:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.settings = kernel.settings.section("portfolio", PortfolioSettings)
        self._readings: dict[Key, Reading] = {}
        self._reads: dict[Key, asyncio.Task[Reading]] = {}
        # account → connectors it holds credentials for; forgotten on every change of the account
        self._credentials: dict[str, list[str]] = {}
        self._changes = 0  # account changes seen: a list read across one is not kept
        self._prices: tuple[Any, Prices] | None = None  # (the oracle's snapshot, its prices)
        self._prices_failed: float | None = None  # when the rate oracle last could not answer
        self._recording = asyncio.Lock()
        self._subscription: Subscription[AccountsChanged] | None = None

    @property
    def interval(self) -> float:
        """Seconds between two snapshots."""
        return self.settings.account_update_interval * 60

    async def start(self) -> None:
        self._subscription = self.kernel.bus.on(AccountsChanged, self._forget)
        self.kernel.spawn(self._record_forever(), name="portfolio snapshots")

    async def stop(self) -> None:
        if self._subscription is not None:
            self._subscription.close()

    def _forget(self, event: AccountsChanged) -> None:
        """An account or credential changed: its connectors are listed and read again."""
        self._changes += 1
        self._credentials.pop(event.account_name, None)
        for key in [key for key in self._readings if key[0] == event.account_name]:
            if event.connector_name is None or key[1] == event.connector_name:
                del self._readings[key]

    # -- which accounts, which connectors --------------------------------------------------------

    async def _accounts(self, names: list[str] | None) -> list[str]:
        """The accounts asked for (all of them for none), each one that exists (else a 404)."""
        known = await self.kernel.service(ACCOUNTS).list_accounts()
        if not names:  # an empty filter is no filter, as the reference reads it
            return known
        wanted = list(dict.fromkeys(names))
        unknown = [name for name in wanted if name not in known]
        if len(unknown) == 1:
            raise NotFound(f"Account '{excerpt(unknown[0])}' not found.")
        if unknown:
            raise NotFound(f"Accounts not found: {', '.join(excerpt(name) for name in unknown[:20])}.")
        return wanted

    async def _connector_filter(self, names: list[str] | None) -> set[str] | None:
        """The connectors asked for, each one the catalog knows (else a 400 naming it)."""
        if not names:
            return None
        catalog = self.kernel.service(CONNECTORS)
        for name in dict.fromkeys(names):
            await catalog.spec(name)
        return set(names)

    async def connectors_of(self, account: str) -> list[str]:
        """The connectors an account's balances are read from, in name order."""
        credentials = self._credentials.get(account)
        if credentials is None:
            seen = self._changes
            credentials = await self.kernel.service(ACCOUNTS).list_credentials(account)
            if seen == self._changes:
                self._credentials[account] = credentials
        return sorted({*credentials, *self.kernel.service(CONNECTORS).keyless()})

    # -- reading balances ------------------------------------------------------------------------

    async def _running(self, account: str, name: str) -> Any:
        """The account's trading connector, started if need be, within the connectors' timeout.
        A start that takes longer goes on in the background: the manager keeps what it started."""
        manager = self.kernel.service(CONNECTOR_MANAGER)

        async def start() -> Any:
            # A refusal is an answer, handed back rather than raised: the kernel logs what its
            # tasks raise as failures, and an exchange that is down is not one of the desk's.
            try:
                return await manager.trading(account, name)
            except HbdeskError as exc:
                return exc

        # The kernel's task, so a stop cancels a start still under way (a bare future would outlive
        # the kernel and could start hummingbot's clock again after it stopped).
        task = self.kernel.spawn(start(), name=f"start {name} for {account}")
        task.add_done_callback(_quiet)
        try:
            result = await asyncio.wait_for(asyncio.shield(task), manager.timeout)
        except TimeoutError:
            raise Unavailable(f"{name} did not answer within {manager.timeout:g} s") from None
        if isinstance(result, HbdeskError):
            raise result
        return result

    async def _read(self, account: str, name: str, refresh: bool) -> Reading:
        manager = self.kernel.service(CONNECTOR_MANAGER)
        try:
            connector = await self._running(account, name)
            if refresh:
                # hummingbot's own balance and position polls, run now rather than at their next tick
                for update in ("_update_balances", "_update_positions"):
                    poll = getattr(connector, update, None)
                    if poll is not None:
                        await manager.ask(name, poll())
            reading = Reading(read_holdings(connector), None, self.kernel.clock())
        except HbdeskError as exc:
            log.warning("portfolio: %s of %s not read: %s", name, account, exc.detail)
            reading = Reading((), exc.detail, self.kernel.clock())
        except Exception as exc:  # one connector's fault must not fail every account's answer
            log.exception("portfolio: reading %s of %s failed", name, account)
            reading = Reading((), f"{type(exc).__name__}: {exc}", self.kernel.clock())
        self._readings[(account, name)] = reading
        return reading

    async def _reading(self, key: Key, refresh: bool) -> Reading:
        """One read at a time per connector and account: a second asker joins the first."""
        task = self._reads.get(key)
        if task is None:
            task = self._reads[key] = self.kernel.spawn(
                self._read(*key, refresh), name=f"portfolio read {key}"
            )

            def done(finished: asyncio.Task[Reading]) -> None:
                if self._reads.get(key) is finished:
                    del self._reads[key]

            task.add_done_callback(done)
        # Shielded: a caller that gives up leaves the read to finish for the others.
        return await asyncio.shield(task)

    async def _read_all(self, keys: list[Key], refresh: bool) -> dict[Key, Reading]:
        found = {} if refresh else {key: self._readings[key] for key in keys if key in self._readings}
        missing = [key for key in keys if key not in found]
        if missing:
            read = await asyncio.gather(*(self._reading(key, refresh) for key in missing))
            found.update(zip(missing, read, strict=True))
        return found

    def errors(self) -> dict[Key, str]:
        """(account, connector) → why its last reading failed."""
        return {key: reading.error for key, reading in self._readings.items() if reading.error}

    # -- valuing ---------------------------------------------------------------------------------

    async def prices(self) -> Prices:
        """The rate oracle's prices in its global token; when it cannot answer, the last ones
        (or none: every token then is worth 0, and still listed)."""
        oracle = self.kernel.service(RATE_ORACLE)
        last = self._prices[1] if self._prices is not None else Prices(RateBook({}), oracle.quote_token)
        if self._prices_failed is not None and 0 <= self.kernel.clock() - self._prices_failed < RETRY_PRICES:
            return last  # a source that just failed is not asked again (and waited for) at once
        try:
            snapshot = await oracle.prices()
        except HbdeskError as exc:
            log.warning("portfolio valued without fresh prices: %s", exc.detail)
            self._prices_failed = self.kernel.clock()
            return last
        self._prices_failed = None
        if self._prices is None or self._prices[0] is not snapshot:
            self._prices = (snapshot, Prices(RateBook(snapshot.prices), snapshot.quote_token))
        return self._prices[1]

    # -- answers ---------------------------------------------------------------------------------

    async def state(
        self,
        account_names: list[str] | None = None,
        connector_names: list[str] | None = None,
        refresh: bool = False,
    ) -> PortfolioState:
        """account → connector → token balances; a connector holding nothing is left out, one
        that could not be read is an empty list."""
        accounts = await self._accounts(account_names)
        wanted = await self._connector_filter(connector_names)
        targets = {
            account: [name for name in await self.connectors_of(account) if wanted is None or name in wanted]
            for account in accounts
        }
        readings = await self._read_all([(a, c) for a, names in targets.items() for c in names], refresh)
        price = await self.prices()
        state: PortfolioState = {}
        for account, names in targets.items():
            state[account] = {}
            for name in names:
                reading = readings[(account, name)]
                if reading.holdings or reading.error:
                    state[account][name] = valued(reading.holdings, price)
        return state

    async def distribution(
        self, account_names: list[str] | None = None, connector_names: list[str] | None = None
    ) -> PortfolioDistribution:
        state = await self.state(account_names, connector_names)
        label = ",".join(dict.fromkeys(account_names)) if account_names else "all_accounts"
        return by_token(state, label)

    async def accounts_distribution(self) -> AccountsDistribution:
        return by_account(await self.state())

    # -- history ---------------------------------------------------------------------------------

    async def record(self) -> float | None:
        """Read every connector of every account now and write the valued state to the history;
        the snapshot's time, or None when nothing is held anywhere."""
        async with self._recording:
            state = await self.state(refresh=True)
            taken_at = self.kernel.clock()
            rows = [
                (account, connector, balance)
                for account, connectors in state.items()
                for connector, balances in connectors.items()
                for balance in balances
            ]
            if not rows:
                return None
            async with self.kernel.db.session() as session, session.begin():
                snapshot = PortfolioSnapshot(taken_at=taken_at)
                session.add(snapshot)
                await session.flush()
                session.add_all(_row(snapshot.id, account, connector, b) for account, connector, b in rows)
        self.kernel.bus.publish(PortfolioRecorded(taken_at))
        return taken_at

    async def _record_forever(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.record()
            except HbdeskError as exc:  # the database is down, say: try again next time
                log.warning("portfolio snapshot not taken: %s", exc.detail)
            except Exception:
                log.exception("portfolio snapshot failed")

    async def history(self, request: PortfolioHistoryFilterRequest) -> PortfolioHistoryResponse:
        """Snapshots resampled to the interval, newest first, a page of ``limit`` buckets."""
        step = interval_seconds(request.interval)
        before = cursor_seconds(request.cursor)
        accounts = await self._accounts(request.account_names) if request.account_names else None
        connectors = await self._connector_filter(request.connector_names)
        since, until = epoch_seconds(request.start_time), epoch_seconds(request.end_time)
        kept = await self._sampled(step, since, until, before, accounts, connectors, request.limit + 1)
        has_more = len(kept) > request.limit
        kept = kept[: request.limit]
        states = await self._states([snapshot_id for snapshot_id, _t in kept], accounts, connectors)
        return PortfolioHistoryResponse(
            data=[HistoryItem(timestamp=iso(taken_at), state=states.get(sid, {})) for sid, taken_at in kept],
            pagination=HistoryPagination(
                limit=request.limit,
                has_more=has_more,
                next_cursor=iso(bucket(kept[-1][1], step)) if has_more else None,
                current_cursor=request.cursor,
                filters=HistoryFilters(
                    account_names=request.account_names,
                    connector_names=request.connector_names,
                    start_time=request.start_time,
                    end_time=request.end_time,
                    interval=request.interval or DEFAULT_INTERVAL,
                ),
            ),
        )

    async def value_history(
        self, interval: str = DEFAULT_INTERVAL, limit: int = 100
    ) -> list[tuple[float, float]]:
        """(time, total value) of the newest ``limit`` buckets, oldest first: for a chart."""
        kept = await self._sampled(interval_seconds(interval), None, None, None, None, None, limit)
        if not kept:
            return []
        ids = [snapshot_id for snapshot_id, _t in kept]
        async with self.kernel.db.session() as session:
            sums = await session.execute(
                select(PortfolioBalance.snapshot_id, func.sum(PortfolioBalance.value))
                .where(PortfolioBalance.snapshot_id.in_(ids))
                .group_by(PortfolioBalance.snapshot_id)
            )
            totals = {int(snapshot_id): float(total or 0.0) for snapshot_id, total in sums}
        return [(taken_at, totals.get(sid, 0.0)) for sid, taken_at in reversed(kept)]

    async def _sampled(
        self,
        step: int,
        since: float | None,
        until: float | None,
        before: float | None,
        accounts: list[str] | None,
        connectors: set[str] | None,
        wanted: int,
    ) -> list[tuple[int, float]]:
        """The newest snapshot of each of the newest ``wanted`` buckets, newest first."""
        query = select(PortfolioSnapshot.id, PortfolioSnapshot.taken_at)
        if since is not None:
            query = query.where(PortfolioSnapshot.taken_at >= since)
        if until is not None:
            query = query.where(PortfolioSnapshot.taken_at <= until)
        if accounts is not None or connectors is not None:
            holding = select(PortfolioBalance.snapshot_id)
            if accounts is not None:
                holding = holding.where(PortfolioBalance.account_name.in_(accounts))
            if connectors is not None:
                holding = holding.where(PortfolioBalance.connector_name.in_(connectors))
            query = query.where(PortfolioSnapshot.id.in_(holding))
        query = query.order_by(PortfolioSnapshot.taken_at.desc(), PortfolioSnapshot.id.desc())
        kept: list[tuple[int, float]] = []
        async with self.kernel.db.session() as session:
            while len(kept) < wanted:
                page = query if before is None else query.where(PortfolioSnapshot.taken_at < before)
                rows = [(int(i), float(t)) for i, t in await session.execute(page.limit(SCAN))]
                if not rows:
                    break
                kept.extend(sample(rows, step)[: wanted - len(kept)])
                # The next scan starts below the last bucket seen: the rest of it is already shown.
                before = bucket(rows[-1][1], step)
                if len(rows) < SCAN:
                    break
        return kept

    async def _states(
        self, snapshot_ids: list[int], accounts: list[str] | None, connectors: set[str] | None
    ) -> dict[int, PortfolioState]:
        if not snapshot_ids:
            return {}
        query = select(PortfolioBalance).where(PortfolioBalance.snapshot_id.in_(snapshot_ids))
        if accounts is not None:
            query = query.where(PortfolioBalance.account_name.in_(accounts))
        if connectors is not None:
            query = query.where(PortfolioBalance.connector_name.in_(connectors))
        query = query.order_by(
            PortfolioBalance.snapshot_id,
            PortfolioBalance.account_name,
            PortfolioBalance.connector_name,
            PortfolioBalance.token,
        )
        states: dict[int, PortfolioState] = {}
        async with self.kernel.db.session() as session:
            for row in await session.scalars(query):
                state = states.setdefault(row.snapshot_id, {})
                state.setdefault(row.account_name, {}).setdefault(row.connector_name, []).append(
                    _balance(row)
                )
        return states


def _row(snapshot_id: int, account: str, connector: str, balance: TokenBalance) -> PortfolioBalance:
    perpetual = balance if isinstance(balance, PerpetualTokenBalance) else None
    return PortfolioBalance(
        snapshot_id=snapshot_id,
        account_name=account,
        connector_name=connector,
        token=balance.token,
        units=balance.units,
        price=balance.price,
        value=balance.value,
        available_units=balance.available_units,
        unrealized_pnl=perpetual.unrealized_pnl if perpetual else None,
        position_margin=perpetual.position_margin if perpetual else None,
    )


def _balance(row: PortfolioBalance) -> PerpetualTokenBalance | TokenBalance:
    if row.unrealized_pnl is not None and row.position_margin is not None:
        return PerpetualTokenBalance(
            token=row.token,
            units=row.units,
            price=row.price,
            value=row.value,
            available_units=row.available_units,
            unrealized_pnl=row.unrealized_pnl,
            position_margin=row.position_margin,
        )
    return TokenBalance(
        token=row.token,
        units=row.units,
        price=row.price,
        value=row.value,
        available_units=row.available_units,
    )
