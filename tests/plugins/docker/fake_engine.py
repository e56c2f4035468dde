"""A small stand-in for the Docker Engine API on a unix socket, for the real ``docker`` SDK to talk to.

It answers what hbdesk asks (ping, version, container lists and actions, image lists, pulls) the
way the daemon does, in its own thread and event loop, so a test in any loop (pytest's, Textual's)
or a separate ``hbdesk serve`` process can use it. Seed ``containers`` and ``registry``; read
``pulls_requested`` and ``requests``.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

API_VERSION = "1.45"
CREATED = 1_700_000_000


def _ident() -> str:
    return secrets.token_hex(32)


@dataclass
class Container:
    name: str
    image: str = "hummingbot/hummingbot:latest"
    state: str = "running"  # running or exited
    id: str = field(default_factory=_ident)

    def row(self) -> dict[str, Any]:
        status = "Up 5 minutes" if self.state == "running" else "Exited (0) 2 minutes ago"
        return {
            "Id": self.id,
            "Names": [f"/{self.name}"],
            "Image": self.image,
            "State": self.state,
            "Status": status,
            "Created": CREATED,
        }


@dataclass
class Image:
    tags: list[str]
    size: int = 1_000_000
    id: str = field(default_factory=lambda: f"sha256:{_ident()}")

    def row(self) -> dict[str, Any]:
        return {"Id": self.id, "RepoTags": self.tags, "Size": self.size, "Created": CREATED}


class FakeEngine:
    def __init__(self, socket_path: Path) -> None:
        self.socket_path = socket_path
        self.host = f"unix://{socket_path}"
        self.containers: dict[str, Container] = {}  # by name
        # Called after each container listing with the status it was filtered by: a test changes
        # the daemon there, between two questions of one look.
        self.after_listing: Any = None
        self.images: list[Image] = []
        self.registry: dict[str, dict[str, int]] = {}  # "repo:tag" → layer id → size, pullable
        self.pulls_requested: list[str] = []
        self.requests: list[str] = []  # "METHOD /path", every request, to see what the SDK asks
        self.release_pulls = threading.Event()  # cleared, pulls stop after their first layer news
        self.release_pulls.set()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None

    # -- seeding ---------------------------------------------------------------------------------

    def add_container(
        self, name: str, state: str = "running", image: str = "hummingbot/hummingbot:latest"
    ) -> Container:
        container = Container(name, image, state)
        self.containers[name] = container
        return container

    # -- running ---------------------------------------------------------------------------------

    def start(self) -> None:
        started = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self._loop)
            self._runner = web.AppRunner(self._app())
            self._loop.run_until_complete(self._runner.setup())
            site = web.UnixSite(self._runner, str(self.socket_path))
            self._loop.run_until_complete(site.start())
            started.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=serve, name="fake-docker-engine", daemon=True)
        self._thread.start()
        started.wait(10)

    def stop(self) -> None:
        self.release_pulls.set()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _app(self) -> web.Application:
        app = web.Application(middlewares=[self._record])
        for method, path, handler in [
            ("GET", "_ping", self.ping),
            ("GET", "version", self.version),
            ("GET", "containers/json", self.list_containers),
            ("GET", "containers/{name}/json", self.inspect),
            ("POST", "containers/{name}/start", self.start_container),
            ("POST", "containers/{name}/stop", self.stop_container),
            ("DELETE", "containers/{name}", self.remove),
            ("GET", "images/json", self.list_images),
            ("POST", "images/create", self.pull),
        ]:
            # The SDK asks /version bare, then everything under /v<api version>/.
            app.router.add_route(method, "/{api:(?:v[0-9.]+/)?}" + path, handler)
        return app

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append(f"{request.method} {request.path_qs}")
        try:
            response: web.StreamResponse = await handler(request)
        except DaemonError as exc:
            return web.json_response({"message": exc.message}, status=exc.status)
        return response

    # -- the API ---------------------------------------------------------------------------------

    async def ping(self, request: web.Request) -> web.Response:
        return web.Response(text="OK")

    async def version(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"Version": "27.0.0-fake", "ApiVersion": API_VERSION, "MinAPIVersion": "1.24"}
        )

    async def list_containers(self, request: web.Request) -> web.Response:
        wanted = json.loads(request.query.get("filters", "{}")).get("status")
        show_all = request.query.get("all") in ("1", "true", "True")
        rows = [
            c.row()
            for c in self.containers.values()
            if (show_all or c.state == "running") and (not wanted or c.state in wanted)
        ]
        if self.after_listing is not None:
            self.after_listing(wanted)
        return web.json_response(rows)

    def _find(self, request: web.Request) -> Container:
        key = request.match_info["name"]
        for container in self.containers.values():
            if key in (container.name, container.id) or (len(key) >= 12 and container.id.startswith(key)):
                return container
        raise DaemonError(404, f"No such container: {key}")

    async def inspect(self, request: web.Request) -> web.Response:
        container = self._find(request)
        return web.json_response(
            {"Id": container.id, "Name": f"/{container.name}", "State": {"Status": container.state}}
        )

    async def start_container(self, request: web.Request) -> web.Response:
        container = self._find(request)
        if container.state == "running":
            return web.Response(status=304)
        container.state = "running"
        return web.Response(status=204)

    async def stop_container(self, request: web.Request) -> web.Response:
        container = self._find(request)
        if container.state != "running":
            return web.Response(status=304)
        container.state = "exited"
        return web.Response(status=204)

    async def remove(self, request: web.Request) -> web.Response:
        container = self._find(request)
        if container.state == "running" and request.query.get("force") not in ("1", "true", "True"):
            raise DaemonError(409, f"cannot remove container {container.name}: container is running")
        del self.containers[container.name]
        return web.Response(status=204)

    async def list_images(self, request: web.Request) -> web.Response:
        return web.json_response([image.row() for image in self.images])

    async def pull(self, request: web.Request) -> web.StreamResponse:
        reference = f"{request.query['fromImage']}:{request.query.get('tag') or 'latest'}"
        self.pulls_requested.append(reference)
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)

        async def line(event: dict[str, Any]) -> None:
            await response.write(json.dumps(event).encode() + b"\r\n")

        tag = reference.rsplit(":", 1)[1]
        await line({"status": f"Pulling from {reference.rsplit(':', 1)[0]}", "id": tag})
        layers = self.registry.get(reference)
        if layers is None:
            message = f"manifest for {reference} not found: manifest unknown"
            await line({"errorDetail": {"message": message}, "error": message})
            return response
        for layer in layers:
            await line({"status": "Pulling fs layer", "progressDetail": {}, "id": layer})
        for layer, size in layers.items():
            await line(
                {
                    "status": "Downloading",
                    "progressDetail": {"current": size // 2, "total": size},
                    "id": layer,
                }
            )
        while not self.release_pulls.is_set():
            await asyncio.sleep(0.01)
        for layer, size in layers.items():
            await line(
                {"status": "Downloading", "progressDetail": {"current": size, "total": size}, "id": layer}
            )
            await line({"status": "Download complete", "progressDetail": {}, "id": layer})
            await line(
                {"status": "Extracting", "progressDetail": {"current": size, "total": size}, "id": layer}
            )
            await line({"status": "Pull complete", "progressDetail": {}, "id": layer})
        await line({"status": f"Digest: sha256:{_ident()}"})
        await line({"status": f"Status: Downloaded newer image for {reference}"})
        self.images.append(Image([reference]))
        return response


class DaemonError(Exception):
    """Answered as the daemon answers its errors: JSON with a message, the SDK's explanation."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@contextmanager
def running_engine() -> Iterator[FakeEngine]:
    # A short folder of its own: a unix socket's path must fit in about a hundred bytes.
    folder = Path(tempfile.mkdtemp(prefix="hbdock-"))
    engine = FakeEngine(folder / "docker.sock")
    engine.start()
    try:
        yield engine
    finally:
        engine.stop()
        shutil.rmtree(folder, ignore_errors=True)
