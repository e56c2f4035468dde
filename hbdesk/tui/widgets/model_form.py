"""A form generated from a pydantic model: one input per field, what is typed handed back as the
nested dict the model validates.

Nested models are flattened (``triple_barrier_config.stop_loss``) under a heading of their
own; enums are typed and offered by their names; defaults are filled in. Nothing here decides
whether a config is right: the caller's ``submit`` does (an executor's is validated by the very
path the REST API creates it with), and what it refuses is said under the form.

    form = ModelFormModal("New position", PositionExecutorConfig, submit=create, skip={"id"})
    created = await app.push_screen_wait(form)
"""

from __future__ import annotations

import enum
import json
import types
import typing
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticUndefined
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Static

from hbdesk.kernel.errors import HbdeskError
from hbdesk.tui.widgets.form import FormField, FormModal, describe

Shape = Literal["text", "list", "json"]
INDENT = 2  # cells a nested field's label is indented by, per level
# Lines of the dialog that are not fields: its border, title, help line, error (3 at most), buttons.
FRAME_LINES = 2 + 1 + 1 + 3 + 1


class FieldProblem(ValueError):
    """A value the form cannot even put in the dict (an enum name that does not exist, bad JSON)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


@dataclass(frozen=True)
class ModelField:
    """One input of the form: a leaf of the model, at ``path`` through its nested models."""

    path: tuple[str, ...]
    kind: str  # what the help line calls its type: "a decimal number", "one of BUY, SELL"
    required: bool = False
    default: str = ""
    choices: tuple[str, ...] = ()  # enum names, literal values, true/false: offered as typed
    enum_type: type[enum.Enum] | None = None  # the enum whose names are typed (items, for a list)
    shape: Shape = "text"
    description: str = ""

    @property
    def name(self) -> str:
        """The dotted name, as errors and the help line say it: ``triple_barrier_config.stop_loss``."""
        return ".".join(self.path)

    @property
    def key(self) -> str:
        """A name fit for a widget id (ids take no dots; field names take no hyphens)."""
        return "-".join(self.path)

    @property
    def group(self) -> tuple[str, ...]:
        return self.path[:-1]

    @property
    def help(self) -> str:
        parts = [self.kind, "required" if self.required else "optional"]
        if self.description:
            parts.append(self.description)
        return f"{self.name}: {' · '.join(parts)}"


def model_fields(
    model: type[BaseModel],
    skip: Collection[str] = (),
    *,
    defaults: BaseModel | None = None,
    prefix: tuple[str, ...] = (),
    optional: bool = False,
) -> list[ModelField]:
    """The model's leaves in declaration order; ``skip`` names fields (dotted) left out.

    ``defaults`` is an instance whose values prefill the fields (a nested model's default);
    ``optional`` marks the leaves of a nested model that may be left out whole.
    """
    found: list[ModelField] = []
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        if ".".join(path) in skip:
            continue
        if defaults is not None:
            default = getattr(defaults, name, None)
        elif info.is_required():
            default = PydanticUndefined
        else:
            try:
                default = info.get_default(call_default_factory=True, validated_data={})
            except Exception:  # a factory that needs the other fields: no prefill
                default = None
        options, nullable = _options(info.annotation)
        required = info.is_required() and not optional
        nested = options[0] if len(options) == 1 else None
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            found += model_fields(
                nested,
                skip,
                defaults=default if isinstance(default, BaseModel) else None,
                prefix=path,
                optional=optional or nullable or not info.is_required(),
            )
            continue
        found.append(_leaf(path, options, required, default, info.description or ""))
    return found


def _leaf(path: tuple[str, ...], options: list[Any], required: bool, default: Any, doc: str) -> ModelField:
    only = options[0] if len(options) == 1 else None
    prefill = _text(default)
    if isinstance(only, type) and issubclass(only, enum.Enum):
        names = tuple(member.name for member in only)
        return ModelField(path, f"one of {', '.join(names)}", required, prefill, names, only, "text", doc)
    if typing.get_origin(only) is Literal:
        values = tuple(str(value) for value in typing.get_args(only))
        return ModelField(path, f"one of {', '.join(values)}", required, prefill, values, None, "text", doc)
    if only is bool:
        return ModelField(path, "true or false", required, prefill, ("true", "false"), None, "text", doc)
    if typing.get_origin(only) in (list, tuple, set, frozenset):
        items, _ = _options((typing.get_args(only) or (str,))[0])
        item = items[0] if len(items) == 1 else None
        item_enum = item if isinstance(item, type) and issubclass(item, enum.Enum) else None
        if item_enum is not None or item in SIMPLE:
            kind = f"a comma-separated list of {_kind_of(item).removeprefix('a ').removeprefix('an ')}"
            choices = tuple(member.name for member in item_enum) if item_enum else ()
            prefill = (
                ", ".join(_text(value) for value in default) if isinstance(default, list | tuple) else ""
            )
            return ModelField(path, kind, required, prefill, choices, item_enum, "list", doc)
    if only in SIMPLE:
        return ModelField(path, _kind_of(only), required, prefill, description=doc)
    prefill = "" if default in (None, PydanticUndefined) else json.dumps(_plain(default))
    return ModelField(path, "JSON", required, prefill, shape="json", description=doc)


SIMPLE: dict[Any, str] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    Decimal: "a decimal number",
}


def _kind_of(annotation: Any) -> str:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return f"one of {', '.join(member.name for member in annotation)}"
    return SIMPLE.get(annotation, "value")


def _options(annotation: Any) -> tuple[list[Any], bool]:
    """The types a field takes (``X | None`` is X) and whether it takes None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        return [arg for arg in args if arg is not type(None)], type(None) in args
    return [annotation], False


def _text(value: Any) -> str:
    """A default as it is typed in the form."""
    if value is None or value is PydanticUndefined:
        return ""
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _plain(value: Any) -> Any:
    """A default as JSON takes it."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def form_values(config: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """A config's values as the form types them, by dotted name (``build``'s inverse): nested
    dicts flattened, lists comma separated, enums by name."""
    out: dict[str, str] = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(form_values(value, f"{name}."))
        elif isinstance(value, list | tuple):
            out[name] = ", ".join(_text(item) for item in value)
        elif value is not None:
            out[name] = _text(value)
    return out


# -- from what is typed to the model's dict ----------------------------------------------------


def build(fields: Sequence[ModelField], values: Mapping[str, str]) -> dict[str, Any]:
    """The nested dict for the model from ``values`` (by dotted name). A field left empty is left
    out, so the model's own default (or its "field required") applies; a nested model none of
    whose fields is typed is left out whole."""
    out: dict[str, Any] = {}
    for model_field in fields:
        text = values.get(model_field.name, "").strip()
        if not text:
            continue
        node = out
        for part in model_field.group:
            node = node.setdefault(part, {})
        node[model_field.path[-1]] = _value(model_field, text)
    return out


def _value(model_field: ModelField, text: str) -> Any:
    if model_field.shape == "list":
        return [_member(model_field, item.strip()) for item in text.split(",") if item.strip()]
    if model_field.shape == "json":
        try:
            return json.loads(text)
        except ValueError:
            raise FieldProblem(model_field.name, "not valid JSON") from None
    return _member(model_field, text)


def _member(model_field: ModelField, text: str) -> Any:
    """An enum's name as the enum's value (what the model validates); anything else as typed."""
    if model_field.enum_type is None:
        return text
    by_name = {member.name.upper(): member for member in model_field.enum_type}
    member = by_name.get(text.upper())
    if member is None:
        raise FieldProblem(model_field.name, f"{text!r} is not one of {', '.join(model_field.choices)}")
    return member.value


@dataclass(frozen=True)
class Submission:
    """What the form holds when submitted: the model's nested dict, the extra fields' text, and
    the model's fields as typed (enums by name: for a question or a message)."""

    data: dict[str, Any]
    extra: dict[str, str] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)  # the model's fields as typed, by dotted name


