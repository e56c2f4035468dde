"""Controller configs for a backtest: a dict (or the name of a shipped controller) → its pydantic
config, and the controller class that runs it.

Until the controllers plugin offers ``load_config``/``controller_class`` in its public module,
this resolves a ``controller_name`` to ``hbdesk_plugins.controllers.library.<name>`` and finds the
config class there; swapping it for that service later changes this module only.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import re
from typing import Any

from hbdesk.sdk import InvalidInput, NotFound, excerpt

LIBRARY = "hbdesk_plugins.controllers.library"
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
BASE_CONFIGS = {
    "ControllerConfigBase",
    "DirectionalTradingControllerConfigBase",
    "MarketMakingControllerConfigBase",
}


def config_class(controller_name: str) -> type[Any]:
    """The pydantic config class of the shipped controller ``controller_name``."""
    if not NAME.match(controller_name):
        raise InvalidInput(f"Invalid controller_name {excerpt(controller_name)!r}")
    try:
        module = importlib.import_module(f"{LIBRARY}.{controller_name}")
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith(LIBRARY):
            raise NotFound(f"Unknown controller {excerpt(controller_name)!r}") from None
        raise
    from hummingbot.strategy_v2.controllers.controller_base import ControllerConfigBase

    for _name, member in inspect.getmembers(module, inspect.isclass):
        if (
            issubclass(member, ControllerConfigBase)
            and member.__name__ not in BASE_CONFIGS
            and member.__module__ == module.__name__
        ):
            return member
    raise NotFound(f"Controller {excerpt(controller_name)!r} has no config class")


def load_config(config: dict[str, Any] | str) -> Any:
    """A validated controller config. A text names a shipped controller, run with its defaults.

    Without an ``id`` the config gets one derived from its content, so the same config gives the
    same executor ids, run after run.
    """
    data: dict[str, Any] = {"controller_name": config} if isinstance(config, str) else dict(config)
    name = data.get("controller_name")
    if not isinstance(name, str) or not name:
        raise InvalidInput("config.controller_name is required")
    cls = config_class(name)
    if not data.get("id"):
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
        data["id"] = f"bt_{name}_{digest[:10]}"
    from pydantic import ValidationError

    try:
        return cls(**data)
    except ValidationError as error:
        fields = "; ".join(
            f"{'.'.join(str(p) for p in problem['loc']) or 'config'}: {problem['msg']}"
            for problem in error.errors()
        )
        raise InvalidInput(f"Invalid config: {fields}") from None
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"Invalid config: {excerpt(str(error))}") from None


def controller_class(config: Any) -> type[Any]:
    found = config.get_controller_class()
    if found is None:
        raise InvalidInput(f"No controller class beside {type(config).__name__}")
    return found  # type: ignore[no-any-return]
