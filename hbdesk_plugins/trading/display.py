"""How the desk shows orders, fills and positions: shared by the trading screen and its home panels.

Amounts and prices are shown as the exchange quantized them (no noise digits, no thousands
separators: columns stay narrow at 80). Only what the desk can read without asking an exchange
is read here, so a screen or a panel never starts a connector that needs the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hbdesk.sdk import HbdeskError
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS
from hbdesk_plugins.trading.public import TRADING

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel
    from hbdesk_plugins.trading.records import OrderRecord

# Status words short enough for the table; the record keeps hummingbot's full name.
SHORT_STATUS = {"PENDING_SUBMIT": "PENDING", "PARTIALLY_FILLED": "PARTIAL"}
SHORT_TYPE = {"LIMIT_MAKER": "MAKER"}
CLOSING_SIDE = {"LONG": "SELL", "SHORT": "BUY"}  # the order that closes a position of this side


def number(value: Decimal | float | str | None, most: int = 8) -> str:
    """A number with the decimals it has (up to ``most``): 0.01000 → 0.01, 75160.97 → 75160.97."""
    if value is None:
        return "—"
    text = f"{Decimal(str(value)):.{most}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: Decimal | float, decimals: int = 2) -> str:
    return f"{Decimal(str(value)):.{decimals}f}"


def signed(value: Decimal | float, decimals: int = 2) -> str:
    return f"{Decimal(str(value)):+.{decimals}f}"


def base_quote(pair: str) -> tuple[str, str]:
    base, _, quote = pair.partition("-")
    return base, quote


@dataclass(frozen=True)
class OrderKey:
    account: str
    connector: str
    order_id: str

    @property
    def row_key(self) -> str:
        return "\x1f".join((self.account, self.connector, self.order_id))

    @classmethod
    def of(cls, row_key: str) -> OrderKey:
        account, connector, order_id = row_key.split("\x1f")
        return cls(account, connector, order_id)


def order_cells(record: OrderRecord) -> tuple[str, ...]:
    """Pair, side, type, amount, price, filled, status, connector, account: the wide ones last,
    so at 80 columns the table shows what matters and scrolls to the rest."""
    return (
        record.trading_pair,
        record.trade_type,
        SHORT_TYPE.get(record.order_type, record.order_type),
        number(record.amount),
        number(record.price) if record.price is not None else "market",
        number(record.filled_amount),
        SHORT_STATUS.get(record.status.value, record.status.value),
        record.connector_name,
        record.account_name,
    )


ORDER_COLUMNS = ("Pair", "Side", "Type", "Amount", "Price", "Filled", "Status", "Connector", "Account")
FILL_COLUMNS = ("Time", "Pair", "Side", "Amount", "Price", "Fee", "Connector", "Account")
POSITION_COLUMNS = ("Pair", "Side", "Amount", "Entry", "Mark", "PnL", "Lev", "Connector", "Account")
# Columns of numbers, right-aligned so their digits line up.
NUMERIC = frozenset({"Amount", "Price", "Filled", "Fee", "Entry", "Mark", "PnL", "Lev"})


def fill_cells(fill: dict[str, Any]) -> tuple[str, ...]:
    """A fill as ``OrderFilled`` and ``recent_fills`` give it (the API's shape)."""
    moment = str(fill.get("timestamp", ""))
    clock = moment[11:19] if len(moment) >= 19 else moment  # ISO: the UTC time of day
    return (
        clock,
        str(fill["trading_pair"]),
        str(fill["trade_type"]),
        number(fill["amount"]),
        number(fill["price"]),
        f"{number(fill['fee_paid'], 6)} {fill.get('fee_currency') or ''}".strip(),
        str(fill["connector_name"]),
        str(fill["account_name"]),
    )


def position_cells(position: dict[str, Any]) -> tuple[str, ...]:
    return (
        str(position["trading_pair"]),
        str(position["side"]),
        number(abs(position["amount"])),
        number(position["entry_price"], 6),
        number(position["mark_price"], 6),
        signed(position["unrealized_pnl"]),
        f"{position['leverage']:g}x",
        str(position["connector_name"]),
        str(position["account_name"]),
    )


def position_key(position: dict[str, Any]) -> str:
    return "\x1f".join(
        str(position[name]) for name in ("account_name", "connector_name", "trading_pair", "side")
    )


def perpetual_markets(kernel: Kernel) -> list[str]:
    """Perpetual connectors whose market a plugin computes: no exchange to ask, no credentials."""
    catalog = kernel.service(CONNECTORS)
    names = []
    for name in catalog.market_connectors():
        provider = catalog.provider(name)
        if provider is not None and provider.spec.kind == "perpetual":
            names.append(name)
    return names


def position_sources(kernel: Kernel, accounts: list[str]) -> list[tuple[str, str]]:
    """(account, connector) whose positions the desk shows: the trading connectors running now,
    and each account's computed perpetual markets (starting those asks no exchange)."""
    running = [
        (account, name) for account, name in kernel.service(CONNECTOR_MANAGER).live if account is not None
    ]
    computed = [(account, name) for account in accounts for name in perpetual_markets(kernel)]
    return list(dict.fromkeys([*computed, *running]))


async def all_positions(kernel: Kernel, accounts: list[str]) -> list[dict[str, Any]]:
    service = kernel.service(TRADING)
    rows: list[dict[str, Any]] = []
    for account, name in position_sources(kernel, accounts):
        try:
            rows.extend(await service.positions([account], [name]))
        except HbdeskError:
            continue  # an account removed meanwhile, a connector gone: the others still show
    return rows
