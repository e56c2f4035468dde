"""Assembles a kernel from the settings and the enabled plugins; both front doors use it."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from hbdesk.kernel.kernel import Kernel, KernelState
from hbdesk.plugins import LoadedPlugins, call_each, call_lifecycle, load_plugins
from hbdesk.settings import CoreSettings, Settings


class Desk:
    """A kernel with its plugins: what ``hbdesk`` and ``hbdesk serve`` run."""

    def __init__(self, kernel: Kernel, plugins: LoadedPlugins) -> None:
        self.kernel = kernel
        self.plugins = plugins

    async def start(self) -> None:
        await self.kernel.start()
        try:
            await call_lifecycle(self.plugins.manager, "startup", self.kernel)
        except BaseException:
            await self.kernel.stop()
            raise

    async def stop(self) -> None:
        """Stop once: shutdown hooks run only for a kernel that is running."""
        if self.kernel.state is KernelState.RUNNING:
            await call_lifecycle(self.plugins.manager, "shutdown", self.kernel)
        await self.kernel.stop()


def create_desk(
    core: CoreSettings | None = None,
    plugins: LoadedPlugins | None = None,
    clock: Callable[[], float] = time.time,
) -> Desk:
    settings = Settings(core)
    if plugins is None:
        plugins = load_plugins(settings.core.disabled_plugins)
    kernel = Kernel(settings, clock)

    def take_back(owner: str, _reason: str) -> None:
        settings.remove_owner(owner)
        if kernel.state is KernelState.STOPPED:
            kernel.registry.remove_owner(owner)

    plugins.on_failure.append(take_back)
    kernel.call_hook = functools.partial(call_each, plugins.manager, plugins=plugins)
    kernel.call_hook("register_settings", registrar=lambda owner: _settings_registrar(settings, owner))
    kernel.call_hook("register_services", registrar=kernel.registry.registrar, kernel=kernel)
    return Desk(kernel, plugins)


def _settings_registrar(settings: Settings, owner: str) -> Any:
    return lambda section, model: settings.register(owner, section, model)
