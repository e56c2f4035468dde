"""Containers and images through the Docker daemon, with or without a daemon to talk to.

The docker SDK blocks, so every call runs in a thread with a time limit; the service never
contacts the daemon while the kernel starts, so hbdesk serves everything else without one. Pulls
stream in a thread of their own and report each layer's progress on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import docker
import docker.errors

from hbdesk.sdk import Conflict, HbdeskError, InvalidInput, NotFound, Unavailable, confined, excerpt
from hbdesk_plugins.docker.models import (
    ContainerInfo,
    DaemonStatus,
    ImageInfo,
    LayerProgress,
    PullState,
    RemovalResult,
)
from hbdesk_plugins.docker.names import CONTAINER_NAME, bot_container_name, container_name, image_reference
from hbdesk_plugins.docker.settings import DockerSettings

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel

log = logging.getLogger(__name__)

FINISHED_PULLS_KEPT = 50  # the status of older finished pulls is forgotten
# Statuses after which a layer's bytes are all on the host (it may still be unpacked).
DOWNLOADED = frozenset(
    {"Download complete", "Verifying Checksum", "Extracting", "Pull complete", "Already exists"}
)

PullEvent = dict[str, Any] | None  # one line of the daemon's pull stream; None once it ends


class DockerService:
    def __init__(self, kernel: Kernel, settings: DockerSettings | None = None) -> None:
        self.kernel = kernel
        self.settings = settings or kernel.settings.section("docker", DockerSettings)
        self.host = self.settings.host
        self._clients: dict[float, Any] = {}  # one SDK client per time limit, made on first use
        self._clients_lock = threading.Lock()
        self._pulls: dict[str, PullState] = {}
        self._stopping = threading.Event()

    @property
    def data_dir(self) -> Path:
        return self.kernel.settings.core.data_dir

    async def start(self) -> None:
        """Nothing: the daemon is asked only when something is wanted of it, so a missing daemon
        never stops the kernel."""

    async def stop(self) -> None:
        """End the pulls and close the connections to the daemon."""
        self._stopping.set()  # pull threads give up at their next line
        with self._clients_lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await asyncio.to_thread(client.close)

    # -- containers ------------------------------------------------------------------------------

    async def start_container(self, name: str) -> None:
        """Start a stopped container."""
        container_name(name)
        await self._call(lambda client: client.api.start(name), self.settings.action_timeout, name)

    async def stop_container(self, name: str) -> None:
        """Stop a running container (killed after ``stop_grace`` seconds)."""
        container_name(name)
        grace = self.settings.stop_grace
        await self._call(
            lambda client: client.api.stop(name, timeout=grace), self.settings.action_timeout, name
        )

    # -- the daemon ------------------------------------------------------------------------------

    async def status(self) -> DaemonStatus:
        """Whether the daemon answers, in words; never raises."""
        try:
            version = await self._call(lambda client: client.version())
        except HbdeskError as exc:
            return DaemonStatus(is_running=False, host=self.host, detail=exc.detail)
        except Exception as exc:  # a promise to the desk: the status line never breaks
            log.exception("asking the Docker daemon at %s for its version failed", self.host)
            return DaemonStatus(is_running=False, host=self.host, detail=f"{self._unreachable}: {exc}")
        detail = f"Docker {version.get('Version', '?')} (API {version.get('ApiVersion', '?')})"
        return DaemonStatus(is_running=True, host=self.host, detail=detail)

    async def containers(
        self, state: Literal["running", "exited"], name_filter: str | None = None
    ) -> list[ContainerInfo]:
        """Containers in one state; ``name_filter`` keeps the names that contain it (any case)."""
        rows = await self._call(lambda client: client.api.containers(all=True, filters={"status": state}))
        found = [_container(row) for row in rows]
        if name_filter:
            found = [c for c in found if name_filter.lower() in c.name.lower()]
        return sorted(found, key=lambda c: c.name)

    async def images(self, name_filter: str | None = None) -> list[ImageInfo]:
        """Images on the host; ``name_filter`` keeps those with a tag that contains it."""
        rows = await self._call(lambda client: client.api.images())
        found = [_image(row) for row in rows]
        if name_filter:
            found = [i for i in found if any(name_filter in tag for tag in i.tags)]
        return found

    async def remove_container(self, name: str, archive_locally: bool = True) -> RemovalResult:
        """Remove a bot's container (running or not) and, with ``archive_locally``, move its
        instance folder into the archive; without it, the folder stays where it is."""
        bot_container_name(name)
        if archive_locally:
            await asyncio.to_thread(self._instance_folder, name)  # refused before anything moves
        await self._call(lambda client: client.api.inspect_container(name), container=name)
        await self._call(
            lambda client: client.api.remove_container(name, force=True), self.settings.action_timeout, name
        )
        archived = await asyncio.to_thread(self._archive, name) if archive_locally else None
        return RemovalResult(container=name, removed=True, archived_to=str(archived) if archived else None)

    async def clean_exited(self) -> list[str]:
        """Remove every exited container; the names of those removed."""
        removed = []
        for container in await self.containers("exited"):

            def remove(client: Any, ident: str = container.id) -> None:
                client.api.remove_container(ident)

            try:
                await self._call(remove, self.settings.action_timeout, container.name)
            except NotFound:
                continue  # removed by someone else meanwhile: gone all the same
            removed.append(container.name)
        return removed

    # -- bots' instance folders ------------------------------------------------------------------

    def _instance_folder(self, name: str) -> Path:
        """Where a bot keeps its files, refused if it leads outside the instances folder."""
        return _within(self.data_dir / "bots" / "instances", name)

    def _archive(self, name: str) -> Path | None:
        source = self._instance_folder(name)
        if not source.is_dir():
            return None  # the bot left nothing to keep
        archived = self.data_dir / "bots" / "archived"
        archived.mkdir(parents=True, exist_ok=True)
        target = _within(archived, name)
        if target.exists():
            stamp = datetime.fromtimestamp(self.kernel.clock(), UTC).strftime("%Y%m%d-%H%M%S")
            target = _within(archived, f"{name}-{stamp}")
            count = 1
            while target.exists():
                count += 1
                target = _within(archived, f"{name}-{stamp}-{count}")
        try:
            shutil.move(source, target)
        except OSError as exc:
            raise Unavailable(
                f"Container {name} was removed, but its instance folder could not be archived: {exc}"
            ) from exc
        return target

    # -- pulls -----------------------------------------------------------------------------------

    async def pull(self, image: str) -> PullState:
        """Start pulling an image in the background, or join the pull of it already running."""
        state, _joined = await self.start_pull(image)
        return state

    async def start_pull(self, image: str) -> tuple[PullState, bool]:
        """As ``pull``, and whether it joined a pull already running."""
        reference = image_reference(image)
        if (current := self._running_pull(reference)) is not None:
            return current, True
        await self._call(lambda client: client.ping())  # a missing daemon is a 503 now, not a failed pull
        if (current := self._running_pull(reference)) is not None:
            return current, True  # another request started it while this one asked the daemon
        state = PullState(image=reference, status="pulling", started_at=self.kernel.clock())
        self._pulls.pop(reference, None)  # a new pull goes to the end, with the newest
        self._pulls[reference] = state
        self._forget_old_pulls()
        self.kernel.spawn(self._follow_pull(state), name=f"docker pull {reference}")
        return state.model_copy(deep=True), False

    def _running_pull(self, reference: str) -> PullState | None:
        current = self._pulls.get(reference)
        return current.model_copy(deep=True) if current is not None and current.status == "pulling" else None

    def pulls(self) -> list[PullState]:
        """Every pull still remembered, oldest first."""
        return [state.model_copy(deep=True) for state in self._pulls.values()]

    async def _follow_pull(self, state: PullState) -> None:
        loop = asyncio.get_running_loop()
        events: asyncio.Queue[PullEvent] = asyncio.Queue()
        given_up = threading.Event()

        def emit(event: PullEvent) -> None:
            try:
                loop.call_soon_threadsafe(events.put_nowait, event)
            except RuntimeError:  # the loop has closed: nobody is listening any more
                given_up.set()

        # A thread of its own, not the loop's pool: a stream the daemon stops feeding must not
        # hold a worker, nor the process at exit.
        threading.Thread(
            target=self._stream_pull, args=(state.image, emit, given_up), daemon=True, name="docker-pull"
        ).start()
        idle = self.settings.pull_idle_timeout
        try:
            while state.status == "pulling":
                try:
                    event = await asyncio.wait_for(events.get(), idle)
                except TimeoutError:
                    self._finish(state, f"No progress from the Docker daemon for {idle:g} s")
                    return
                if event is None:
                    self._finish(state)
                    return
                _apply(state, event)
                if state.error is not None:
                    self._finish(state, state.error)
        finally:
            given_up.set()
            if state.status == "pulling":
                self._finish(state, "The pull was stopped before it finished (hbdesk is stopping)")

    def _stream_pull(self, image: str, emit: Callable[[PullEvent], None], given_up: threading.Event) -> None:
        try:
            client = self._client(self.settings.timeout)
            for event in client.api.pull(image, stream=True, decode=True):
                if given_up.is_set() or self._stopping.is_set():
                    return
                emit(event if isinstance(event, dict) else {"status": str(event)})
        except docker.errors.APIError as exc:
            emit({"error": _explanation(exc)})
        except (docker.errors.DockerException, OSError) as exc:
            emit({"error": f"{self._unreachable}: {_reason(exc)}"})
        finally:
            emit(None)

    def _finish(self, state: PullState, error: str | None = None) -> None:
        state.finished_at = self.kernel.clock()
        if error is None:
            state.status, state.progress = "done", 1.0
        else:
            state.status, state.error = "failed", error

    def _forget_old_pulls(self) -> None:
        finished = [name for name, state in self._pulls.items() if state.status != "pulling"]
        for name in finished[: max(0, len(finished) - FINISHED_PULLS_KEPT)]:
            del self._pulls[name]

    # -- calling the SDK -------------------------------------------------------------------------

    @property
    def _unreachable(self) -> str:
        return f"Docker daemon not reachable at {self.host}"

    def _client(self, timeout: float) -> Any:
        """An SDK client whose requests give up after ``timeout``; making one asks the daemon for
        its API version, so it is made in a worker thread, on first use."""
        with self._clients_lock:
            client = self._clients.get(timeout)
            if client is None:
                client = docker.DockerClient(base_url=self.host, version="auto", timeout=timeout)
                self._clients[timeout] = client
            return client

    async def _call[T](
        self, work: Callable[[Any], T], timeout: float | None = None, container: str | None = None
    ) -> T:
        """``work(client)`` in a worker thread, within ``timeout``; the SDK's errors become the
        ones a trader can read (``container`` names what a 404 is about)."""
        limit = timeout or self.settings.timeout

        def run() -> T:
            return work(self._client(limit))

        try:
            return await asyncio.wait_for(asyncio.to_thread(run), limit)
        except TimeoutError:
            raise Unavailable(f"{self._unreachable}: no answer within {limit:g} s") from None
        except docker.errors.NotFound as exc:
            what = f"Container {container!r}" if container else "It"
            raise NotFound(f"{what} was not found: {_explanation(exc)}") from None
        except docker.errors.APIError as exc:
            code = exc.status_code or 500
            if code == 409:
                raise Conflict(_explanation(exc)) from None
            if 400 <= code < 500:
                raise InvalidInput(f"The Docker daemon refused: {_explanation(exc)}") from None
            raise Unavailable(f"The Docker daemon at {self.host} failed: {_explanation(exc)}") from None
        except (docker.errors.DockerException, OSError) as exc:
            raise Unavailable(f"{self._unreachable}: {_reason(exc)}") from None


def _apply(state: PullState, event: dict[str, Any]) -> None:
    """One line of the pull stream: an error, a layer's news, or a line about the whole image."""
    if event.get("error") or event.get("errorDetail"):
        detail = event.get("errorDetail") or {}
        state.error = str(event.get("error") or detail.get("message") or "the pull failed")
        return
    layer, status = event.get("id"), str(event.get("status", ""))
    if not layer or status.startswith("Pulling from"):  # "Pulling from" carries the tag as its id
        return
    progress = state.layers.setdefault(str(layer), LayerProgress(status=status))
    progress.status = status
    detail = event.get("progressDetail") or {}
    if "current" in detail or "total" in detail:
        progress.current, progress.total = int(detail.get("current", 0)), int(detail.get("total", 0))
    state.progress = sum(_downloaded(p) for p in state.layers.values()) / len(state.layers)


