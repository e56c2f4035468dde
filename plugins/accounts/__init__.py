"""Accounts: accounts, their exchange credentials (encrypted) and Gateway wallets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hbdesk.hookspecs import hookimpl

MIGRATIONS = Path(__file__).with_name("migrations")


@hookimpl
def register_services(kernel: Any, register: Any) -> None:
    def accounts(kernel: Any) -> Any:
        from hbdesk_plugins.accounts.service import AccountsService

        return AccountsService(kernel)

    register("accounts", accounts, requires=("connectors",), migrations=MIGRATIONS)


@hookimpl
def register_routes(kernel: Any, register: Any) -> None:
    from hbdesk_plugins.accounts.api import routes

    register(routes)


@hookimpl
def register_screens(app: Any, register: Any) -> None:
    def screen() -> Any:
        from hbdesk_plugins.accounts.tui import AccountsScreen

        return AccountsScreen()

    register("accounts", screen, title="Accounts", key="2")


@hookimpl
def register_commands(app: Any, register: Any) -> None:
    from hbdesk.tui.contributions import screen_action

    def open_and(action: str) -> Any:
        return screen_action(app, "accounts", action)

    register("accounts: Add account", open_and("add_account"), help="Create a new account")
    register(
        "accounts: Add credential", open_and("add_credential"), help="Store exchange keys for an account"
    )
