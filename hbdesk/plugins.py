"""The plugin manager: built-ins and third-party plugins load the same way, by entry point.

A plugin that fails to import is reported and skipped; a plugin named in
HBDESK_DISABLED_PLUGINS is listed but not loaded.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pluggy

from hbdesk import hookspecs

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "hbdesk.plugins"

# The built-ins, in the order the desk shows them; each is also an entry point of this package.
DEFAULT_PLUGINS = (
    "rest_api",
    "connectors",
    "sim",
    "market_data",
    "rate_oracle",
    "accounts",
    "gateway",
    "themes",
)


@dataclass
class PluginInfo:
    name: str
    module: str
    version: str
    distribution: str
    state: str  # "enabled", "disabled" or "failed"
    hooks: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class LoadedPlugins:
    manager: pluggy.PluginManager
    infos: list[PluginInfo]

    @property
    def failures(self) -> list[PluginInfo]:
        return [p for p in self.infos if p.state == "failed"]


HOOK_NAMES = frozenset(
    name for name, value in vars(hookspecs).items() if inspect.isfunction(value) and not name.startswith("_")
)


def new_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager("hbdesk")
    manager.add_hookspecs(hookspecs)
    return manager


def _entry_points() -> list[importlib.metadata.EntryPoint]:
    found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    by_name: dict[str, importlib.metadata.EntryPoint] = {}
    for ep in found:
        by_name.setdefault(ep.name, ep)
    builtin = [by_name.pop(name) for name in DEFAULT_PLUGINS if name in by_name]
    return builtin + sorted(by_name.values(), key=lambda ep: ep.name)


def load_plugins(disabled: Iterable[str] = ()) -> LoadedPlugins:
    """Load every plugin of the entry-point group, but those named in ``disabled``."""
    manager = new_manager()
    disabled = set(disabled)
    infos: list[PluginInfo] = []
    for ep in _entry_points():
        dist = ep.dist
        info = PluginInfo(
            name=ep.name,
            module=ep.value,
            version=dist.version if dist else "?",
            distribution=dist.metadata["Name"] if dist else "?",
            state="enabled",
        )
        infos.append(info)
        if ep.name in disabled:
            info.state = "disabled"
            continue
        try:
            module = ep.load()
        except Exception as exc:  # any import failure is the plugin's, not the desk's
            info.state = "failed"
            info.error = f"{type(exc).__name__}: {exc}"
            log.warning("plugin %s failed to load and is skipped: %s", ep.name, info.error)
            continue
        _register(manager, module, ep.name, info)
    manager.check_pending()
    return LoadedPlugins(manager, infos)


def _register(manager: pluggy.PluginManager, module: Any, name: str, info: PluginInfo) -> None:
    try:
        manager.register(module, name=name)
        # A hook name no spec knows (a typo) fails this plugin loudly rather than being ignored.
        manager.check_pending()
    except Exception as exc:
        if manager.is_registered(module):
            manager.unregister(module)
        info.state = "failed"
        info.error = f"{type(exc).__name__}: {exc}"
        log.warning("plugin %s could not be registered: %s", name, info.error)
        return
    info.hooks = sorted(
        hook.name for hook in manager.get_hookcallers(module) or () if hook.name in HOOK_NAMES
    )


def call_each(
    manager: pluggy.PluginManager,
    hook_name: str,
    registrar: Callable[[str], Callable[..., Any]] | None = None,
    **kwargs: Any,
) -> list[tuple[str, Any]]:
    """Call one hook plugin by plugin, binding ``register`` to each plugin's name.

    Returns (plugin name, result) pairs, in registration order.
    """
    results: list[tuple[str, Any]] = []
    hook = getattr(manager.hook, hook_name)
    for impl in hook.get_hookimpls():
        args = dict(kwargs)
        if registrar is not None:
            args["register"] = registrar(impl.plugin_name)
        results.append((impl.plugin_name, impl.function(**{a: args[a] for a in impl.argnames})))
    return results


async def call_lifecycle(manager: pluggy.PluginManager, hook_name: str, kernel: Any) -> None:
    """Call ``startup`` or ``shutdown`` on every plugin, awaiting what they return."""
    for name, result in call_each(manager, hook_name, kernel=kernel):
        if inspect.isawaitable(result):
            try:
                await result
            except Exception:
                if hook_name == "startup":
                    raise
                log.exception("plugin %s failed in %s", name, hook_name)
