"""The scripts router's shapes, as the Hummingbot API names them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from hbdesk.sdk import RequestModel
from hbdesk_plugins.controllers.public import SOURCE_MAX


class ScriptBody(RequestModel):
    content: str = Field(max_length=SOURCE_MAX)


class Message(BaseModel):
    message: str
