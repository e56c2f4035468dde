"""Controllers: their sources, their saved configs and the configs of each bot instance.

The files live as the Hummingbot API lays them out under its ``bots/`` folder, here under the data
dir, so a bot container can mount the same folders::

    <data_dir>/bots/controllers/<controller_type>/<name>.py   sources written by the user
    <data_dir>/bots/conf/controllers/<config_name>.yml        saved controller configs
    <data_dir>/bots/instances/<bot_name>/conf/controllers/    a bot instance's controller configs

plus the controllers shipped with hbdesk (``hbdesk_plugins/controllers/library/``), listed with the
user's and read-only. Every name a request gives is confined to its folder before anything is read
or written, and everything that touches the disk or runs a source does it in a thread.
"""

from __future__ import annotations

import ast
import asyncio
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hbdesk.sdk import Conflict, InvalidInput, NotFound, TimedOut, excerpt
from hbdesk_plugins.controllers.public import CONTROLLER_TYPES, LIBRARY_PACKAGE, ControllerSource
from hbdesk_plugins.controllers.settings import ControllersSettings
from hbdesk_plugins.controllers.sources import (
    CONFIG_NAME,
    MODULE_NAME,
    Folder,
    check_source,
    dump_yaml,
    import_package_module,
    load_yaml,
    own_subclasses,
    read_config,
    template,
    validate,
)

if TYPE_CHECKING:
    import types

    from pydantic import BaseModel

    from hbdesk.sdk import Kernel
    from hbdesk_plugins.controllers.live import LiveControllers

log = logging.getLogger(__name__)

LIBRARY = Path(__file__).with_name("library")
# A config class that derives from one of these declares its type by its base.
TYPE_OF_BASE = {
    "DirectionalTradingControllerConfigBase": "directional_trading",
    "MarketMakingControllerConfigBase": "market_making",
}


