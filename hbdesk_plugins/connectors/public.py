"""What other plugins may use of the connectors plugin: its service keys and the connector
specs they hand out (the types a connector provider builds its catalog entries from).

The spec types load on first use: the plugin's hooks import this module before the desk's first
frame, and the keys are all they need then.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from hbdesk.sdk import ServiceKey

if TYPE_CHECKING:
    from hbdesk_plugins.connectors.catalog import ConnectorCatalog as ConnectorCatalog
    from hbdesk_plugins.connectors.manager import ConnectorManager as ConnectorManager
    from hbdesk_plugins.connectors.providers import ConnectorFactory as ConnectorFactory
    from hbdesk_plugins.connectors.providers import ConnectorProvider as ConnectorProvider
    from hbdesk_plugins.connectors.providers import MarketSource as MarketSource
    from hbdesk_plugins.connectors.providers import RegisterProvider as RegisterProvider
    from hbdesk_plugins.connectors.specs import ConnectorSpec as ConnectorSpec
    from hbdesk_plugins.connectors.specs import CredentialField as CredentialField
    from hbdesk_plugins.connectors.specs import Verdict as Verdict
    from hbdesk_plugins.connectors.specs import Verification as Verification

CONNECTORS: ServiceKey[ConnectorCatalog] = ServiceKey("connectors")
CONNECTOR_MANAGER: ServiceKey[ConnectorManager] = ServiceKey("connector_manager")

_LAZY = {
    "ConnectorCatalog": "catalog",
    "ConnectorManager": "manager",
    "ConnectorSpec": "specs",
    "CredentialField": "specs",
    "Verdict": "specs",
    "Verification": "specs",
    "ConnectorFactory": "providers",
    "ConnectorProvider": "providers",
    "MarketSource": "providers",
    "RegisterProvider": "providers",
}
__all__ = ["CONNECTORS", "CONNECTOR_MANAGER", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"hbdesk_plugins.connectors.{module}"), name)
