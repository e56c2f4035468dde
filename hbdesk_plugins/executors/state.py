"""An executor's run state as JSON, and back.

hummingbot's executors have no restore API: all their run state is private attributes set in
``__init__``. An executor is rebuilt by constructing it from its saved config and writing back
the attributes its type names (``ExecutorType.state``) plus the ones every executor has.

Orders are kept by id with the last ``InFlightOrder`` the executor saw (``to_json``), once
each: two attributes holding the same ``TrackedOrder`` (a position's take-profit that became
its close order) hold the same object again after the restore. Pydantic models an executor
keeps (a grid's ``GridLevel``, which holds its levels' ``TrackedOrder``) are kept field by field
and rebuilt without validation, so the orders inside them are the restored ones.
"""

from __future__ import annotations

import enum
import importlib
from decimal import Decimal
from typing import Any

COMMON = ("_status", "close_type", "close_timestamp", "_current_retries", "_held_position_orders")
FORMAT = 1


class Unencodable(TypeError):
    pass


def snapshot(executor: Any, attributes: tuple[str, ...]) -> dict[str, Any]:
    orders: dict[str, Any] = {}
    values = {name: _encode(getattr(executor, name, None), orders) for name in (*COMMON, *attributes)}
    return {"format": FORMAT, "values": values, "orders": orders}


def _encode(value: Any, orders: dict[str, Any]) -> Any:
    from hummingbot.strategy_v2.models.executors import TrackedOrder
    from pydantic import BaseModel

    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return {"$f": repr(value)}
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, enum.Enum):
        kind = type(value)
        return {"$e": f"{kind.__module__}:{kind.__qualname__}", "name": value.name}
    if isinstance(value, TrackedOrder):
        if value.order_id is None:
            return {"$o": None}
        seen = orders.get(value.order_id)
        if seen is None:
            orders[value.order_id] = _order_json(value.order)
        return {"$o": value.order_id}
    if isinstance(value, list | tuple):
        return {"$l": [_encode(item, orders) for item in value]}
    if isinstance(value, BaseModel):
        model = type(value)
        fields = {name: _encode(getattr(value, name), orders) for name in model.model_fields}
        return {"$p": f"{model.__module__}:{model.__qualname__}", "fields": fields}
    if isinstance(value, dict):
        return {"$m": [[_encode(k, orders), _encode(v, orders)] for k, v in value.items()]}
    raise Unencodable(f"cannot keep a {type(value).__name__} in an executor's state")


def _order_json(order: Any) -> dict[str, Any] | None:
    if order is None:
        return None
    try:
        data: dict[str, Any] = order.to_json()
    except Exception:
        return None
    if data.get("price") == "None":
        data["price"] = "NaN"  # to_json writes str(None), which from_json cannot read back
    return data


def order_ids(state: dict[str, Any]) -> list[str]:
    return list(state.get("orders", {}))


def restore(executor: Any, state: dict[str, Any], attach: dict[str, Any]) -> None:
    """Write a snapshot back into a freshly constructed executor; ``attach`` maps an order id to
    the ``InFlightOrder`` its ``TrackedOrder`` follows from now on."""
    from hummingbot.strategy_v2.models.executors import TrackedOrder

    tracked: dict[str, Any] = {}

    def order(order_id: str) -> Any:
        found = tracked.get(order_id)
        if found is None:
            found = tracked[order_id] = TrackedOrder(order_id=order_id)
            found.order = attach.get(order_id)
        return found

    for name, encoded in state.get("values", {}).items():
        setattr(executor, name, _decode(encoded, order))


def _decode(value: Any, order: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "$f" in value:
        return float(value["$f"])
    if "$d" in value:
        return Decimal(value["$d"])
    if "$e" in value:
        return _named(value["$e"])[value["name"]]
    if "$p" in value:
        fields = {name: _decode(item, order) for name, item in value["fields"].items()}
        return _named(value["$p"]).model_construct(**fields)
    if "$o" in value:
        from hummingbot.strategy_v2.models.executors import TrackedOrder

        return TrackedOrder() if value["$o"] is None else order(value["$o"])
    if "$l" in value:
        return [_decode(item, order) for item in value["$l"]]
    if "$m" in value:
        return {_decode(k, order): _decode(v, order) for k, v in value["$m"]}
    return value


def _named(path: str) -> Any:
    module, _, qualname = path.partition(":")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def order_from_json(data: dict[str, Any]) -> Any:
    from hummingbot.core.data_type.in_flight_order import InFlightOrder

    return InFlightOrder.from_json(data)
