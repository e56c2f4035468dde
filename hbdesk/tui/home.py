"""The home screen: the screens the plugins offer and the keys that open them."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from hbdesk.tui.columns import in_columns, key_entry
from hbdesk.tui.contributions import SCREEN_LIST_KEY
from hbdesk.tui.screen import DeskScreen

if TYPE_CHECKING:
    from hbdesk.tui.app import DeskApp

ROWS = 12  # screens to a column: with the lines below they fill 80x24, more go to a second column
COLUMN = 36
TITLE_WIDTH = 20  # digit shortcuts line up after titles up to this long


class HomeScreen(DeskScreen):
    def compose_body(self) -> ComposeResult:
        specs = cast("DeskApp", self.app).contributions.screens
        widest = min(TITLE_WIDTH, max((len(spec.title) for spec in specs), default=0))
        screens = [
            key_entry(spec.keys.ljust(3), spec.title, f"or {spec.digit}" if spec.digit else "", widest)
            for spec in specs
        ]
        keys = [
            key_entry(SCREEN_LIST_KEY, "every screen, filtered as you type"),
            key_entry("ctrl+p", "command palette"),
            key_entry("ctrl+q", "quit"),
        ]
        with Vertical(id="home"):
            yield Static("Welcome to hbdesk", classes="title")
            yield Static(in_columns(screens, rows=ROWS, width=COLUMN), id="home-screens")
            yield Static(Content("\n").join(keys), id="home-keys")
