"""What other plugins may use of the executors plugin: its service key, the executor type a
plugin registers through ``register_executor_types``, and its events."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from hbdesk.sdk import Event, ServiceKey

if TYPE_CHECKING:
    from hbdesk_plugins.executors.service import ExecutorService

EXECUTORS: ServiceKey[ExecutorService] = ServiceKey("executors")


@dataclass(frozen=True)
class ExecutorType:
    """One kind of executor: a hummingbot ``ExecutorBase`` subclass and its pydantic config.

    The classes may be given as ``"module:Class"`` text, imported on first use, so a plugin
    registers its types without importing hummingbot. ``state`` names the executor's private
    attributes that, with its config, rebuild it after a restart (their values: numbers, text,
    Decimals, enums, ``TrackedOrder``s and lists or dicts of those); ``None`` means it cannot be
    resumed, and a restart closes it with that reason instead of guessing.
    """

    name: str  # the config's ``type``: "position_executor"
    executor_class: type | str
    config_class: type | str
    description: str = ""
    use_case: str = ""
    state: tuple[str, ...] | None = None
    needs_gateway: bool = False  # its connectors are Gateway's (a 503 here without one)
    not_resumable_reason: str = ""  # said when ``state`` is None

    def load_executor(self) -> type:
        return _load(self.executor_class)

    def load_config(self) -> type:
        return _load(self.config_class)


def _load(target: type | str) -> type:
    if isinstance(target, type):
        return target
    module, _, name = target.partition(":")
    loaded = getattr(importlib.import_module(module), name)
    if not isinstance(loaded, type):
        raise TypeError(f"{target} is not a class")
    return loaded


class RegisterExecutorType(Protocol):
    def __call__(self, executor_type: ExecutorType) -> None: ...


@dataclass(frozen=True)
class ExecutorChanged(Event):
    """An executor was created, changed status or closed; ``executor`` is its row as the API
    shows it."""

    executor_id: str
    status: str
    executor: dict[str, Any] = field(default_factory=dict)
