"""``/ws/executors``: executors, their summary, performance, held positions and logs, pushed when
they change.

Subscribe with ``{action: subscribe, type, update_interval?, ...}``, one of:

- ``executors`` with ``filters`` (any of account_name, connector_name, trading_pair,
  executor_type, status, controller_id): every matching executor, as the search lists them;
- ``executor_detail`` with ``executor_id``: one executor;
- ``executor_summary``; ``performance`` and ``positions`` with an optional ``controller_id``;
- ``executor_logs`` with ``executor_id``, optional ``level`` and ``limit`` (100): new lines only;
- ``bot_status`` (``bot_name``) and ``all_bots_status``, answered once bot orchestration runs here.

Each subscription looks every ``update_interval`` seconds (2 by default, kept within 0.5-60) and
pushes ``{type, subscription_id, data, timestamp}`` (lists also ``total_count``) only when its data
changed; the first push is the current data, after the ``subscribed`` acknowledgement. The same
subscription asked again on a connection replaces the first. Session protocol (connected,
heartbeat, ping, unsubscribe, errors): ``hbdesk.sdk.SocketSession``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import Field, ValidationError

from hbdesk.sdk import HbdeskError, InvalidInput, RequestModel, Socket, SocketSession, validation_problems
from hbdesk_plugins.executors import reports
from hbdesk_plugins.executors.logs import LEVELS
from hbdesk_plugins.executors.public import EXECUTORS

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel
    from hbdesk_plugins.executors.service import ExecutorService

DEFAULT_INTERVAL = 2.0
FASTEST, SLOWEST = 0.5, 60.0
STATUSES = ("NOT_STARTED", "RUNNING", "SHUTTING_DOWN", "TERMINATED")


class Filters(RequestModel):
    """What an ``executors`` subscription narrows to (one value each, as the reference takes them)."""

    model_config = {"extra": "forbid"}

    account_name: str | None = Field(None, max_length=128)
    connector_name: str | None = Field(None, max_length=128)
    trading_pair: str | None = Field(None, max_length=64)
    executor_type: str | None = Field(None, max_length=64)
    status: str | None = Field(None, max_length=32)
    controller_id: str | None = Field(None, max_length=128)


class Subscription(RequestModel):
    """A subscribe message, whatever its type (each type reads the fields it needs)."""

    type: str = Field(max_length=64)
    update_interval: float = DEFAULT_INTERVAL
    filters: dict[str, Any] | None = None
    executor_id: str | None = Field(None, min_length=1, max_length=128)
    controller_id: str | None = Field(None, max_length=128)
    level: str | None = Field(None, max_length=16)
    limit: int = Field(100, ge=1, le=1000)
    bot_name: str | None = Field(None, max_length=128)

    @property
    def interval(self) -> float:
        return min(max(self.update_interval, FASTEST), SLOWEST)


# What a subscription type makes of a request: its id and a reader giving the message to push
# (``data`` and maybe ``total_count``) when something changed, None otherwise.
Reader = Callable[[], dict[str, Any] | None]
Opened = tuple[str, Reader]


def only_changes(read: Callable[[], dict[str, Any]]) -> Reader:
    """A reader that answers None while ``read``'s answer stays the same."""
    last = ""

    def changed() -> dict[str, Any] | None:
        nonlocal last
        message = read()
        encoded = json.dumps(message, sort_keys=True, default=str)
        digest = hashlib.md5(encoded.encode(), usedforsecurity=False).hexdigest()
        if digest == last:
            return None
        last = digest
        return message

    return changed


