"""A modal that picks a (connector, trading pair) by fuzzy search, as the command palette does.

Connectors whose pairs are not known yet are listed by name alone; choosing one asks the given
loader for its pairs (an exchange may be slow or down: its error is shown in the modal).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList

from hbdesk.kernel.errors import HbdeskError
from hbdesk.tui.widgets.fuzzy import ranked

Choice = tuple[str, str | None]  # (connector, trading pair); no pair: "load this connector's pairs"
PairLoader = Callable[[str], Awaitable[list[str]]]
SHOWN = 50  # options listed at once; typing narrows the rest


def search_text(choice: Choice) -> str:
    connector, pair = choice
    return f"{connector} {pair}" if pair else connector


class PairPicker(ModalScreen[tuple[str, str] | None]):
    AUTO_FOCUS = "Input"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(
        self, choices: Sequence[Choice], load_pairs: PairLoader | None = None, title: str = "Trading pair"
    ) -> None:
        super().__init__(classes="modal")
        self.choices = list(choices)
        self.load_pairs = load_pairs
        self.picker_title = title
        self.shown: list[Choice] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(self.picker_title, classes="title")
            yield Input(placeholder="type to search: eth, sol usdt, binance btc", id="picker-query")
            yield OptionList(id="picker-options")
            yield Label("", id="picker-status", classes="hint")

    def on_mount(self) -> None:
        self.filter("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.filter(event.value)

    def filter(self, query: str) -> None:
        """Rank the choices against the query, best first (ties keep the given order)."""
        matches, matcher = ranked(self.choices, query, search_text)
        self.shown = matches[:SHOWN]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([self._prompt(c, matcher) for c in self.shown])
        if self.shown:
            options.highlighted = 0
        matching = len(self.shown) if matcher is None else len(matches)
        self._status(f"{matching} of {len(self.choices)}" if self.shown else "Nothing matches")

    def _prompt(self, choice: Choice, matcher: Matcher | None) -> Content:
        text = search_text(choice)
        prompt = matcher.highlight(text) if matcher else Content(text)
        if choice[1] is None:
            prompt += Content.styled("  (enter: load its pairs)", "dim")
        return prompt

    def _status(self, text: str) -> None:
        self.query_one("#picker-status", Label).update(text)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None and highlighted < len(self.shown):
            self.choose(self.shown[highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(self.shown[event.option_index])

    def choose(self, choice: Choice) -> None:
        connector, pair = choice
        if pair is not None:
            self.dismiss((connector, pair))
        elif self.load_pairs is not None:
            self.load(connector)

    @work(exclusive=True, group="load-pairs")
    async def load(self, connector: str) -> None:
        assert self.load_pairs is not None
        self._status(f"Asking {connector} for its trading pairs…")
        try:
            pairs = await self.load_pairs(connector)
        except HbdeskError as exc:
            self._status(exc.detail)
            return
        self.choices = [c for c in self.choices if c != (connector, None)]
        self.choices += [(connector, pair) for pair in pairs]
        query = self.query_one(Input)
        query.value = f"{connector} "
        query.cursor_position = len(query.value)
        self.filter(query.value)