def _downloaded(layer: LayerProgress) -> float:
    if layer.status in DOWNLOADED:
        return 1.0
    if layer.status == "Downloading" and layer.total > 0:
        return min(1.0, layer.current / layer.total)
    return 0.0


def _container(row: dict[str, Any]) -> ContainerInfo:
    names = row.get("Names") or []
    image = str(row.get("Image", ""))
    return ContainerInfo(
        id=str(row["Id"]),
        name=names[0].lstrip("/") if names else str(row["Id"])[:12],
        image=image.removeprefix("sha256:")[:12] if image.startswith("sha256:") else image,
        state=str(row.get("State", "")),
        status=str(row.get("Status", "")),
        created=_iso(row.get("Created")),
    )


def _image(row: dict[str, Any]) -> ImageInfo:
    tags = [tag for tag in row.get("RepoTags") or [] if tag != "<none>:<none>"]
    return ImageInfo(
        id=str(row["Id"]), tags=tags, size=int(row.get("Size", 0)), created=_iso(row.get("Created"))
    )


def _iso(epoch: Any) -> str:
    return datetime.fromtimestamp(int(epoch or 0), UTC).isoformat()


def _explanation(exc: Any) -> str:
    """The daemon's own words for an API error."""
    return str(getattr(exc, "explanation", None) or exc)


def _reason(exc: BaseException) -> str:
    """The deepest cause of a connection failure, in a few words (no such socket, refused)."""
    seen: BaseException | None = exc
    reason = str(exc)
    while seen is not None:
        if isinstance(seen, OSError) and seen.strerror:
            reason = seen.strerror
        for arg in seen.args:
            if isinstance(arg, OSError) and arg.strerror:
                reason = arg.strerror
        seen = seen.__cause__ or seen.__context__
    return excerpt(reason, 200)


def _within(folder: Path, name: str) -> Path:
    """``folder / name`` for a container's name (already checked), resolved, refused unless it
    is directly inside ``folder``."""
    return confined(folder, name, pattern=CONTAINER_NAME)
