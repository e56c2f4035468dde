"""The plugin manager: built-ins and third-party plugins load the same way, by entry point.

A plugin that fails to import, implements a hook no spec declares, or registers something
another plugin already holds (a route, a screen, a settings section, a service) is reported as
failed and left out; the desk and the server start without it. A plugin named in
HBDESK_DISABLED_PLUGINS is listed but not loaded.

Hooks are called through pluggy. Each plugin is registered as a proxy whose hook functions
hand the plugin its own ``register``: what a plugin registers is collected during the call and
applied afterwards in plugin load order (built-ins first), so a clash fails the later plugin.
"""

from __future__ import annotations

import contextvars
import functools
import importlib.metadata
import inspect
import logging
import types
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
    "trading",
    "executors",
    "portfolio",
    "gateway",
    "docker",
    "themes",
)

Registrar = Callable[[str], Callable[..., Any]]  # plugin name → that plugin's ``register``


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
    # Called with (plugin name, reason) when a plugin fails after loading, to take back what it
    # registered (its settings section, its services) before anything starts.
    on_failure: list[Callable[[str, str], None]] = field(default_factory=list)

    @property
    def failures(self) -> list[PluginInfo]:
        return [p for p in self.infos if p.state == "failed"]

    def info(self, name: str) -> PluginInfo | None:
        return next((info for info in self.infos if info.name == name), None)

    def order(self, name: str) -> int:
        """Where the plugin stands in load order (built-ins first); unknown names last."""
        for index, info in enumerate(self.infos):
            if info.name == name:
                return index
        return len(self.infos)

    def fail(self, name: str, reason: str) -> None:
        """Leave a loaded plugin out: unregistered, its contributions taken back, reported."""
        info = self.info(name)
        if info is not None:
            info.state, info.error = "failed", reason
        plugin = self.manager.get_plugin(name)
        if plugin is not None:
            self.manager.unregister(plugin)
        log.warning("plugin %s is left out: %s", name, reason)
        for callback in self.on_failure:
            callback(name, reason)


CORE_HOOKS = frozenset(
    name for name, value in vars(hookspecs).items() if inspect.isfunction(value) and not name.startswith("_")
)
HOOK_NAMES = CORE_HOOKS  # the core contract; plugins may declare more (register_hookspecs)


def new_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(hookspecs.PROJECT)
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
    loaded = LoadedPlugins(manager, [])
    disabled = set(disabled)
    for ep in _entry_points():
        dist = ep.dist
        info = PluginInfo(
            name=ep.name,
            module=ep.value,
            version=dist.version if dist else "?",
            distribution=dist.metadata["Name"] if dist else "?",
            state="enabled",
        )
        loaded.infos.append(info)
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
        register_plugin(loaded, module, ep.name, info)
    declare_plugin_hooks(loaded)
    return loaded


def register_plugin(loaded: LoadedPlugins, plugin: object, name: str, info: PluginInfo) -> None:
    try:
        loaded.manager.register(_proxy(plugin, name), name=name)
    except Exception as exc:
        info.state = "failed"
        info.error = f"{type(exc).__name__}: {exc}"
        log.warning("plugin %s could not be registered: %s", name, info.error)


def declare_plugin_hooks(loaded: LoadedPlugins) -> None:
    """Let plugins add hookspecs, then fail each plugin implementing a hook nobody declares
    (a typo would otherwise be silently ignored)."""
    manager = loaded.manager

    def add(specs: Any) -> None:
        marker = f"{hookspecs.PROJECT}_spec"
        names = [name for name in dir(specs) if hasattr(getattr(specs, name, None), marker)]
        known = [getattr(manager.hook, name, None) for name in names]
        if all(caller is not None and caller.has_spec() for caller in known):
            return  # declared already (plugins loaded once more into the same manager)
        manager.add_hookspecs(specs)

    def registrar(owner: str) -> Callable[[Any], None]:
        return add

    call_each(manager, "register_hookspecs", registrar=registrar, plugins=loaded)
    for info in loaded.infos:
        plugin = manager.get_plugin(info.name)
        if plugin is None:
            continue
        unknown = sorted(
            caller.name
            for caller in manager.get_hookcallers(plugin) or ()
            if not caller.has_spec()
            and any(impl.plugin is plugin and not impl.optionalhook for impl in caller.get_hookimpls())
        )
        if unknown:
            loaded.fail(info.name, f"implements hooks no plugin declares: {', '.join(unknown)}")
            continue
        info.hooks = sorted(caller.name for caller in manager.get_hookcallers(plugin) or ())


# -- calling hooks ----------------------------------------------------------------------------

