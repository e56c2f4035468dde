"""What other plugins may use of the portfolio plugin: its service key and its event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hbdesk.sdk import Event, ServiceKey

if TYPE_CHECKING:
    from hbdesk_plugins.portfolio.service import PortfolioService

PORTFOLIO: ServiceKey[PortfolioService] = ServiceKey("portfolio")


@dataclass(frozen=True)
class PortfolioRecorded(Event):
    """A snapshot of every account's balances was written to the history."""

    taken_at: float  # seconds since the epoch, by the kernel's clock
