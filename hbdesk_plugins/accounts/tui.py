"""The accounts screen: accounts on the left, the chosen account's credentials on the right."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from hbdesk.sdk import (
    ConfirmModal,
    DeskScreen,
    FormField,
    FormModal,
    HbdeskError,
    KernelState,
    KernelStateChanged,
)
from hbdesk_plugins.accounts.models import CredentialState, CredentialStatus, NewAccount
from hbdesk_plugins.accounts.public import ACCOUNTS, AccountsChanged
from hbdesk_plugins.connectors.public import CONNECTORS

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel
    from hbdesk_plugins.accounts.service import AccountsService


class ConnectorChoice(BaseModel):
    """The first step of adding a credential: the connector, whose spec says what comes next."""

    connector_name: str


class AccountsScreen(DeskScreen):
    BINDINGS = [
        Binding("a", "add_account", "Add account"),
        Binding("c", "add_credential", "Add credential"),
        Binding("d", "delete", "Delete"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._states: dict[str, CredentialState] = {}

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="accounts-body"):
            with Vertical(classes="pane", id="accounts-pane") as pane:
                pane.border_title = "Accounts"
                yield DataTable(id="accounts", cursor_type="row", zebra_stripes=True)
            with Vertical(classes="pane", id="credentials-pane") as pane:
                pane.border_title = "Credentials"
                yield DataTable(id="credentials", cursor_type="row", zebra_stripes=True)
                yield Static("", id="credential-detail", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#accounts", DataTable).add_columns("Account")
        self.query_one("#credentials", DataTable).add_columns("Connector", "Status")
        self.subscribe(AccountsChanged, self._on_accounts_changed)
        self.subscribe(KernelStateChanged, self._on_accounts_changed)
        self.query_one("#accounts", DataTable).focus()
        self.reload()

    async def _on_accounts_changed(self, _event: Any) -> None:
        self.reload()

    @property
    def service(self) -> AccountsService | None:
        kernel: Kernel = self.kernel  # typed here: DeskScreen.kernel is typed Any
        if kernel.state is not KernelState.RUNNING or kernel.optional_service(ACCOUNTS) is None:
            return None
        return kernel.service(ACCOUNTS)

    @property
    def selected_account(self) -> str | None:
        table = self.query_one("#accounts", DataTable)
        if table.row_count == 0:
            return None
        return str(table.get_row_at(table.cursor_row)[0])

    @property
    def selected_connector(self) -> str | None:
        table = self.query_one("#credentials", DataTable)
        if table.row_count == 0:
            return None
        return str(table.get_row_at(table.cursor_row)[0])

    @work(exclusive=True, group="reload")
    async def reload(self) -> None:
        service = self.service
        if service is None:
            self.query_one("#credential-detail", Static).update("Starting the kernel…")
            return
        names = await service.list_accounts()
        # Everything below runs without awaiting, so the table never shows a half-made list.
        table = self.query_one("#accounts", DataTable)
        chosen = self.selected_account
        table.clear()
        for name in names:
            table.add_row(name, key=name)
        if chosen in names:
            table.move_cursor(row=names.index(chosen))
        self.show_credentials()

    @work(exclusive=True, group="credentials")
    async def show_credentials(self) -> None:
        service = self.service
        account = self.selected_account
        states = []
        if service is not None and account is not None:
            with suppress(HbdeskError):  # the account went away between two refreshes
                states = await service.credential_states(account)
        if account != self.selected_account:
            return  # the cursor moved on; a newer call draws the table
        self._states = {state.connector_name: state for state in states}
        table = self.query_one("#credentials", DataTable)
        table.clear()
        for state in states:
            table.add_row(state.connector_name, self._status_text(state.status), key=state.connector_name)
        self.query_one("#credentials-pane").border_title = (
            f"Credentials of {account}" if account else "Credentials"
        )
        self._show_detail()

    def _status_text(self, status: CredentialStatus) -> Text:
        colour = {
            CredentialStatus.VERIFIED: "success",
            CredentialStatus.REJECTED: "error",
            CredentialStatus.UNREACHABLE: "warning",
        }.get(status)
        return Text(str(status), style=self.app.theme_variables.get(colour, "") if colour else "")

    def _show_detail(self) -> None:
        """What the exchange said about the highlighted credential."""
        detail = self.query_one("#credential-detail", Static)
        if self.selected_account is None:
            detail.update("")
        elif not self._states:
            detail.update("No credentials yet: press c to add some.")
        else:
            state = self._states.get(self.selected_connector or "")
            detail.update(f"{state.connector_name}: {state.detail}" if state and state.detail else "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "accounts":
            self.show_credentials()
        else:
            self._show_detail()

    def action_reload(self) -> None:
        self.reload()

    def _error(self, exc: HbdeskError) -> None:
        self.notify(exc.detail, severity="error", timeout=8)

    # -- add ------------------------------------------------------------------------------------

    @work
    async def action_add_account(self) -> None:
        service = self.service
        if service is None:
            return
        fields = [FormField("account_name", "Account name", placeholder="letters, digits, _ and -")]
        result = await self.app.push_screen_wait(FormModal("Add account", fields, NewAccount, "Add"))
        if result is None:
            return
        try:
            await service.add_account(result.account_name)
        except HbdeskError as exc:
            self._error(exc)
            return
        self.notify(f"Account {result.account_name} added.")

    @work
    async def action_add_credential(self) -> None:
        service = self.service
        account = self.selected_account
        if service is None or account is None:
            return
        catalog = self.kernel.service(CONNECTORS)
        if not catalog.loaded:
            self.notify("Loading the connector list…", timeout=3)
        choice = await self.app.push_screen_wait(
            FormModal(
                f"Credentials for {account}: which connector?",
                [FormField("connector_name", "Connector", suggestions=tuple(await catalog.names()))],
                ConnectorChoice,
                "Next",
            )
        )
        if choice is None:
            return
        try:
            spec = await catalog.spec(choice.connector_name.strip())
        except HbdeskError as exc:
            self._error(exc)
            return
        fields = [FormField(f.name, f.label, secret=f.secret) for f in spec.fields]
        values = await self.app.push_screen_wait(
            FormModal(f"{spec.name} keys for {account}", fields, spec.form_model(), "Save")
        )
        if values is None:
            return
        try:
            await service.add_credential(account, spec.name, values.model_dump())
        except HbdeskError as exc:
            self._error(exc)
            return
        self.notify(f"{spec.name} credentials saved for {account}; asking the exchange…")

    # -- delete ---------------------------------------------------------------------------------

    @work
    async def action_delete(self) -> None:
        service = self.service
        if service is None:
            return
        account = self.selected_account
        credentials_focused = self.query_one("#credentials", DataTable).has_focus
        connector = self.selected_connector if credentials_focused else None
        if account is None:
            return
        if connector:
            question = f"Delete the {connector} credentials of {account}?"
        else:
            question = f"Delete account {account} and all its credentials?"
        if not await self.app.push_screen_wait(ConfirmModal(question)):
            return
        try:
            if connector:
                await service.delete_credential(account, connector)
            else:
                await service.delete_account(account)
        except HbdeskError as exc:
            self._error(exc)
            return
        self.notify(f"Deleted {connector + ' credentials' if connector else 'account ' + account}.")
