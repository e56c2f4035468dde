"""The docker router, driven by the Hummingbot API's own Python client against a real server that
talks to a fake Docker Engine (or to nothing)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from hummingbot_api_client import HummingbotAPIClient

from tests.helpers import PASSWORD
from tests.plugins.docker.fake_engine import FakeEngine, running_engine
from tests.server import Served, start_server, stop_server

pytestmark = pytest.mark.slow

IMAGE = "hummingbot/hummingbot:latest"


@pytest.fixture(scope="module")
def engine() -> Iterator[FakeEngine]:
    with running_engine() as running:
        yield running


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, engine: FakeEngine) -> Iterator[Served]:
    running = start_server(tmp_path_factory.mktemp("serve"), env={"HBDESK_DOCKER__HOST": engine.host})
    yield running
    stop_server(running)


async def test_every_docker_route_through_the_client(
    client: HummingbotAPIClient, engine: FakeEngine, served: Served
) -> None:
    docker = client.docker
    engine.add_container("hummingbot-alpha")
    engine.add_container("hummingbot-beta", state="exited")
    engine.add_container("postgres", image="postgres:16")
    engine.registry[IMAGE] = {"aaaaaaaaaaaa": 1000, "bbbbbbbbbbbb": 2000}
    folder = served.data_dir / "bots" / "instances" / "hummingbot-alpha"
    folder.mkdir(parents=True)
    (folder / "conf_client.yml").write_text("instance_id: hummingbot-alpha\n")

    assert await docker.is_running() is True
    assert [c["name"] for c in await docker.get_active_containers("hummingbot")] == ["hummingbot-alpha"]
    assert [c["name"] for c in await docker.get_exited_containers()] == ["hummingbot-beta"]

    assert (await docker.stop_container("hummingbot-alpha"))["success"] is True
    assert (await docker.start_container("hummingbot-beta"))["success"] is True
    assert [c["name"] for c in await docker.get_exited_containers("hummingbot")] == ["hummingbot-alpha"]

    # The pinned client sends archive_locally as a Python bool, which aiohttp refuses before it
    # leaves the client; the route is asked through the client's own session with the string.
    with pytest.raises(TypeError):
        await docker.remove_container("hummingbot-alpha")
    removed = await docker._post(
        "/docker/remove-container/hummingbot-alpha", params={"archive_locally": "true"}
    )
    assert removed["success"] is True
    assert (
        Path(removed["archived_to"]) == (served.data_dir / "bots" / "archived" / "hummingbot-alpha").resolve()
    )
    assert not folder.exists()

    assert (await docker.stop_container("hummingbot-beta"))["success"] is True
    assert (await docker.clean_exited_containers())["removed_containers"] == ["hummingbot-beta"]
    assert set(engine.containers) == {"postgres"}

    started = await docker.pull_image("hummingbot/hummingbot", "latest")
    assert started["status"] in ("started", "in_progress") and started["image_name"] == IMAGE
    async with asyncio.timeout(10):
        while (operation := (await docker.get_pull_status())["pull_operations"][IMAGE])[
            "status"
        ] == "pulling":
            await asyncio.sleep(0.05)
    assert operation["status"] == "completed" and operation["percent"] == 100
    assert await docker.get_available_images("hummingbot") == [IMAGE]


async def test_client_errors_carry_the_detail(client: HummingbotAPIClient, engine: FakeEngine) -> None:
    docker = client.docker
    engine.add_container("postgres", image="postgres:16")
    with pytest.raises(aiohttp.ClientResponseError) as not_a_bot:
        await docker._post("/docker/remove-container/postgres", params={"archive_locally": "true"})
    assert not_a_bot.value.status == 400 and "only removes Hummingbot containers" in not_a_bot.value.message
    with pytest.raises(aiohttp.ClientResponseError) as unknown:
        await docker.stop_container("hummingbot-ghost")
    assert unknown.value.status == 404
    with pytest.raises(aiohttp.ClientResponseError) as bad_image:
        await docker.pull_image("Not An Image")
    assert bad_image.value.status == 400 and "Invalid image name" in bad_image.value.message


@pytest.fixture(scope="module")
def served_without_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("nodaemon")
    nothing = f"unix://{root / 'nothing.sock'}"
    running = start_server(root, env={"HBDESK_DOCKER__HOST": nothing})
    yield running
    stop_server(running)


async def test_without_a_daemon_the_client_hears_it_plainly(served_without_daemon: Served) -> None:
    async with HummingbotAPIClient(served_without_daemon.url, "admin", PASSWORD) as api:
        assert await api.docker.is_running() is False  # the dashboard's "Docker is not running" check
        with pytest.raises(aiohttp.ClientResponseError) as down:
            await asyncio.wait_for(api.docker.get_active_containers(), 2)
        assert down.value.status == 503
        assert down.value.message.startswith("Docker daemon not reachable at unix://")
        assert "master_account" in await api.accounts.list_accounts()  # the rest serves as ever
