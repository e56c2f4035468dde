"""The home screen: the screens the plugins offer and the keys that open them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from hbdesk.tui.screen import DeskScreen


class HomeScreen(DeskScreen):
    def compose_body(self) -> ComposeResult:
        specs = self.app.contributions.screens  # type: ignore[attr-defined]
        lines = [f"[b]{s.key or '-'}[/b]  {s.title}" for s in specs]
        lines += ["", "[b]ctrl+p[/b]  command palette", "[b]ctrl+q[/b]  quit"]
        with Vertical(id="home"):
            yield Static("Welcome to hbdesk", classes="title")
            yield Static("\n".join(lines), id="home-screens")
