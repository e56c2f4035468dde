"""The base of the market widgets: whole lines of styled pieces, built once per change and size.

Drawn through Textual's line API: the lines become strips of segments directly, with none of the
markup parsing, wrapping and conversion a rich ``Text`` goes through, so a ladder redrawn ten
times a second costs a fraction of a millisecond a frame instead of several.
"""

from __future__ import annotations

import textwrap

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

Piece = tuple[str, Style | None]  # text and its style; None: the widget's own
Line = list[Piece]


class LinesWidget(Widget):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._strips: list[Strip] | None = None
        self._built_for: Size | None = None

    def build(self, width: int, height: int) -> list[Line]:
        """The lines to show at this size (more are cut, fewer are padded)."""
        raise NotImplementedError

    def redraw(self) -> None:
        """What ``build`` returns has changed."""
        self._strips = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = None  # a new theme: the same lines in other colours

    def render_line(self, y: int) -> Strip:
        size = self.size
        if self._strips is None or self._built_for != size:
            base = self.rich_style
            self._strips = [
                Strip(
                    [Segment(text, base + style if style else base) for text, style in line]
                ).adjust_cell_length(size.width, base)
                for line in self.build(size.width, size.height)[: size.height]
            ]
            self._built_for = size
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(size.width, self.rich_style)

    def text_lines(self) -> list[str]:
        """The plain text drawn at the current size (for tests and debugging)."""
        return ["".join(text for text, _ in line) for line in self.build(*self.size)]


def centred(message: str, width: int, style: Style | None) -> Line:
    return [(message[:width].center(width), style)]


def wrapped(message: str, width: int, style: Style | None) -> list[Line]:
    """A message (an error, say) over as many centred lines as it needs."""
    return [centred(line, width, style) for line in textwrap.wrap(message, max(1, width)) or [""]]
