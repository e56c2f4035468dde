"""The home screen: the desk's summary (the panels plugins register) and the keys to every screen.

With no panel (every plugin that brings one switched off) it lists the screens and their keys,
as it always did; with panels, they share the screen in a grid and the keys take one line below.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static

from hbdesk.tui.columns import in_columns, key_entry
from hbdesk.tui.contributions import SCREEN_LIST_KEY, HomePanelSpec
from hbdesk.tui.panel import DeskPanel
from hbdesk.tui.screen import DeskScreen

if TYPE_CHECKING:
    from hbdesk.tui.app import DeskApp

log = logging.getLogger(__name__)

ROWS = 12  # screens to a column: with the lines below they fill 80x24, more go to a second column
COLUMN = 36
TITLE_WIDTH = 20  # digit shortcuts line up after titles up to this long
PANEL_COLUMNS = 2  # two panels side by side: 40 columns each at 80
GAP = "  "  # between two key entries on a line


class KeyLine(Widget):
    """Key entries on as few lines as the width allows, wrapped between entries, never within one."""

    DEFAULT_CSS = "KeyLine { height: auto; }"

    def __init__(self, entries: list[Content], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries = entries

    def lines(self, width: int) -> list[Content]:
        lines: list[Content] = []
        for entry in self.entries:
            if lines and len(lines[-1]) + len(GAP) + len(entry) <= width:
                lines[-1] = lines[-1] + GAP + entry
            else:
                lines.append(entry)
        return lines

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.content_size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))


class HomeScreen(DeskScreen):
    @property
    def desk_app(self) -> DeskApp:
        return cast("DeskApp", self.app)

    def compose_body(self) -> ComposeResult:
        panels = self.desk_app.contributions.home_panels
        if panels:
            yield from self._summary(panels)
        else:
            yield from self._screen_list()

    def _screen_list(self) -> ComposeResult:
        specs = self.desk_app.contributions.screens
        widest = min(TITLE_WIDTH, max((len(spec.title) for spec in specs), default=0))
        screens = [
            key_entry(spec.keys.ljust(3), spec.title, f"or {spec.digit}" if spec.digit else "", widest)
            for spec in specs
        ]
        with Vertical(id="home"):
            yield Static("Welcome to hbdesk", classes="title")
            yield Static(in_columns(screens, rows=ROWS, width=COLUMN), id="home-screens")
            yield Static(Content("\n").join(self._desk_keys()), id="home-keys")

    def _summary(self, panels: list[HomePanelSpec]) -> ComposeResult:
        columns = min(PANEL_COLUMNS, len(panels))
        with Vertical(id="home", classes="-summary"):
            with Grid(id="home-panels") as grid:
                grid.styles.grid_size_columns = columns
                grid.styles.grid_size_rows = -(-len(panels) // columns)
                for index, spec in enumerate(panels):
                    with Vertical(classes="pane home-panel", id=f"home-panel-{index}") as pane:
                        pane.border_title = spec.name
                        if index == len(panels) - 1 and len(panels) % columns:
                            pane.styles.column_span = columns  # an odd last panel takes the row
                        yield _built(spec)
            # The footer shows the palette and quit keys: this line has the way to each screen.
            others = [spec for spec in self.desk_app.contributions.screens if spec.mode != "home"]
            entries = [key_entry(spec.keys, spec.title) for spec in others if spec.keys]
            yield KeyLine([*entries, key_entry(SCREEN_LIST_KEY, "screens")], id="home-keys")

    def _desk_keys(self) -> list[Content]:
        return [
            key_entry(SCREEN_LIST_KEY, "every screen, filtered as you type"),
            key_entry("ctrl+p", "command palette"),
            key_entry("ctrl+q", "quit"),
        ]

    def on_screen_resume(self) -> None:
        # Panels reload only while home is shown: coming back, they catch up at once.
        for panel in self.query(DeskPanel):
            panel.reload()


def _built(spec: HomePanelSpec) -> Widget:
    """The plugin's panel, or a line saying why it could not be built (home must still open)."""
    try:
        widget = spec.factory()
    except Exception as exc:
        log.exception("home panel %r of plugin %s could not be built", spec.name, spec.owner)
        return Static(f"{spec.owner}: {type(exc).__name__}: {exc}", classes="hint")
    if not isinstance(widget, Widget):
        return Static(f"{spec.owner}: the panel is not a widget ({type(widget).__name__})", classes="hint")
    return widget
