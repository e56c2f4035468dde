"""What plugins contribute to the desk: screens, palette commands, home panels and themes.

A screen's ``key`` is the letter typed after the leader key (``g a`` opens accounts). Plugins
written when screens were switched by digits still pass one: the screen keeps that digit as a
direct shortcut and gets a letter taken from its title. A screen whose mode or key another plugin
already holds is not allowed to crash the desk: the earlier plugin keeps it, the later one is
refused it, and the refusal is logged and kept in ``Contributions.problems`` for the caller.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from hbdesk.plugins import LoadedPlugins, Registration, call_each

log = logging.getLogger(__name__)

LEADER = "g"  # then a screen's letter: "g a" opens accounts
SCREEN_LIST_KEY = "ctrl+o"  # every screen, filtered as you type
CORE = "hbdesk"  # the owner of the screens the desk itself brings (home)
LETTERS = frozenset(string.ascii_lowercase)
DIGITS = frozenset(string.digits)
MOUNT_REFRESHES = 100  # refreshes to wait for a screen opened for the first time to be mounted


def screen_action(app: Any, mode: str, action: str) -> Callable[[], None]:
    """A palette callback that opens ``mode`` and runs one of its screen's actions there."""

    def run() -> None:
        app.switch_mode(mode)
        app.call_after_refresh(act, MOUNT_REFRESHES)

    async def act(tries: int) -> None:
        # A screen opened for the first time is still composing after one refresh: its action
        # would find none of its widgets. Wait for it to be mounted (a few refreshes at most).
        screen = app.screen
        if not screen.is_mounted and tries > 0:
            app.call_after_refresh(act, tries - 1)
        else:
            await screen.run_action(action)

    return run


@dataclass(frozen=True)
class ScreenSpec:
    owner: str
    mode: str
    factory: Callable[[], Any]
    title: str
    key: str | None = None  # the letter after the leader key
    digit: str | None = None  # a direct shortcut, kept for plugins that still declare one

    @property
    def keys(self) -> str:
        """The keys that open it, as the desk shows them: "g a", or "" for a screen without a letter."""
        return f"{LEADER} {self.key}" if self.key else ""


@dataclass(frozen=True)
class CommandSpec:
    owner: str
    title: str
    callback: Callable[[], Any]
    help: str = ""


@dataclass(frozen=True)
class HomePanelSpec:
    owner: str
    name: str  # the panel's title on the home screen
    factory: Callable[[], Any]
    order: int = 100  # lower first; a tie keeps plugin load order


@dataclass
class Contributions:
    screens: list[ScreenSpec] = field(default_factory=list)
    commands: list[CommandSpec] = field(default_factory=list)
    home_panels: list[HomePanelSpec] = field(default_factory=list)
    themes: list[Any] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (plugin, what was refused)
    clashes: list[tuple[str, str]] = field(default_factory=list)  # (plugin, mode it cannot have)


class ScreenTable:
    """Screens by mode, with the letters and digits they hold; the first to claim one keeps it."""

    def __init__(self, found: Contributions) -> None:
        self.found = found
        self.by_mode: dict[str, ScreenSpec] = {}
        self.by_key: dict[str, ScreenSpec] = {}
        self.by_digit: dict[str, ScreenSpec] = {}

    def refuse(self, owner: str, reason: str) -> None:
        log.warning("plugin %s: %s", owner, reason)
        self.found.problems.append((owner, reason))

    def add(self, spec: ScreenSpec, key: str | None) -> None:
        if not spec.mode or spec.mode == "_default":  # "_default" is Textual's own
            self.refuse(spec.owner, f"screen mode {spec.mode!r} is not a valid name: the screen is refused")
            return
        if holder := self.by_mode.get(spec.mode):
            reason = f"screen {spec.mode!r} is already registered by plugin {holder.owner!r}"
            self.refuse(spec.owner, f"{reason}: this registration is refused")
            self.found.clashes.append((spec.owner, reason))
            return
        self.hold(self._with_key(spec, key))

    def hold(self, spec: ScreenSpec) -> None:
        """Take the screen with the key and digit it carries (the desk's own screens come this way)."""
        self.by_mode[spec.mode] = spec
        if spec.key:
            self.by_key[spec.key] = spec
        if spec.digit:
            self.by_digit[spec.digit] = spec
        self.found.screens.append(spec)

    def _with_key(self, spec: ScreenSpec, key: str | None) -> ScreenSpec:
        if key is None or key == "":
            return spec
        if key in DIGITS:
            if holder := self.by_digit.get(key):
                self._refuse_key(spec, key, holder)
                return spec
            return replace(spec, key=self._free_letter(spec), digit=key)
        if key not in LETTERS:
            self.refuse(spec.owner, f"key {key!r} of screen {spec.mode!r} is not a letter: it gets no key")
            return spec
        if holder := self.by_key.get(key):
            self._refuse_key(spec, key, holder)
            return spec
        return replace(spec, key=key)

    def _refuse_key(self, spec: ScreenSpec, key: str, holder: ScreenSpec) -> None:
        self.refuse(
            spec.owner,
            f"key {key!r} of screen {spec.mode!r} is already bound to screen {holder.mode!r} of plugin "
            f"{holder.owner!r}: {spec.mode!r} gets no key (the screen list and the palette still open it)",
        )

    def _free_letter(self, spec: ScreenSpec) -> str | None:
        """The first letter of the title (then of the mode) nobody holds yet."""
        for letter in (spec.title + spec.mode).lower():
            if letter in LETTERS and letter not in self.by_key:
                return letter
        return None