class ExecutorsSession(SocketSession):
    @property
    def service(self) -> ExecutorService:
        return self.kernel.service(EXECUTORS)

    async def open_subscription(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        openers: dict[str, Callable[[Subscription], Opened]] = {
            "executors": self._executors,
            "executor_detail": self._detail,
            "executor_summary": self._summary,
            "performance": self._performance,
            "positions": self._positions,
            "executor_logs": self._logs,
            "bot_status": self._bots,
            "all_bots_status": self._bots,
        }
        if not isinstance(kind, str) or kind not in openers:
            await self.error(f"Unknown subscription type: {kind}. Valid types: {sorted(openers)}")
            return
        fields = {key: value for key, value in message.items() if key != "action"}
        try:
            request = Subscription.model_validate(fields)
            subscription_id, read = openers[kind](request)
        except ValidationError as exc:
            await self.error(f"Invalid {kind} subscription: {validation_problems(exc)}")
            return
        except HbdeskError as exc:
            await self.error(exc.detail)
            return
        await self.acknowledge(subscription_id, kind, update_interval=request.interval)
        self.start(subscription_id, self._push(subscription_id, kind, request.interval, read))

    # -- the types --------------------------------------------------------------------------------

    def _executors(self, request: Subscription) -> Opened:
        filters = Filters.model_validate(request.filters or {})
        if filters.status is not None and filters.status.upper() not in STATUSES:
            raise InvalidInput(f"Unknown status {filters.status!r}. Valid: {', '.join(STATUSES)}")
        if filters.executor_type is not None and filters.executor_type not in self.service.types:
            valid = ", ".join(sorted(self.service.types))
            raise InvalidInput(f"Unknown executor type {filters.executor_type!r}. Valid: {valid}")
        chosen = filters.model_dump(exclude_none=True)
        digest = hashlib.md5(json.dumps(chosen, sort_keys=True).encode(), usedforsecurity=False).hexdigest()

        wanted = {**chosen, "status": chosen["status"].upper()} if "status" in chosen else chosen

        def read() -> dict[str, Any]:
            items = [
                item
                for item in reports.ordered(self.service.views())
                if all(item.get(name) == value for name, value in wanted.items())
            ]
            return {"data": items, "total_count": len(items)}

        return f"executors_{digest[:8]}", only_changes(read)

    def _detail(self, request: Subscription) -> Opened:
        executor_id = self._required(request.executor_id, "executor_detail", "executor_id")
        self.service.view(executor_id)  # unknown → NotFound, said at once

        def read() -> dict[str, Any]:
            try:
                return {"data": self.service.view(executor_id)}
            except HbdeskError:
                return {"data": None}

        return f"executor_detail_{executor_id}", only_changes(read)

    def _summary(self, request: Subscription) -> Opened:
        return "executor_summary", only_changes(lambda: {"data": reports.summary(self.service)})

    def _performance(self, request: Subscription) -> Opened:
        controller = request.controller_id
        return f"performance_{controller or 'all'}", only_changes(
            lambda: {"data": reports.performance(self.service, controller)}
        )

    def _positions(self, request: Subscription) -> Opened:
        controller = request.controller_id
        return f"positions_{controller or 'all'}", only_changes(
            lambda: {"data": reports.positions(self.service, controller)}
        )

    def _logs(self, request: Subscription) -> Opened:
        executor_id = self._required(request.executor_id, "executor_logs", "executor_id")
        if request.level is not None and request.level.upper() not in LEVELS:
            raise InvalidInput(f"Unknown log level {request.level!r}. Valid: {', '.join(LEVELS)}")
        level = request.level.upper() if request.level else None
        self.service.executor_logs(executor_id, level, 1)  # unknown → NotFound, said at once
        seen = -1  # the highest sequence number sent; -1 until the first push

        def read() -> dict[str, Any] | None:
            # Each line carries a sequence number that only grows (sent with it): a line is sent
            # once, however many lines the executor keeps. The first push is what there is.
            nonlocal seen
            lines = self.service.logs.entries(executor_id)
            if level is not None:
                lines = [line for line in lines if line["level"] == level]
            fresh = [line for line in lines[-request.limit :] if line["sequence"] > seen]
            if not fresh and seen >= 0:
                return None
            seen = max([seen, 0, *(line["sequence"] for line in fresh)])
            return {"data": fresh, "total_count": len(lines)}

        return f"executor_logs_{executor_id}", read

    def _bots(self, request: Subscription) -> Opened:
        if request.type == "bot_status":
            self._required(request.bot_name, "bot_status", "bot_name")
        raise InvalidInput(
            f"{request.type}: bot orchestration is not available on this desk "
            "(no bot orchestration plugin is loaded)"
        )

    @staticmethod
    def _required(value: str | None, kind: str, name: str) -> str:
        if not value:
            raise InvalidInput(f"{kind} requires '{name}'")
        return value

    # -- pushing ----------------------------------------------------------------------------------

    async def _push(self, subscription_id: str, kind: str, interval: float, read: Reader) -> None:
        while True:
            message = read()
            if message is not None:
                await self.push_turn()
                await self.send(
                    {
                        "type": kind,
                        "subscription_id": subscription_id,
                        **message,
                        "timestamp": self.kernel.clock(),
                    }
                )
            await asyncio.sleep(interval)


async def executors_socket(kernel: Kernel, socket: Socket) -> None:
    """Streams executors and their figures (see the module's protocol)."""
    await ExecutorsSession(kernel, socket).run()
