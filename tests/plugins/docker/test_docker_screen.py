"""The docker screen, with a daemon (the fake engine) and without one: snapshots and keyboard flows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hbdesk.tui.app import DeskApp
from hbdesk.tui.widgets.confirm import ConfirmModal
from hbdesk.tui.widgets.form import FormModal
from tests.desk_support import kernel_running, table_rows
from tests.helpers import wait_for
from tests.plugins.docker.fake_engine import FakeEngine, Image

NOWHERE = "unix:///nonexistent/hbdesk-test/docker.sock"  # fixed, so the snapshot is the same each run


async def open_docker(pilot: Any) -> None:
    app: DeskApp = pilot.app
    await kernel_running(app)
    await pilot.press("g", "d")
    await wait_for(lambda: app.current_mode == "docker")


async def rows_are(pilot: Any, selector: str, expected: list[tuple[str, ...]]) -> None:
    async def match() -> bool:
        await pilot.pause()
        return await table_rows(pilot.app, selector) == expected

    await wait_for(match)


def banner(app: DeskApp) -> str:
    return str(app.screen.query_one("#docker-banner").render())


@pytest.fixture
def seeded(docker_engine: FakeEngine) -> FakeEngine:
    docker_engine.add_container("hummingbot-alpha")
    docker_engine.add_container("hummingbot-beta", state="exited")
    docker_engine.images.append(Image(["hummingbot/hummingbot:latest"], size=2_000_000_000))
    docker_engine.registry["hummingbot/hummingbot:development"] = {"layer-a": 4_000_000, "layer-b": 1_000_000}
    return docker_engine


CONTAINERS = [
    ("hummingbot-alpha", "running", "Up 5 minutes", "hummingbot/hummingbot:latest"),
    ("hummingbot-beta", "exited", "Exited (0) 2 minutes ago", "hummingbot/hummingbot:latest"),
]


@pytest.mark.parametrize("theme", ["hbdesk-dark", "hbdesk-light"])
def test_docker_screen_snapshot(
    snap_compare: Any, make_app: Callable[..., DeskApp], seeded: FakeEngine, theme: str
) -> None:
    async def prepare(pilot: Any) -> None:
        await open_docker(pilot)
        await rows_are(pilot, "#containers", CONTAINERS)
        await rows_are(pilot, "#images", [("1,907 MiB", "hummingbot/hummingbot:latest")])
        await pilot.pause()

    assert snap_compare(make_app(theme), terminal_size=(80, 24), run_before=prepare)


def test_docker_screen_without_a_daemon_snapshot(
    snap_compare: Any, make_app: Callable[..., DeskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HBDESK_DOCKER__HOST", NOWHERE)

    async def prepare(pilot: Any) -> None:
        await open_docker(pilot)
        await wait_for(lambda: "not reachable" in banner(pilot.app))
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=prepare)


async def test_without_a_daemon_the_screen_says_so_and_the_desk_works(
    make_app: Callable[..., DeskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HBDESK_DOCKER__HOST", NOWHERE)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_docker(pilot)
        await wait_for(lambda: "Docker daemon not reachable at unix:///nonexistent" in banner(app))
        assert await table_rows(app, "#containers") == []
        await pilot.press("g", "a")  # the rest of the desk is there
        await wait_for(lambda: app.current_mode == "accounts")


async def test_stop_start_and_remove_by_keyboard_with_confirmation(
    make_app: Callable[..., DeskApp], seeded: FakeEngine, tmp_path: Path
) -> None:
    app = make_app(data_dir=tmp_path / "desk")
    instance = tmp_path / "desk" / "bots" / "instances" / "hummingbot-alpha"
    instance.mkdir(parents=True)
    (instance / "conf.yml").write_text("strategy: pmm\n")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_docker(pilot)
        await rows_are(pilot, "#containers", CONTAINERS)
        await pilot.press("x")  # stop asks first; "n" leaves it running
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("n")
        await pilot.pause()
        assert seeded.containers["hummingbot-alpha"].state == "running"
        await pilot.press("x")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_for(lambda: seeded.containers["hummingbot-alpha"].state == "exited")
        await pilot.press("s")  # start needs no confirmation
        await wait_for(lambda: seeded.containers["hummingbot-alpha"].state == "running")
        await pilot.press("d")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_for(lambda: "hummingbot-alpha" not in seeded.containers)
        assert not instance.exists()
        archived = tmp_path / "desk" / "bots" / "archived" / "hummingbot-alpha" / "conf.yml"
        assert archived.read_text() == "strategy: pmm\n"
        await rows_are(pilot, "#containers", CONTAINERS[1:])


async def test_a_pull_shows_its_progress(make_app: Callable[..., DeskApp], seeded: FakeEngine) -> None:
    seeded.release_pulls.clear()  # the pull stops half way until released
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_docker(pilot)
        await pilot.press("p")
        await wait_for(lambda: isinstance(app.screen, FormModal))
        await pilot.press(*"hummingbot/hummingbot:development", "enter")

        def pull_label() -> str:
            labels = app.screen.query(".pull Label")
            return str(labels.first().render()) if labels else ""

        await wait_for(lambda: "pulling" in pull_label(), timeout=15)
        bar = app.screen.query_one(".pull ProgressBar")
        await wait_for(lambda: bar.progress == 50.0, timeout=15)
        seeded.release_pulls.set()
        await wait_for(lambda: "pulled" in pull_label(), timeout=15)
        assert bar.progress == 100.0
        assert seeded.pulls_requested == ["hummingbot/hummingbot:development"]


async def test_a_container_that_stops_between_two_listings_is_shown_once(
    make_app: Callable[..., DeskApp], docker_engine: FakeEngine
) -> None:
    docker_engine.add_container("hummingbot-alpha")

    def stop_after_the_running_list(wanted: Any) -> None:
        if wanted == ["running"]:
            docker_engine.containers["hummingbot-alpha"].state = "exited"
            docker_engine.after_listing = None

    docker_engine.after_listing = stop_after_the_running_list
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_docker(pilot)
        await wait_for(lambda: docker_engine.after_listing is None)
        await pilot.pause()
        rows = await table_rows(app, "#containers")
        assert [row[0] for row in rows] == ["hummingbot-alpha"]
