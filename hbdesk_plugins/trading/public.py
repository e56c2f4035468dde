"""What other plugins may use of the trading plugin: its service key and its events."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hbdesk.sdk import Event, ServiceKey

if TYPE_CHECKING:
    from hbdesk_plugins.trading.checks import OrderIntent as OrderIntent
    from hbdesk_plugins.trading.service import TradingService

TRADING: ServiceKey[TradingService] = ServiceKey("trading")


@dataclass(frozen=True)
class OrderChanged(Event):
    """An order was recorded or changed state; ``order`` is its record as the API shows it."""

    account_name: str
    connector_name: str
    order_id: str
    status: str
    order: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderFilled(Event):
    """A fill was recorded; ``trade`` is its record as the API shows it."""

    account_name: str
    connector_name: str
    order_id: str
    trade: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FundingPaid(Event):
    """A funding payment was recorded on a perpetual connector."""

    account_name: str
    connector_name: str
    payment: dict[str, Any] = field(default_factory=dict)


def __getattr__(name: str) -> Any:
    """``OrderIntent`` (what ``TradingService.place``/``submit`` take) loads on first use."""
    if name == "OrderIntent":
        return importlib.import_module("hbdesk_plugins.trading.checks").OrderIntent
    raise AttributeError(name)
