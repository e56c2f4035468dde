"""Configs without the controllers plugin (the shipped controllers, by name) and what travels to a
worker process: a picklable source and plain data the worker validates again."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from hbdesk.sdk import InvalidInput, NotFound
from hbdesk_plugins.backtesting.configs import build, resolve


class NoControllersKernel:
    """A kernel whose controllers plugin is switched off."""

    def optional_service(self, key: Any) -> None:
        return None


async def test_without_the_controllers_plugin_shipped_controllers_resolve_by_name() -> None:
    kernel: Any = NoControllersKernel()
    by_name = await resolve(kernel, "macd_bb")
    assert by_name.source.shipped and by_name.source.controller_type == "directional_trading"
    assert by_name.data["controller_type"] == "directional_trading"
    assert by_name.data["id"].startswith("bt_macd_bb_") and by_name.config.id == by_name.data["id"]
    again = await resolve(kernel, {"controller_name": "macd_bb"})
    assert again.data == by_name.data  # the same config, the same id
    grid = await resolve(kernel, {"controller_name": "grid", "start_price": 90, "end_price": 110})
    assert grid.source.controller_type == "generic"

    with pytest.raises(NotFound):
        await resolve(kernel, "no_such_controller")
    with pytest.raises(NotFound):
        await resolve(kernel, {"controller_name": "macd_bb", "controller_type": "market_making"})
    with pytest.raises(InvalidInput, match="bb_length"):
        await resolve(kernel, {"controller_name": "macd_bb", "bb_length": -3})
    with pytest.raises(InvalidInput, match="controller_name"):
        await resolve(kernel, {"connector_name": "hbdesk_sim"})
    with pytest.raises(InvalidInput):
        await resolve(kernel, "../macd_bb")


async def test_a_worker_rebuilds_the_config_from_its_pickled_source() -> None:
    resolved = await resolve(NoControllersKernel(), {"controller_name": "macd_bb", "interval": "5m"})  # type: ignore[arg-type]
    source = pickle.loads(pickle.dumps(resolved.source))
    rebuilt = build(source, pickle.loads(pickle.dumps(resolved.data)))
    assert rebuilt == resolved.config
    assert rebuilt.get_controller_class() is resolved.controller
