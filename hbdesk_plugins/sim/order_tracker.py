"""hummingbot's client order tracker, with lookups that cost the same at any order rate.

hummingbot's ``ClientOrderTracker`` answers ``all_orders`` and ``all_fillable_orders`` by copying
every active order and every recently finished one (up to a thousand, kept 30 s) into new dicts,
and it does so on each order update and each fill. At a few orders a second nobody notices; at
hundreds a second those copies were most of the desk's time. Here the same answers are views
over the tracker's own stores: a lookup by client id is a dict lookup, iteration still sees
every order, and nothing else of hummingbot's behaviour changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import chain
from typing import Any

from hummingbot.connector.client_order_tracker import ClientOrderTracker


class _Stores(Mapping[str, Any]):
    """Several client-id → order stores seen as one mapping, the first store winning."""

    def __init__(self, *stores: Mapping[str, Any]) -> None:
        self._stores = stores

    def __getitem__(self, client_order_id: str) -> Any:
        for store in self._stores:
            order = store.get(client_order_id)
            if order is not None:
                return order
        raise KeyError(client_order_id)

    def __contains__(self, client_order_id: object) -> bool:
        return any(client_order_id in store for store in self._stores)

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for key in chain.from_iterable(list(store) for store in self._stores):
            if key not in seen:
                seen.add(key)
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


class IndexedOrderTracker(ClientOrderTracker):  # type: ignore[misc]  # hummingbot has no type hints
    @property
    def all_orders(self) -> Mapping[str, Any]:
        return _Stores(self._in_flight_orders, self._cached_orders)

    @property
    def all_fillable_orders(self) -> Mapping[str, Any]:
        return _Stores(self._in_flight_orders, self._cached_orders, self._lost_orders)

    def fetch_order(self, client_order_id: str | None = None, exchange_order_id: str | None = None) -> Any:
        if client_order_id is not None:
            order = self.all_orders.get(client_order_id)
            if order is not None:
                return order
        if exchange_order_id is not None:
            orders = chain(self._in_flight_orders.values(), self._cached_orders.values())
            return next((order for order in orders if order.exchange_order_id == exchange_order_id), None)
        return None
