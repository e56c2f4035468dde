"""The docker screen: the daemon's state, the containers (bots among them), the images, and the
pulls under way with their progress. Without a daemon it says so and the rest of the desk works."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Label, ProgressBar, Static

from hbdesk.sdk import ConfirmModal, DeskScreen, FormField, FormModal, HbdeskError, KernelState
from hbdesk_plugins.docker.public import DOCKER

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel
    from hbdesk_plugins.docker.models import ContainerInfo, DaemonStatus, ImageInfo, PullState
    from hbdesk_plugins.docker.service import DockerService

REFRESH = 2.0  # seconds between two looks at the daemon while the screen is shown
MIB = 1024 * 1024


class PullForm(BaseModel):
    image_name: str = Field(min_length=1, max_length=255)


class DockerScreen(DeskScreen):
    DEFAULT_CSS = """
    DockerScreen #docker-body { height: 1fr; }
    DockerScreen #containers-pane { width: 3fr; }
    DockerScreen #docker-side { width: 2fr; }
    DockerScreen #images-pane { height: 1fr; }
    DockerScreen #pulls-pane { height: auto; max-height: 9; }
    DockerScreen #docker-banner { height: auto; padding: 0 1; }
    DockerScreen #docker-banner.down { background: $warning-muted; color: $text-warning; }
    DockerScreen .pull { height: 1; }
    DockerScreen .pull Label { width: 1fr; }
    DockerScreen .pull ProgressBar { width: auto; }
    """
    BINDINGS = [
        Binding("s", "start", "Start"),
        Binding("x", "stop", "Stop"),
        Binding("d", "remove", "Remove"),
        Binding("p", "pull", "Pull image"),
        Binding("c", "clean", "Clean exited", show=False),
        Binding("r", "reload", "Reload"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("Looking for the Docker daemon…", id="docker-banner")
        with Horizontal(id="docker-body"):
            with Vertical(classes="pane", id="containers-pane") as pane:
                pane.border_title = "Containers"
                yield DataTable(id="containers", cursor_type="row", zebra_stripes=True)
            with Vertical(id="docker-side"):
                with Vertical(classes="pane", id="images-pane") as pane:
                    pane.border_title = "Images"
                    yield DataTable(id="images", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(classes="pane", id="pulls-pane") as pane:
                    pane.border_title = "Pulls"
                    yield Static("No pulls yet: press p to pull an image.", id="no-pulls", classes="hint")

    def __init__(self) -> None:
        super().__init__()
        self._refreshing = asyncio.Lock()
        self._pull_rows: dict[str, tuple[Label, ProgressBar]] = {}

    def on_mount(self) -> None:
        self.query_one("#containers", DataTable).add_columns("Name", "State", "Status", "Image")
        self.query_one("#images", DataTable).add_columns("Size", "Image")
        self.query_one("#containers", DataTable).focus()

    def on_screen_resume(self) -> None:
        self._follow()

    def on_screen_suspend(self) -> None:
        self.workers.cancel_group(self, "follow")

    @property
    def service(self) -> DockerService | None:
        kernel: Kernel = self.kernel
        if kernel.state is not KernelState.RUNNING:
            return None
        return kernel.optional_service(DOCKER)

    @property
    def selected_container(self) -> str | None:
        table = self.query_one("#containers", DataTable)
        if table.row_count == 0:
            return None
        return str(table.get_row_at(table.cursor_row)[0])

    # -- looking -------------------------------------------------------------------------------

    @work(exclusive=True, group="follow")
    async def _follow(self) -> None:
        while True:
            await self.refresh_once()
            await asyncio.sleep(REFRESH)

    async def refresh_once(self) -> None:
        async with self._refreshing:  # the loop and an action may both ask for a look
            await self._look()

    async def _look(self) -> None:
        service = self.service
        if service is None:
            self._banner("Starting the kernel…", down=False)
            return
        status = await service.status()
        self._show_status(status)
        if not status.is_running:
            self._show_containers([])
            self._show_images([])
        else:
            try:
                running = await service.containers("running")
                exited = await service.containers("exited")
                images = await service.images()
            except HbdeskError as exc:  # the daemon went away between two looks
                self._banner(exc.detail, down=True)
                return
            # The two lists are asked one after the other: a container that stops in between is
            # in both. Its later state (the second list's) is the one shown, once.
            latest = {container.name: container for container in [*running, *exited]}
            self._show_containers(list(latest.values()))
            self._show_images(images)
        await self._show_pulls(service.pulls())

    def _banner(self, text: str, down: bool) -> None:
        banner = self.query_one("#docker-banner", Static)
        banner.update(text)
        banner.set_class(down, "down")

    def _show_status(self, status: DaemonStatus) -> None:
        if status.is_running:
            self._banner(f"Docker daemon running. {status.detail}".strip(), down=False)
        else:
            self._banner(
                f"{status.detail.rstrip('.')}. Everything else works without it: start Docker, then press r.",
                down=True,
            )

    def _show_containers(self, containers: list[ContainerInfo]) -> None:
        table = self.query_one("#containers", DataTable)
        chosen = self.selected_container
        table.clear()
        for container in containers:
            table.add_row(
                container.name, container.state, container.status, container.image, key=container.name
            )
        names = [container.name for container in containers]
        if chosen in names:
            table.move_cursor(row=names.index(chosen))

    def _show_images(self, images: list[ImageInfo]) -> None:
        table = self.query_one("#images", DataTable)
        table.clear()
        for image in images:
            name = ", ".join(image.tags) if image.tags else image.id[:19]
            table.add_row(f"{image.size / MIB:,.0f} MiB", name, key=image.id)

    async def _show_pulls(self, pulls: list[PullState]) -> None:
        pane = self.query_one("#pulls-pane", VerticalScroll)
        self.query_one("#no-pulls", Static).display = not pulls
        said = {"pulling": "pulling", "done": "pulled", "failed": "failed"}
        for pull in pulls:
            row = self._pull_rows.get(pull.image)
            if row is None:
                # Kept, not queried: the row is known before its mount has finished.
                row = self._pull_rows[pull.image] = (Label(), ProgressBar(total=100, show_eta=False))
                await pane.mount(Horizontal(*row, classes="pull"))
            label, bar = row
            error = f": {pull.error}" if pull.status == "failed" and pull.error else ""
            label.update(f"{pull.image} {said[pull.status]}{error}")
            bar.update(progress=round(pull.progress * 100, 1))

    # -- acting --------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._follow()

    def _error(self, exc: HbdeskError) -> None:
        self.notify(exc.detail, severity="error", timeout=8)

    async def _act(self, done: str, step: Awaitable[object]) -> None:
        try:
            await step
        except HbdeskError as exc:
            self._error(exc)
            return
        self.notify(done)
        await self.refresh_once()

    @work
    async def action_start(self) -> None:
        service, name = self.service, self.selected_container
        if service is not None and name is not None:
            await self._act(f"Started {name}.", service.start_container(name))

    @work
    async def action_stop(self) -> None:
        service, name = self.service, self.selected_container
        if service is None or name is None:
            return
        if await self.app.push_screen_wait(ConfirmModal(f"Stop container {name}?", "Stop")):
            await self._act(f"Stopped {name}.", service.stop_container(name))

    @work
    async def action_remove(self) -> None:
        service, name = self.service, self.selected_container
        if service is None or name is None:
            return
        question = f"Remove container {name}? Its bot folder is archived first."
        if await self.app.push_screen_wait(ConfirmModal(question, "Remove")):
            await self._act(f"Removed {name}.", service.remove_container(name, archive_locally=True))

    @work
    async def action_clean(self) -> None:
        service = self.service
        if service is None:
            return
        if await self.app.push_screen_wait(ConfirmModal("Remove every exited container?", "Remove")):
            await self._act("Exited containers removed.", service.clean_exited())

    @work
    async def action_pull(self) -> None:
        service = self.service
        if service is None:
            return
        fields = [FormField("image_name", "Image", placeholder="hummingbot/hummingbot:latest")]
        form = await self.app.push_screen_wait(FormModal("Pull an image", fields, PullForm, "Pull"))
        if form is not None:
            await self._act(f"Pulling {form.image_name}…", service.pull(form.image_name))
