"""What other plugins may use of the accounts plugin: its service key and its events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hbdesk.sdk import Event, ServiceKey

if TYPE_CHECKING:
    from hbdesk_plugins.accounts.service import AccountsService

ACCOUNTS: ServiceKey[AccountsService] = ServiceKey("accounts")


@dataclass(frozen=True)
class AccountsChanged(Event):
    """An account or one of its credentials was added, changed or removed."""

    account_name: str
    connector_name: str | None = None
