"""The docker domain's fixtures: a fake Docker Engine on a unix socket, or nothing at all."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.plugins.docker.fake_engine import FakeEngine, running_engine


@pytest.fixture
def docker_engine() -> Iterator[FakeEngine]:
    """A fake Docker Engine API; the desk of a test that asks for it talks to it."""
    with running_engine() as engine:
        yield engine


@pytest.fixture
def no_daemon() -> Iterator[str]:
    """A unix:// host where nothing listens."""
    folder = Path(tempfile.mkdtemp(prefix="hbdock-"))
    yield f"unix://{folder / 'nothing.sock'}"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _docker_host(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every desk here talks to the fake engine when the test asks for one, otherwise to nothing;
    never to the developer's own daemon. Autouse, so it is set before the desk reads its settings."""
    fixture = "docker_engine" if "docker_engine" in request.fixturenames else "no_daemon"
    value = request.getfixturevalue(fixture)
    host = value.host if isinstance(value, FakeEngine) else str(value)
    monkeypatch.setenv("HBDESK_DOCKER__HOST", host)
    return host
