"""The docker router over the real docker SDK, against a fake Docker Engine or nothing at all."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from hbdesk.sdk import CoreSettings, Desk
from hbdesk_plugins.docker.public import DOCKER
from tests.helpers import AUTH
from tests.plugins.docker.fake_engine import FakeEngine

BOUND = aiohttp.ClientTimeout(total=2)  # a daemon that is down is said so within this
IMAGE = "hummingbot/hummingbot:latest"


def instance(core: CoreSettings, name: str) -> Path:
    folder = core.data_dir / "bots" / "instances" / name
    (folder / "conf").mkdir(parents=True)
    (folder / "conf" / "conf_client.yml").write_text(f"instance_id: {name}\n")
    return folder


async def get(api: Any, path: str, **params: str) -> Any:
    response = await api.get(path, params=params, headers=AUTH, timeout=BOUND)
    assert response.status == 200, await response.text()
    return await response.json()


async def post(api: Any, path: str, status: int = 200, **kwargs: Any) -> Any:
    response = await api.post(path, headers=AUTH, timeout=BOUND, **kwargs)
    assert response.status == status, await response.text()
    return await response.json()


async def names(api: Any, which: str, name_filter: str | None = None) -> list[str]:
    params = {"name_filter": name_filter} if name_filter else {}
    return [row["name"] for row in await get(api, f"/docker/{which}-containers", **params)]


async def pull_status(api: Any) -> dict[str, Any]:
    operations: dict[str, Any] = (await get(api, "/docker/pull-status/"))["pull_operations"]
    return operations


async def wait_for_pull(api: Any, image: str, status: str) -> dict[str, Any]:
    async with asyncio.timeout(10):
        while (operation := (await pull_status(api)).get(image, {})).get("status") != status:
            await asyncio.sleep(0.02)
    return operation


async def test_the_daemon_is_running(docker_engine: FakeEngine, api: Any) -> None:
    assert await get(api, "/docker/running") is True
    status = await get(api, "/docker/status")
    assert status["is_running"] is True
    assert status["host"] == docker_engine.host and "27.0.0-fake" in status["detail"]


async def test_containers_listed_filtered_stopped_started_and_cleaned(
    docker_engine: FakeEngine, api: Any
) -> None:
    alpha = docker_engine.add_container("hummingbot-alpha")
    docker_engine.add_container("hummingbot-beta", state="exited")
    docker_engine.add_container("postgres", image="postgres:16")
    docker_engine.add_container("old-job", state="exited")

    running = await get(api, "/docker/active-containers")
    assert {row["name"] for row in running} == {"hummingbot-alpha", "postgres"}
    row = next(row for row in running if row["name"] == "hummingbot-alpha")
    assert row == {"id": alpha.id, "name": "hummingbot-alpha", "status": "running", "image": IMAGE}
    assert await names(api, "active", "ALPHA") == ["hummingbot-alpha"]  # any case, as the reference
    assert await names(api, "exited") == ["hummingbot-beta", "old-job"]
    assert await names(api, "exited", "hummingbot") == ["hummingbot-beta"]

    stopped = await post(api, "/docker/stop-container/hummingbot-alpha")
    assert stopped == {"success": True, "message": "Container hummingbot-alpha stopped."}
    assert await names(api, "exited", "hummingbot") == ["hummingbot-alpha", "hummingbot-beta"]
    assert (await post(api, "/docker/start-container/hummingbot-beta"))["success"] is True
    assert await names(api, "active", "hummingbot") == ["hummingbot-beta"]

    cleaned = await post(api, "/docker/clean-exited-containers")
    assert cleaned["success"] is True
    assert cleaned["removed_containers"] == ["hummingbot-alpha", "old-job"]
    assert set(docker_engine.containers) == {"hummingbot-beta", "postgres"}


async def test_removing_a_bot_archives_its_instance_folder(
    docker_engine: FakeEngine, api: Any, core: CoreSettings
) -> None:
    archived = core.data_dir / "bots" / "archived"
    for attempt in range(2):
        docker_engine.add_container("hummingbot-alpha", state="running" if attempt else "exited")
        folder = instance(core, "hummingbot-alpha")
        removed = await post(api, "/docker/remove-container/hummingbot-alpha")
        assert removed["success"] is True
        assert "hummingbot-alpha" not in docker_engine.containers
        assert not folder.exists()
        target = Path(removed["archived_to"])
        assert target.parent == archived.resolve()
        assert (target / "conf" / "conf_client.yml").read_text() == "instance_id: hummingbot-alpha\n"
    # the second archive of the same bot takes a new, timestamped name beside the first
    assert sorted(p.name for p in archived.iterdir())[0] == "hummingbot-alpha"
    assert len(list(archived.iterdir())) == 2

    docker_engine.add_container("hummingbot-gamma", state="exited")
    kept = instance(core, "hummingbot-gamma")
    removed = await post(
        api, "/docker/remove-container/hummingbot-gamma", params={"archive_locally": "false"}
    )
    assert removed["archived_to"] is None and kept.exists()  # removed, its data left where it was

    docker_engine.add_container("hummingbot-delta", state="exited")
    assert (await post(api, "/docker/remove-container/hummingbot-delta"))["archived_to"] is None  # no folder


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2Fetc",
        "hummingbot-x%2F..%2F..%2Fdata",
        "hummingbot-x%2F..",
        "%2e%2e%2fhummingbot-x",
        "hummingbot-%00x",
        "hummingbot-x%5C..%5C..",
        ".hummingbot-x",
        "hummingbot-" + "x" * 200,
    ],
)
async def test_names_outside_dockers_rules_touch_nothing(
    docker_engine: FakeEngine, api: Any, core: CoreSettings, name: str
) -> None:
    docker_engine.add_container("hummingbot-x", state="exited")
    folder = instance(core, "hummingbot-x")
    for action in ("remove", "stop", "start"):
        response = await api.post(f"/docker/{action}-container/{name}", headers=AUTH, timeout=BOUND)
        assert response.status == 400, await response.text()
        assert "Invalid container name" in (await response.json())["detail"]
    assert folder.exists() and "hummingbot-x" in docker_engine.containers
    assert not (core.data_dir / "bots" / "archived").exists()
    assert not any("/containers/" in request and "json" not in request for request in docker_engine.requests)


async def test_an_instance_folder_that_leads_outside_is_refused(
    docker_engine: FakeEngine, api: Any, core: CoreSettings, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    instances = core.data_dir / "bots" / "instances"
    instances.mkdir(parents=True)
    (instances / "hummingbot-link").symlink_to(elsewhere)
    docker_engine.add_container("hummingbot-link", state="exited")
    response = await api.post("/docker/remove-container/hummingbot-link", headers=AUTH, timeout=BOUND)
    assert response.status == 400
    assert "leads outside" in (await response.json())["detail"]
    assert "hummingbot-link" in docker_engine.containers and elsewhere.is_dir()


async def test_only_bots_are_removed_and_unknown_containers_are_404(
    docker_engine: FakeEngine, api: Any, core: CoreSettings
) -> None:
    docker_engine.add_container("postgres", state="exited")
    not_a_bot = await post(api, "/docker/remove-container/postgres", status=400)
    assert "only removes Hummingbot containers" in not_a_bot["detail"]
    assert "postgres" in docker_engine.containers

    docker_engine.add_container("hummingbot-alpha")
    folder = instance(core, "hummingbot-alpha")
    s3 = await post(api, "/docker/remove-container/hummingbot-alpha", status=400, params={"s3_bucket": "b"})
    assert "S3 is not supported by this server" in s3["detail"]
    assert "hummingbot-alpha" in docker_engine.containers and folder.exists()

    for action in ("remove", "stop", "start"):
        missing = await post(api, f"/docker/{action}-container/hummingbot-ghost", status=404)
        assert "hummingbot-ghost" in missing["detail"] and "No such container" in missing["detail"]


@pytest.mark.parametrize(
    "image", ["Hummingbot/Hummingbot", "hummingbot hummingbot", "a::b", "-x", "x:", "a//b"]
)
async def test_a_bad_image_name_is_400(docker_engine: FakeEngine, api: Any, image: str) -> None:
    answer = await post(api, "/docker/pull-image/", status=400, json={"image_name": image})
    assert "Invalid image name" in answer["detail"]
    assert docker_engine.pulls_requested == []


async def test_a_pull_reports_each_layer_and_a_second_pull_joins_it(
    docker_engine: FakeEngine, api: Any
) -> None:
    docker_engine.registry[IMAGE] = {"aaaaaaaaaaaa": 1000, "bbbbbbbbbbbb": 3000}
    docker_engine.release_pulls.clear()  # the layers stop half way until the test lets them go
    started = await post(api, "/docker/pull-image/", json={"image_name": IMAGE})
    assert started["status"] == "started" and started["image_name"] == IMAGE
    assert started["message"] == f"Pull started for {IMAGE}"

    async with asyncio.timeout(5):
        while (await pull_status(api))[IMAGE]["percent"] < 50:
            await asyncio.sleep(0.02)
    halfway = (await pull_status(api))[IMAGE]
    assert halfway["status"] == "pulling" and halfway["percent"] == 50
    assert halfway["layers"] == {
        "aaaaaaaaaaaa": {"status": "Downloading", "current": 500, "total": 1000},
        "bbbbbbbbbbbb": {"status": "Downloading", "current": 1500, "total": 3000},
    }
    joined = await post(api, "/docker/pull-image/", json={"image_name": "hummingbot/hummingbot"})  # :latest
    assert joined["status"] == "in_progress" and joined["started_at"] == started["started_at"]

    docker_engine.release_pulls.set()
    done = await wait_for_pull(api, IMAGE, "completed")
    assert done["percent"] == 100 and done["error"] is None and done["completed_at"] is not None
    assert {layer["status"] for layer in done["layers"].values()} == {"Pull complete"}
    assert docker_engine.pulls_requested == [IMAGE]  # one pull reached the daemon
    assert await get(api, "/docker/available-images/", image_name="hummingbot") == [IMAGE]
    assert await get(api, "/docker/available-images/", image_name="postgres") == []
    assert await get(api, "/docker/available-images/") == [IMAGE]


async def test_several_images_pull_at_once(docker_engine: FakeEngine, api: Any) -> None:
    images = ["hummingbot/hummingbot:latest", "hummingbot/gateway:latest", "emqx:5"]
    for image in images:
        docker_engine.registry[image] = {f"{abs(hash(image)):012x}"[:12]: 100}
    docker_engine.release_pulls.clear()
    for image in images:
        assert (await post(api, "/docker/pull-image/", json={"image_name": image}))["status"] == "started"
    assert {op["status"] for op in (await pull_status(api)).values()} == {"pulling"}
    docker_engine.release_pulls.set()
    for image in images:
        await wait_for_pull(api, image, "completed")
    assert (await get(api, "/docker/pull-status/"))["total_operations"] == 3


async def test_a_missing_image_fails_with_the_daemons_words(docker_engine: FakeEngine, api: Any) -> None:
    started = await post(api, "/docker/pull-image/", json={"image_name": "hummingbot/nosuch:1.0"})
    assert started["status"] == "started"
    failed = await wait_for_pull(api, "hummingbot/nosuch:1.0", "failed")
    assert failed["error"] == "manifest for hummingbot/nosuch:1.0 not found: manifest unknown"
    assert failed["failed_at"] is not None and failed["completed_at"] is None


async def test_the_service_hands_the_desk_its_shapes(docker_engine: FakeEngine, running_desk: Desk) -> None:
    docker_engine.add_container("hummingbot-alpha", state="exited")
    service = running_desk.kernel.service(DOCKER)
    status = await service.status()
    assert status.is_running and status.host == docker_engine.host
    (container,) = await service.containers("exited")
    assert (container.name, container.state, container.status) == (
        "hummingbot-alpha",
        "exited",
        "Exited (0) 2 minutes ago",
    )
    assert container.created == "2023-11-14T22:13:20+00:00"
    await service.start_container("hummingbot-alpha")
    assert [c.name for c in await service.containers("running", "alpha")] == ["hummingbot-alpha"]
    await service.stop_container("hummingbot-alpha")
    result = await service.remove_container("hummingbot-alpha")
    assert (result.container, result.removed, result.archived_to) == ("hummingbot-alpha", True, None)


async def test_without_a_daemon_docker_says_so_and_the_rest_still_serves(api: Any, _docker_host: str) -> None:
    assert await get(api, "/docker/running") is False
    status = await get(api, "/docker/status")
    assert status["is_running"] is False and status["host"] == _docker_host
    assert status["detail"].startswith(f"Docker daemon not reachable at {_docker_host}")
    calls = [
        ("GET", "/docker/available-images/", None),
        ("GET", "/docker/active-containers", None),
        ("GET", "/docker/exited-containers", None),
        ("POST", "/docker/clean-exited-containers", None),
        ("POST", "/docker/remove-container/hummingbot-alpha", None),
        ("POST", "/docker/stop-container/hummingbot-alpha", None),
        ("POST", "/docker/start-container/hummingbot-alpha", None),
        ("POST", "/docker/pull-image/", {"image_name": IMAGE}),
    ]
    for method, path, body in calls:
        response = await api.request(method, path, json=body, headers=AUTH, timeout=BOUND)
        assert response.status == 503, (path, await response.text())
        assert (await response.json())["detail"].startswith(f"Docker daemon not reachable at {_docker_host}")
    assert await get(api, "/docker/pull-status/") == {"pull_operations": {}, "total_operations": 0}
    assert "master_account" in await get(api, "/accounts/")  # the rest of hbdesk is unaffected
