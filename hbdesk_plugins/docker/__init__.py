"""Docker: the containers bots run in and the images they run, with or without a daemon."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hbdesk.sdk import RegisterCommand, RegisterRoutes, RegisterScreen, RegisterSettings, hookimpl
from hbdesk_plugins.docker.public import DOCKER

if TYPE_CHECKING:
    from hbdesk.sdk import DeskApp, Kernel, RegisterService
    from hbdesk_plugins.docker.service import DockerService
    from hbdesk_plugins.docker.tui import DockerScreen


@hookimpl
def register_settings(register: RegisterSettings) -> None:
    from hbdesk_plugins.docker.settings import DockerSettings

    register("docker", DockerSettings)


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def service(kernel: Kernel) -> DockerService:
        from hbdesk_plugins.docker.service import DockerService

        return DockerService(kernel)

    register(DOCKER, service)


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.docker.api import routes

    register(routes)


# -- the desk ------------------------------------------------------------------------------------


@hookimpl
def register_screens(app: DeskApp, register: RegisterScreen) -> None:
    def screen() -> DockerScreen:
        from hbdesk_plugins.docker.tui import DockerScreen

        return DockerScreen()

    register("docker", screen, title="Docker", key="d")


@hookimpl
def register_commands(app: DeskApp, register: RegisterCommand) -> None:
    from hbdesk.sdk import screen_action

    def open_and(action: str) -> Callable[[], None]:
        return screen_action(app, "docker", action)

    register("docker: Pull an image", open_and("pull"), help="Pull an image, with its progress shown")
    register("docker: Clean exited containers", open_and("clean"), help="Remove every exited container")
