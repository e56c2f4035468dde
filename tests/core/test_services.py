from __future__ import annotations

from pathlib import Path

import pytest

from hbdesk.kernel.errors import StartupError
from hbdesk.kernel.kernel import Kernel, KernelState
from hbdesk.settings import Settings
from tests.helpers import core_settings


class Recorder:
    def __init__(self, name: str, log: list[str], fail: bool = False) -> None:
        self.name, self.log, self.fail = name, log, fail

    async def start(self) -> None:
        if self.fail:
            raise RuntimeError(f"{self.name} cannot start")
        self.log.append(f"start {self.name}")

    async def stop(self) -> None:
        self.log.append(f"stop {self.name}")


def kernel(tmp_path: Path) -> Kernel:
    return Kernel(Settings(core_settings(tmp_path)))


async def test_services_start_in_dependency_order_and_stop_in_reverse(tmp_path: Path) -> None:
    log: list[str] = []
    k = kernel(tmp_path)
    register = k.registry.registrar("test")
    register("trading", lambda _k: Recorder("trading", log), requires=("market", "accounts"))
    register("market", lambda _k: Recorder("market", log), requires=("accounts",))
    register("accounts", lambda _k: Recorder("accounts", log))
    await k.start()
    assert k.state is KernelState.RUNNING
    assert log == ["start accounts", "start market", "start trading"]
    await k.stop()
    assert log[3:] == ["stop trading", "stop market", "stop accounts"]
    assert k.state is KernelState.STOPPED


async def test_a_failing_service_stops_those_already_started(tmp_path: Path) -> None:
    log: list[str] = []
    k = kernel(tmp_path)
    register = k.registry.registrar("test")
    register("a", lambda _k: Recorder("a", log))
    register("b", lambda _k: Recorder("b", log, fail=True), requires=("a",))
    with pytest.raises(RuntimeError, match="b cannot start"):
        await k.start()
    assert log == ["start a", "stop a"]
    assert k.state is KernelState.FAILED
    assert k.error == "b cannot start"


async def test_a_missing_requirement_names_the_service_and_plugin(tmp_path: Path) -> None:
    k = kernel(tmp_path)
    k.registry.registrar("bots")("orchestrator", lambda _k: object(), requires=("mqtt",))
    with pytest.raises(StartupError, match="'orchestrator' of plugin 'bots' needs 'mqtt'"):
        await k.start()


async def test_dependency_cycles_are_refused(tmp_path: Path) -> None:
    k = kernel(tmp_path)
    register = k.registry.registrar("p")
    register("a", lambda _k: object(), requires=("b",))
    register("b", lambda _k: object(), requires=("a",))
    with pytest.raises(StartupError, match="cycle"):
        await k.start()


def test_two_plugins_cannot_register_the_same_service(tmp_path: Path) -> None:
    k = kernel(tmp_path)
    k.registry.registrar("one")("accounts", lambda _k: object())
    with pytest.raises(StartupError, match="already registered by 'one'"):
        k.registry.registrar("two")("accounts", lambda _k: object())


async def test_background_tasks_are_cancelled_on_stop(tmp_path: Path) -> None:
    import asyncio

    k = kernel(tmp_path)
    await k.start()
    task = k.spawn(asyncio.sleep(3600), name="sleeper")
    await k.stop()
    assert task.cancelled()
