"""The base of every desk screen: the header line, the screen's body, the key footer."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from hbdesk.tui.status import DeskHeader


class DeskScreen(Screen[None]):
    """Subclasses yield their widgets from ``compose_body``."""

    @property
    def kernel(self) -> Any:
        return self.app.desk.kernel  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.kernel)
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()
