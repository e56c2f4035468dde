"""The controllers router's shapes, as the Hummingbot API names them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from hbdesk.sdk import RequestModel
from hbdesk_plugins.controllers.sources import SOURCE_MAX

ControllerType = Literal["directional_trading", "market_making", "generic"]


class ControllerBody(RequestModel):
    """A controller's source; ``type``, when given, must be the path's."""

    content: str = Field(max_length=SOURCE_MAX)
    type: ControllerType | None = None


class Message(BaseModel):
    message: str


class Validated(Message):
    config: dict[str, object]  # the config as the controller's class reads it
