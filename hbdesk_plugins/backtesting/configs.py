"""Controller configs for a backtest, resolved on the event loop's side and rebuilt in a worker.

The controllers plugin's service resolves a request's config: a config dict naming its
``controller_type`` and ``controller_name`` (a user's controller in the data dir or one shipped with
hbdesk; a dict naming only a controller_name gets its type found), or a saved config's name (the
name of a shipped controller, with no saved config of that name, runs it with its defaults). What
a worker process needs travels as plain data: the ``ControllerSource`` (where the code is) and the
config dict the service validated, which the worker validates again with the class it imports.

The controllers plugin is an optional service of this one (the server starts without it, as
without any plugin but the core); without it only the shipped controllers, by name, are
backtested, as they are imported from the package.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hbdesk.sdk import InvalidInput, NotFound, excerpt
from hbdesk_plugins.controllers.public import (
    CONTROLLERS,
    LIBRARY_PACKAGE,
    MODULE_NAME,
    ControllerSource,
    validate,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from hbdesk.sdk import Kernel
    from hbdesk_plugins.controllers.service import ControllersService


@dataclass(frozen=True)
class Resolved:
    """A request's controller config, checked: where its code is, the config as plain data (what
    a worker validates again), the validated config and its controller class (this process's)."""

    source: ControllerSource
    data: dict[str, Any]
    config: Any
    controller: type


async def resolve(kernel: Kernel, config: dict[str, Any] | str) -> Resolved:
    """The request's config resolved and validated: NotFound for an unknown controller or saved
    config, InvalidInput naming the fields that are wrong."""
    controllers = kernel.optional_service(CONTROLLERS)
    if controllers is None:
        return await asyncio.to_thread(resolve_shipped, config)
    data = await _given(controllers, config)
    loaded = await controllers.load_config(data)

    def where() -> tuple[ControllerSource, type]:
        return controllers.source_of(loaded), controllers.controller_class(loaded)

    source, controller = await asyncio.to_thread(where)
    return Resolved(source, data, loaded, controller)


def resolve_shipped(config: dict[str, Any] | str) -> Resolved:
    """``resolve`` without the controllers plugin: a controller shipped with hbdesk, named by its
    controller_name (blocking: it imports the controller)."""
    data = _with_name({"controller_name": config} if isinstance(config, str) else dict(config))
    source = shipped_source(data["controller_name"], str(data.get("controller_type") or ""))
    data["controller_type"] = source.controller_type
    loaded = build(source, _with_id(data))
    return Resolved(source, data, loaded, loaded.get_controller_class())


def shipped_source(name: str, controller_type: str = "") -> ControllerSource:
    """The source of the controller shipped as ``name``, of the type its config class declares
    (blocking: it imports the controller)."""
    if not MODULE_NAME.fullmatch(name):
        raise InvalidInput(f"Invalid controller_name {excerpt(name)!r}")
    spec = importlib.util.find_spec(f"{LIBRARY_PACKAGE}.{name}")
    if spec is None or spec.origin is None:
        raise NotFound(f"Unknown controller {excerpt(name)!r}")
    source = ControllerSource("", name, Path(spec.origin), shipped=True)
    kind = str(source.config_class().model_fields["controller_type"].default)
    if controller_type and controller_type != kind:
        raise NotFound(f"Controller {excerpt(name)!r} not found in {excerpt(controller_type)!r}")
    return replace(source, controller_type=kind)


def build(source: ControllerSource, data: dict[str, Any]) -> Any:
    """The config object from its source and its data (blocking): what a worker process runs."""
    return validate(source.config_class(), data, source.name)


async def config_class(kernel: Kernel, controller_type: str, name: str) -> type[BaseModel]:
    """A controller's config class (for the desk's form); ``controller_type`` may be empty for a
    shipped controller."""
    controllers = kernel.optional_service(CONTROLLERS)
    if controllers is None:
        source = await asyncio.to_thread(shipped_source, name, controller_type)
        return await asyncio.to_thread(source.config_class)
    return await controllers.config_class(controller_type or await _type_of(controllers, name), name)


async def _given(controllers: ControllersService, config: dict[str, Any] | str) -> dict[str, Any]:
    """The config dict a request names: its own, a saved one, or a shipped controller's defaults;
    with its controller_type and an id."""
    if isinstance(config, str):
        try:
            data = {"id": config, **await controllers.get_config(config)}
        except NotFound:
            if not any(s.shipped and s.name == config for s in await controllers.sources()):
                raise NotFound(
                    f"No saved controller config (nor shipped controller) named {excerpt(config)!r}"
                ) from None
            data = {"controller_name": config}
    else:
        data = dict(config)
    data = _with_name(data)
    if not data.get("controller_type"):
        data["controller_type"] = await _type_of(controllers, data["controller_name"])
    return _with_id(data)


async def _type_of(controllers: ControllersService, name: str) -> str:
    """The type of the controller named ``name``: a shipped one's, else the only user's of that
    name."""
    found = [s for s in await controllers.sources() if s.name == name]
    shipped = [s for s in found if s.shipped]
    if shipped or len(found) == 1:
        return (shipped or found)[0].controller_type
    if not found:
        raise NotFound(f"Unknown controller {excerpt(name)!r}")
    kinds = ", ".join(sorted(s.controller_type for s in found))
    raise InvalidInput(f"config.controller_type is required: {excerpt(name)!r} is a controller of {kinds}")


def _with_name(data: dict[str, Any]) -> dict[str, Any]:
    name = data.get("controller_name")
    if not isinstance(name, str) or not name:
        raise InvalidInput("config.controller_name is required")
    return data


def _with_id(data: dict[str, Any]) -> dict[str, Any]:
    """Without an ``id`` the config gets one derived from its content, so the same config gives
    the same executor ids, run after run."""
    if not data.get("id"):
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
        data["id"] = f"bt_{data['controller_name']}_{digest[:10]}"
    return data
