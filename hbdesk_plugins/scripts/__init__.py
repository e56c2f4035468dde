"""Scripts: hummingbot script sources and their configs, in the data dir."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import RegisterRoutes, RegisterSettings, hookimpl
from hbdesk_plugins.scripts.public import SCRIPTS

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel, RegisterService
    from hbdesk_plugins.scripts.service import ScriptsService


@hookimpl
def register_settings(register: RegisterSettings) -> None:
    from hbdesk_plugins.scripts.settings import ScriptsSettings

    register("scripts", ScriptsSettings)


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def service(kernel: Kernel) -> ScriptsService:
        from hbdesk_plugins.scripts.service import ScriptsService

        return ScriptsService(kernel)

    register(SCRIPTS, service)


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.scripts.api import routes

    register(routes)
