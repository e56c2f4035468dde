"""DeskApp: hosts the plugins' screens and commands over the kernel, in one event loop.

Kept thin on purpose: screens live with their plugins, shared widgets in ``hbdesk.tui.widgets``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from hbdesk.kernel import heap
from hbdesk.runtime import Desk
from hbdesk.tui.contributions import Contributions, collect
from hbdesk.tui.home import HomeScreen
from hbdesk_themes import STYLESHEET

DEFAULT_THEME = "hbdesk-dark"


class DeskApp(App[int]):
    TITLE = "hbdesk"
    CSS_PATH = STYLESHEET
    MODES = {"home": HomeScreen}
    DEFAULT_MODE = "home"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("1", "switch_mode('home')", "Home"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    ]

    def __init__(self, desk: Desk, start_kernel: bool = True) -> None:
        super().__init__()
        self.desk = desk
        self.start_kernel = start_kernel
        self.fatal_error: BaseException | None = None
        self.contributions: Contributions = collect(desk.plugins.manager, self)
        # The theme is chosen before the first frame, so that frame is drawn once, in it.
        for theme in self.contributions.themes:
            self.register_theme(theme)
        remembered = self.kernel.preferences.get("theme", DEFAULT_THEME)
        self.theme = remembered if remembered in self.available_themes else DEFAULT_THEME
        for spec in self.contributions.screens:
            self.add_mode(spec.mode, spec.factory)
            if spec.key:
                self.bind(spec.key, f"switch_mode('{spec.mode}')", description=spec.title)

    @property
    def kernel(self) -> Any:
        return self.desk.kernel

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.start_kernel:
            # After the first frame: the kernel's imports would otherwise compete with it.
            self.call_after_refresh(self._start_kernel_worker)
        else:
            self.call_after_refresh(heap.settle)

    def action_toggle_theme(self) -> None:
        """Between hbdesk-dark and hbdesk-light; the palette's "Change theme" offers all."""
        self.theme = "hbdesk-light" if self.theme == DEFAULT_THEME else DEFAULT_THEME

    def _remember_theme(self, theme: Any) -> None:
        self.kernel.preferences.set("theme", theme.name)

    def _start_kernel_worker(self) -> None:
        heap.settle()  # after the first frame: keep start-up objects out of later collections
        self.run_worker(self._start_desk(), name="kernel", exit_on_error=False)

    async def _start_desk(self) -> None:
        from hbdesk.kernel.errors import ConfigPasswordError

        try:
            await self.desk.start()
        except ConfigPasswordError as exc:
            self.fatal_error = exc
            self.exit(return_code=2)
        except Exception as exc:
            self.notify(
                f"The kernel did not start: {getattr(exc, 'detail', exc)}", severity="error", timeout=30
            )

    async def action_quit(self) -> None:
        await self.desk.stop()
        self.exit()

    async def on_unmount(self) -> None:
        await self.desk.stop()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for spec in self.contributions.screens:
            yield SystemCommand(
                f"{spec.mode}: Open {spec.title}",
                f"Switch to the {spec.title} screen",
                lambda mode=spec.mode: self.switch_mode(mode),
            )
        yield SystemCommand(
            "desk: Toggle dark/light theme", "hbdesk-dark or hbdesk-light (ctrl+t)", self.action_toggle_theme
        )
        for command in self.contributions.commands:
            yield SystemCommand(command.title, command.help or command.title, command.callback)
