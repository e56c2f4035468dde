"""The kernel: settings, database, secrets, event bus and the services plugins register."""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

from hbdesk.kernel.db import Database, redacted
from hbdesk.kernel.events import Event, EventBus
from hbdesk.kernel.files import private_dir
from hbdesk.kernel.preferences import Preferences
from hbdesk.kernel.services import ServiceKey, ServiceRegistry, ServiceSpec, service_name
from hbdesk.settings import Settings

if TYPE_CHECKING:
    from hbdesk.kernel.secrets import SecretBox

log = logging.getLogger(__name__)
T = TypeVar("T")


class KernelState(enum.StrEnum):
    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    FAILED = "failed"


class KernelStateChanged(Event):
    pass


class HookCaller(Protocol):
    """``kernel.call_hook(name, registrar=None, **kwargs)``: call a hook on every plugin through
    pluggy; with a ``registrar(plugin) -> register``, each plugin's ``register`` is its own.
    Returns (plugin name, result) pairs; a plugin whose hook raises is left out and reported."""

    def __call__(
        self,
        hook_name: str,
        registrar: Callable[[str], Callable[..., Any]] | None = None,
        **kwargs: Any,
    ) -> list[tuple[str, Any]]: ...


def _no_plugins(
    hook_name: str, registrar: Callable[[str], Callable[..., Any]] | None = None, **kwargs: Any
) -> list[tuple[str, Any]]:
    return []


class Kernel:
    """Starts services in dependency order, stops them in reverse, and shares the plumbing."""

    def __init__(self, settings: Settings | None = None, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings or Settings()
        self.clock = clock  # the time every service reads; tests freeze or step it
        self.bus = EventBus()
        self.registry = ServiceRegistry()
        self.db = Database(self.settings.core.db_url)
        self.preferences = Preferences(self.settings.core.data_dir / "preferences.json")
        self.state = KernelState.STOPPED
        self.error: str | None = None
        self._services: dict[str, Any] = {}
        self._started: list[ServiceSpec] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._secrets: SecretBox | None = None
        # Calls a hook on every plugin (a plugin's own hooks included); set by the runtime.
        self.call_hook: HookCaller = _no_plugins

    # -- access ---------------------------------------------------------------------------------

    @overload
    def service(self, key: ServiceKey[T]) -> T: ...

    @overload
    def service(self, key: str) -> Any: ...

    def service(self, key: ServiceKey[Any] | str) -> Any:
        """A running service, by its typed key (or its name)."""
        name = service_name(key)
        try:
            return self._services[name]
        except KeyError:
            raise LookupError(f"no running service named {name!r}") from None

    def optional_service(self, key: ServiceKey[T]) -> T | None:
        """A service declared as ``optional``: None when no enabled plugin provides it (or the
        kernel is not running yet)."""
        return self._services.get(key.name)

    @property
    def services(self) -> dict[str, Any]:
        return dict(self._services)

    @property
    def secrets(self) -> SecretBox:
        if self._secrets is None:
            raise RuntimeError("the kernel has not opened its secrets yet")
        return self._secrets

    # -- lifecycle ------------------------------------------------------------------------------

    def _set_state(self, state: KernelState) -> None:
        self.state = state
        self.bus.publish(KernelStateChanged())

    async def start(self) -> None:
        if self.state is KernelState.RUNNING:
            return
        self._set_state(KernelState.STARTING)
        core = self.settings.core
        try:
            private_dir(core.data_dir)
            order = self.registry.start_order()
            migrations = [s.migrations for s in order if s.migrations is not None]
            await self.db.start(migrations)
            from hbdesk.kernel.secrets import SecretBox

            self._secrets = await SecretBox.open(
                self.db, core.config_password.get_secret_value(), redacted(self.db.url)
            )
            for spec in order:
                service = spec.factory(self)
                if hasattr(service, "start"):
                    await service.start()
                self._services[spec.name] = service
                self._started.append(spec)
        except BaseException as exc:
            self.error = getattr(exc, "detail", None) or str(exc) or type(exc).__name__
            await self._stop_started()
            self._set_state(KernelState.FAILED)
            raise
        self._set_state(KernelState.RUNNING)
        log.info("kernel running with %d services", len(self._services))

    async def stop(self) -> None:
        if self.state in (KernelState.STOPPED, KernelState.STOPPING):
            return
        self._set_state(KernelState.STOPPING)
        await self._stop_started()
        await self.bus.close()
        self._set_state(KernelState.STOPPED)
        log.info("kernel stopped; database closed")

    async def _stop_started(self) -> None:
        for task in tuple(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for spec in reversed(self._started):
            service = self._services.pop(spec.name, None)
            if service is not None and hasattr(service, "stop"):
                try:
                    await service.stop()
                except Exception:
                    log.exception("service %s failed to stop", spec.name)
        self._started.clear()
        self._services.clear()
        await self.db.stop()

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str | None = None) -> asyncio.Task[Any]:
        """Run ``coro`` in the background; it is cancelled when the kernel stops."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.error("background task %s failed", t.get_name(), exc_info=t.exception())

        task.add_done_callback(done)
        return task

    async def __aenter__(self) -> Kernel:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
