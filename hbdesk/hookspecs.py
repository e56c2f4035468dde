"""The whole plugin contract. A plugin implements any of these with ``@hookimpl``.

Every ``register`` argument is bound to the calling plugin, so each setting, service, route,
screen and command knows its owner and collisions are caught at load time.
"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("hbdesk")
hookimpl = pluggy.HookimplMarker("hbdesk")


@hookspec
def register_settings(register: Any) -> None:
    """Add a settings section: ``register(section, model)``, read from HBDESK_<SECTION>__<KEY>."""


@hookspec
def register_services(kernel: Any, register: Any) -> None:
    """Add services: ``register(name, factory, requires=(), migrations=None)``."""


@hookspec
def startup(kernel: Any) -> Any:
    """Run once the kernel's services are running; may return an awaitable."""


@hookspec
def shutdown(kernel: Any) -> Any:
    """Run before the kernel's services stop; may return an awaitable."""


@hookspec
def register_routes(kernel: Any, register: Any) -> None:
    """Add REST routes: ``register(routes)``, each an ``hbdesk.routing.Route``."""


@hookspec
def register_screens(app: Any, register: Any) -> None:
    """Add desk screens: ``register(mode, factory, title=, key=)``."""


@hookspec
def register_commands(app: Any, register: Any) -> None:
    """Add command-palette entries: ``register(title, callback, help="")``, titled "domain: Action"."""


@hookspec
def register_cli_commands(cli: Any) -> None:
    """Add subcommands to the ``hbdesk`` click group; import heavy modules inside the commands."""


@hookspec
def register_themes(register: Any) -> None:
    """Add desk themes: ``register(theme)``, a ``textual.theme.Theme``."""
