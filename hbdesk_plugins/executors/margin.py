"""A perpetual executor's leverage, and its position mode when its config names one, set on the
exchange before its first order.

hummingbot's executors size their orders and check their margin with ``config.leverage`` but
never tell the exchange, which then trades at whatever leverage the pair had. The trading
plugin sets both (the exchange may refuse: most do not change a pair's leverage while it has
orders or a position).
"""

from __future__ import annotations

from typing import Any


def is_perpetual(connector: Any) -> bool:
    return hasattr(connector, "account_positions")


def wanted(config: Any) -> tuple[int | None, str | None]:
    """(leverage, position mode name) the config asks for; None where it says nothing."""
    leverage = getattr(config, "leverage", None)
    if isinstance(leverage, bool) or not isinstance(leverage, int):
        leverage = None
    mode = getattr(config, "position_mode", None)
    mode_name = None if mode is None else str(getattr(mode, "name", mode))
    return leverage, mode_name


async def apply(
    trading: Any,  # the trading plugin's service
    account: str,
    config: Any,
    markets: list[tuple[str, str]],
    connectors: dict[str, Any],
) -> list[str]:
    """Set the config's position mode and leverage on each perpetual market it trades; returns
    what was set, for the executor's log. The trading plugin's refusals (``InvalidInput``: the
    exchange said no; ``Unavailable``: it did not answer) are raised as they are."""
    leverage, mode = wanted(config)
    if leverage is None and mode is None:
        return []
    done: list[str] = []
    modes_set: set[str] = set()
    for name, pair in markets:
        connector = connectors.get(name)
        if connector is None or not is_perpetual(connector):
            continue
        if mode is not None and name not in modes_set:
            await trading.set_position_mode(account, name, mode)
            modes_set.add(name)
            done.append(f"position mode {mode.upper()} on {name}")
        if leverage is not None:
            await trading.set_leverage(account, name, pair, leverage)
            done.append(f"leverage {leverage}x on {name} {pair}")
    return done
