"""The controllers screen: controller and script sources, saved configs, and the controllers run
live.

Keyboard first. The Files tab is a tree: controllers by type (those shipped with hbdesk marked and
read-only), scripts, saved controller configs and script configs; the highlighted entry is
previewed beside it. ``enter`` opens a source in the editor (Python highlighted; ``ctrl+s``
validates it through the service, compile and import in a thread, and saves only once it passes;
what it refuses is said under the editor and the cursor goes to the line it names) or a saved
config in a form generated from its controller's config class. ``n`` starts a new source from a
minimal template of its type, ``c`` a new config of the highlighted controller, ``d`` deletes a
user's file (asked first; shipped ones are refused). The Live tab lists the controllers run live
(status, executors, PnL), read again every second while shown: ``r`` runs a saved config, ``s``
stops the highlighted controller and ``S`` stops it keeping its positions (all asked first).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    DataTable,
    Footer,
    Label,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
    Tree,
)
from textual.widgets.option_list import Option
from textual.widgets.text_area import Selection

from hbdesk.sdk import (
    ConfirmModal,
    Conflict,
    DeskScreen,
    FormField,
    FormModal,
    HbdeskError,
    InvalidInput,
    KernelState,
    ModelFormModal,
    NotFound,
    RequestModel,
    form_values,
    selected_row_key,
    table_columns,
    table_row,
)
from hbdesk_plugins.controllers.display import (
    KIND_TITLES,
    LIVE_COLUMNS,
    LIVE_NUMERIC,
    SCRIPT,
    SOURCE_KINDS,
    Entry,
    config_entries,
    controller_entries,
    error_line,
    live_cells,
    script_config_entries,
    template_source,
    valid_source_name,
    yaml_lines,
)
from hbdesk_plugins.controllers.public import CONTROLLER_TYPES, CONTROLLERS

if TYPE_CHECKING:
    from textual.widgets.tree import TreeNode

    from hbdesk.sdk import Kernel, Submission
    from hbdesk_plugins.controllers.service import ControllersService
    from hbdesk_plugins.scripts.service import ScriptsService

log = logging.getLogger(__name__)

PERIOD = 1.0  # seconds between two reads of the live controllers while they are shown
PREVIEW_LINES = 40
# Config fields the form leaves out: the config names them itself.
SKIPPED = {"id", "controller_name", "controller_type"}
ACCOUNT = "master_account"


def _scripts(kernel: Kernel) -> ScriptsService | None:
    try:
        from hbdesk_plugins.scripts.public import SCRIPTS
    except ImportError:  # the scripts plugin is not installed
        return None
    return kernel.optional_service(SCRIPTS)


class Picker(ModalScreen[int | None]):
    """A list of choices; enter picks one (dismisses with its index)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: list[str]) -> None:
        super().__init__(classes="modal")
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(self.title_text, classes="title")
            yield OptionList(*(Option(choice) for choice in self.choices), id="picker-options")
            yield Label("enter pick · esc cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SourceName(RequestModel):
    name: str


class EditorScreen(DeskScreen):
    """One source in a Python editor. ``ctrl+s`` saves through the service, which compiles and
    imports it first: nothing is written when it fails, and the failing line is shown."""

    DEFAULT_CSS = """
    EditorScreen #editor-title { height: 1; padding: 0 1; color: $primary; text-style: bold; }
    EditorScreen #editor { height: 1fr; scrollbar-size: 1 1; }
    EditorScreen #editor-error { height: auto; max-height: 4; padding: 0 1; color: $error; }
    EditorScreen #editor-error.-empty { display: none; }
    """
    AUTO_FOCUS = "#editor"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "close", "Close", priority=True),
    ]

    def __init__(self, entry: Entry, text: str, *, new: bool = False) -> None:
        super().__init__()
        self.entry = entry
        self.text = text
        self.saved_text = "" if new else text
        self.new = new
        self.error = ""

    @property
    def read_only(self) -> bool:
        return self.entry.shipped

    def compose_body(self) -> ComposeResult:
        yield Static(self._title(), id="editor-title")
        yield TextArea.code_editor(
            self.text,
            language="python",
            theme="vscode_dark" if self.app.current_theme.dark else "github_light",
            read_only=self.read_only,
            id="editor",
        )
        yield Static("", id="editor-error", classes="-empty")

    def on_mount(self) -> None:
        self.query_one(Footer).compact = True

    @property
    def editor(self) -> TextArea:
        return self.query_one("#editor", TextArea)

    @property
    def modified(self) -> bool:
        return self.editor.text != self.saved_text

    def _title(self, modified: bool = False) -> str:
        what = (
            KIND_TITLES.get(self.entry.controller_type or SCRIPT, "")
            if self.entry.kind == "controller"
            else "Script"
        )
        state = (
            "shipped · read-only"
            if self.read_only
            else "new, not saved"
            if self.new
            else "modified"
            if modified
            else "saved"
        )
        return f"{self.entry.path} · {what} · {state}"

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.query_one("#editor-title", Static).update(self._title(self.modified))

    def show_error(self, message: str) -> None:
        self.error = message
        error = self.query_one("#editor-error", Static)
        error.update(message)
        error.set_class(not message, "-empty")

    @work(group="editor-save", exclusive=True)
    async def action_save(self) -> None:
        if self.read_only:
            self.notify(
                "Shipped with hbdesk: read-only. n on the controllers screen starts one of your own.",
                severity="warning",
                timeout=5,
            )
            return
        text = self.editor.text
        self.show_error("")
        self.query_one("#editor-title", Static).update(f"{self.entry.path} · checking…")
        try:
            await save_source(self.kernel, self.entry, text)
        except HbdeskError as exc:
            self._refused(exc.detail)
            return
        self.saved_text, self.new = text, False
        self.query_one("#editor-title", Static).update(self._title(self.modified))
        self.notify(f"Saved {self.entry.path}.", timeout=3)

    def _refused(self, detail: str) -> None:
        line = error_line(detail)
        where = f"line {line}: " if line is not None else ""
        self.show_error(f"Not saved — {where}{detail}")
        self.query_one("#editor-title", Static).update(f"{self._title(self.modified)} · not saved")
        if line is not None:
            editor = self.editor
            row = max(0, min(line - 1, editor.document.line_count - 1))
            # The line selected, the cursor at its start: in sight from its first column.
            editor.selection = Selection((row, len(editor.document.get_line(row))), (row, 0))
            editor.scroll_cursor_visible(center=True)
        self.editor.focus()

    @work(group="editor-close", exclusive=True)
    async def action_close(self) -> None:
        if not self.read_only and self.modified:
            question = f"Close {self.entry.path} without saving your changes?"
            if not await self.app.push_screen_wait(ConfirmModal(question, "Discard")):
                return
        self.dismiss()


