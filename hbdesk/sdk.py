"""The public plugin SDK: everything a plugin may import from hbdesk, and nothing else.

Built-in plugins import hbdesk only from here (and from their own package), exactly as a
third-party plugin does, so hbdesk's internals can move without breaking a plugin. Names load on
first use: importing the SDK to mark hooks costs nothing, and the desk's first frame does not
wait for the web, database or UI parts a plugin's hooks will need later.

    from hbdesk.sdk import hookimpl, RouteTable, Call, ServiceKey, InvalidInput
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from hbdesk.hookspecs import (
    RegisterCommand,
    RegisterHomePanel,
    RegisterHookspecs,
    RegisterRoutes,
    RegisterScreen,
    RegisterSettings,
    RegisterTheme,
    hookimpl,
    hookspec,
)

if TYPE_CHECKING:  # the same names, for type checkers (``as`` marks each as re-exported)
    from hbdesk import __version__ as VERSION
    from hbdesk.kernel.errors import ConfigPasswordError as ConfigPasswordError
    from hbdesk.kernel.errors import Conflict as Conflict
    from hbdesk.kernel.errors import HbdeskError as HbdeskError
    from hbdesk.kernel.errors import InvalidInput as InvalidInput
    from hbdesk.kernel.errors import NotFound as NotFound
    from hbdesk.kernel.errors import TimedOut as TimedOut
    from hbdesk.kernel.errors import Unavailable as Unavailable
    from hbdesk.kernel.errors import excerpt as excerpt
    from hbdesk.kernel.events import Event as Event
    from hbdesk.kernel.events import Subscription as Subscription
    from hbdesk.kernel.files import confined as confined
    from hbdesk.kernel.files import private_dir as private_dir
    from hbdesk.kernel.files import private_file as private_file
    from hbdesk.kernel.heap import settle as settle_heap
    from hbdesk.kernel.kernel import Kernel as Kernel
    from hbdesk.kernel.kernel import KernelState as KernelState
    from hbdesk.kernel.kernel import KernelStateChanged as KernelStateChanged
    from hbdesk.kernel.orm import Base as Base
    from hbdesk.kernel.services import RegisterService as RegisterService
    from hbdesk.kernel.services import ServiceKey as ServiceKey
    from hbdesk.kernel.wait import until as until
    from hbdesk.market_types import CANDLE_FIELDS as CANDLE_FIELDS
    from hbdesk.market_types import INTERVAL_SECONDS as INTERVAL_SECONDS
    from hbdesk.market_types import Candle as Candle
    from hbdesk.market_types import Interval as Interval
    from hbdesk.market_types import Trade as Trade
    from hbdesk.paging import page_in_memory as page_in_memory
    from hbdesk.paging import pagination as pagination
    from hbdesk.pricing import RateBook as RateBook
    from hbdesk.pricing import split_pair as split_pair
    from hbdesk.pricing import token_list as token_list
    from hbdesk.routing import Call as Call
    from hbdesk.routing import Encoded as Encoded
    from hbdesk.routing import Route as Route
    from hbdesk.routing import RouteTable as RouteTable
    from hbdesk.routing import Socket as Socket
    from hbdesk.routing import Streamed as Streamed
    from hbdesk.routing import WebSocketRoute as WebSocketRoute
    from hbdesk.routing import owned as owned
    from hbdesk.runtime import Desk as Desk
    from hbdesk.runtime import create_desk as create_desk
    from hbdesk.schema import ConnectorName as ConnectorName
    from hbdesk.schema import PositiveAmount as PositiveAmount
    from hbdesk.schema import RequestModel as RequestModel
    from hbdesk.schema import TokenName as TokenName
    from hbdesk.schema import TradingPair as TradingPair
    from hbdesk.settings import CoreSettings as CoreSettings
    from hbdesk.settings import PluginSettings as PluginSettings
    from hbdesk.streams import SocketSession as SocketSession
    from hbdesk.streams import validation_problems as validation_problems
    from hbdesk.tui.app import DeskApp as DeskApp
    from hbdesk.tui.contributions import screen_action as screen_action
    from hbdesk.tui.panel import DeskPanel as DeskPanel
    from hbdesk.tui.screen import DeskScreen as DeskScreen
    from hbdesk.tui.widgets.chart import CandleChart as CandleChart
    from hbdesk.tui.widgets.confirm import ConfirmModal as ConfirmModal
    from hbdesk.tui.widgets.form import FormField as FormField
    from hbdesk.tui.widgets.form import FormModal as FormModal
    from hbdesk.tui.widgets.ladder import OrderBookLadder as OrderBookLadder
    from hbdesk.tui.widgets.lines import Line as Line
    from hbdesk.tui.widgets.lines import LinesWidget as LinesWidget
    from hbdesk.tui.widgets.model_form import ModelFormModal as ModelFormModal
    from hbdesk.tui.widgets.model_form import Submission as Submission
    from hbdesk.tui.widgets.model_form import form_values as form_values
    from hbdesk.tui.widgets.pair_picker import Choice as Choice
    from hbdesk.tui.widgets.pair_picker import PairPicker as PairPicker
    from hbdesk.tui.widgets.table import selected_row_key as selected_row_key
    from hbdesk.tui.widgets.table import table_columns as table_columns
    from hbdesk.tui.widgets.table import table_row as table_row
    from hbdesk.tui.widgets.tape import TradesTape as TradesTape
    from hbdesk.tui.widgets.ticker import Ticker as Ticker
    from hbdesk.tui.widgets.ticker import TickerStrip as TickerStrip

# name → the module that holds it (under that name, or under the name after a colon)
_EXPORTS: dict[str, str] = {
    "VERSION": "hbdesk:__version__",
    # the kernel
    "Kernel": "hbdesk.kernel.kernel",
    "KernelState": "hbdesk.kernel.kernel",
    "KernelStateChanged": "hbdesk.kernel.kernel",
    "ServiceKey": "hbdesk.kernel.services",
    "RegisterService": "hbdesk.kernel.services",
    "Event": "hbdesk.kernel.events",
    "Subscription": "hbdesk.kernel.events",
    "Base": "hbdesk.kernel.orm",
    "settle_heap": "hbdesk.kernel.heap:settle",
    "private_dir": "hbdesk.kernel.files",
    "until": "hbdesk.kernel.wait",
    "private_file": "hbdesk.kernel.files",
    "confined": "hbdesk.kernel.files",
    # errors: each becomes a status in REST and a notification on the desk
    "HbdeskError": "hbdesk.kernel.errors",
    "ConfigPasswordError": "hbdesk.kernel.errors",
    "InvalidInput": "hbdesk.kernel.errors",
    "NotFound": "hbdesk.kernel.errors",
    "Conflict": "hbdesk.kernel.errors",
    "Unavailable": "hbdesk.kernel.errors",
    "TimedOut": "hbdesk.kernel.errors",
    "excerpt": "hbdesk.kernel.errors",
    # settings
    "PluginSettings": "hbdesk.settings",
    "CoreSettings": "hbdesk.settings",
    # a kernel with its plugins, as the front doors run it
    "Desk": "hbdesk.runtime",
    "create_desk": "hbdesk.runtime",
    # markets
    "Candle": "hbdesk.market_types",
    "Trade": "hbdesk.market_types",
    "Interval": "hbdesk.market_types",
    "INTERVAL_SECONDS": "hbdesk.market_types",
    "CANDLE_FIELDS": "hbdesk.market_types",
    "RateBook": "hbdesk.pricing",
    "split_pair": "hbdesk.pricing",
    "token_list": "hbdesk.pricing",
    # routes and request shapes
    "Call": "hbdesk.routing",
    "Encoded": "hbdesk.routing",
    "Streamed": "hbdesk.routing",
    "Route": "hbdesk.routing",
    "RouteTable": "hbdesk.routing",
    "Socket": "hbdesk.routing",
    "WebSocketRoute": "hbdesk.routing",
    "SocketSession": "hbdesk.streams",
    "validation_problems": "hbdesk.streams",
    "owned": "hbdesk.routing",
    "RequestModel": "hbdesk.schema",
    "ConnectorName": "hbdesk.schema",
    "TradingPair": "hbdesk.schema",
    "TokenName": "hbdesk.schema",
    "PositiveAmount": "hbdesk.schema",
    "pagination": "hbdesk.paging",
    "page_in_memory": "hbdesk.paging",
    # the desk
    "DeskApp": "hbdesk.tui.app",
    "DeskScreen": "hbdesk.tui.screen",
    "screen_action": "hbdesk.tui.contributions",
    "DeskPanel": "hbdesk.tui.panel",
    "CandleChart": "hbdesk.tui.widgets.chart",
    "ConfirmModal": "hbdesk.tui.widgets.confirm",
    "FormField": "hbdesk.tui.widgets.form",
    "FormModal": "hbdesk.tui.widgets.form",
    "ModelFormModal": "hbdesk.tui.widgets.model_form",
    "Submission": "hbdesk.tui.widgets.model_form",
    "form_values": "hbdesk.tui.widgets.model_form",
    "Line": "hbdesk.tui.widgets.lines",
    "LinesWidget": "hbdesk.tui.widgets.lines",
    "OrderBookLadder": "hbdesk.tui.widgets.ladder",
    "Choice": "hbdesk.tui.widgets.pair_picker",
    "PairPicker": "hbdesk.tui.widgets.pair_picker",
    "TradesTape": "hbdesk.tui.widgets.tape",
    "table_columns": "hbdesk.tui.widgets.table",
    "table_row": "hbdesk.tui.widgets.table",
    "selected_row_key": "hbdesk.tui.widgets.table",
    "Ticker": "hbdesk.tui.widgets.ticker",
    "TickerStrip": "hbdesk.tui.widgets.ticker",
}

__all__ = [
    "CANDLE_FIELDS",
    "INTERVAL_SECONDS",
    "VERSION",
    "Base",
    "Call",
    "Candle",
    "CandleChart",
    "Choice",
    "ConfigPasswordError",
    "ConfirmModal",
    "Conflict",
    "ConnectorName",
    "CoreSettings",
    "Desk",
    "DeskApp",
    "DeskPanel",
    "DeskScreen",
    "Encoded",
    "Event",
    "FormField",
    "FormModal",
    "HbdeskError",
    "Interval",
    "InvalidInput",
    "Kernel",
    "KernelState",
    "KernelStateChanged",
    "Line",
    "LinesWidget",
    "ModelFormModal",
    "NotFound",
    "OrderBookLadder",
    "PairPicker",
    "PluginSettings",
    "PositiveAmount",
    "RateBook",
    "RegisterCommand",
    "RegisterHomePanel",
    "RegisterHookspecs",
    "RegisterRoutes",
    "RegisterScreen",
    "RegisterService",
    "RegisterSettings",
    "RegisterTheme",
    "RequestModel",
    "Route",
    "RouteTable",
    "ServiceKey",
    "Socket",
    "SocketSession",
    "Streamed",
    "Submission",
    "Subscription",
    "Ticker",
    "TickerStrip",
    "TimedOut",
    "TokenName",
    "Trade",
    "TradesTape",
    "TradingPair",
    "Unavailable",
    "WebSocketRoute",
    "confined",
    "create_desk",
    "excerpt",
    "form_values",
    "hookimpl",
    "hookspec",
    "owned",
    "page_in_memory",
    "pagination",
    "private_dir",
    "private_file",
    "screen_action",
    "selected_row_key",
    "settle_heap",
    "split_pair",
    "table_columns",
    "table_row",
    "token_list",
    "until",
    "validation_problems",
]


def __getattr__(name: str) -> Any:
    where = _EXPORTS.get(name)
    if where is None:
        raise AttributeError(f"hbdesk.sdk has no {name!r}: a plugin may use only {', '.join(__all__)}")
    module_name, _, attribute = where.partition(":")
    value = getattr(importlib.import_module(module_name), attribute or name)
    globals()[name] = value  # loaded once
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
