"""What other plugins may use of the backtesting plugin: its service key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import ServiceKey

if TYPE_CHECKING:
    from hbdesk_plugins.backtesting.service import BacktestingService

BACKTESTING: ServiceKey[BacktestingService] = ServiceKey("backtesting")
