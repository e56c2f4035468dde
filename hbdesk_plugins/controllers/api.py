"""The controllers router, as the Hummingbot API documents it; failures are 4xx with ``detail``.

The config routes, and hbdesk's own ``/controllers/live`` routes, are declared before
``/controllers/{controller_type}/{controller_name}``, which would otherwise take
``/controllers/configs/<name>`` for a controller named so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import JsonValue

from hbdesk.sdk import Call, InvalidInput, RouteTable
from hbdesk_plugins.controllers.models import (
    ControllerBody,
    LiveController,
    Message,
    StartLiveQuery,
    StartLiveRequest,
    StopLiveQuery,
    StoppedLive,
    Validated,
)
from hbdesk_plugins.controllers.public import CONTROLLER_TYPES, CONTROLLERS
from hbdesk_plugins.controllers.sources import CONFIG_NAME, MODULE_NAME, dumped

if TYPE_CHECKING:
    from hbdesk_plugins.controllers.service import ControllersService

routes = RouteTable(tags=("Controllers",))
LIVE_TAGS = ("Controllers (hbdesk: run live)",)  # not in the Hummingbot API
LIVE_ERRORS = (400, 404, 409, 503, 504)
CONTROLLER_ID: dict[str, dict[str, JsonValue]] = {
    "controller_id": {"type": "string", "minLength": 1, "maxLength": 128}
}
FILE_ERRORS = (400, 404)
SOURCE: dict[str, dict[str, JsonValue]] = {
    "controller_type": {"type": "string", "enum": list(CONTROLLER_TYPES)},
    "controller_name": {"type": "string", "pattern": f"^{MODULE_NAME.pattern}$"},
}
CONFIG: dict[str, dict[str, JsonValue]] = {
    "config_name": {"type": "string", "pattern": f"^{CONFIG_NAME.pattern}$"}
}
BOT: dict[str, dict[str, JsonValue]] = {
    "bot_name": {"type": "string", "pattern": f"^{CONFIG_NAME.pattern}$"},
    "controller_name": {"type": "string", "pattern": f"^{CONFIG_NAME.pattern}$"},
}


def controllers(call: Call) -> ControllersService:
    return call.kernel.service(CONTROLLERS)


@routes.get("/controllers/", response=dict[str, list[str]])
async def list_controllers(call: Call) -> dict[str, list[str]]:
    """Controller names by type: the user's and those shipped with hbdesk."""
    return await controllers(call).list_controllers()


# -- saved configs ---------------------------------------------------------------------------------


@routes.get("/controllers/configs/", response=list[dict[str, Any]])
async def list_controller_configs(call: Call) -> list[dict[str, Any]]:
    """Every saved controller config; one that cannot be read carries its ``error``."""
    return await controllers(call).list_configs()


@routes.get(
    "/controllers/configs/{config_name}", response=dict[str, Any], errors=FILE_ERRORS, path_params=CONFIG
)
async def get_controller_config(call: Call) -> dict[str, Any]:
    """One saved controller config."""
    return await controllers(call).get_config(call.path["config_name"])


@routes.post(
    "/controllers/configs/{config_name}",
    body=dict[str, Any],
    response=Message,
    status=201,
    errors=FILE_ERRORS,
    path_params=CONFIG,
)
async def create_or_update_controller_config(call: Call) -> Message:
    """Save a controller config (its ``id`` defaults to the name); a config of a controller hbdesk
    has must validate against that controller's config class."""
    name = call.path["config_name"]
    await controllers(call).save_config(name, call.body)
    return Message(message=f"Configuration '{name}' saved successfully")


@routes.delete("/controllers/configs/{config_name}", response=Message, errors=FILE_ERRORS, path_params=CONFIG)
async def delete_controller_config(call: Call) -> Message:
    """Delete a saved controller config."""
    name = call.path["config_name"]
    await controllers(call).delete_config(name)
    return Message(message=f"Configuration '{name}' deleted successfully")


# -- a bot's configs -------------------------------------------------------------------------------


@routes.get(
    "/controllers/bots/{bot_name}/configs",
    response=list[dict[str, Any]],
    errors=FILE_ERRORS,
    path_params={"bot_name": BOT["bot_name"]},
)
async def get_bot_controller_configs(call: Call) -> list[dict[str, Any]]:
    """The controller configs of a bot instance, each with its file name as ``_config_name``."""
    return await controllers(call).bot_configs(call.path["bot_name"])


@routes.post(
    "/controllers/bots/{bot_name}/{controller_name}/config",
    body=dict[str, Any],
    response=Message,
    errors=FILE_ERRORS,
    path_params=BOT,
)
async def update_bot_controller_config(call: Call) -> Message:
    """Merge fields into one of a bot instance's controller configs."""
    bot = call.path["bot_name"]
    await controllers(call).update_bot_config(bot, call.path["controller_name"], call.body)
    return Message(message=f"Controller configuration for bot '{bot}' updated successfully")


# -- hbdesk's own: controllers run live -----------------------------------------------------------