Registration = tuple[str, tuple[Any, ...], dict[str, Any]]  # (plugin, args, keyword args)
_BUFFER: contextvars.ContextVar[list[Registration] | None] = contextvars.ContextVar(
    "hbdesk_registrations", default=None
)
_RESULTS: contextvars.ContextVar[list[tuple[str, Any]] | None] = contextvars.ContextVar(
    "hbdesk_hook_results", default=None
)
_FAILED: contextvars.ContextVar[list[tuple[str, BaseException]] | None] = contextvars.ContextVar(
    "hbdesk_hook_failures", default=None
)


class Register:
    """The ``register`` a hook call passes: each plugin's proxy turns it into a callable that
    records, under the plugin's name, what the plugin registers."""

    def bound(self, owner: str) -> Callable[..., None]:
        def register(*args: Any, **kwargs: Any) -> None:
            buffer = _BUFFER.get()
            if buffer is None:
                raise RuntimeError("register() was called after its hook returned")
            buffer.append((owner, args, kwargs))

        return register


def _proxy(plugin: object, owner: str) -> object:
    """A stand-in for ``plugin`` whose hook functions bind ``register`` to ``owner``, note what
    they return, and keep a failure inside the plugin that raised it."""
    proxy = types.SimpleNamespace(__hbdesk_plugin__=plugin)
    marker = f"{hookspecs.PROJECT}_impl"
    for attr in dir(plugin):
        function = getattr(plugin, attr, None)
        options = getattr(function, marker, None)
        if not callable(function) or not isinstance(options, dict):
            continue
        if options.get("wrapper") or options.get("hookwrapper"):
            setattr(proxy, attr, function)  # pluggy needs the generator function itself
        else:
            setattr(proxy, attr, _bound_impl(function, owner))
    return proxy


def _bound_impl(function: Callable[..., Any], owner: str) -> Callable[..., Any]:
    names = list(inspect.signature(function).parameters)
    at = names.index("register") if "register" in names else None

    @functools.wraps(function)
    def call(*args: Any) -> Any:
        if at is not None and isinstance(args[at], Register):
            args = (*args[:at], args[at].bound(owner), *args[at + 1 :])
        failures = _FAILED.get()
        try:
            result = function(*args)
        except Exception as exc:
            if failures is None:
                raise
            failures.append((owner, exc))
            return None
        results = _RESULTS.get()
        if results is not None:
            results.append((owner, result))
        return result

    return call


def plugin_object(manager: pluggy.PluginManager, name: str) -> object | None:
    """The plugin as it was written (module or object), not its proxy."""
    proxy = manager.get_plugin(name)
    return getattr(proxy, "__hbdesk_plugin__", proxy)


def call_each(
    manager: pluggy.PluginManager,
    hook_name: str,
    registrar: Registrar | None = None,
    plugins: LoadedPlugins | None = None,
    **kwargs: Any,
) -> list[tuple[str, Any]]:
    """Call one hook through pluggy; returns (plugin name, result) pairs in call order.

    With a ``registrar``, each plugin's ``register`` calls are applied to ``registrar(plugin)``
    after the call, in plugin load order. With ``plugins``, a plugin whose hook or registration
    raises is failed (left out, reported) and the others carry on; without, the error is raised.
    """
    hook = getattr(manager.hook, hook_name)
    buffer: list[Registration] = []
    results: list[tuple[str, Any]] = []
    failures: list[tuple[str, BaseException]] = []
    tokens = (
        _BUFFER.set(buffer),
        _RESULTS.set(results),
        _FAILED.set(failures if plugins is not None else None),
    )
    try:
        arguments = dict(kwargs)
        if registrar is not None:
            arguments["register"] = Register()
        hook(**arguments)
    finally:
        _FAILED.reset(tokens[2])
        _RESULTS.reset(tokens[1])
        _BUFFER.reset(tokens[0])
    failed: set[str] = set()
    for owner, exc in failures:
        failed.add(owner)
        _fail(plugins, owner, f"{hook_name} failed: {type(exc).__name__}: {exc}")
    if registrar is not None:
        order = plugins.order if plugins is not None else (lambda _name: 0)
        for owner, args, kw in sorted(buffer, key=lambda entry: order(entry[0])):
            if owner in failed:
                continue
            try:
                registrar(owner)(*args, **kw)
            except Exception as exc:
                if plugins is None:
                    raise
                failed.add(owner)
                _fail(plugins, owner, str(getattr(exc, "detail", None) or exc))
    return [(owner, result) for owner, result in results if owner not in failed]


def _fail(plugins: LoadedPlugins | None, owner: str, reason: str) -> None:
    if plugins is not None:
        plugins.fail(owner, reason)


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
