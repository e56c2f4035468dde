"""A modal form built from field descriptions and checked with a pydantic model.

The same models that validate a REST request validate what is typed here, so the desk and the
API accept and refuse exactly the same input.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    secret: bool = False
    placeholder: str = ""
    value: str = ""
    suggestions: tuple[str, ...] = ()  # completed as typed (case-insensitive)


class FormModal[M: BaseModel](ModalScreen[M | None]):
    """Dismisses with a validated model instance, or None when cancelled."""

    AUTO_FOCUS = "Input"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, fields: list[FormField], model: type[M], submit: str = "Save") -> None:
        super().__init__(classes="modal")
        self.form_title = title
        self.fields = fields
        self.model = model
        self.submit_label = submit

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form"):
            yield Label(self.form_title, classes="title")
            for field in self.fields:
                yield Label(field.label, classes="field-label")
                yield Input(
                    value=field.value,
                    placeholder=field.placeholder,
                    password=field.secret,
                    id=f"field-{field.name}",
                    suggester=SuggestFromList(field.suggestions, case_sensitive=False)
                    if field.suggestions
                    else None,
                )
            yield Label("", id="form-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self.submit_label, id="submit", variant="primary")

    def values(self) -> dict[str, str]:
        return {f.name: self.query_one(f"#field-{f.name}", Input).value for f in self.fields}

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Label).update(message)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        position = inputs.index(event.input)
        if position + 1 < len(inputs):
            inputs[position + 1].focus()  # Enter moves on; on the last field it submits
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def submit(self) -> None:
        try:
            result = self.model.model_validate(self.values())
        except ValidationError as exc:
            self.show_error(describe(exc))
            return
        self.dismiss(result)


def describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {err['msg']}" if where else err["msg"])
    return "; ".join(parts)
