"""Connector providers: connectors the desk (or a plugin) brings itself, beside hummingbot's.

A plugin implements the connectors plugin's hook ``register_connector_providers(kernel,
register)`` and registers one ``ConnectorProvider`` per connector: its catalog entry, the factory
that builds its hummingbot connector, and optionally a ``MarketSource`` that answers market data
for any time without a running connector (a simulated market, a replay). Market data, tickers,
trades, pairs and rates reach every connector through the same code: they ask the catalog for a
connector's market source and fall back to hummingbot's feeds when it has none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from hbdesk.sdk import hookspec

if TYPE_CHECKING:
    import numpy.typing as npt

    from hbdesk.sdk import Candle, Kernel, Trade
    from hbdesk_plugins.connectors.specs import ConnectorSpec

# factory(account or None for public data, trading pairs, trading_required) → a hummingbot connector,
# or an awaitable of one (a factory with imports to do does them off the event loop).
ConnectorFactory = Callable[[str | None, list[str], bool], Any]


class MarketSource(Protocol):
    """A market a provider computes itself: every answer for any time, no network involved."""

    def trading_pairs(self) -> list[str]:
        """The pairs it trades."""
        ...

    def candles(self, trading_pair: str, interval: str, start: float, end: float) -> list[Candle]:
        """Every candle opening in [start, end); one still open at ``end`` is cut there."""
        ...

    def recent_candles(self, trading_pair: str, interval: str, now: float, count: int) -> list[Candle]:
        """The last ``count`` candles up to ``now``; the newest is the one open at ``now``."""
        ...

    def candle_columns(
        self, trading_pair: str, interval: str, start: float, end: float
    ) -> Mapping[str, npt.NDArray[Any]]:
        """``candles`` as columns, one array per ``Candle`` field: cheap to encode in bulk."""
        ...

    def recent_candle_columns(
        self, trading_pair: str, interval: str, now: float, count: int
    ) -> Mapping[str, npt.NDArray[Any]]:
        """``recent_candles`` as columns."""
        ...

    def max_candles(self, interval: str) -> int:
        """The most candles of ``interval`` one request may ask for."""
        ...

    def trades(self, trading_pair: str, start: float, end: float) -> list[Trade]:
        """The market's own prints in [start, end)."""
        ...

    def mid(self, trading_pair: str, at: float) -> float:
        """The mid price at a time."""
        ...


@dataclass(frozen=True)
class ConnectorProvider:
    spec: ConnectorSpec
    factory: ConnectorFactory
    # Its market, asked for when needed (the service behind it may start after the catalog).
    market: Callable[[], MarketSource | None] | None = field(default=None, compare=False)
    default_market: bool = False  # the market the desk opens on, and the default rate source

    @property
    def name(self) -> str:
        return self.spec.name


class RegisterProvider(Protocol):
    def __call__(self, provider: ConnectorProvider) -> None: ...


class ConnectorHooks:
    """The connectors plugin's own hooks."""

    @hookspec
    def register_connector_providers(self, kernel: Kernel, register: RegisterProvider) -> None:
        """Add connectors the plugin provides: ``register(ConnectorProvider(spec, factory, ...))``."""
        raise NotImplementedError
