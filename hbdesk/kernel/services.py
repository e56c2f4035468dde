"""Service registrations and the order they start in."""

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


ServiceFactory = Callable[["Kernel"], Any]


@dataclass(frozen=True)
class ServiceSpec:
    owner: str
    name: str
    factory: ServiceFactory
    requires: tuple[str, ...] = ()
    migrations: Path | None = None


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

    def registrar(self, owner: str) -> Callable[..., None]:
        """The ``register`` callable handed to one plugin's ``register_services``."""

        def register(
            name: str,
            factory: ServiceFactory,
            requires: Iterable[str] = (),
            migrations: Path | str | None = None,
        ) -> None:
            self.add(
                ServiceSpec(
                    owner,
                    name,
                    factory,
                    tuple(requires),
                    Path(migrations) if migrations is not None else None,
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
        sorter = TopologicalSorter({s.name: s.requires for s in self.specs.values()})
        try:
            return [self.specs[name] for name in sorter.static_order()]
        except CycleError as exc:
            raise StartupError(f"services depend on each other in a cycle: {exc.args[1]}") from exc
