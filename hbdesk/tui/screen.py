"""The base of every desk screen: the header line, the screen's body, the key footer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from hbdesk.tui.contributions import LEADER
from hbdesk.tui.status import DeskHeader

if TYPE_CHECKING:
    from hbdesk.kernel.events import Event, Subscription
    from hbdesk.kernel.kernel import Kernel
    from hbdesk.tui.app import DeskApp


class DeskScreen(Screen[None]):
    """Subclasses yield their widgets from ``compose_body``."""

    # A screen's bindings come before the app's in the footer: declared here, the way to every
    # other screen stays in sight at 80 columns, however many keys the screen itself shows.
    BINDINGS = [Binding(LEADER, "app.go_to", "Go to")]

    def __init__(self) -> None:
        super().__init__()
        self._subscriptions: list[Subscription[Any]] = []

    def subscribe(self, event_type: type[Event], callback: Callable[[Any], Any]) -> None:
        """Call ``callback`` on each kernel event of this type while the screen is mounted."""
        self._subscriptions.append(self.kernel.bus.on(event_type, callback))

    def on_unmount(self) -> None:
        for subscription in self._subscriptions:
            subscription.close()
        self._subscriptions.clear()

    @property
    def kernel(self) -> Kernel:
        return cast("DeskApp", self.app).desk.kernel

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.kernel)
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()
