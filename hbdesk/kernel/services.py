"""Service registrations, their typed keys and the order they start in."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from hbdesk.kernel.errors import StartupError

if TYPE_CHECKING:
    from hbdesk.kernel.kernel import Kernel


@runtime_checkable
class Service(Protocol):
    """What the kernel calls on a service; both methods are optional."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class ServiceKey[T]:
    """A service's name and, for type checkers, its type: ``kernel.service(KEY)`` is a ``T``.

    Declared once by the plugin that provides the service, in its ``keys`` module, as
    ``MARKET_DATA: ServiceKey[MarketDataService] = ServiceKey("market_data")``.
    """

    name: str

    def __str__(self) -> str:
        return self.name


ServiceFactory = Callable[["Kernel"], Any]
ServiceRef = ServiceKey[Any] | str


def service_name(ref: ServiceRef) -> str:
    return ref.name if isinstance(ref, ServiceKey) else ref


@dataclass(frozen=True)
class ServiceSpec:
    owner: str
    name: str
    factory: ServiceFactory
    requires: tuple[str, ...] = ()  # started before this one; a missing one stops the start
    migrations: Path | None = None
    optional: tuple[str, ...] = ()  # started before this one when some plugin provides them


class RegisterService(Protocol):
    """``register`` of ``register_services``: bound to the calling plugin."""

    def __call__(
        self,
        key: ServiceRef,
        factory: ServiceFactory,
        requires: Iterable[ServiceRef] = (),
        migrations: Path | str | None = None,
        optional: Iterable[ServiceRef] = (),
    ) -> None: ...


@dataclass
class ServiceRegistry:
    specs: dict[str, ServiceSpec] = field(default_factory=dict)

    def add(self, spec: ServiceSpec) -> None:
        if spec.name in self.specs:
            other = self.specs[spec.name].owner
            raise StartupError(
                f"service {spec.name!r} of plugin {spec.owner!r} is already registered by {other!r}"
            )
        self.specs[spec.name] = spec

    def remove_owner(self, owner: str) -> None:
        """Forget every service of a plugin that failed before the kernel started."""
        for name in [name for name, spec in self.specs.items() if spec.owner == owner]:
            del self.specs[name]

    def registrar(self, owner: str) -> RegisterService:
        """The ``register`` callable handed to one plugin's ``register_services``."""

        def register(
            key: ServiceRef,
            factory: ServiceFactory,
            requires: Iterable[ServiceRef] = (),
            migrations: Path | str | None = None,
            optional: Iterable[ServiceRef] = (),
        ) -> None:
            self.add(
                ServiceSpec(
                    owner,
                    service_name(key),
                    factory,
                    tuple(service_name(r) for r in requires),
                    Path(migrations) if migrations is not None else None,
                    tuple(service_name(o) for o in optional),
                )
            )

        return register

    def start_order(self) -> list[ServiceSpec]:
        for spec in self.specs.values():
            missing = [r for r in spec.requires if r not in self.specs]
            if missing:
                raise StartupError(
                    f"service {spec.name!r} of plugin {spec.owner!r} needs "
                    f"{', '.join(map(repr, missing))}, which no enabled plugin provides"
                )
        graph = {
            s.name: (*s.requires, *(o for o in s.optional if o in self.specs)) for s in self.specs.values()
        }
        try:
            return [self.specs[name] for name in TopologicalSorter(graph).static_order()]
        except CycleError as exc:
            raise StartupError(f"services depend on each other in a cycle: {exc.args[1]}") from exc