class ControllersService:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.settings = kernel.settings.section("controllers", ControllersSettings)
        self._modules: dict[str, tuple[tuple[int, int], types.ModuleType]] = {}
        self._modules_lock = threading.Lock()
        self._shipped_types: dict[str, tuple[float, str]] = {}
        self._live: LiveControllers | None = None

    @property
    def root(self) -> Path:
        return self.kernel.settings.core.data_dir / "bots"

    @property
    def configs(self) -> Folder:
        return Folder(self.root / "conf" / "controllers", ".yml", CONFIG_NAME)

    def sources_folder(self, controller_type: str) -> Folder:
        return Folder(self.root / "controllers" / checked_type(controller_type), ".py", MODULE_NAME)

    async def start(self) -> None:
        """Start again the controllers that ran live (folders are made when something is first
        saved in them)."""
        await self.live.start()

    async def stop(self) -> None:
        """Stop ticking the live controllers; they start again with the next start."""
        if self._live is not None:
            await self._live.stop()

    @property
    def live(self) -> LiveControllers:
        """The controllers run live through the executors plugin."""
        if self._live is None:
            from hbdesk_plugins.controllers.live import LiveControllers

            self._live = LiveControllers(self.kernel, self)
        return self._live

    # -- run live (hbdesk's own) -----------------------------------------------------------------

    async def start_live(
        self,
        config: dict[str, Any] | str,
        account: str = "master_account",
        update_interval: float | None = None,
    ) -> dict[str, Any]:
        """Run a controller live from a config (or a saved config's name) on ``account``; its
        executors are the executors plugin's, with the config's id as their controller_id."""
        return await self.live.start_controller(config, account, update_interval)

    async def stop_live(self, controller_id: str, keep_position: bool = False) -> dict[str, Any]:
        """Stop a live controller and its executors (their positions kept, if asked)."""
        return await self.live.stop_controller(controller_id, keep_position)

    def live_views(self) -> list[dict[str, Any]]:
        """Every controller run live here: status, executors, PnL."""
        return self.live.views()

    def live_view(self, controller_id: str) -> dict[str, Any]:
        return self.live.view(controller_id)

    # -- sources ---------------------------------------------------------------------------------

    async def sources(self) -> list[ControllerSource]:
        """Every controller: the shipped ones and the user's, by type then name."""
        return await asyncio.to_thread(self._sources)

    async def list_controllers(self) -> dict[str, list[str]]:
        """Controller names by type, as ``GET /controllers/`` answers them."""
        listing: dict[str, list[str]] = {kind: [] for kind in CONTROLLER_TYPES}
        for source in await self.sources():
            if source.name not in listing[source.controller_type]:
                listing[source.controller_type].append(source.name)
        return {kind: sorted(names) for kind, names in listing.items()}

    async def find(self, controller_type: str, name: str) -> ControllerSource:
        """One controller's source, or NotFound; a refused name is InvalidInput."""
        return await asyncio.to_thread(self._find, controller_type, name)

    async def get_source(self, controller_type: str, name: str) -> str:
        source = await self.find(controller_type, name)
        text = await asyncio.to_thread(_read_source, source)
        if text is None:
            raise NotFound(f"Controller '{name}' not found in '{controller_type}'")
        return text

    async def save_source(self, controller_type: str, name: str, content: str) -> None:
        """Save a user's controller once it compiles, imports and defines a config class and a
        controller class; a shipped controller's name is refused."""
        folder = self.sources_folder(controller_type)
        path = folder.file(name)
        if await asyncio.to_thread(self._shipped, controller_type, name) is not None:
            raise Conflict(
                f"Controller '{name}' is shipped with hbdesk and read-only in '{controller_type}': "
                "save yours under another name."
            )
        module = await self._run(check_source, content, str(path))
        await asyncio.to_thread(_controller_classes, module, f"{name}.py")
        await asyncio.to_thread(folder.write, name, content)
        self._forget(ControllerSource(controller_type, name, path, shipped=False).module_name)

    async def delete_source(self, controller_type: str, name: str) -> None:
        source = await self.find(controller_type, name)
        if source.shipped:
            raise Conflict(f"Controller '{name}' is shipped with hbdesk and cannot be deleted.")
        if not await asyncio.to_thread(self.sources_folder(controller_type).delete, name):
            raise NotFound(f"Controller '{name}' not found in '{controller_type}'")
        self._forget(source.module_name)

    async def module(self, source: ControllerSource) -> types.ModuleType:
        """The controller's module, imported in a thread (a user's again once its file changed)."""
        return await self._run(self._module, source)

    async def config_class(self, controller_type: str, name: str) -> type[BaseModel]:
        """The controller's pydantic config class (a ``ControllerConfigBase`` subclass)."""
        source = await self.find(controller_type, name)
        module = await self.module(source)
        config_class, _controller = await asyncio.to_thread(_controller_classes, module, f"{name}.py", False)
        if config_class is None:
            raise NotFound(f"Controller configuration class for '{name}' not found")
        return config_class

    async def template(self, controller_type: str, name: str) -> dict[str, dict[str, Any]]:
        """Each field of the controller's config: default, type, whether it is required."""
        return template(await self.config_class(controller_type, name))

    async def validate(self, controller_type: str, name: str, config: dict[str, Any]) -> BaseModel:
        """The config as the controller's class reads it, or InvalidInput naming the fields."""
        given = {"controller_type": controller_type, "controller_name": name, **config}
        if given["controller_type"] != controller_type or given["controller_name"] != name:
            raise InvalidInput(
                f"The config is for {excerpt(given['controller_type'])}/{excerpt(given['controller_name'])}, "
                f"not {controller_type}/{name}"
            )
        config_class = await self.config_class(controller_type, name)
        return await asyncio.to_thread(validate, config_class, given, name)

    # -- saved configs ---------------------------------------------------------------------------

    async def list_configs(self) -> list[dict[str, Any]]:
        """Every saved config; one that cannot be read is listed with its error."""
        return [config for _name, config in await asyncio.to_thread(_read_all, self.configs)]

    async def get_config(self, name: str) -> dict[str, Any]:
        return await asyncio.to_thread(read_config, self.configs, name)

    async def save_config(self, name: str, config: dict[str, Any]) -> None:
        """Save a config; when it names a controller hbdesk knows, it must validate first."""
        self.configs.file(name)  # a refused name is refused before anything runs
        config = {"id": name, **config}
        await self._validate_if_known(config)
        await asyncio.to_thread(self.configs.write, name, dump_yaml(config))

    async def delete_config(self, name: str) -> None:
        if not await asyncio.to_thread(self.configs.delete, name):
            raise NotFound(f"Configuration '{name}' not found")

    # -- a bot's configs -------------------------------------------------------------------------

    async def bot_configs(self, bot_name: str) -> list[dict[str, Any]]:
        """The controller configs of a bot instance, each with its file name as ``_config_name``."""
        folder = await asyncio.to_thread(self._bot_folder, bot_name)
        configs = await asyncio.to_thread(_read_all, folder)
        return [{**config, "_config_name": name} for name, config in configs]

    async def update_bot_config(self, bot_name: str, controller_name: str, changes: dict[str, Any]) -> None:
        """Merge ``changes`` into one of a bot's controller configs; validated when its controller
        is known."""
        folder = await asyncio.to_thread(self._bot_folder, bot_name)
        folder.file(controller_name)
        try:
            current = await asyncio.to_thread(read_config, folder, controller_name)
        except NotFound:
            raise NotFound(
                f"Controller configuration '{controller_name}' not found for bot '{bot_name}'"
            ) from None
        merged = {**current, **{k: v for k, v in changes.items() if k != "_config_name"}}
        await self._validate_if_known(merged)
        await asyncio.to_thread(folder.write, controller_name, dump_yaml(merged))

    # -- for other plugins (backtesting) ---------------------------------------------------------

    async def load_config(self, config: dict[str, Any] | str) -> Any:
        """A controller config object (hummingbot's ``ControllerConfigBase``) from a config dict
        naming its ``controller_name`` and ``controller_type``, or from a saved config's name."""
        data = dict(config) if isinstance(config, dict) else {"id": config, **await self.get_config(config)}
        kind, name = data.get("controller_type"), data.get("controller_name")
        if not isinstance(kind, str) or not isinstance(name, str) or not kind or not name:
            raise InvalidInput("A controller config must name its controller_type and controller_name.")
        data.setdefault("id", name)
        return await self.validate(kind, name, data)

    def source_of(self, config: Any) -> ControllerSource:
        """Where the config's controller comes from, for a worker process to import it again."""
        return self._find(str(config.controller_type), str(config.controller_name))

    def controller_class(self, config: Any) -> type:
        """The controller class that runs ``config`` (its module is loaded already)."""
        module = _module_of(type(config))
        _config, controller = _controller_classes(module, f"{config.controller_name}.py", False)
        if controller is None:
            raise InvalidInput(f"Controller '{config.controller_name}' defines no controller class.")
        return controller

    # -- internals -------------------------------------------------------------------------------

    async def _run[T](self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function`` (it runs a source) in a thread, within the import time limit."""
        timeout = self.settings.import_timeout
        try:
            return await asyncio.wait_for(asyncio.to_thread(function, *args), timeout)
        except TimeoutError:
            raise TimedOut(f"The source took more than {timeout:g} s to import.") from None

    async def _validate_if_known(self, config: dict[str, Any]) -> None:
        kind, name = config.get("controller_type"), config.get("controller_name")
        if kind not in CONTROLLER_TYPES or not isinstance(name, str) or not MODULE_NAME.fullmatch(name):
            return
        try:
            await self.find(str(kind), name)
        except NotFound:
            return  # a controller hbdesk does not have (yet): saved as it is
        await self.validate(str(kind), name, config)

    def _module(self, source: ControllerSource) -> types.ModuleType:
        if source.shipped:
            return import_package_module(source.module_name)
        try:
            status = os.stat(source.path)
        except FileNotFoundError:
            raise NotFound(f"Controller '{source.name}' not found in '{source.controller_type}'") from None
        stamp = (status.st_mtime_ns, status.st_size)
        with self._modules_lock:
            cached = self._modules.get(source.module_name)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            module = source.load_module()
            self._modules[source.module_name] = (stamp, module)
            return module

    def _forget(self, module_name: str) -> None:
        with self._modules_lock:
            self._modules.pop(module_name, None)

    def _sources(self) -> list[ControllerSource]:
        found = list(self._shipped_sources())
        for kind in CONTROLLER_TYPES:
            folder = self.sources_folder(kind)
            found.extend(
                ControllerSource(kind, name, folder.file(name), shipped=False) for name in folder.names()
            )
        return found

    def _find(self, controller_type: str, name: str) -> ControllerSource:
        folder = self.sources_folder(controller_type)
        path = folder.file(name)  # refused names stop here, before the disk is asked
        shipped = self._shipped(controller_type, name)
        if shipped is not None:
            return shipped
        if not path.is_file():
            raise NotFound(f"Controller '{name}' not found in '{controller_type}'")
        return ControllerSource(controller_type, name, path, shipped=False)

    def _shipped(self, controller_type: str, name: str) -> ControllerSource | None:
        for source in self._shipped_sources():
            if source.controller_type == controller_type and source.name == name:
                return source
        return None

    def _shipped_sources(self) -> list[ControllerSource]:
        """The modules of library/, each under the type its config class declares (read from the
        source, so listing imports nothing)."""
        folder = Folder(LIBRARY, ".py", MODULE_NAME)
        found = []
        for name in folder.names():
            path = LIBRARY / f"{name}.py"
            kind = self._shipped_type(path)
            if kind is not None:
                found.append(ControllerSource(kind, name, path, shipped=True))
        return found

    def _shipped_type(self, path: Path) -> str | None:
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            return None
        cached = self._shipped_types.get(path.name)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        try:
            kind = declared_type(path.read_text(encoding="utf-8"))
        except SyntaxError as exc:
            log.warning("shipped controller %s does not parse: %s", path.name, exc)
            return None
        self._shipped_types[path.name] = (mtime, kind)
        return kind

    def _bot_folder(self, bot_name: str) -> Folder:
        instances = self.root / "instances"
        bot = Folder(instances, "", CONFIG_NAME).file(bot_name)
        if not bot.is_dir():
            raise NotFound(f"Bot '{bot_name}' not found")
        folder = bot / "conf" / "controllers"
        if not folder.resolve().is_relative_to(bot):  # a bot's own folders may not lead out of it
            raise InvalidInput(f"The controller configs of bot '{bot_name}' lead outside its folder: refused")
        return Folder(folder, ".yml", CONFIG_NAME)


def checked_type(controller_type: str) -> str:
    if controller_type not in CONTROLLER_TYPES:
        raise InvalidInput(
            f"Unknown controller type {excerpt(controller_type)!r}: one of {', '.join(CONTROLLER_TYPES)}"
        )
    return controller_type


def declared_type(source: str) -> str:
    """The controller type a module's config class declares: an explicit ``controller_type``
    default, else the type of the base it derives from, else generic."""
    by_base = None
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        for statement in node.body:
            target: ast.expr | None = None
            if isinstance(statement, ast.AnnAssign):
                target = statement.target
            elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
            value = getattr(statement, "value", None)
            if (
                isinstance(target, ast.Name)
                and target.id == "controller_type"
                and isinstance(value, ast.Constant)
                and value.value in CONTROLLER_TYPES
            ):
                return str(value.value)
        for base in node.bases:
            base_name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
            by_base = by_base or TYPE_OF_BASE.get(base_name)
    return by_base or "generic"


def _read_source(source: ControllerSource) -> str | None:
    if source.shipped:
        return source.path.read_text(encoding="utf-8")
    return Folder(source.path.parent, ".py", MODULE_NAME).read(source.name)


def _read_all(folder: Folder) -> list[tuple[str, dict[str, Any]]]:
    """Every config of a folder with its name; one that cannot be read says why under ``error``."""
    configs: list[tuple[str, dict[str, Any]]] = []
    for name in folder.names():
        try:
            text = folder.read(name) or ""
            data = load_yaml(text) or {}
            if not isinstance(data, dict):
                raise ValueError("the file does not hold a mapping of fields")
            configs.append((name, data))
        except Exception as exc:  # as the reference lists a config it cannot read
            error = {"id": name, "controller_name": "error", "controller_type": "error", "error": str(exc)}
            configs.append((name, error))
    return configs


def _module_of(cls: type) -> types.ModuleType:
    import sys

    module = sys.modules.get(cls.__module__)
    if module is None:
        raise InvalidInput(
            f"The module of {cls.__name__} is not loaded: load the config through the service."
        )
    return module


def _controller_classes(
    module: types.ModuleType, filename: str, required: bool = True
) -> tuple[type[BaseModel] | None, type | None]:
    """The module's config class and controller class (hummingbot's bases left out); with
    ``required``, InvalidInput unless it has both."""
    from hummingbot.strategy_v2.controllers import (
        ControllerBase,
        ControllerConfigBase,
        DirectionalTradingControllerBase,
        DirectionalTradingControllerConfigBase,
        MarketMakingControllerBase,
        MarketMakingControllerConfigBase,
    )

    configs = own_subclasses(
        module,
        ControllerConfigBase,
        (DirectionalTradingControllerConfigBase, MarketMakingControllerConfigBase),
    )
    controllers = own_subclasses(
        module, ControllerBase, (DirectionalTradingControllerBase, MarketMakingControllerBase)
    )
    if required and not configs:
        raise InvalidInput(
            f"{filename} defines no controller config class (a ControllerConfigBase subclass)."
        )
    if required and not controllers:
        raise InvalidInput(f"{filename} defines no controller class (a ControllerBase subclass).")
    return (configs[0] if configs else None), (controllers[0] if controllers else None)


__all__ = ["LIBRARY", "LIBRARY_PACKAGE", "ControllersService", "checked_type", "declared_type"]
