"""Cross rates: the price of any token in any other, from whatever pairs a source lists.

A source lists some pairs (BTC-USDT, ETH-USDT); a trader asks for others (ETH-BTC, USDT-SOL).
Each listed pair links two tokens both ways, so a rate is the product of the prices along the
shortest chain of links between the two tokens: direct, inverse, or through a common quote.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping

from hbdesk.kernel.errors import InvalidInput, excerpt


def split_pair(pair: str) -> tuple[str, str]:
    """BASE-QUOTE into its two tokens; anything else is a 400 that says how to write it."""
    parts = pair.split("-")
    if len(parts) != 2 or not all(parts):
        raise InvalidInput(
            f"'{excerpt(pair)}' is not a trading pair: write it BASE-QUOTE, for example BTC-USDT"
        )
    return parts[0], parts[1]


class RateBook:
    """The tokens a set of prices links, and the rate between any two of them."""

    def __init__(self, prices: Mapping[str, float]) -> None:
        self._links: dict[str, dict[str, float]] = {}
        for pair, price in prices.items():
            parts = pair.split("-")
            if len(parts) != 2 or not all(parts) or not (math.isfinite(price) and price > 0):
                continue  # a source's odd listing is skipped, not a failure of the whole book
            base, quote = parts
            self._links.setdefault(base, {})[quote] = price  # a listed price beats an inverted one
            self._links.setdefault(quote, {}).setdefault(base, 1 / price)

    @property
    def tokens(self) -> list[str]:
        return sorted(self._links)

    def rate(self, base: str, quote: str) -> float | None:
        """How much ``quote`` one ``base`` is worth, or None when no chain links them."""
        if base == quote:
            return 1.0 if base in self._links else None
        if base not in self._links or quote not in self._links:
            return None
        # Breadth first, neighbours in name order: the fewest hops, the same path every time.
        found: dict[str, float] = {base: 1.0}
        queue = deque([base])
        while queue:
            token = queue.popleft()
            for neighbour in sorted(self._links[token]):
                if neighbour in found:
                    continue
                found[neighbour] = found[token] * self._links[token][neighbour]
                if neighbour == quote:
                    return found[neighbour]
                queue.append(neighbour)
        return None

    def unknown(self, tokens: Iterable[str]) -> list[str]:
        """Those of ``tokens`` the book has no price for."""
        return [token for token in tokens if token not in self._links]


def token_list(tokens: list[str], limit: int = 40) -> str:
    """A readable list of tokens for an error message, cut short when a source lists thousands."""
    shown = ", ".join(tokens[:limit])
    return f"{shown} (and {len(tokens) - limit} more)" if len(tokens) > limit else shown