def collect(app: Any, plugins: LoadedPlugins, core: Sequence[ScreenSpec] = ()) -> Contributions:
    """Ask every plugin for its themes, screens, commands and home panels; ``core`` screens come first.

    A plugin whose hook raises, or whose screen mode another plugin holds, is left out (reported
    as failed by ``hbdesk plugins``) and none of its screens or commands stay.
    """
    found = Contributions()
    table = ScreenTable(found)
    for spec in core:
        table.hold(spec)
    gather = partial(_gathered, plugins)
    for owner, args, kwargs in gather("register_themes"):
        _apply(table, "register_themes", owner, found.themes.append, args, kwargs)
    for owner, args, kwargs in gather("register_screens", app=app):
        register_screen = partial(_register_screen, table, owner)
        _apply(table, "register_screens", owner, register_screen, args, kwargs)
    for owner, args, kwargs in gather("register_commands", app=app):
        register_command = partial(_register_command, found, owner)
        _apply(table, "register_commands", owner, register_command, args, kwargs)
    for owner, args, kwargs in gather("register_home_panels", app=app):
        register_panel = partial(_register_home_panel, table, owner)
        _apply(table, "register_home_panels", owner, register_panel, args, kwargs)
    for owner, reason in found.clashes:
        plugins.fail(owner, reason)
    failed = {info.name for info in plugins.failures}
    found.screens = [spec for spec in found.screens if spec.owner not in failed]
    found.commands = [command for command in found.commands if command.owner not in failed]
    found.home_panels = [panel for panel in found.home_panels if panel.owner not in failed]
    found.home_panels.sort(key=lambda panel: panel.order)  # stable: load order breaks ties
    # The desk's own screens first, then by letter, then those without one in registration order.
    found.screens.sort(key=lambda spec: (spec.owner != CORE, spec.key is None, spec.key or ""))
    return found


def _apply(
    table: ScreenTable,
    hook_name: str,
    owner: str,
    register: Callable[..., None],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    # Registrations are applied after the hook returned, so a call with the wrong arguments
    # can only be reported here, as the plugin's problem.
    try:
        register(*args, **kwargs)
    except TypeError as exc:
        table.refuse(owner, f"{hook_name}: {exc}")


def _register_screen(
    table: ScreenTable,
    owner: str,
    mode: str,
    factory: Callable[[], Any],
    title: str | None = None,
    key: str | None = None,
) -> None:
    table.add(ScreenSpec(owner, mode, factory, title or mode.title()), key)


def _register_home_panel(
    table: ScreenTable, owner: str, name: str, factory: Callable[[], Any], order: int = 100
) -> None:
    # A second panel of one name would read as a duplicate on home: the first keeps it.
    if holder := next((panel for panel in table.found.home_panels if panel.name == name), None):
        table.refuse(
            owner, f"home panel {name!r} is already registered by plugin {holder.owner!r}: it is refused"
        )
        return
    table.found.home_panels.append(HomePanelSpec(owner, name, factory, order))


def _register_command(
    found: Contributions, owner: str, title: str, callback: Callable[[], Any], help: str = ""
) -> None:
    found.commands.append(CommandSpec(owner, title, callback, help))


def _gathered(plugins: LoadedPlugins, hook_name: str, **kwargs: Any) -> list[Registration]:
    """What each plugin registered through one hook, in plugin load order (``call_each`` applies
    registrations in that order, so a clash goes to the plugin loaded first, the built-ins)."""
    registered: list[Registration] = []

    def registrar(owner: str) -> Callable[..., None]:
        return lambda *args, **kw: registered.append((owner, args, kw))

    call_each(plugins.manager, hook_name, registrar=registrar, plugins=plugins, **kwargs)
    return registered
