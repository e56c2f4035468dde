"""The controllers section (HBDESK_CONTROLLERS__<KEY>); the scripts plugin reads the same time limit."""

from __future__ import annotations

from pydantic import Field

from hbdesk.sdk import PluginSettings


class ControllersSettings(PluginSettings):
    import_timeout: float = Field(
        60.0,
        gt=0,
        le=600,
        description="Seconds a controller or script source may take to import (the first import of"
        " hummingbot takes a few) before the request is answered with a 504.",
    )
    live_update_interval: float = Field(
        1.0,
        ge=0.1,
        le=3600,
        description="Seconds between two ticks of a controller run live, unless its start names"
        " another interval.",
    )
    live_stop_timeout: float = Field(
        60.0,
        gt=0,
        le=3600,
        description="Seconds a stopped controller keeps asking its executors still being resumed"
        " after a restart to stop, once they run again.",
    )
