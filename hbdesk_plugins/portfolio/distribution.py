"""Where the value is: a portfolio state summed by token and by account, with percentages.

Pure arithmetic over a state (account → connector → token balances); values are rounded to six
decimals and percentages to four, as the Hummingbot API rounds them.
"""

from __future__ import annotations

from collections import defaultdict

from hbdesk_plugins.portfolio.models import (
    AccountHolding,
    AccountsDistribution,
    AccountShare,
    ConnectorHolding,
    ConnectorShare,
    PortfolioDistribution,
    PortfolioState,
    TokenShare,
)


def percent(part: float, whole: float) -> float:
    return round(part / whole * 100, 4) if whole > 0 else 0.0


def by_token(state: PortfolioState, account_filter: str) -> PortfolioDistribution:
    # token → account → connector → [value, units]
    sums: dict[str, dict[str, dict[str, list[float]]]] = defaultdict(lambda: defaultdict(dict))
    for account, held_on in state.items():
        for connector, balances in held_on.items():
            for balance in balances:
                held = sums[balance.token][account].setdefault(connector, [0.0, 0.0])
                held[0] += balance.value
                held[1] += balance.units
    total = sum(held[0] for accounts in sums.values() for c in accounts.values() for held in c.values())
    shares = []
    for token, accounts in sums.items():
        holdings = {}
        for account, per_connector in accounts.items():
            value = sum(held[0] for held in per_connector.values())
            holdings[account] = AccountHolding(
                value=round(value, 6),
                units=sum(held[1] for held in per_connector.values()),
                percentage=percent(value, total),
                connectors={
                    name: ConnectorHolding(value=round(part, 6), units=units)
                    for name, (part, units) in per_connector.items()
                },
            )
        token_value = sum(held[0] for c in accounts.values() for held in c.values())
        shares.append(
            TokenShare(
                token=token,
                total_value=round(token_value, 6),
                total_units=sum(held[1] for c in accounts.values() for held in c.values()),
                percentage=percent(token_value, total),
                accounts=holdings,
            )
        )
    shares.sort(key=lambda share: (-share.total_value, share.token))
    return PortfolioDistribution(
        total_portfolio_value=round(total, 6),
        token_count=len(shares),
        distribution=shares,
        account_filter=account_filter,
    )


def by_account(state: PortfolioState) -> AccountsDistribution:
    values = {
        account: {connector: sum(b.value for b in balances) for connector, balances in connectors.items()}
        for account, connectors in state.items()
    }
    total = sum(sum(connectors.values()) for connectors in values.values())
    shares = [
        AccountShare(
            account=account,
            total_value=round(sum(connectors.values()), 6),
            percentage=percent(sum(connectors.values()), total),
            connectors={
                name: ConnectorShare(value=round(value, 6), percentage=percent(value, total))
                for name, value in connectors.items()
            },
        )
        for account, connectors in values.items()
    ]
    shares.sort(key=lambda share: -share.total_value)  # stable: equal values keep the accounts' order
    return AccountsDistribution(
        total_portfolio_value=round(total, 6), account_count=len(shares), distribution=shares
    )
