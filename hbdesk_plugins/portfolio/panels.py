"""The portfolio's home panel: the total value, its change over the last day of snapshots, and
the largest tokens. Valued at current prices every few seconds while home is shown, and again
when a snapshot is written."""

from __future__ import annotations

from datetime import UTC, datetime

from hbdesk.sdk import DeskPanel
from hbdesk_plugins.portfolio.public import PORTFOLIO, PortfolioRecorded


class PortfolioValuePanel(DeskPanel):
    """The total value, its change over the last day of snapshots, the largest tokens."""

    PERIOD = 5.0  # valued at current prices while home is shown

    def on_mount(self) -> None:
        self.subscribe(PortfolioRecorded, self._recorded)

    async def _recorded(self, _event: PortfolioRecorded) -> None:
        self.reload()

    async def update_panel(self) -> None:
        service = self.kernel.service(PORTFOLIO)
        tokens = await service.distribution()
        quote = (await service.prices()).quote
        history = await service.value_history("5m", 288)
        lines = [f"{tokens.total_portfolio_value:,.2f} {quote}"]
        (since, first), last = history[0] if history else (0.0, 0.0), tokens.total_portfolio_value
        if first:
            when = datetime.fromtimestamp(since, UTC).strftime("%d %b %H:%M")
            lines.append(f"{(last / first - 1) * 100:+.2f}% since {when} UTC")
        else:
            lines.append("No history yet: a snapshot every few minutes")
        shares = [f"{share.token} {share.percentage:.0f}%" for share in tokens.distribution[:4]]
        lines.append(" · ".join(shares))
        self.show_message("\n".join(lines))
