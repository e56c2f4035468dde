"""The desk's built-in themes (a dark and a light) and its stylesheet.

Installed as ``hbdesk_themes`` and registered like any plugin. The stylesheet names colours
only through theme variables, so every theme, built-in or third-party, styles every screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hbdesk.hookspecs import hookimpl

STYLESHEET = Path(__file__).with_name("desk.tcss")


@hookimpl
def register_themes(register: Any) -> None:
    from hbdesk_themes.palettes import DARK, LIGHT

    register(DARK)
    register(LIGHT)
