"""Moving between screens by keyboard: the leader key's panel and the screen list.

Both are modals over the current screen, so a letter meant for the leader never reaches the
screen's own keys (``a`` adds an account on the accounts screen). The app imports this module on
first use: the desk's first frame does not need it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static

from hbdesk.tui.columns import in_columns, key_entry
from hbdesk.tui.contributions import LEADER, SCREEN_LIST_KEY, ScreenSpec
from hbdesk.tui.widgets.fuzzy import ranked

COLUMN = 24  # one "a  Accounts" entry of the leader panel; three fit in 80 columns


class GoToPanel(ModalScreen[str | None]):
    """Shown after the leader key: the next letter picks a screen, anything else closes it."""

    def __init__(self, screens: Sequence[ScreenSpec], open_list: Callable[[], object]) -> None:
        super().__init__(classes="modal go-to")
        self.by_key = {spec.key: spec for spec in screens if spec.key}
        self.open_list = open_list

    def compose(self) -> ComposeResult:
        entries = [key_entry(key, spec.title) for key, spec in sorted(self.by_key.items())]
        with Vertical(id="go-to", classes="dialog") as panel:
            panel.border_title = f"{LEADER}: go to"
            yield Static(in_columns(entries, rows=-(-len(entries) // 3), width=COLUMN), id="go-to-keys")
            yield Static(f"{SCREEN_LIST_KEY} every screen, filtered as you type · esc close", classes="hint")

    def on_key(self, event: events.Key) -> None:
        # Every key ends the panel, so a stray one never falls through to the screen below.
        event.stop()
        event.prevent_default()
        spec = self.by_key.get(event.key)
        self.dismiss(spec.mode if spec else None)
        if event.key == SCREEN_LIST_KEY:
            self.app.call_later(self.open_list)


class ScreenList(ModalScreen[str | None]):
    """Every screen with its key; typing filters them fuzzily, enter opens the highlighted one."""

    AUTO_FOCUS = "Input"
    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding(SCREEN_LIST_KEY, "cancel", "Close", show=False),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, screens: Sequence[ScreenSpec]) -> None:
        super().__init__(classes="modal")
        self.screens = list(screens)
        self.shown: list[ScreenSpec] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker", id="screen-list"):
            yield Label("Screens", classes="title")
            yield Input(placeholder="type to filter: acc, market …", id="screen-query")
            yield OptionList(id="screen-options")
            yield Label("", id="screen-status", classes="hint")

    def on_mount(self) -> None:
        self.filter("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.filter(event.value)

    def filter(self, query: str) -> None:
        """Best match first; with nothing typed, the list as the desk orders it."""
        self.shown, matcher = ranked(self.screens, query, lambda spec: spec.title)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([self._prompt(spec, matcher) for spec in self.shown])
        if self.shown:
            options.highlighted = 0
        status = f"{len(self.shown)} of {len(self.screens)}" if self.shown else "Nothing matches"
        self.query_one("#screen-status", Label).update(f"{status} · enter open · esc close")

    def _prompt(self, spec: ScreenSpec, matcher: Matcher | None) -> Content:
        title = matcher.highlight(spec.title) if matcher else Content(spec.title)
        return Content.styled(spec.keys.ljust(5), "bold") + title

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None and highlighted < len(self.shown):
            self.dismiss(self.shown[highlighted].mode)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index].mode)
