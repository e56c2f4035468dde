"""Assembles a kernel from the settings and the enabled plugins; both front doors use it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hbdesk.kernel.kernel import Kernel
from hbdesk.plugins import LoadedPlugins, call_each, call_lifecycle, load_plugins
from hbdesk.settings import CoreSettings, Settings


class Desk:
    """A kernel with its plugins: what ``hbdesk`` and ``hbdesk serve`` run."""

    def __init__(self, kernel: Kernel, plugins: LoadedPlugins) -> None:
        self.kernel = kernel
        self.plugins = plugins

    @property
    def hook(self) -> Any:
        return self.plugins.manager.hook

    async def start(self) -> None:
        await self.kernel.start()
        try:
            await call_lifecycle(self.plugins.manager, "startup", self.kernel)
        except BaseException:
            await self.kernel.stop()
            raise

    async def stop(self) -> None:
        await call_lifecycle(self.plugins.manager, "shutdown", self.kernel)
        await self.kernel.stop()


def create_desk(
    core: CoreSettings | None = None,
    plugins: LoadedPlugins | None = None,
    extra_plugins: Iterable[tuple[str, Any]] = (),
) -> Desk:
    settings = Settings(core)
    if plugins is None:
        plugins = load_plugins(settings.core.disabled_plugins, extra_plugins)
    call_each(
        plugins.manager, "register_settings", registrar=lambda owner: _settings_registrar(settings, owner)
    )
    kernel = Kernel(settings)
    kernel.plugins = plugins.manager
    call_each(plugins.manager, "register_services", registrar=kernel.registry.registrar, kernel=kernel)
    return Desk(kernel, plugins)


def _settings_registrar(settings: Settings, owner: str) -> Any:
    return lambda section, model: settings.register(owner, section, model)
