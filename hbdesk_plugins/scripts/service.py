"""Scripts: hummingbot script sources and their saved configs, as files under the data dir, laid
out as the Hummingbot API's ``bots/`` folder so a bot container can mount them::

    <data_dir>/bots/scripts/<name>.py            script sources
    <data_dir>/bots/conf/scripts/<config>.yml    saved script configs

Every name a request gives is confined to its folder before anything is read or written; the file
system and the running of sources happen in threads.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hbdesk.sdk import NotFound, TimedOut
from hbdesk_plugins.controllers.public import (
    CONFIG_NAME,
    MODULE_NAME,
    Folder,
    check_source,
    dump_yaml,
    execute_source,
    field_default,
    own_subclasses,
    read_config,
)
from hbdesk_plugins.scripts.settings import ScriptsSettings

if TYPE_CHECKING:
    import types

    from hbdesk.sdk import Kernel

MODULE_PREFIX = "hbdesk_script"


class ScriptsService:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.settings = kernel.settings.section("scripts", ScriptsSettings)
        self._modules: dict[str, tuple[tuple[int, int], types.ModuleType]] = {}
        self._modules_lock = threading.Lock()

    @property
    def root(self) -> Path:
        return self.kernel.settings.core.data_dir / "bots"

    @property
    def scripts(self) -> Folder:
        return Folder(self.root / "scripts", ".py", MODULE_NAME)

    @property
    def configs(self) -> Folder:
        return Folder(self.root / "conf" / "scripts", ".yml", CONFIG_NAME)

    async def start(self) -> None:
        """Nothing: folders are made when something is first saved in them."""

    async def stop(self) -> None:
        """Nothing to release."""

    # -- sources ---------------------------------------------------------------------------------

    async def list_scripts(self) -> list[str]:
        return await asyncio.to_thread(self.scripts.names)

    async def get_script(self, name: str) -> str:
        text = await asyncio.to_thread(self.scripts.read, name)
        if text is None:
            raise NotFound(f"Script '{name}' not found")
        return text

    async def save_script(self, name: str, content: str) -> None:
        """Save a script once it compiles and imports."""
        path = self.scripts.file(name)
        await self._run(check_source, content, str(path))
        await asyncio.to_thread(self.scripts.write, name, content)
        self._forget(name)

    async def delete_script(self, name: str) -> None:
        if not await asyncio.to_thread(self.scripts.delete, name):
            raise NotFound(f"Script '{name}' not found")
        self._forget(name)

    async def template(self, name: str) -> dict[str, Any]:
        """Each field of the script's config class with its default (None when required)."""
        module = await self._run(self._module, name)
        config_class = await asyncio.to_thread(_config_class, module)
        if config_class is None:
            raise NotFound(f"Script configuration class for '{name}' not found")
        return {field: field_default(info) for field, info in config_class.model_fields.items()}

    # -- saved configs ---------------------------------------------------------------------------

    async def list_configs(self) -> list[dict[str, Any]]:
        """A summary of every saved config (one that cannot be read says why)."""
        return await asyncio.to_thread(_summaries, self.configs)

    async def get_config(self, name: str) -> dict[str, Any]:
        return await asyncio.to_thread(read_config, self.configs, name)

    async def save_config(self, name: str, config: dict[str, Any]) -> None:
        await asyncio.to_thread(self.configs.write, name, dump_yaml(config))

    async def delete_config(self, name: str) -> None:
        if not await asyncio.to_thread(self.configs.delete, name):
            raise NotFound(f"Configuration '{name}' not found")

    # -- internals -------------------------------------------------------------------------------

    async def _run[T](self, function: Callable[..., T], *args: Any) -> T:
        timeout = self.settings.import_timeout
        try:
            return await asyncio.wait_for(asyncio.to_thread(function, *args), timeout)
        except TimeoutError:
            raise TimedOut(f"The script took more than {timeout:g} s to import.") from None

    def _module(self, name: str) -> types.ModuleType:
        path = self.scripts.file(name)
        try:
            status = os.stat(path)
        except FileNotFoundError:
            raise NotFound(f"Script '{name}' not found") from None
        stamp = (status.st_mtime_ns, status.st_size)
        module_name = f"{MODULE_PREFIX}__{name}"
        with self._modules_lock:
            cached = self._modules.get(module_name)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            text = self.scripts.read(name)
            if text is None:
                raise NotFound(f"Script '{name}' not found")
            module = execute_source(text, path, module_name)
            self._modules[module_name] = (stamp, module)
            return module

    def _forget(self, name: str) -> None:
        with self._modules_lock:
            self._modules.pop(f"{MODULE_PREFIX}__{name}", None)


def _config_class(module: types.ModuleType) -> Any:
    """The script's config class: a subclass of hummingbot's ``BaseClientModel`` it defines."""
    from hummingbot.client.config.config_data_types import BaseClientModel

    found = [c for c in own_subclasses(module, BaseClientModel) if c.__module__ == module.__name__]
    return found[0] if found else None


def _summaries(folder: Folder) -> list[dict[str, Any]]:
    """Each config as the reference lists it: its name, script and the usual sections."""
    summaries: list[dict[str, Any]] = []
    for name in folder.names():
        try:
            config = read_config(folder, name)
            summaries.append(
                {
                    "config_name": name,
                    "script_file_name": config.get("script_file_name", "unknown"),
                    "controllers_config": config.get("controllers_config", []),
                    "candles_config": config.get("candles_config", []),
                    "markets": config.get("markets", {}),
                }
            )
        except Exception as exc:  # listed with its error, as the reference does
            summaries.append({"config_name": name, "script_file_name": "error", "error": str(exc)})
    return summaries
