"""The desk, as the hummingbot library sees its host application.

Connectors reach for ``HummingbotApplication.main_application()`` to read rate-limit settings
and to raise notifications; left alone, that call builds hummingbot's own prompt_toolkit
client inside the desk's event loop, timers and all. Installing this host first gives them
what they ask for and routes their notices into the desk's logs.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hbdesk.sdk import private_dir

log = logging.getLogger("hbdesk.hummingbot")


class DeskHost:
    """The attributes connectors and strategies read from the main application."""

    def __init__(self) -> None:
        from hummingbot.client.config.client_config_map import ClientConfigMap
        from hummingbot.client.config.config_helpers import ClientConfigAdapter

        self.client_config_map = ClientConfigAdapter(ClientConfigMap())
        self._mqtt = None
        self.strategy_file_name: str | None = None

    def notify(self, message: str) -> None:
        log.info("%s", message)

    def add_application_warning(self, warning: Any) -> None:
        log.warning("%s", getattr(warning, "warning_msg", warning))


def install(data_dir: Path) -> None:
    """Make the desk hummingbot's main application, with its files in the data dir."""
    from hummingbot.client.config import config_helpers
    from hummingbot.client.hummingbot_application import HummingbotApplication

    conf = private_dir(data_dir / "hummingbot")
    config_helpers.CLIENT_CONFIG_PATH = conf / "conf_client.yml"
    if not isinstance(HummingbotApplication._main_app, DeskHost):
        HummingbotApplication._main_app = DeskHost()
