"""What other plugins may use of the scripts plugin: its service key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import ServiceKey

if TYPE_CHECKING:
    from hbdesk_plugins.scripts.service import ScriptsService

SCRIPTS: ServiceKey[ScriptsService] = ServiceKey("scripts")
