"""The core plugin contract. A plugin implements any of these with ``@hookimpl``.

Every ``register`` argument is bound to the calling plugin, so each setting, service, route,
screen and command knows its owner, and a clash fails the plugin that brought it. Hooks are
called through pluggy (``tryfirst``/``trylast``, wrappers and tracing honoured). A plugin may
declare hooks of its own for its domain's extension points with ``register_hookspecs``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

import pluggy

if TYPE_CHECKING:
    import click
    from textual.screen import Screen
    from textual.theme import Theme
    from textual.widget import Widget

    from hbdesk.kernel.kernel import Kernel
    from hbdesk.kernel.services import RegisterService
    from hbdesk.routing import Route, WebSocketRoute
    from hbdesk.settings import PluginSettings
    from hbdesk.tui.app import DeskApp

PROJECT = "hbdesk"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class RegisterHookspecs(Protocol):
    def __call__(self, specs: object) -> None:
        """A module or class whose ``@hookspec`` functions become hooks other plugins implement."""


class RegisterSettings(Protocol):
    def __call__(self, section: str, model: type[PluginSettings]) -> None: ...


class RegisterRoutes(Protocol):
    def __call__(self, routes: Iterable[Route | WebSocketRoute]) -> None: ...


class RegisterScreen(Protocol):
    def __call__(
        self, mode: str, factory: Callable[[], Screen[Any]], title: str | None = None, key: str | None = None
    ) -> None: ...


class RegisterHomePanel(Protocol):
    def __call__(self, name: str, factory: Callable[[], Widget], order: int = 100) -> None:
        """A panel of the home screen's summary, titled ``name``; lower ``order`` comes first."""


class RegisterCommand(Protocol):
    def __call__(self, title: str, callback: Callable[[], Any], help: str = "") -> None: ...


class RegisterTheme(Protocol):
    def __call__(self, theme: Theme) -> None: ...


@hookspec
def register_hookspecs(register: RegisterHookspecs) -> None:
    """Declare the plugin's own hooks: ``register(module_or_class_of_hookspecs)``."""


@hookspec
def register_settings(register: RegisterSettings) -> None:
    """Add a settings section: ``register(section, model)``, read from HBDESK_<SECTION>__<KEY>."""


@hookspec
def register_services(kernel: Kernel, register: RegisterService) -> None:
    """Add services: ``register(key, factory, requires=(), migrations=None, optional=())``."""


@hookspec
def startup(kernel: Kernel) -> Any:
    """Run once the kernel's services are running; may return an awaitable."""


@hookspec
def shutdown(kernel: Kernel) -> Any:
    """Run before the kernel's services stop; may return an awaitable."""


@hookspec
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    """Add REST routes: ``register(routes)``, each an ``hbdesk.sdk.Route`` or ``WebSocketRoute``."""


@hookspec
def register_screens(app: DeskApp, register: RegisterScreen) -> None:
    """Add desk screens: ``register(mode, factory, title=, key=)``."""


@hookspec
def register_commands(app: DeskApp, register: RegisterCommand) -> None:
    """Add command-palette entries: ``register(title, callback, help="")``, titled "domain: Action"."""


@hookspec
def register_home_panels(app: DeskApp, register: RegisterHomePanel) -> None:
    """Add panels to the home screen's summary: ``register(name, factory, order=100)``."""


@hookspec
def register_cli_commands(cli: click.Group) -> None:
    """Add subcommands to the ``hbdesk`` click group; import heavy modules inside the commands."""


@hookspec
def register_themes(register: RegisterTheme) -> None:
    """Add desk themes: ``register(theme)``, a ``textual.theme.Theme``."""