@routes.get("/controllers/live", response=list[LiveController], tags=LIVE_TAGS)
async def list_live_controllers(call: Call) -> list[LiveController]:
    """hbdesk's own (not in the Hummingbot API): the controllers run live, their executors and PnL."""
    return [LiveController.model_validate(view) for view in controllers(call).live_views()]


@routes.post(
    "/controllers/live",
    body=StartLiveRequest,
    response=LiveController,
    status=201,
    errors=LIVE_ERRORS,
    tags=LIVE_TAGS,
)
async def start_live_controller(call: Call) -> LiveController:
    """hbdesk's own (not in the Hummingbot API): run a controller live from the config in the body."""
    body: StartLiveRequest = call.body
    started = await controllers(call).start_live(body.config, body.account_name, body.update_interval)
    return LiveController.model_validate(started)


@routes.post(
    "/controllers/live/{config_name}/start",
    query=StartLiveQuery,
    response=LiveController,
    status=201,
    errors=LIVE_ERRORS,
    path_params=CONFIG,
    tags=LIVE_TAGS,
)
async def start_live_controller_config(call: Call) -> LiveController:
    """hbdesk's own (not in the Hummingbot API): run a saved controller config live."""
    query: StartLiveQuery = call.query
    started = await controllers(call).start_live(
        call.path["config_name"], query.account_name, query.update_interval
    )
    return LiveController.model_validate(started)


@routes.get(
    "/controllers/live/{controller_id}",
    response=LiveController,
    errors=(404,),
    path_params=CONTROLLER_ID,
    tags=LIVE_TAGS,
)
async def get_live_controller(call: Call) -> LiveController:
    """hbdesk's own (not in the Hummingbot API): one live controller, with its processed_data."""
    return LiveController.model_validate(controllers(call).live_view(call.path["controller_id"]))


@routes.post(
    "/controllers/live/{controller_id}/stop",
    query=StopLiveQuery,
    response=StoppedLive,
    errors=(404, 409, 503),
    path_params=CONTROLLER_ID,
    tags=LIVE_TAGS,
)
async def stop_live_controller(call: Call) -> StoppedLive:
    """hbdesk's own (not in the Hummingbot API): stop a live controller and its executors."""
    query: StopLiveQuery = call.query
    stopped = await controllers(call).stop_live(call.path["controller_id"], query.keep_position)
    return StoppedLive.model_validate(stopped)


# -- sources -------------------------------------------------------------------------------------


@routes.get(
    "/controllers/{controller_type}/{controller_name}",
    response=dict[str, str],
    errors=FILE_ERRORS,
    path_params=SOURCE,
)
async def get_controller(call: Call) -> dict[str, str]:
    """A controller's source."""
    kind, name = call.path["controller_type"], call.path["controller_name"]
    content = await controllers(call).get_source(kind, name)
    return {"name": name, "type": kind, "content": content}


@routes.post(
    "/controllers/{controller_type}/{controller_name}",
    body=ControllerBody,
    response=Message,
    status=201,
    errors=(400, 409, 504),
    path_params=SOURCE,
)
async def create_or_update_controller(call: Call) -> Message:
    """Save a controller's source once it compiles, imports and defines its config and controller
    classes; the controllers shipped with hbdesk are read-only."""
    kind, name = call.path["controller_type"], call.path["controller_name"]
    body: ControllerBody = call.body
    if body.type is not None and body.type != kind:
        raise InvalidInput(f"Controller type mismatch: the path has '{kind}', the body has '{body.type}'")
    await controllers(call).save_source(kind, name, body.content)
    return Message(message=f"Controller '{name}' saved successfully in '{kind}'")


@routes.delete(
    "/controllers/{controller_type}/{controller_name}",
    response=Message,
    errors=(400, 404, 409),
    path_params=SOURCE,
)
async def delete_controller(call: Call) -> Message:
    """Delete a user's controller (a shipped one is refused with 409)."""
    kind, name = call.path["controller_type"], call.path["controller_name"]
    await controllers(call).delete_source(kind, name)
    return Message(message=f"Controller '{name}' deleted successfully from '{kind}'")


@routes.get(
    "/controllers/{controller_type}/{controller_name}/config/template",
    response=dict[str, dict[str, Any]],
    errors=(*FILE_ERRORS, 504),
    path_params=SOURCE,
)
async def get_controller_config_template(call: Call) -> dict[str, dict[str, Any]]:
    """Each field of the controller's config class: ``default``, ``type``, ``required``."""
    return await controllers(call).template(call.path["controller_type"], call.path["controller_name"])


@routes.post(
    "/controllers/{controller_type}/{controller_name}/config/validate",
    body=dict[str, Any],
    response=Validated,
    errors=(*FILE_ERRORS, 504),
    path_params=SOURCE,
)
async def validate_controller_config(call: Call) -> Validated:
    """Validate a config with the controller's config class: 400 naming each field that is wrong."""
    config = await controllers(call).validate(
        call.path["controller_type"], call.path["controller_name"], call.body
    )
    return Validated(message="Configuration is valid", config=dumped(config))
