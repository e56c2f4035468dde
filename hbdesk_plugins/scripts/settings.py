"""The scripts section (HBDESK_SCRIPTS__<KEY>)."""

from __future__ import annotations

from pydantic import Field

from hbdesk.sdk import PluginSettings


class ScriptsSettings(PluginSettings):
    import_timeout: float = Field(
        60.0,
        gt=0,
        le=600,
        description="Seconds a script may take to import (the first import of hummingbot takes a"
        " few) before the request is answered with a 504.",
    )
