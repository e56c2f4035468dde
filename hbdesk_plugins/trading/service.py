"""The trading service: orders placed, followed and recorded, on any connector an account can use.

An order is checked, then written ("PENDING_SUBMIT") and committed, and only then sent: a crash
in between leaves a record, which the next start settles (the exchange is asked for it by its
client id; if it never arrived, the record says so). Every trading connector the desk starts is
watched, so an order's later life (accepted, filled in parts, cancelled, failed) and the funding
payments of perpetuals are recorded as they happen, whoever placed the order.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hbdesk.sdk import Conflict, InvalidInput, NotFound, Unavailable, excerpt
from hbdesk_plugins.accounts.public import ACCOUNTS
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS
from hbdesk_plugins.trading.checks import Checked, OrderIntent, check, is_perpetual
from hbdesk_plugins.trading.events import ConnectorWatch
from hbdesk_plugins.trading.public import FundingPaid, OrderChanged, OrderFilled
from hbdesk_plugins.trading.recorder import Recorder
from hbdesk_plugins.trading.records import ACTIVE, FINAL, OrderRecord, Status
from hbdesk_plugins.trading.settings import TradingSettings

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel
    from hbdesk_plugins.connectors.public import ConnectorManager

log = logging.getLogger(__name__)

Key = tuple[str, str, str]
FINISHED_KEPT = 1_000  # finished orders kept in memory for late news of them


class TradingService:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.settings = kernel.settings.section("trading", TradingSettings)
        self.recorder = Recorder(kernel, self.settings.record_batch)
        self._orders: dict[Key, OrderRecord] = {}  # the active ones; the rest live in the database
        # The latest finished ones too: an exchange may tell of an order after its end (a fill
        # reported before the acknowledgement, say), and that news must land on the same record.
        self._finished: OrderedDict[Key, OrderRecord] = OrderedDict()
        self._watches: dict[tuple[str, str], ConnectorWatch] = {}
        self._unwatch: Callable[[], None] | None = None
        self._unsettled: set[Key] = set()  # recorded before a restart, not yet confirmed with the exchange
        self._reconciler: asyncio.Task[None] | None = None

    @property
    def manager(self) -> ConnectorManager:
        return self.kernel.service(CONNECTOR_MANAGER)

    # -- life -----------------------------------------------------------------------------------

    async def start(self) -> None:
        self.recorder.start()
        await self._load_active()
        self._unwatch = self.manager.watch(self._on_connector)
        if self._unsettled:
            self._reconciler = self.kernel.spawn(self._reconcile_forever(), name="trading reconcile")

    async def stop(self) -> None:
        if self._reconciler is not None:
            self._reconciler.cancel()
            await asyncio.gather(self._reconciler, return_exceptions=True)
        if self._unwatch is not None:
            self._unwatch()
        for watch in self._watches.values():
            watch.close()
        self._watches.clear()
        await self.recorder.stop()

    async def _load_active(self) -> None:
        from sqlalchemy import select

        from hbdesk_plugins.trading.tables import FillRow, OrderRow

        async with self.kernel.db.session() as session:
            rows = list(
                await session.scalars(select(OrderRow).where(OrderRow.status.in_([s.value for s in ACTIVE])))
            )
            fills: dict[Key, set[str]] = {}
            if rows:
                ids = [row.client_order_id for row in rows]
                for fill in await session.execute(
                    select(
                        FillRow.account_name,
                        FillRow.connector_name,
                        FillRow.client_order_id,
                        FillRow.trade_id,
                    ).where(FillRow.client_order_id.in_(ids))
                ):
                    fills.setdefault((fill[0], fill[1], fill[2]), set()).add(fill[3])
        for row in rows:
            record = OrderRecord.from_row(
                row, fills.get((row.account_name, row.connector_name, row.client_order_id))
            )
            self._orders[record.key] = record
            self._unsettled.add(record.key)

    # -- connectors -----------------------------------------------------------------------------

    def _on_connector(self, account: str, name: str, connector: Any) -> None:
        key = (account, name)
        old = self._watches.pop(key, None)
        if old is not None:
            old.close()
        if connector is not None:
            self._watches[key] = ConnectorWatch(self, account, name, connector)

    async def connector(self, account: str, name: str, pair: str | None = None) -> Any:
        """The account's trading connector on ``name``: 404 for an unknown account, 400 for an
        unknown connector, 503 if it cannot be reached. With a pair the connector trades, its
        order book is followed too (prices and hummingbot's own market orders need it)."""
        await self.require_account(account)
        connector = await self.manager.trading(account, name)
        if pair is not None and pair in connector.trading_rules:
            await self.manager.follow(account, name, connector, [pair])
        return connector

    async def require_account(self, account: str) -> None:
        accounts = self.kernel.service(ACCOUNTS)
        if account not in await accounts.list_accounts():
            raise NotFound(f"Account '{excerpt(account)}' not found.")

    async def account_connectors(
        self, accounts: list[str] | None, connectors: list[str] | None
    ) -> list[tuple[str, str]]:
        """(account, connector) pairs a filter names: each account's credentials and every connector a
        plugin provides (those need none)."""
        service = self.kernel.service(ACCOUNTS)
        known = await service.list_accounts()
        chosen = accounts or known
        for name in chosen:
            if name not in known:
                raise NotFound(f"Account '{excerpt(name)}' not found.")
        provided = self.kernel.service(CONNECTORS).keyless()
        pairs: list[tuple[str, str]] = []
        for account in chosen:
            names = list(dict.fromkeys([*provided, *await service.list_credentials(account)]))
            pairs.extend((account, name) for name in names if connectors is None or name in connectors)
        return pairs

    # -- placing and cancelling -----------------------------------------------------------------

    async def preview(self, account: str, connector_name: str, intent: OrderIntent) -> Checked:
        """What ``place`` would send (quantized amount and price, notional, estimated fee), or the
        ``InvalidInput`` it would raise: for an order ticket, before anything is recorded."""
        connector = await self.connector(account, connector_name, intent.trading_pair)
        return check(connector, _on(connector, intent))

    async def place(
        self,
        account: str,
        connector_name: str,
        intent: OrderIntent,
    ) -> OrderRecord:
        connector = await self.connector(account, connector_name, intent.trading_pair)
        intent = _on(connector, intent)
        checked = check(connector, intent)
        record = self._new_record(account, connector_name, connector, intent, checked.amount, checked.price)
        self._orders[record.key] = record
        try:
            await self.recorder.order(record.row(), self._event_row(record, "recorded"))
        except Exception as exc:
            self._orders.pop(record.key, None)
            raise Unavailable(f"the order could not be recorded, so it was not sent: {exc}") from exc
        self._publish(record)
        self.kernel.spawn(self._send(connector, record), name=f"send {record.client_order_id}")
        return record

    def submit(
        self,
        account: str,
        connector_name: str,
        connector: Any,
        intent: OrderIntent,
        owner: str,
        before_send: Callable[[], Awaitable[None]] | None = None,
    ) -> str:
        """Place an order for hbdesk code that trades by itself (an executor): the client order id
        comes back at once, as hummingbot's ``buy``/``sell`` give it, while the order is recorded
        (with its owner) and, once the record and ``before_send`` are done, sent. Nothing is
        checked here: the caller sizes its own orders and learns of a refusal through the
        connector's failure event, as it would from the exchange."""
        price = intent.price if intent.price is not None and intent.price.is_finite() else None
        record = self._new_record(account, connector_name, connector, intent, intent.amount, price, owner)
        self._orders[record.key] = record
        self.kernel.spawn(
            self._record_then_send(connector, record, before_send), name=f"send {record.client_order_id}"
        )
        return record.client_order_id

    def _new_record(
        self,
        account: str,
        connector_name: str,
        connector: Any,
        intent: OrderIntent,
        amount: Decimal,
        price: Decimal | None,
        owner: str | None = None,
    ) -> OrderRecord:
        """A new order's record, with a client order id the connector's own way."""
        from hummingbot.connector.utils import get_new_client_order_id

        order_id: str = get_new_client_order_id(
            is_buy=intent.is_buy,
            trading_pair=intent.trading_pair,
            hbot_order_id_prefix=connector.client_order_id_prefix,
            max_id_len=connector.client_order_id_max_length,
        )
        now = self.kernel.clock()
        return OrderRecord(
            account_name=account,
            connector_name=connector_name,
            client_order_id=order_id,
            trading_pair=intent.trading_pair,
            trade_type=intent.trade_type,
            order_type=intent.order_type,
            position_action=_on(connector, intent).position_action,
            amount=amount,
            price=price,
            created_at=now,
            updated_at=now,
            owner=owner,
        )

    async def _record_then_send(
        self, connector: Any, record: OrderRecord, before_send: Callable[[], Awaitable[None]] | None
    ) -> None:
        await asyncio.sleep(0)  # the caller stores the id it was given before anything can happen
        try:
            await self.recorder.order(record.row(), self._event_row(record, "recorded"))
            if before_send is not None:
                await before_send()
        except Exception as exc:
            reason = f"not sent: it could not be recorded first ({type(exc).__name__}: {exc})"
            self.order_failed(record.key, reason)
            _tell_failure(connector, record, reason)
            return
        self._publish(record)
        await self._send(connector, record)

    async def _send(self, connector: Any, record: OrderRecord) -> None:
        from hummingbot.core.data_type.common import OrderType, PositionAction, TradeType

        if self.settings.hold_before_send > 0:
            await asyncio.sleep(self.settings.hold_before_send)
        kwargs: dict[str, Any] = {}
        if record.position_action != "NIL":
            kwargs["position_action"] = PositionAction[record.position_action]
        try:
            await connector._create_order(
                trade_type=TradeType[record.trade_type],
                order_id=record.client_order_id,
                trading_pair=record.trading_pair,
                amount=record.amount,
                order_type=OrderType[record.order_type],
                price=record.price if record.price is not None else Decimal("NaN"),
                **kwargs,
            )
        except Exception as exc:  # the connector reports most failures as events; this is the rest
            self.order_failed(record.key, f"{type(exc).__name__}: {exc}")

    async def cancel(self, account: str, connector_name: str, order_id: str) -> str:
        await self.require_account(account)
        key = (account, connector_name, order_id)
        record = self._orders.get(key)
        if record is None:
            stored = await self._stored_order(key)
            if stored is None:
                raise NotFound(
                    f"Order '{excerpt(order_id)}' not found on {excerpt(connector_name)} for {account}."
                )
            raise Conflict(f"Order {order_id} is already {stored.status.value}: there is nothing to cancel.")
        connector = await self.manager.trading(account, connector_name)
        if order_id not in connector.in_flight_orders:
            await self._settle(connector, [record])
            if not record.active:
                raise Conflict(
                    f"Order {order_id} is already {record.status.value}: there is nothing to cancel."
                )
        cancelled = await self.manager.ask(
            connector_name, connector._execute_cancel(record.trading_pair, order_id)
        )
        if cancelled is None:
            # hummingbot logs an exchange's refusal or silence and returns nothing: say so, rather
            # than "initiated" for an order that may well still rest.
            raise Unavailable(
                f"{connector_name} did not confirm the cancellation of {order_id}: it may still be open; "
                "its status is recorded as the exchange reports it."
            )
        return order_id

    async def cancel_all(self, account: str | None = None, connector_name: str | None = None) -> list[str]:
        """Cancel every active order (of an account, of a connector): the desk's kill switch."""
        keys = [
            key
            for key in list(self._orders)
            if (account is None or key[0] == account) and (connector_name is None or key[1] == connector_name)
        ]
        results = await asyncio.gather(*(self.cancel(*key) for key in keys), return_exceptions=True)
        return [
            key[2] for key, result in zip(keys, results, strict=True) if not isinstance(result, BaseException)
        ]

    async def order_record(self, account: str, connector_name: str, order_id: str) -> dict[str, Any] | None:
        """One order as the API shows it (its fills summed in), from memory or the records;
        None when it was never recorded."""
        key = (account, connector_name, order_id)
        record = self._orders.get(key) or self._finished.get(key) or await self._stored_order(key)
        return None if record is None else record.api()

    async def _stored_order(self, key: Key) -> OrderRecord | None:
        from hbdesk_plugins.trading.tables import OrderRow

        async with self.kernel.db.session() as session:
            row = await session.get(OrderRow, key)
        return None if row is None else OrderRecord.from_row(row)

    # -- what the connectors tell (called by ConnectorWatch) ------------------------------------

    def record_for(
        self, account: str, connector_name: str, order_id: str, connector: Any
    ) -> OrderRecord | None:
        """The active record of an order, adopting one the desk did not place (an executor's, say)."""
        key = (account, connector_name, order_id)
        record = self._orders.get(key) or self._finished.get(key)
        if record is not None:
            return record
        tracked = connector._order_tracker.fetch_order(client_order_id=order_id)
        if tracked is None:
            return None
        position = getattr(tracked, "position", None)
        record = OrderRecord(
            account_name=account,
            connector_name=connector_name,
            client_order_id=order_id,
            trading_pair=tracked.trading_pair,
            trade_type=tracked.trade_type.name,
            order_type=tracked.order_type.name,
            position_action=position.name if position is not None else "NIL",
            amount=tracked.amount,
            price=None if tracked.price is None or tracked.price.is_nan() else tracked.price,
            created_at=tracked.creation_timestamp or self.kernel.clock(),
            exchange_order_id=tracked.exchange_order_id,
        )
        self._orders[key] = record
        return record

    def order_opened(self, record: OrderRecord, exchange_order_id: str | None) -> None:
        known = record.exchange_order_id
        record.exchange_order_id = exchange_order_id or known
        if record.status in FINAL and record.exchange_order_id == known:
            return  # the acknowledgement came after the end: nothing new to record
        if record.status == Status.PENDING_SUBMIT:
            record.status = Status.OPEN
        self._changed(record, "accepted by the exchange")

    def order_filled(
        self,
        record: OrderRecord,
        trade_id: str,
        price: Decimal,
        amount: Decimal,
        fee: Decimal,
        fee_currency: str | None,
        timestamp: float,
    ) -> None:
        if not record.add_fill(trade_id, price, amount, fee, fee_currency):
            return
        fill = {
            "account_name": record.account_name,
            "connector_name": record.connector_name,
            "trade_id": trade_id,
            "client_order_id": record.client_order_id,
            "trading_pair": record.trading_pair,
            "trade_type": record.trade_type,
            "amount": amount,
            "price": price,
            "fee_paid": fee,
            "fee_currency": fee_currency,
            "position_action": record.position_action,
            "timestamp": timestamp,
        }
        self.recorder.fill(fill)
        from hbdesk_plugins.trading.records import fill_api

        self.kernel.bus.publish(
            OrderFilled(
                record.account_name, record.connector_name, record.client_order_id, fill_api(_Row(fill))
            )
        )
        self._changed(record, f"filled {amount} at {price}")

    def order_done(self, key: Key, status: Status, detail: str) -> None:
        record = self._orders.get(key)
        if record is None or record.status in FINAL:
            return
        if status == Status.FILLED and record.filled_amount < record.amount:
            # Completed before every fill was told (fills come on their own): count the rest as
            # filled now; the fills themselves are recorded when they arrive.
            detail = f"{detail} ({record.filled_amount} of {record.amount} filled so far)"
        record.status = status
        self._changed(record, detail)

    def order_failed(self, key: Key, reason: str) -> None:
        record = self._orders.get(key)
        if record is None or record.status in FINAL:
            return
        record.status = Status.FAILED
        record.error_message = reason[:2000]
        self._changed(record, reason)

    def funding_paid(self, account: str, connector_name: str, connector: Any, event: Any) -> None:
        size: Decimal | None = None
        side: str | None = None
        for position in getattr(connector, "account_positions", {}).values():
            if position.trading_pair == event.trading_pair:
                size, side = abs(Decimal(position.amount)), position.position_side.name
        row = {
            "account_name": account,
            "connector_name": connector_name,
            "trading_pair": event.trading_pair,
            "timestamp": float(event.timestamp),
            "funding_rate": Decimal(event.funding_rate),
            "funding_payment": Decimal(event.amount),
            "fee_currency": _quote(event.trading_pair),
            "position_size": size,
            "position_side": side,
        }
        self.recorder.funding(row)
        from hbdesk_plugins.trading.records import funding_api

        self.kernel.bus.publish(FundingPaid(account, connector_name, funding_api(_Row(row))))

    def _changed(self, record: OrderRecord, detail: str) -> None:
        record.updated_at = self.kernel.clock()
        self.recorder.order(record.row(), self._event_row(record, detail))
        if record.status in FINAL and self._orders.pop(record.key, None) is not None:
            self._unsettled.discard(record.key)
            self._finished[record.key] = record
            while len(self._finished) > FINISHED_KEPT:
                self._finished.popitem(last=False)
        self._publish(record)

    def _event_row(self, record: OrderRecord, detail: str) -> dict[str, Any]:
        return {
            "account_name": record.account_name,
            "connector_name": record.connector_name,
            "client_order_id": record.client_order_id,
            "status": record.status.value,
            "timestamp": record.updated_at or record.created_at,
            "detail": detail[:2000],
        }

    def _publish(self, record: OrderRecord) -> None:
        self.kernel.bus.publish(
            OrderChanged(
                record.account_name,
                record.connector_name,
                record.client_order_id,
                record.status.value,
                record.api(),
            )
        )

    # -- after a restart ------------------------------------------------------------------------

    async def _reconcile_forever(self) -> None:
        """Settle the orders a restart left open, connector by connector; one that cannot be
        reached is tried again later (its orders stay as they were recorded meanwhile)."""
        while self._unsettled:
            await self.reconcile()
            if self._unsettled:
                await asyncio.sleep(self.settings.reconcile_interval)

    async def reconcile(self) -> None:
        groups: dict[tuple[str, str], list[OrderRecord]] = {}
        for key in list(self._unsettled):
            record = self._orders.get(key)
            if record is None:
                self._unsettled.discard(key)
                continue
            groups.setdefault((key[0], key[1]), []).append(record)
        for (account, name), records in groups.items():
            try:
                connector = await self.manager.trading(account, name)
            except Exception as exc:
                log.warning(
                    "cannot reconcile %d order(s) on %s for %s yet: %s", len(records), name, account, exc
                )
                continue
            await self._settle(connector, records)

    async def _settle(self, connector: Any, records: list[OrderRecord]) -> None:
        """Ask the exchange about each order: follow the ones it has, record the fills it reports,
        and mark failed the ones it never received."""
        from hummingbot.core.data_type.common import OrderType, PositionAction, TradeType
        from hummingbot.core.data_type.in_flight_order import InFlightOrder, OrderState

        for record in records:
            tracked = InFlightOrder(
                client_order_id=record.client_order_id,
                trading_pair=record.trading_pair,
                order_type=OrderType[record.order_type],
                trade_type=TradeType[record.trade_type],
                amount=record.amount,
                creation_timestamp=record.created_at,
                price=record.price,
                exchange_order_id=record.exchange_order_id,
                initial_state=OrderState.OPEN,
                **(
                    {"position": PositionAction[record.position_action]}
                    if record.position_action != "NIL"
                    else {}
                ),
            )
            try:
                update = await asyncio.wait_for(
                    connector._request_order_status(tracked), self.manager.timeout
                )
            except Exception as exc:
                if connector._is_order_not_found_during_status_update_error(exc):
                    if record.status == Status.PENDING_SUBMIT:
                        reason = (
                            "never reached the exchange: recorded, then the desk stopped before sending it"
                        )
                    else:
                        reason = f"the exchange no longer knows this order ({exc})"
                    self.order_failed(record.key, reason)
                    continue
                log.warning(
                    "order %s on %s: status unknown yet: %s", record.client_order_id, connector.name, exc
                )
                continue
            tracked.update_exchange_order_id(update.exchange_order_id or record.exchange_order_id)
            try:
                trades = await asyncio.wait_for(
                    connector._all_trade_updates_for_order(tracked), self.manager.timeout
                )
            except Exception as exc:
                log.warning("fills of %s on %s unknown yet: %s", record.client_order_id, connector.name, exc)
                continue
            self._unsettled.discard(record.key)
            if record.status == Status.PENDING_SUBMIT or record.exchange_order_id is None:
                self.order_opened(record, update.exchange_order_id)
            for trade in trades:
                fee = trade.fee.fee_amount_in_token(
                    record.trading_pair, trade.fill_price, trade.fill_base_amount, _quote(record.trading_pair)
                )
                self.order_filled(
                    record,
                    str(trade.trade_id),
                    trade.fill_price,
                    trade.fill_base_amount,
                    fee,
                    _quote(record.trading_pair),
                    trade.fill_timestamp,
                )
            state = update.new_state
            if state == OrderState.FILLED:
                self.order_done(record.key, Status.FILLED, "filled while the desk was stopped")
            elif state == OrderState.CANCELED:
                self.order_done(record.key, Status.CANCELLED, "cancelled while the desk was stopped")
            elif state == OrderState.FAILED:
                self.order_failed(record.key, "failed while the desk was stopped")
            elif record.client_order_id not in connector.in_flight_orders:
                # Still resting: the connector follows it from here, as if it had placed it.
                tracked.current_state = state
                tracked.executed_amount_base = record.filled_amount
                tracked.executed_amount_quote = record.filled_amount * (record.average_fill_price or 0)
                for trade in trades:
                    tracked.order_fills[trade.trade_id] = trade
                connector._order_tracker.start_tracking_order(tracked)

    # -- reading --------------------------------------------------------------------------------

    def active_orders(self) -> list[OrderRecord]:
        return [record for record in self._orders.values() if record.active]

    async def recent_fills(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest fills, as the API shows them."""
        from sqlalchemy import select

        from hbdesk_plugins.trading.records import fill_api
        from hbdesk_plugins.trading.tables import FillRow

        async with self.kernel.db.session() as session:
            rows = await session.scalars(select(FillRow).order_by(FillRow.timestamp.desc()).limit(limit))
            return [fill_api(row) for row in rows]

    async def positions(
        self, accounts: list[str] | None, connectors: list[str] | None
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for account, name in await self.account_connectors(accounts, connectors):
            try:
                connector = await self.manager.trading(account, name)
            except Unavailable as exc:
                log.warning("positions of %s on %s unavailable: %s", account, name, exc)
                continue
            if not is_perpetual(connector):
                continue
            rows.extend(self._positions_of(account, name, connector))
        return rows

    def _positions_of(self, account: str, name: str, connector: Any) -> list[dict[str, Any]]:
        rows = []
        for position in connector.account_positions.values():
            amount = Decimal(position.amount)
            if amount == 0:
                continue
            entry = Decimal(position.entry_price)
            leverage = int(position.leverage)
            mark = _mark(connector, position.trading_pair) or entry
            rows.append(
                {
                    "account_name": account,
                    "connector_name": name,
                    "trading_pair": position.trading_pair,
                    "side": position.position_side.name,
                    "amount": float(amount),
                    "entry_price": float(entry),
                    "mark_price": float(mark),
                    "unrealized_pnl": float(position.unrealized_pnl),
                    "leverage": float(leverage),
                    "margin": float(abs(amount) * entry / max(leverage, 1)),
                }
            )
            self.recorder.position(
                (account, name, position.trading_pair, position.position_side.name),
                {
                    "account_name": account,
                    "connector_name": name,
                    "trading_pair": position.trading_pair,
                    "side": position.position_side.name,
                    "amount": amount,
                    "entry_price": entry,
                    "leverage": leverage,
                    "unrealized_pnl": Decimal(position.unrealized_pnl),
                    "updated_at": self.kernel.clock(),
                },
            )
        return rows

    async def position_mode(self, account: str, name: str) -> dict[str, str]:
        connector = await self._perpetual(account, name)
        mode = connector.position_mode
        return {
            "position_mode": mode.name if mode is not None else "UNKNOWN",
            "connector": name,
            "account": account,
        }

    async def set_position_mode(self, account: str, name: str, mode_name: str) -> dict[str, str]:
        from hummingbot.core.data_type.common import PositionMode

        try:
            mode = PositionMode[mode_name.strip().upper()]
        except KeyError:
            raise InvalidInput(
                f"Invalid position mode '{excerpt(mode_name)}'. Must be 'HEDGE' or 'ONEWAY'."
            ) from None
        connector = await self._perpetual(account, name)
        supported = connector.supported_position_modes()
        if mode not in supported:
            names = ", ".join(m.name for m in supported)
            raise InvalidInput(
                f"Position mode '{mode.name}' is not supported by {name}. Supported modes: {names}"
            )
        if connector.position_mode != mode:
            pair = next(iter(connector.trading_pairs or connector.trading_rules or []), None)
            if pair is None:
                raise Unavailable(f"{name} has no trading pair to set the position mode on yet")
            ok, message = await self.manager.ask(name, connector._trading_pair_position_mode_set(mode, pair))
            if not ok:
                raise InvalidInput(f"{name} refused position mode {mode.name}: {message}")
            connector._perpetual_trading.set_position_mode(mode)
        return {"status": "success", "message": f"Position mode set to {mode.name} on {name}"}

    async def set_leverage(self, account: str, name: str, trading_pair: str, leverage: int) -> dict[str, str]:
        connector = await self._perpetual(account, name)
        if leverage < 1:
            raise InvalidInput(f"Leverage must be 1 or more, not {leverage}.")
        if trading_pair not in connector.trading_rules:
            raise InvalidInput(f"Trading pair '{excerpt(trading_pair)}' is not traded on {name}.")
        ok, message = await self.manager.ask(
            name, connector._set_trading_pair_leverage(trading_pair, leverage)
        )
        if not ok:
            raise InvalidInput(f"{name} refused leverage {leverage} for {trading_pair}: {message}")
        connector._perpetual_trading.set_leverage(trading_pair, leverage)
        return {"status": "success", "message": f"Leverage for {trading_pair} set to {leverage} on {name}"}

    async def _perpetual(self, account: str, name: str) -> Any:
        connector = await self.connector(account, name)
        if not is_perpetual(connector):
            raise InvalidInput(f"Connector '{name}' is not a perpetual connector.")
        return connector


def _on(connector: Any, intent: OrderIntent) -> OrderIntent:
    """The intent as the connector takes it: a spot order opens or closes no position."""
    if is_perpetual(connector) or intent.position_action == "NIL":
        return intent
    return replace(intent, position_action="NIL")


def _tell_failure(connector: Any, record: OrderRecord, reason: str) -> None:
    """Tell the connector's listeners that an order failed, as the connector would."""
    from hummingbot.core.data_type.common import OrderType
    from hummingbot.core.event.events import MarketEvent, MarketOrderFailureEvent

    event = MarketOrderFailureEvent(
        timestamp=connector.current_timestamp,
        order_id=record.client_order_id,
        order_type=OrderType[record.order_type],
        error_message=reason,
    )
    connector.trigger_event(MarketEvent.OrderFailure, event)


class _Row:
    """A dict seen as a row, for the API formatters shared with the database rows."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


def _quote(pair: str) -> str:
    return pair.split("-", 1)[1] if "-" in pair else pair


def _mark(connector: Any, pair: str) -> Decimal | None:
    try:
        return Decimal(connector.get_funding_info(pair).mark_price)
    except Exception:
        try:
            return Decimal(str(connector.get_mid_price(pair)))
        except Exception:
            return None
