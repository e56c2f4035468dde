"""What the controllers screen shows, as plain text: the entries of its browser, the minimal source
a new controller or script starts from, the line an error names, a live controller's row.

Nothing here touches textual or the services: the screen hands data in and draws what comes out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

from hbdesk.sdk import form_values
from hbdesk_plugins.controllers.public import CONTROLLER_TYPES, MODULE_NAME

Kind = Literal["controller", "script", "config", "script_config"]
SCRIPT: Final = "script"
# What a new source may be: a controller of one of the three types, or a script.
SOURCE_KINDS: Final = (*CONTROLLER_TYPES, SCRIPT)
KIND_TITLES: Final = {
    "directional_trading": "Directional trading",
    "market_making": "Market making",
    "generic": "Generic",
    SCRIPT: "Script",
}
LIVE_COLUMNS: Final = ("ID", "Controller", "Status", "Exec", "PnL", "Volume", "Started", "Ticks", "Note")
LIVE_NUMERIC: Final = frozenset({"Exec", "PnL", "Volume", "Ticks"})
ERROR_LINE = re.compile(r"\(line (\d+)")


@dataclass(frozen=True)
class Entry:
    """One leaf of the browser: a source (a controller's, a script's) or a saved config."""

    kind: Kind
    name: str
    controller_type: str = ""  # a controller's type; for a config, the type it names
    controller_name: str = ""  # for a config: the controller it configures
    shipped: bool = False
    error: str = ""  # a config that cannot be read says why

    @property
    def key(self) -> str:
        """A stable identity: the tree is rebuilt around the entry that was highlighted."""
        if self.kind == "controller":
            return f"controller:{self.controller_type}:{self.name}"
        return f"{self.kind}::{self.name}"

    @property
    def is_source(self) -> bool:
        return self.kind in ("controller", "script")

    @property
    def path(self) -> str:
        """Where it lives, as the user reads it."""
        if self.kind == "controller":
            prefix = "library" if self.shipped else f"controllers/{self.controller_type}"
            return f"{prefix}/{self.name}.py"
        if self.kind == "script":
            return f"scripts/{self.name}.py"
        if self.kind == "config":
            return f"conf/controllers/{self.name}.yml"
        return f"conf/scripts/{self.name}.yml"

    @property
    def label(self) -> str:
        """The entry as the tree lists it."""
        if self.kind == "config":
            about = "unreadable" if self.error else self.controller_name or "?"
            return f"{self.name}  ({about})"
        if self.kind == "script_config":
            return f"{self.name}  ({self.controller_name or '?'})"
        return self.name


def controller_entries(sources: list[Any]) -> dict[str, list[Entry]]:
    """The controllers' sources (``ControllerSource``) by type, shipped ones first in each."""
    by_type: dict[str, list[Entry]] = {kind: [] for kind in CONTROLLER_TYPES}
    for source in sources:
        by_type.setdefault(source.controller_type, []).append(
            Entry("controller", source.name, source.controller_type, shipped=source.shipped)
        )
    return {kind: sorted(entries, key=lambda e: (not e.shipped, e.name)) for kind, entries in by_type.items()}


def config_entries(configs: list[dict[str, Any]]) -> list[Entry]:
    """Saved controller configs as ``list_configs`` answers them."""
    found = []
    for config in configs:
        name = str(config.get("id") or "")
        if not name:
            continue
        found.append(
            Entry(
                "config",
                name,
                str(config.get("controller_type") or ""),
                str(config.get("controller_name") or ""),
                error=str(config.get("error") or ""),
            )
        )
    return sorted(found, key=lambda e: e.name)


def script_config_entries(configs: list[dict[str, Any]]) -> list[Entry]:
    return [
        Entry(
            "script_config",
            str(c.get("config_name")),
            controller_name=str(c.get("script_file_name") or ""),
            error=str(c.get("error") or ""),
        )
        for c in configs
        if c.get("config_name")
    ]


def error_line(message: str) -> int | None:
    """The line of the source an error names (``... (line 12: 'x = ')``), 1-based."""
    found = ERROR_LINE.findall(message)
    return int(found[-1]) if found else None


def class_name(name: str) -> str:
    """``my_grid`` → ``MyGrid``."""
    words = [w for w in name.split("_") if w]
    return "".join(w[:1].upper() + w[1:] for w in words) or "Controller"


def valid_source_name(name: str) -> bool:
    return bool(MODULE_NAME.fullmatch(name))


