"""The base of a live panel: a home-screen summary a plugin registers, or a part of a screen that
keeps itself current (the trading screen's order ticket is one).

A panel may be built before the kernel runs (the home screen is the first frame), so it shows a
line until then and loads once the kernel is running. After that it reloads on the events it
subscribes to and, if it has a ``PERIOD``, on a timer that only fires while its screen is shown:
a summary nobody looks at costs nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from hbdesk.kernel.errors import HbdeskError
from hbdesk.kernel.kernel import KernelState, KernelStateChanged

if TYPE_CHECKING:
    from textual.worker import Worker

    from hbdesk.kernel.events import Event, Subscription
    from hbdesk.kernel.kernel import Kernel
    from hbdesk.tui.app import DeskApp

log = logging.getLogger(__name__)

SHORTEST_PERIOD = 1.0  # seconds: no panel polls faster, whatever it asks


class DeskPanel(Widget):
    """Subclasses draw in ``compose`` (or use the message line) and fetch in ``update_panel``."""

    DEFAULT_CSS = """
    DeskPanel { height: auto; }
    DeskPanel > .panel--message { color: $text-muted; }
    """
    PERIOD: ClassVar[float] = 0.0  # seconds between two reloads while shown; 0: on events only

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._subscriptions: list[Subscription[Any]] = []

    @property
    def kernel(self) -> Kernel:
        return cast("DeskApp", self.app).desk.kernel

    @property
    def kernel_running(self) -> bool:
        return self.kernel.state is KernelState.RUNNING

    def compose(self) -> ComposeResult:
        yield Static("Starting the kernel…", classes="panel--message")

    def show_message(self, text: str) -> None:
        """Say something in the panel's message line (a panel that composed one)."""
        for message in self.query(".panel--message").results(Static):
            message.update(text)
            message.display = bool(text)

    def subscribe(self, event_type: type[Event], callback: Callable[[Any], Any]) -> None:
        """Call ``callback`` on each kernel event of this type while the panel is mounted."""
        self._subscriptions.append(self.kernel.bus.on(event_type, callback))

    def on_mount(self) -> None:
        self.subscribe(KernelStateChanged, self._kernel_changed)
        if self.PERIOD:
            self.set_interval(max(SHORTEST_PERIOD, self.PERIOD), self.reload)
        self.reload()

    def on_unmount(self) -> None:
        for subscription in self._subscriptions:
            subscription.close()
        self._subscriptions.clear()

    async def _kernel_changed(self, _event: Event) -> None:
        self.reload()

    def reload(self) -> None:
        """Fetch and draw again, if the kernel runs and the panel's screen is the one shown."""
        if not self.kernel_running or not self.is_mounted or not self.screen.is_current:
            return
        # Typed: mypy cannot tell a worker's result from a callable returning a coroutine.
        _: Worker[None] = self.run_worker(
            self._guarded, group="update-panel", exclusive=True, exit_on_error=False
        )

    async def _guarded(self) -> None:
        try:
            await self.update_panel()
        except HbdeskError as exc:  # an exchange down: said in the panel, the rest of home works
            self.show_message(exc.detail)
        except Exception as exc:
            log.exception("home panel %s failed", type(self).__name__)
            self.show_message(f"{type(exc).__name__}: {exc}")

    async def update_panel(self) -> None:
        """Fetch what the panel shows and draw it; runs in a worker, one at a time."""
