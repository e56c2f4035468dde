"""The scripts router, as the Hummingbot API documents it; failures are 4xx with ``detail``.

The config routes are declared before ``/scripts/{script_name}``, which would otherwise take
``/scripts/configs/`` for a script named ``configs``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import JsonValue

from hbdesk.sdk import Call, RouteTable
from hbdesk_plugins.controllers.public import CONFIG_NAME, MODULE_NAME
from hbdesk_plugins.scripts.models import Message, ScriptBody
from hbdesk_plugins.scripts.public import SCRIPTS

if TYPE_CHECKING:
    from hbdesk_plugins.scripts.service import ScriptsService

routes = RouteTable(tags=("Scripts",))
FILE_ERRORS = (400, 404)
SCRIPT: dict[str, dict[str, JsonValue]] = {
    "script_name": {"type": "string", "pattern": f"^{MODULE_NAME.pattern}$"}
}
CONFIG: dict[str, dict[str, JsonValue]] = {
    "config_name": {"type": "string", "pattern": f"^{CONFIG_NAME.pattern}$"}
}


def scripts(call: Call) -> ScriptsService:
    return call.kernel.service(SCRIPTS)


@routes.get("/scripts/", response=list[str])
async def list_scripts(call: Call) -> list[str]:
    """Script names (without ``.py``)."""
    return await scripts(call).list_scripts()


# -- saved configs ---------------------------------------------------------------------------------


@routes.get("/scripts/configs/", response=list[dict[str, Any]])
async def list_script_configs(call: Call) -> list[dict[str, Any]]:
    """A summary of every saved script config; one that cannot be read carries its ``error``."""
    return await scripts(call).list_configs()


@routes.get("/scripts/configs/{config_name}", response=dict[str, Any], errors=FILE_ERRORS, path_params=CONFIG)
async def get_script_config(call: Call) -> dict[str, Any]:
    """One saved script config."""
    return await scripts(call).get_config(call.path["config_name"])


@routes.post(
    "/scripts/configs/{config_name}",
    body=dict[str, Any],
    response=Message,
    status=201,
    errors=FILE_ERRORS,
    path_params=CONFIG,
)
async def create_or_update_script_config(call: Call) -> Message:
    """Save a script config."""
    name = call.path["config_name"]
    await scripts(call).save_config(name, call.body)
    return Message(message=f"Configuration '{name}' saved successfully")


@routes.delete("/scripts/configs/{config_name}", response=Message, errors=FILE_ERRORS, path_params=CONFIG)
async def delete_script_config(call: Call) -> Message:
    """Delete a saved script config."""
    name = call.path["config_name"]
    await scripts(call).delete_config(name)
    return Message(message=f"Configuration '{name}' deleted successfully")


# -- sources -------------------------------------------------------------------------------------


@routes.get("/scripts/{script_name}", response=dict[str, str], errors=FILE_ERRORS, path_params=SCRIPT)
async def get_script(call: Call) -> dict[str, str]:
    """A script's source."""
    name = call.path["script_name"]
    return {"name": name, "content": await scripts(call).get_script(name)}


@routes.post(
    "/scripts/{script_name}",
    body=ScriptBody,
    response=Message,
    status=201,
    errors=(400, 504),
    path_params=SCRIPT,
)
async def create_or_update_script(call: Call) -> Message:
    """Save a script's source once it compiles and imports."""
    name = call.path["script_name"]
    await scripts(call).save_script(name, call.body.content)
    return Message(message=f"Script '{name}' saved successfully")


@routes.delete("/scripts/{script_name}", response=Message, errors=FILE_ERRORS, path_params=SCRIPT)
async def delete_script(call: Call) -> Message:
    """Delete a script."""
    name = call.path["script_name"]
    await scripts(call).delete_script(name)
    return Message(message=f"Script '{name}' deleted successfully")


@routes.get(
    "/scripts/{script_name}/config/template",
    response=dict[str, Any],
    errors=(*FILE_ERRORS, 504),
    path_params=SCRIPT,
)
async def get_script_config_template(call: Call) -> dict[str, Any]:
    """Each field of the script's config class with its default."""
    return await scripts(call).template(call.path["script_name"])
