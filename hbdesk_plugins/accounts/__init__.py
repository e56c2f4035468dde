"""Accounts: accounts, their exchange credentials (encrypted) and Gateway wallets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hbdesk.sdk import RegisterCommand, RegisterRoutes, RegisterScreen, hookimpl
from hbdesk_plugins.accounts.public import ACCOUNTS
from hbdesk_plugins.connectors.public import CONNECTORS
from hbdesk_plugins.gateway.public import GATEWAY

if TYPE_CHECKING:
    from collections.abc import Callable

    from hbdesk.sdk import DeskApp, Kernel, RegisterService
    from hbdesk_plugins.accounts.service import AccountsService
    from hbdesk_plugins.accounts.tui import AccountsScreen

MIGRATIONS = Path(__file__).with_name("migrations")


@hookimpl
def register_services(kernel: Kernel, register: RegisterService) -> None:
    def accounts(kernel: Kernel) -> AccountsService:
        from hbdesk_plugins.accounts.service import AccountsService

        return AccountsService(kernel)

    register(ACCOUNTS, accounts, requires=(CONNECTORS,), optional=(GATEWAY,), migrations=MIGRATIONS)


@hookimpl
def register_routes(kernel: Kernel, register: RegisterRoutes) -> None:
    from hbdesk_plugins.accounts.api import routes

    register(routes)


@hookimpl
def register_screens(app: DeskApp, register: RegisterScreen) -> None:
    def screen() -> AccountsScreen:
        from hbdesk_plugins.accounts.tui import AccountsScreen

        return AccountsScreen()

    register("accounts", screen, title="Accounts", key="2")


@hookimpl
def register_commands(app: DeskApp, register: RegisterCommand) -> None:
    from hbdesk.sdk import screen_action

    def open_and(action: str) -> Callable[[], None]:
        return screen_action(app, "accounts", action)

    register("accounts: Add account", open_and("add_account"), help="Create a new account")
    register(
        "accounts: Add credential", open_and("add_credential"), help="Store exchange keys for an account"
    )