type Submit[R] = Callable[[Submission], Awaitable[R | None]]


class ModelFormModal[R](FormModal[Any]):
    """A ``FormModal`` whose fields come from a pydantic model.

    Without ``submit`` it dismisses with the validated model, as ``FormModal`` does. With it, the
    submission goes to ``submit``: what it returns dismisses the form, None keeps it open (a
    question declined, say), and an ``HbdeskError`` or ``ValidationError`` it raises is shown
    under the form. ``extra`` fields (an account, say) come first; their text is handed over
    beside the model's dict. ``values`` and ``suggestions`` are looked up by dotted name, then by
    a field's own name (``connector_name`` serves ``buying_market.connector_name`` too).
    """

    BINDINGS = [Binding("ctrl+s", "submit_form", "Submit", show=False)]
    DEFAULT_CSS = """
    ModelFormModal #model-form {
        width: 84;
        max-width: 95%;
        height: auto;
        max-height: 100%;
        padding: 0 1;
        margin: 0 1;
        border: thick $primary;
        background: $surface;
    }
    ModelFormModal .form-title { color: $primary; text-style: bold; }
    ModelFormModal #form-rows { height: auto; scrollbar-size-vertical: 1; }
    ModelFormModal .form-row { height: 1; }
    ModelFormModal .form-label { width: 30; color: $text-muted; }
    ModelFormModal .form-label.-required { color: $foreground; }
    ModelFormModal .form-group { color: $primary; text-style: bold; }
    ModelFormModal .form-row Input { width: 1fr; }
    ModelFormModal #form-help { color: $text-muted; height: 1; width: 100%; text-overflow: ellipsis; }
    ModelFormModal #form-error { color: $error; height: auto; max-height: 3; width: 100%; }
    ModelFormModal #form-error.-empty { display: none; }
    ModelFormModal #form-buttons { height: auto; }
    ModelFormModal #form-keys { width: 1fr; color: $text-muted; }
    ModelFormModal #form-buttons Button { margin-left: 1; }
    """

    def __init__(
        self,
        title: str,
        model: type[BaseModel],
        *,
        submit: Submit[R] | None = None,
        skip: Collection[str] = (),
        values: Mapping[str, str] | None = None,
        suggestions: Mapping[str, Sequence[str]] | None = None,
        extra: Sequence[FormField] = (),
        submit_label: str = "Save",
    ) -> None:
        self.leaves = model_fields(model, skip)
        self.extra = list(extra)
        self.on_submit = submit
        self._busy = False
        given = values or {}
        offered = suggestions or {}
        generated = [
            FormField(
                leaf.key,
                leaf.name,
                placeholder=("required" if leaf.kind == "text" else leaf.kind) if leaf.required else "",
                value=_lookup(given, leaf, leaf.default),
                suggestions=tuple(_lookup(offered, leaf, ())) or leaf.choices,
            )
            for leaf in self.leaves
        ]
        super().__init__(title, [*self.extra, *generated], model, submit_label)

    def compose(self) -> ComposeResult:
        by_key = {leaf.key: leaf for leaf in self.leaves}
        with Vertical(id="model-form"):
            yield Label(self.form_title, classes="form-title")
            with VerticalScroll(id="form-rows"):
                group: tuple[str, ...] = ()
                for form_field in self.fields:
                    leaf = by_key.get(form_field.name)
                    depth = len(leaf.group) if leaf else 0
                    if leaf is not None and leaf.group != group:
                        for level in range(_shared(group, leaf.group), len(leaf.group)):
                            heading = Label(leaf.group[level], classes="form-group")
                            heading.styles.padding = (0, 0, 0, INDENT * level)
                            yield heading
                        group = leaf.group
                    label = leaf.path[-1] if leaf else form_field.label
                    required = leaf.required if leaf else True
                    with Horizontal(classes="form-row"):
                        name = Label(
                            label + (" *" if required else ""),
                            classes="form-label -required" if required else "form-label",
                        )
                        name.styles.padding = (0, 0, 0, INDENT * depth)
                        yield name
                        yield Input(
                            value=form_field.value,
                            placeholder=form_field.placeholder,
                            password=form_field.secret,
                            compact=True,
                            id=f"field-{form_field.name}",
                            suggester=SuggestFromList(form_field.suggestions, case_sensitive=False)
                            if form_field.suggestions
                            else None,
                        )
            yield Static("", id="form-help")
            yield Label("", id="form-error", classes="-empty")
            with Horizontal(id="form-buttons"):
                yield Label(f"ctrl+s {self.submit_label.lower()} · esc cancel", id="form-keys")
                yield Button("Cancel", id="cancel", compact=True)
                yield Button(self.submit_label, id="submit", variant="primary", compact=True)

    def on_mount(self) -> None:
        """The first required field still empty has the focus: the rest may be fine as filled."""
        by_key = {leaf.key: leaf for leaf in self.leaves}
        for form_field in self.fields:
            leaf = by_key.get(form_field.name)
            required = leaf.required if leaf else True
            entry = self.query_one(f"#field-{form_field.name}", Input)
            if required and not entry.value.strip():
                entry.focus()
                return

    def action_submit_form(self) -> None:
        self.submit()

    def on_resize(self, event: events.Resize) -> None:
        """The fields scroll within what the screen leaves once the frame is drawn: the help,
        the error and the buttons stay in sight."""
        self.query_one("#form-rows").styles.max_height = max(3, event.size.height - FRAME_LINES)

    def show_error(self, message: str) -> None:
        super().show_error(message)
        self.query_one("#form-error").set_class(not message, "-empty")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The focused field's type, whether it is required, and what it is for."""
        widget_id = event.widget.id or ""
        if not isinstance(event.widget, Input) or not widget_id.startswith("field-"):
            return
        key = widget_id.removeprefix("field-")
        leaf = next((leaf for leaf in self.leaves if leaf.key == key), None)
        extra = next((f for f in self.extra if f.name == key), None)
        text = leaf.help if leaf else f"{extra.label}: {extra.placeholder}" if extra else ""
        self.query_one("#form-help", Static).update(text)

    def submission(self) -> Submission:
        """What is typed, as the model's dict and the extra fields' text; a ``FieldProblem`` if a
        value cannot be put in the dict at all."""
        values = self.values()
        typed = {leaf.name: values[leaf.key] for leaf in self.leaves}
        extra = {f.name: values[f.name].strip() for f in self.extra}
        data = build(self.leaves, typed)
        return Submission(data, extra, {name: text.strip() for name, text in typed.items() if text.strip()})

    def submit(self) -> None:
        if not self._busy:
            self._submit()

    @work(group="model-form-submit")
    async def _submit(self) -> None:
        try:
            submission = self.submission()
        except FieldProblem as exc:
            self.show_error(str(exc))
            return
        if self.on_submit is None:
            try:
                self.dismiss(self.model.model_validate(submission.data))
            except ValidationError as exc:
                self.show_error(describe(exc))
            return
        self._set_busy(True)
        try:
            result = await self.on_submit(submission)
        except HbdeskError as exc:
            self.show_error(exc.detail)
            return
        except ValidationError as exc:
            self.show_error(describe(exc))
            return
        finally:
            self._set_busy(False)
        if result is not None:
            self.dismiss(result)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        if not self.is_attached:  # the desk closed while ``submit`` ran
            return
        self.query_one("#submit", Button).disabled = busy
        if busy:
            self.show_error("")


def _lookup[T](table: Mapping[str, T], leaf: ModelField, default: T) -> T:
    if leaf.name in table:
        return table[leaf.name]
    return table.get(leaf.path[-1], default)


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """How many leading names two groups share: the headings already shown."""
    count = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        count += 1
    return count
