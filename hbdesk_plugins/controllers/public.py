"""What other plugins may use of the controllers plugin: its service key, the controller types, a
controller's source as the service hands it out, and the file helpers the scripts plugin shares.

The backtesting plugin turns a config into hummingbot objects with the service::

    controllers = kernel.service(CONTROLLERS)
    config = await controllers.load_config({"controller_name": "grid", "controller_type": "generic", ...})
    config = await controllers.load_config("my_saved_config")  # a config saved under that name
    controller_class = controllers.controller_class(config)

Both raise ``NotFound`` (unknown controller or config) and ``InvalidInput`` (a config that does not
validate, a source that does not import), as the routes answer 404 and 400. A worker process
rebuilds the same classes from ``controllers.source_of(config)``: a picklable ``ControllerSource``
whose ``load_module()`` imports the controller there and ``config_class()`` answers its config
class.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from hbdesk.sdk import InvalidInput, ServiceKey
from hbdesk_plugins.controllers.sources import (
    CONFIG_NAME,
    MODULE_NAME,
    SOURCE_MAX,
    Folder,
    check_content,
    check_source,
    dump_yaml,
    execute_source,
    field_default,
    jsonable,
    own_subclasses,
    read_config,
    template,
    validate,
)

if TYPE_CHECKING:
    import types

    from pydantic import BaseModel

    from hbdesk_plugins.controllers.service import ControllersService

CONTROLLERS: ServiceKey[ControllersService] = ServiceKey("controllers")

# The reference's three folders, in its order.
CONTROLLER_TYPES: Final = ("directional_trading", "market_making", "generic")
LIBRARY_PACKAGE: Final = "hbdesk_plugins.controllers.library"
USER_MODULE_PREFIX: Final = "hbdesk_controller"


@dataclass(frozen=True)
class ControllerSource:
    """Where one controller's code is: a user's file in the data dir, or a module shipped with
    hbdesk (read-only)."""

    controller_type: str
    name: str
    path: Path
    shipped: bool

    @property
    def module_name(self) -> str:
        """The name hummingbot finds the module under (``config.get_controller_class()``)."""
        if self.shipped:
            return f"{LIBRARY_PACKAGE}.{self.name}"
        return f"{USER_MODULE_PREFIX}__{self.controller_type}__{self.name}"

    def load_module(self) -> types.ModuleType:
        """Import the controller's module (blocking: call it in a thread or a worker process).
        A user's file runs again each time it is asked for; the service caches it."""
        if self.shipped:
            return importlib.import_module(self.module_name)
        text = self.path.read_text(encoding="utf-8")
        return execute_source(text, self.path, self.module_name)

    def loaded_module(self) -> types.ModuleType | None:
        return sys.modules.get(self.module_name)

    def config_class(self) -> type[BaseModel]:
        """Import the controller (``load_module``) and answer its pydantic config class, as the
        service finds it; InvalidInput when the module has none. Blocking, like ``load_module``:
        a worker process rebuilds a config with ``source.config_class()(**data)``."""
        from hbdesk_plugins.controllers.service import _controller_classes

        config_class, _controller = _controller_classes(self.load_module(), f"{self.name}.py", False)
        if config_class is None:
            raise InvalidInput(
                f"{self.name}.py defines no controller config class (a ControllerConfigBase subclass)."
            )
        return config_class


__all__ = [
    "CONFIG_NAME",
    "CONTROLLERS",
    "CONTROLLER_TYPES",
    "MODULE_NAME",
    "SOURCE_MAX",
    "ControllerSource",
    "Folder",
    "check_content",
    "check_source",
    "dump_yaml",
    "execute_source",
    "field_default",
    "jsonable",
    "own_subclasses",
    "read_config",
    "template",
    "validate",
]
