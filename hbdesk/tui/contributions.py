"""What plugins contribute to the desk: screens, palette commands and themes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hbdesk.plugins import call_each


def screen_action(app: Any, mode: str, action: str) -> Callable[[], None]:
    """A palette callback that opens ``mode`` and runs one of its screen's actions there."""

    def run() -> None:
        app.switch_mode(mode)
        app.call_after_refresh(lambda: app.screen.run_action(action))

    return run


@dataclass(frozen=True)
class ScreenSpec:
    owner: str
    mode: str
    factory: Callable[[], Any]
    title: str
    key: str | None = None


@dataclass(frozen=True)
class CommandSpec:
    owner: str
    title: str
    callback: Callable[[], Any]
    help: str = ""


@dataclass
class Contributions:
    screens: list[ScreenSpec] = field(default_factory=list)
    commands: list[CommandSpec] = field(default_factory=list)
    themes: list[Any] = field(default_factory=list)


def collect(manager: Any, app: Any) -> Contributions:
    found = Contributions()
    modes: dict[str, str] = {}
    keys: dict[str, str] = {}

    def screen_registrar(owner: str) -> Callable[..., None]:
        def register(
            mode: str, factory: Callable[[], Any], title: str | None = None, key: str | None = None
        ) -> None:
            if mode in modes:
                raise ValueError(
                    f"screen {mode!r} of plugin {owner!r} is already registered by {modes[mode]!r}"
                )
            if key and key in keys:
                raise ValueError(f"key {key!r} of plugin {owner!r} is already bound by screen {keys[key]!r}")
            modes[mode] = owner
            if key:
                keys[key] = mode
            found.screens.append(ScreenSpec(owner, mode, factory, title or mode.title(), key))

        return register

    def command_registrar(owner: str) -> Callable[..., None]:
        def register(title: str, callback: Callable[[], Any], help: str = "") -> None:
            found.commands.append(CommandSpec(owner, title, callback, help))

        return register

    def theme_registrar(_owner: str) -> Callable[[Any], None]:
        return found.themes.append

    call_each(manager, "register_themes", registrar=theme_registrar)
    call_each(manager, "register_screens", registrar=screen_registrar, app=app)
    call_each(manager, "register_commands", registrar=command_registrar, app=app)
    # Screens with a key in key order (the footer reads 1, 2, 3 ...), the others after them.
    found.screens.sort(key=lambda spec: (spec.key is None, spec.key or ""))
    return found