def template_source(kind: str, name: str) -> str:
    """The least a new source needs to import and be listed: a config class and a controller (or
    a script) class, named after the file."""
    cls = class_name(name)
    if kind == "directional_trading":
        return DIRECTIONAL.format(name=name, cls=cls)
    if kind == "market_making":
        return MARKET_MAKING.format(name=name, cls=cls)
    if kind == "generic":
        return GENERIC.format(name=name, cls=cls)
    if kind == SCRIPT:
        return SCRIPT_SOURCE.format(name=name, cls=cls)
    raise ValueError(f"unknown kind {kind!r}")


DIRECTIONAL = '''"""{name}: a directional controller. Its signal is 1 (long), -1 (short) or 0 (wait)."""

from hummingbot.strategy_v2.controllers.directional_trading_controller_base import (
    DirectionalTradingControllerBase,
    DirectionalTradingControllerConfigBase,
)


class {cls}Config(DirectionalTradingControllerConfigBase):
    controller_name: str = "{name}"


class {cls}(DirectionalTradingControllerBase):
    def __init__(self, config: {cls}Config, *args, **kwargs):
        self.config = config
        super().__init__(config, *args, **kwargs)

    async def update_processed_data(self):
        self.processed_data = {{"signal": 0}}
'''

MARKET_MAKING = '''"""{name}: a market maker quoting the config's spreads around the mid price."""

from decimal import Decimal

from hummingbot.strategy_v2.controllers.market_making_controller_base import (
    MarketMakingControllerBase,
    MarketMakingControllerConfigBase,
)
from hummingbot.strategy_v2.executors.position_executor.data_types import PositionExecutorConfig


class {cls}Config(MarketMakingControllerConfigBase):
    controller_name: str = "{name}"


class {cls}(MarketMakingControllerBase):
    def get_executor_config(self, level_id: str, price: Decimal, amount: Decimal):
        return PositionExecutorConfig(
            timestamp=self.market_data_provider.time(),
            level_id=level_id,
            connector_name=self.config.connector_name,
            trading_pair=self.config.trading_pair,
            entry_price=price,
            amount=amount,
            triple_barrier_config=self.config.triple_barrier_config,
            leverage=self.config.leverage,
            side=self.get_trade_type_from_level_id(level_id),
        )
'''

GENERIC = '''"""{name}: a controller that decides its executors itself."""

from hummingbot.strategy_v2.controllers.controller_base import ControllerBase, ControllerConfigBase
from hummingbot.strategy_v2.models.executor_actions import ExecutorAction


class {cls}Config(ControllerConfigBase):
    controller_type: str = "generic"
    controller_name: str = "{name}"


class {cls}(ControllerBase):
    async def update_processed_data(self):
        pass

    def determine_executor_actions(self) -> list[ExecutorAction]:
        return []
'''

SCRIPT_SOURCE = '''"""{name}: a hummingbot script."""

from hummingbot.strategy.strategy_v2_base import StrategyV2Base, StrategyV2ConfigBase


class {cls}Config(StrategyV2ConfigBase):
    script_file_name: str = "{name}.py"


class {cls}(StrategyV2Base):
    pass
'''


# -- live controllers --------------------------------------------------------------------------


def live_cells(view: dict[str, Any]) -> tuple[str, ...]:
    """A live controller's row, as ``live_views`` describes it."""
    note = ""
    if view.get("status") == "FAILED":
        note = str(view.get("reason") or "")
    elif view.get("waiting_for"):
        note = f"waiting for {view['waiting_for']}"
    elif view.get("reason"):
        note = str(view["reason"])
    return (
        str(view.get("controller_id", "")),
        str(view.get("controller_name", "")),
        str(view.get("status", "")),
        f"{view.get('executors_active', 0)}/{view.get('executors_total', 0)}",
        signed(view.get("net_pnl_quote")),
        amount(view.get("volume_traded_quote")),
        started(view.get("started_at")),
        str(view.get("ticks", 0)),
        note,
    )


def signed(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "-"
    return f"{number:+,.4f}" if abs(number) < 1000 else f"{number:+,.2f}"


def amount(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "-"
    return f"{number:,.2f}"


def started(iso: Any) -> str:
    """``2026-01-01T09:20:34+00:00`` → ``01-01 09:20``."""
    if not isinstance(iso, str) or not iso:
        return "-"
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso[:16]
    return moment.strftime("%m-%d %H:%M")


def yaml_lines(config: dict[str, Any], width: int = 60) -> list[str]:
    """A saved config as ``key: value`` lines for the preview (nested ones dotted)."""
    return [f"{key}: {value}"[:width] for key, value in form_values(config).items()]
