"""Ranking a list against what was typed, as the desk's pickers do (pairs, screens)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.fuzzy import Matcher
from textual.style import Style

MATCH = Style(bold=True, underline=True)  # how the typed letters show in a ranked entry


def ranked[T](items: Sequence[T], query: str, text_of: Callable[[T], str]) -> tuple[list[T], Matcher | None]:
    """The items matching ``query``, best first (ties keep the given order), and the matcher that
    highlights the typed letters; with nothing typed, the items as given."""
    typed = query.strip()
    if not typed:
        return list(items), None
    matcher = Matcher(typed, match_style=MATCH)
    scores = [(matcher.match(text_of(item)), index) for index, item in enumerate(items)]
    best = sorted((-score, index) for score, index in scores if score > 0)
    return [items[index] for _, index in best], matcher