async def save_source(kernel: Kernel, entry: Entry, text: str) -> None:
    """Through the service: compiled and imported in a thread first, saved only if it passes."""
    if entry.kind == "controller":
        await kernel.service(CONTROLLERS).save_source(entry.controller_type, entry.name, text)
        return
    scripts = _scripts(kernel)
    if scripts is None:
        raise InvalidInput("The scripts plugin is switched off.")
    await scripts.save_script(entry.name, text)


class ControllersScreen(DeskScreen):
    DEFAULT_CSS = """
    ControllersScreen #ctl-tabs { height: 1fr; }
    ControllersScreen TabPane { padding: 0; }
    ControllersScreen #browser { width: 2fr; min-width: 30; max-width: 48; height: 1fr; }
    ControllersScreen #preview-box {
        width: 3fr; height: 1fr; border-left: solid $panel; padding: 0 1; scrollbar-size: 1 1;
    }
    ControllersScreen #preview-title {
        height: 1; color: $primary; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis;
    }
    ControllersScreen #preview-about { height: auto; color: $text-muted; }
    ControllersScreen #preview { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    ControllersScreen #live { height: 1fr; }
    ControllersScreen .empty { color: $text-muted; padding: 0 1; height: auto; }
    """
    AUTO_FOCUS = "#browser"
    BINDINGS = [
        Binding("n", "new", "New"),
        Binding("c", "new_config", "Config"),
        Binding("d,delete", "delete", "Delete"),
        Binding("r", "run", "Run"),
        Binding("s", "stop", "Stop"),
        Binding("S", "stop(True)", "Stop, keep"),
        Binding("l", "tab('live')", "Live"),
        Binding("f,escape", "tab('files')", "Files", show=False),
        Binding("e", "open", "Open", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._live: list[dict[str, Any]] = []
        self._drawn: list[tuple[str, ...]] = []
        self._entries: list[Entry] = []
        self.previewed: str | None = None  # the entry the preview shows

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="ctl-tabs", initial="files-tab"):
            with TabPane("Files", id="files-tab"), Horizontal():
                tree: Tree[Entry | None] = Tree("bots", id="browser")
                tree.show_root = False
                tree.guide_depth = 2
                yield tree
                with VerticalScroll(id="preview-box"):
                    yield Static("", id="preview-title")
                    yield Static("", id="preview-about")
                    yield Static("", id="preview")
            with TabPane("Live", id="live-tab"):
                yield Static(
                    "No controller runs live: r runs a saved config.", classes="empty", id="live-empty"
                )
                yield DataTable(id="live", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(Footer).compact = True
        table_columns(self.query_one("#live", DataTable), LIVE_COLUMNS, LIVE_NUMERIC)
        self.set_interval(PERIOD, self._tick)
        self.refresh_files()
        self.draw_live()

    def on_screen_resume(self) -> None:
        self.refresh_files()
        self.draw_live()

    # -- the kernel -------------------------------------------------------------------------------

    @property
    def service(self) -> ControllersService | None:
        kernel: Kernel = self.kernel
        if kernel.state is not KernelState.RUNNING:
            return None
        return kernel.optional_service(CONTROLLERS)

    def _service_or_say(self) -> ControllersService | None:
        service = self.service
        if service is None:
            self.notify("The kernel is still starting.", timeout=3)
        return service

    def _tick(self) -> None:
        if not self.is_current:
            return
        if not self._entries:
            self.refresh_files()
        self.draw_live()

    # -- the files --------------------------------------------------------------------------------

    @work(group="files", exclusive=True, exit_on_error=False)
    async def refresh_files(self, select: str | None = None) -> None:
        await self.load_files(select)

    async def load_files(self, select: str | None = None) -> None:
        service = self.service
        if service is None:
            return
        try:
            sources = await service.sources()
            configs = await service.list_configs()
        except HbdeskError as exc:
            log.warning("controllers: %s", exc.detail)
            return
        scripts_service = _scripts(self.kernel)
        scripts: list[str] = []
        script_configs: list[dict[str, Any]] = []
        if scripts_service is not None:
            try:
                scripts = await scripts_service.list_scripts()
                script_configs = await scripts_service.list_configs()
            except HbdeskError as exc:
                log.warning("scripts: %s", exc.detail)
        self.draw_files(
            controller_entries(sources),
            [Entry("script", name) for name in scripts],
            config_entries(configs),
            script_config_entries(script_configs),
            select,
        )

    def draw_files(
        self,
        controllers: dict[str, list[Entry]],
        scripts: list[Entry],
        configs: list[Entry],
        script_configs: list[Entry],
        select: str | None = None,
    ) -> None:
        tree: Tree[Entry | None] = self.query_one("#browser", Tree)
        highlighted = select or (self.selected.key if self.selected is not None else None)
        entries = [e for kind in controllers.values() for e in kind] + scripts + configs + script_configs
        if entries == self._entries and select is None:
            return
        self._entries = entries
        theme = self.app.theme_variables
        muted = theme.get("text-muted", "")
        tree.clear()
        nodes: dict[str, TreeNode[Entry | None]] = {}
        section = tree.root.add(
            self._heading("Controllers", sum(map(len, controllers.values()))), expand=True
        )
        for kind in CONTROLLER_TYPES:
            listed = controllers.get(kind, [])
            branch = section.add(self._heading(kind, len(listed)), expand=True)
            for entry in listed:
                label = Text(entry.name)
                if entry.shipped:
                    label.append("  shipped", style=f"italic {muted}")
                nodes[entry.key] = branch.add_leaf(label, data=entry)
        for title, listed in (
            ("Scripts", scripts),
            ("Controller configs", configs),
            ("Script configs", script_configs),
        ):
            branch = tree.root.add(self._heading(title, len(listed)), expand=True)
            for entry in listed:
                label = Text(entry.name)
                about = "unreadable" if entry.error else entry.controller_name
                if about:
                    label.append(f"  {about}", style=theme.get("error", "") if entry.error else muted)
                nodes[entry.key] = branch.add_leaf(label, data=entry)
        target = nodes.get(highlighted or "")
        if target is None and entries:
            target = nodes[entries[0].key]
        if target is not None:
            # The tree lays its lines out on the next refresh: the cursor moves there then.
            self.call_after_refresh(self._highlight, target)

    def _highlight(self, node: TreeNode[Entry | None]) -> None:
        tree: Tree[Entry | None] = self.query_one("#browser", Tree)
        tree.move_cursor(node)
        self.preview(node.data)

    def _heading(self, title: str, count: int) -> Text:
        text = Text(title, style="bold")
        text.append(f" {count}", style=self.app.theme_variables.get("text-muted", ""))
        return text

    @property
    def selected(self) -> Entry | None:
        node = self.query_one("#browser", Tree).cursor_node
        return node.data if node is not None else None

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Entry | None]) -> None:
        self.preview(event.node.data)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Entry | None]) -> None:
        if event.node.data is not None:
            event.stop()
            self.action_open()

    @work(group="preview", exclusive=True, exit_on_error=False)
    async def preview(self, entry: Entry | None) -> None:
        title = self.query_one("#preview-title", Static)
        about = self.query_one("#preview-about", Static)
        body = self.query_one("#preview", Static)
        if entry is None:
            title.update("")
            about.update("enter opens · n new source · c new config of a controller")
            body.update("")
            return
        title.update(entry.path)
        try:
            about_text, lines = await self._preview(entry)
        except HbdeskError as exc:
            about_text, lines = exc.detail, []
        about.update(about_text)
        # Indentation kept: leading spaces as no-break spaces, which a line never sheds.
        shown = "\n".join(_indented(line) for line in lines[:PREVIEW_LINES])
        body.update(Text(shown, no_wrap=True, overflow="ellipsis"))
        self.previewed = entry.key

    async def _preview(self, entry: Entry) -> tuple[str, list[str]]:
        service = self.service
        if service is None:
            return "", []
        if entry.kind == "controller":
            text = await service.get_source(entry.controller_type, entry.name)
            state = "shipped with hbdesk, read-only" if entry.shipped else "yours"
            return (
                f"{KIND_TITLES[entry.controller_type]} controller, {state} · enter "
                + ("views" if entry.shipped else "edits")
                + " · c new config",
                text.splitlines(),
            )
        if entry.kind == "config":
            if entry.error:
                return "This config cannot be read.", [entry.error]
            config = await service.get_config(entry.name)
            return f"Config of {entry.controller_name} · enter edits · r runs it live", yaml_lines(config)
        scripts = _scripts(self.kernel)
        if scripts is None:
            return "The scripts plugin is switched off.", []
        if entry.kind == "script":
            text = await scripts.get_script(entry.name)
            return "Script, yours · enter edits", text.splitlines()
        if entry.error:
            return "This config cannot be read.", [entry.error]
        return f"Config of the script {entry.controller_name}", yaml_lines(
            await scripts.get_config(entry.name)
        )

    # -- tabs -------------------------------------------------------------------------------------

    def action_tab(self, name: str) -> None:
        self.query_one(TabbedContent).active = f"{name}-tab"
        if name == "live":
            self.draw_live()
            self.query_one("#live", DataTable).focus()
        else:
            self.query_one("#browser", Tree).focus()

    @property
    def on_live_tab(self) -> bool:
        return self.query_one(TabbedContent).active == "live-tab"

    # -- opening ----------------------------------------------------------------------------------

    @work(group="open", exclusive=True)
    async def action_open(self) -> None:
        entry = self.selected
        service = self._service_or_say()
        if entry is None or service is None:
            return
        try:
            if entry.kind == "controller":
                text = await service.get_source(entry.controller_type, entry.name)
            elif entry.kind == "script":
                scripts = _scripts(self.kernel)
                if scripts is None:
                    return
                text = await scripts.get_script(entry.name)
            elif entry.kind == "config":
                await self.edit_config(service, entry)
                return
            else:
                self.notify("Script configs are edited as files; d deletes one.", timeout=4)
                return
        except HbdeskError as exc:
            self.notify(exc.detail, title="Cannot open", severity="error", timeout=8)
            return
        await self.app.push_screen_wait(EditorScreen(entry, text))

    # -- new sources ------------------------------------------------------------------------------

    @work(group="new", exclusive=True)
    async def action_new(self) -> None:
        if self._service_or_say() is None:
            return
        kinds = [k for k in SOURCE_KINDS if k != SCRIPT or _scripts(self.kernel) is not None]
        picked = await self.app.push_screen_wait(
            Picker("A new source of which kind?", [f"{KIND_TITLES[k]} ({k})" for k in kinds])
        )
        if picked is None:
            return
        kind = kinds[picked]
        form: FormModal[SourceName] = FormModal(
            f"New {KIND_TITLES[kind].lower()} {'source' if kind == SCRIPT else 'controller'}",
            [FormField("name", "File name (letters, digits and _; no .py)", placeholder="my_controller")],
            SourceName,
            submit="Edit",
        )
        named = await self.app.push_screen_wait(form)
        if named is None:
            return
        name = named.name.strip().removesuffix(".py")
        if not valid_source_name(name):
            self.notify(
                f"{name!r} is not a module name: letters, digits and _, not starting with a digit.",
                severity="error",
                timeout=6,
            )
            return
        entry = Entry(SCRIPT, name) if kind == SCRIPT else Entry("controller", name, kind)
        if any(e.key == entry.key for e in self._entries) or (
            entry.kind == "controller"
            and any(e.kind == "controller" and e.name == name and e.shipped for e in self._entries)
        ):
            self.notify(f"{entry.path} exists already: open it instead.", severity="error", timeout=6)
            return
        await self.app.push_screen_wait(EditorScreen(entry, template_source(kind, name), new=True))
        self.refresh_files(entry.key)

    # -- configs ----------------------------------------------------------------------------------

    @work(group="config", exclusive=True)
    async def action_new_config(self) -> None:
        service = self._service_or_say()
        if service is None:
            return
        entry = self.selected
        if (
            entry is None
            or entry.kind not in ("controller", "config")
            or (entry.kind == "config" and entry.error)
        ):
            controllers = [e for e in self._entries if e.kind == "controller"]
            picked = await self.app.push_screen_wait(
                Picker(
                    "A config of which controller?", [f"{e.name}  ({e.controller_type})" for e in controllers]
                )
            )
            if picked is None:
                return
            entry = controllers[picked]
        if entry.kind == "config":
            entry = Entry("controller", entry.controller_name, entry.controller_type)
        await self.config_form(service, entry.controller_type, entry.name, None, {})

    async def edit_config(self, service: ControllersService, entry: Entry) -> None:
        if entry.error:
            self.notify(entry.error, title="This config cannot be read", severity="error", timeout=8)
            return
        saved = await service.get_config(entry.name)
        kind, name = saved.get("controller_type"), saved.get("controller_name")
        if not isinstance(kind, str) or not isinstance(name, str):
            self.notify("This config names no controller_type and controller_name.", severity="error")
            return
        await self.config_form(service, kind, name, entry.name, saved)

    async def config_form(
        self,
        service: ControllersService,
        controller_type: str,
        controller_name: str,
        config_name: str | None,
        saved: dict[str, Any],
    ) -> None:
        """A form generated from the controller's config class, prefilled with its template's
        defaults (and a saved config's values); validated by the service before it is saved."""
        try:
            model = await service.config_class(controller_type, controller_name)
            template = await service.template(controller_type, controller_name)
        except HbdeskError as exc:
            self.notify(exc.detail, title="No form", severity="error", timeout=8)
            return
        defaults = {field: spec.get("default") for field, spec in template.items() if field not in SKIPPED}
        values = {
            **form_values(defaults),
            **form_values({k: v for k, v in saved.items() if k not in SKIPPED}),
        }
        existing = {e.name for e in self._entries if e.kind == "config"}

        async def save(submission: Submission) -> str | None:
            name = submission.extra.get("config_name", "").strip()
            if not name:
                raise InvalidInput("config name: give the config a name")
            if name != config_name and name in existing:
                raise Conflict(f"A config named {name!r} exists already: pick another name.")
            given = {**submission.data, "id": name}
            validated = await service.validate(controller_type, controller_name, given)
            dumped = validated.model_dump(mode="json")
            kept = {key: dumped[key] for key in ("id", "controller_name", "controller_type")}
            kept.update({key: dumped[key] for key in submission.data if key in dumped})
            await service.save_config(name, kept)
            return name

        title = f"Edit config {config_name}" if config_name else f"New {controller_name} config"
        form: ModelFormModal[str] = ModelFormModal(
            title,
            model,
            submit=save,
            skip=SKIPPED,
            values=values,
            extra=[
                FormField(
                    "config_name",
                    "config name",
                    placeholder="letters, digits, _ . -",
                    value=config_name or "",
                )
            ],
        )
        name = await self.app.push_screen_wait(form)
        if name is None:
            return
        self.notify(f"Config {name} saved.", timeout=4)
        await self.load_files(f"config::{name}")

    # -- deleting ---------------------------------------------------------------------------------

    @work(group="delete", exclusive=True)
    async def action_delete(self) -> None:
        service = self._service_or_say()
        entry = self.selected
        if service is None:
            return
        if self.on_live_tab:
            self.notify("s stops a live controller; its record stays.", timeout=4)
            return
        if entry is None:
            self.notify("Nothing highlighted.", timeout=3)
            return
        if entry.shipped:
            self.notify(
                f"{entry.name} is shipped with hbdesk and cannot be deleted.", severity="error", timeout=5
            )
            return
        if not await self.app.push_screen_wait(ConfirmModal(f"Delete {entry.path}?", "Delete")):
            return
        try:
            await self._delete(service, entry)
        except HbdeskError as exc:
            self.notify(exc.detail, title="Not deleted", severity="error", timeout=8)
            return
        self.notify(f"Deleted {entry.path}.", timeout=4)
        self._entries = []
        await self.load_files()

    async def _delete(self, service: ControllersService, entry: Entry) -> None:
        if entry.kind == "controller":
            await service.delete_source(entry.controller_type, entry.name)
        elif entry.kind == "config":
            await service.delete_config(entry.name)
        else:
            scripts = _scripts(self.kernel)
            if scripts is None:
                raise NotFound("The scripts plugin is switched off.")
            if entry.kind == "script":
                await scripts.delete_script(entry.name)
            else:
                await scripts.delete_config(entry.name)

    # -- live -------------------------------------------------------------------------------------

    def draw_live(self) -> None:
        service = self.service
        if service is None:
            return
        try:
            views = service.live_views()
        except HbdeskError as exc:
            log.warning("live controllers: %s", exc.detail)
            return
        self._live = views
        rows = [live_cells(view) for view in views]
        tabs = self.query_one(TabbedContent)
        running = sum(view.get("status") in ("RUNNING", "STARTING") for view in views)
        tabs.get_tab("live-tab").label = f"Live {running}/{len(views)}" if views else "Live"
        if rows == self._drawn:
            return
        self._drawn = rows
        table = self.query_one("#live", DataTable)
        chosen = self.selected_live
        table.clear()
        theme = self.app.theme_variables
        for view, cells in zip(views, rows, strict=True):
            tone = {"RUNNING": "success", "FAILED": "error", "STARTING": "warning"}.get(
                str(view.get("status")), "text-muted"
            )
            pnl = float(view.get("net_pnl_quote") or 0.0)
            styles = {
                "Status": theme.get(tone, ""),
                "PnL": theme.get("success" if pnl > 0 else "error" if pnl < 0 else "text-muted", ""),
                "Note": theme.get("text-muted", ""),
            }
            table.add_row(
                *table_row(LIVE_COLUMNS, cells, LIVE_NUMERIC, styles), key=str(view.get("controller_id"))
            )
        ids = [str(view.get("controller_id")) for view in views]
        if chosen in ids:
            table.move_cursor(row=ids.index(chosen))
        self.query_one("#live-empty").display = not views

    @property
    def selected_live(self) -> str | None:
        return selected_row_key(self.query_one("#live", DataTable))

    @work(group="live", exclusive=True)
    async def action_run(self) -> None:
        service = self._service_or_say()
        if service is None:
            return
        entry = self.selected
        if self.on_live_tab or entry is None or entry.kind != "config":
            configs = [e for e in self._entries if e.kind == "config" and not e.error]
            if not configs:
                self.notify("No saved config to run: c makes one.", timeout=4)
                return
            picked = await self.app.push_screen_wait(
                Picker("Run which saved config live?", [f"{e.name}  ({e.controller_name})" for e in configs])
            )
            if picked is None:
                return
            entry = configs[picked]
        if entry.error:
            self.notify(entry.error, title="This config cannot be read", severity="error", timeout=8)
            return
        question = (
            f"Run the controller {entry.controller_name} live from the config {entry.name} on {ACCOUNT}?"
        )
        if not await self.app.push_screen_wait(ConfirmModal(question, "Run")):
            return
        try:
            view = await service.start_live(entry.name, ACCOUNT)
        except HbdeskError as exc:
            self.notify(exc.detail, title="Not started", severity="error", timeout=10)
            return
        self.notify(f"Controller {view['controller_id']} {str(view['status']).lower()}.", timeout=4)
        self.action_tab("live")
        table = self.query_one("#live", DataTable)
        ids = [str(v.get("controller_id")) for v in self._live]
        if view["controller_id"] in ids:
            table.move_cursor(row=ids.index(view["controller_id"]))

    @work(group="live", exclusive=True)
    async def action_stop(self, keep_position: bool = False) -> None:
        service = self._service_or_say()
        if service is None:
            return
        if not self.on_live_tab:
            self.action_tab("live")
        controller_id = self.selected_live
        view = next((v for v in self._live if str(v.get("controller_id")) == controller_id), None)
        if view is None:
            self.notify("No live controller highlighted: r runs one.", timeout=4)
            return
        if view.get("status") == "STOPPED":
            self.notify(f"Controller {controller_id} is stopped already.", timeout=4)
            return
        active = view.get("executors_active", 0)
        question = f"Stop the controller {controller_id} and its {active} active executors, " + (
            "keeping their positions?" if keep_position else "closing their positions?"
        )
        label = "Stop, keep positions" if keep_position else "Stop"
        if not await self.app.push_screen_wait(ConfirmModal(question, label)):
            return
        try:
            answer = await service.stop_live(str(controller_id), keep_position)
        except HbdeskError as exc:
            self.notify(exc.detail, title="Not stopped", severity="error", timeout=8)
            return
        stopped = len(answer.get("executors_stopped") or [])
        self.notify(f"Controller {controller_id} stopped ({stopped} executors stopped).", timeout=4)
        self._drawn = []
        self.draw_live()


def _indented(line: str) -> str:
    stripped = line.lstrip(" ")
    return "\u00a0" * (len(line) - len(stripped)) + stripped
