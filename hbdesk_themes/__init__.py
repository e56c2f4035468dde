"""The desk's built-in themes, a dark and a light, registered like any plugin's.

The desk's stylesheet (``hbdesk/tui/desk.tcss``) names colours only through theme variables, so
every theme, built-in or third-party, styles every screen.
"""

from __future__ import annotations

from hbdesk.sdk import RegisterTheme, hookimpl


@hookimpl
def register_themes(register: RegisterTheme) -> None:
    from hbdesk_themes.palettes import DARK, LIGHT

    register(DARK)
    register(LIGHT)
