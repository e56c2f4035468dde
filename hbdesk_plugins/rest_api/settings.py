"""The REST front door's settings section (HBDESK_REST_API__<KEY>)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from hbdesk.sdk import PluginSettings


class RestApiSettings(PluginSettings):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    access_log: bool = True
    shutdown_timeout: float = Field(10.0, ge=0)
    max_body_bytes: int = Field(4 * 1024 * 1024, ge=1024)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value
