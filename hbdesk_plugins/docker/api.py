"""The docker router, as the Hummingbot API documents it; failures are statuses, never 200s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import JsonValue

from hbdesk.sdk import Call, InvalidInput, RouteTable
from hbdesk_plugins.docker.models import (
    ActionResult,
    ContainerRemoved,
    ContainerRow,
    ContainersCleaned,
    DaemonStatus,
    DockerImage,
    ImageNameQuery,
    NameFilterQuery,
    PullOperation,
    PullStarted,
    PullState,
    PullStatus,
    RemoveContainerQuery,
)
from hbdesk_plugins.docker.names import CONTAINER_NAME_MAX
from hbdesk_plugins.docker.public import DOCKER

if TYPE_CHECKING:
    from hbdesk_plugins.docker.models import ContainerInfo
    from hbdesk_plugins.docker.service import DockerService

routes = RouteTable(tags=("Docker",))
DAEMON_DOWN = (503,)
CONTAINER: dict[str, dict[str, JsonValue]] = {
    "container_name": {
        "type": "string",
        "pattern": r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$",
        "maxLength": CONTAINER_NAME_MAX,
    }
}


def docker(call: Call) -> DockerService:
    return call.kernel.service(DOCKER)


@routes.get("/docker/running", response=bool)
async def is_docker_running(call: Call) -> bool:
    """Whether the Docker daemon answers (a bare boolean, as the dashboard reads it)."""
    return (await docker(call).status()).is_running


@routes.get("/docker/status", response=DaemonStatus)
async def docker_status(call: Call) -> DaemonStatus:
    """The Docker daemon's state in words: where hbdesk looks for it and what it answered."""
    return await docker(call).status()


@routes.get("/docker/available-images/", query=ImageNameQuery, response=list[str], errors=DAEMON_DOWN)
async def available_images(call: Call) -> list[str]:
    """Tags of the images on the host, those containing ``image_name`` when it is given."""
    name: str | None = call.query.image_name
    images = await docker(call).images(name)
    return [tag for image in images for tag in image.tags if not name or name in tag]


@routes.get(
    "/docker/active-containers", query=NameFilterQuery, response=list[ContainerRow], errors=DAEMON_DOWN
)
async def active_containers(call: Call) -> list[ContainerRow]:
    """Running containers, those whose name contains ``name_filter`` (any case) when it is given."""
    return [_row(c) for c in await docker(call).containers("running", call.query.name_filter)]


@routes.get(
    "/docker/exited-containers", query=NameFilterQuery, response=list[ContainerRow], errors=DAEMON_DOWN
)
async def exited_containers(call: Call) -> list[ContainerRow]:
    """Exited containers, those whose name contains ``name_filter`` (any case) when it is given."""
    return [_row(c) for c in await docker(call).containers("exited", call.query.name_filter)]


@routes.post("/docker/clean-exited-containers", response=ContainersCleaned, errors=DAEMON_DOWN)
async def clean_exited_containers(call: Call) -> ContainersCleaned:
    """Remove every exited container."""
    removed = await docker(call).clean_exited()
    return ContainersCleaned(
        success=True, message=f"Removed {len(removed)} exited container(s).", removed_containers=removed
    )


@routes.post(
    "/docker/remove-container/{container_name}",
    query=RemoveContainerQuery,
    response=ContainerRemoved,
    errors=(400, 404, 409, 503),
    path_params=CONTAINER,
)
async def remove_container(call: Call) -> ContainerRemoved:
    """Remove a Hummingbot container (``hummingbot-*``), archiving its instance folder first."""
    name = call.path["container_name"]
    query: RemoveContainerQuery = call.query
    if query.s3_bucket:
        raise InvalidInput(
            "Archiving to S3 is not supported by this server: use archive_locally=true (the default) "
            "and copy the archive from the data folder."
        )
    result = await docker(call).remove_container(name, archive_locally=query.archive_locally)
    where = f"; its data is archived in {result.archived_to}" if result.archived_to else ""
    return ContainerRemoved(
        success=True, message=f"Container {name} removed successfully{where}.", archived_to=result.archived_to
    )


@routes.post(
    "/docker/stop-container/{container_name}",
    response=ActionResult,
    errors=(400, 404, 409, 503),
    path_params=CONTAINER,
)
async def stop_container(call: Call) -> ActionResult:
    """Stop a running container."""
    name = call.path["container_name"]
    await docker(call).stop_container(name)
    return ActionResult(success=True, message=f"Container {name} stopped.")


@routes.post(
    "/docker/start-container/{container_name}",
    response=ActionResult,
    errors=(400, 404, 409, 503),
    path_params=CONTAINER,
)
async def start_container(call: Call) -> ActionResult:
    """Start a stopped container."""
    name = call.path["container_name"]
    await docker(call).start_container(name)
    return ActionResult(success=True, message=f"Container {name} started.")


@routes.post("/docker/pull-image/", body=DockerImage, response=PullStarted, errors=(400, 503))
async def pull_image(call: Call) -> PullStarted:
    """Pull an image in the background; a pull of an image already being pulled joins it."""
    state, joined = await docker(call).start_pull(call.body.image_name)
    if joined:
        return PullStarted(
            message=f"Pull already in progress for {state.image}",
            status="in_progress",
            image_name=state.image,
            started_at=state.started_at,
        )
    return PullStarted(
        message=f"Pull started for {state.image}",
        status="started",
        image_name=state.image,
        started_at=state.started_at,
    )


@routes.get("/docker/pull-status/", response=PullStatus)
async def get_pull_status(call: Call) -> PullStatus:
    """Every pull still remembered, with each layer's progress."""
    now = call.kernel.clock()
    operations = {state.image: _operation(state, now) for state in docker(call).pulls()}
    return PullStatus(pull_operations=operations, total_operations=len(operations))


def _row(container: ContainerInfo) -> ContainerRow:
    return ContainerRow(id=container.id, name=container.name, status=container.state, image=container.image)


def _operation(state: PullState, now: float) -> PullOperation:
    percent = round(state.progress * 100, 1)
    end = state.finished_at if state.finished_at is not None else now
    if state.status == "pulling":
        progress = f"Pulling: {percent:g}% of {len(state.layers)} layer(s) downloaded"
    elif state.status == "done":
        progress = "Pull complete"
    else:
        progress = "Pull failed"
    return PullOperation(
        status="completed" if state.status == "done" else state.status,
        started_at=state.started_at,
        completed_at=state.finished_at if state.status == "done" else None,
        failed_at=state.finished_at if state.status == "failed" else None,
        duration_seconds=round(end - state.started_at, 2),
        progress=progress,
        percent=percent,
        layers=state.layers,
        error=state.error,
        result={"success": True, "image": state.image} if state.status == "done" else None,
    )
