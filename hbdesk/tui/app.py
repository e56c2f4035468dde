"""DeskApp: hosts the plugins' screens and commands over the kernel, in one event loop.

Kept thin on purpose: screens live with their plugins, shared widgets in ``hbdesk.tui.widgets``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from hbdesk.kernel import heap
from hbdesk.tui.contributions import CORE, LEADER, SCREEN_LIST_KEY, Contributions, ScreenSpec, collect
from hbdesk.tui.home import HomeScreen

if TYPE_CHECKING:
    from hbdesk.runtime import Desk

DEFAULT_THEME = "hbdesk-dark"
HOME = ScreenSpec(CORE, "home", HomeScreen, "Home", key="h", digit="1")
STYLESHEET = Path(__file__).with_name("desk.tcss")  # colours only through theme variables


class DeskApp(App[int]):
    TITLE = "hbdesk"
    CSS_PATH = STYLESHEET
    DEFAULT_MODE = HOME.mode
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        # Shown by DeskScreen's own binding, first in its footer; this one serves other screens.
        Binding(LEADER, "go_to", "Go to", show=False),
        Binding(SCREEN_LIST_KEY, "screen_list", "Screens", show=False),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    ]

    def __init__(self, desk: Desk, start_kernel: bool = True) -> None:
        super().__init__()
        self.desk = desk
        self.start_kernel = start_kernel
        self.fatal_error: BaseException | None = None
        self.contributions: Contributions = collect(self, desk.plugins, core=[HOME])
        # The theme is chosen before the first frame, so that frame is drawn once, in it.
        for theme in self.contributions.themes:
            self.register_theme(theme)
        remembered = self.kernel.preferences.get("theme", DEFAULT_THEME)
        self.theme = remembered if remembered in self.available_themes else DEFAULT_THEME
        for spec in self.contributions.screens:
            self.add_mode(spec.mode, spec.factory)
            if spec.digit:
                self.bind(spec.digit, f"switch_mode({spec.mode!r})", description=spec.title, show=False)

    @property
    def kernel(self) -> Any:
        return self.desk.kernel

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        for owner, problem in self.contributions.problems:
            self.notify(f"Plugin {owner}: {problem}", severity="warning", timeout=15)
        if self.start_kernel:
            # After the first frame: the kernel's imports would otherwise compete with it.
            self.call_after_refresh(self._start_kernel_worker)
        else:
            self.call_after_refresh(heap.settle)

    def action_go_to(self) -> None:
        """The leader key: a panel of letters, the next key picks the screen."""
        from hbdesk.tui.navigation import GoToPanel, ScreenList

        if not isinstance(self.screen, GoToPanel | ScreenList):
            self.push_screen(GoToPanel(self.contributions.screens, self.action_screen_list), self._open)

    def action_screen_list(self) -> None:
        from hbdesk.tui.navigation import ScreenList

        if not isinstance(self.screen, ScreenList):
            self.push_screen(ScreenList(self.contributions.screens), self._open)

    def _open(self, mode: str | None) -> None:
        if mode is not None:
            self.switch_mode(mode)

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
                f"Switch to the {spec.title} screen" + (f" ({spec.keys})" if spec.keys else ""),
                lambda mode=spec.mode: self.switch_mode(mode),
            )
        yield SystemCommand(
            "desk: Toggle dark/light theme", "hbdesk-dark or hbdesk-light (ctrl+t)", self.action_toggle_theme
        )
        for command in self.contributions.commands:
            yield SystemCommand(command.title, command.help or command.title, command.callback)
