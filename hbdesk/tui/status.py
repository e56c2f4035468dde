"""The header line: the kernel's state and what the accounts service reports."""

from __future__ import annotations

from typing import Any

from textual.reactive import reactive
from textual.widgets import Static

from hbdesk.kernel.events import Event


class DeskHeader(Static):
    """One line: the desk's name, the kernel's state and each service's summary."""

    kernel_state: reactive[str] = reactive("stopped")
    summary: reactive[str] = reactive("")

    def __init__(self, kernel: Any) -> None:
        super().__init__(id="desk-header")
        self.kernel = kernel

    def on_mount(self) -> None:
        self._subscription = self.kernel.bus.on(Event, self._on_event)
        self.refresh_status()

    def on_unmount(self) -> None:
        self._subscription.close()

    async def _on_event(self, _event: Event) -> None:
        self.refresh_status()

    def refresh_status(self) -> None:
        self.kernel_state = str(self.kernel.state)
        parts = []
        for service in self.kernel.services.values():
            status = getattr(service, "status_line", None)
            if callable(status):
                parts.append(status())
        self.summary = "  ·  ".join(p for p in parts if p)

    def render(self) -> str:
        text = f"[b]hbdesk[/b]  kernel: {self.kernel_state}"
        if self.kernel.error and self.kernel_state == "failed":
            text += f" ({self.kernel.error})"
        if self.summary:
            text += f"  │  {self.summary}"
        return text
