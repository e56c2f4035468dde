"""What every subscription websocket of the API shares: the session around its subscriptions.

A session says ``connected`` with its id, beats every 30 s, answers ``ping`` with ``pong``, and
turns ``subscribe`` and ``unsubscribe`` actions into subscriptions, each a task of its own that
pushes while it lives. Anything malformed gets ``{type: error, message}`` and the connection stays
up. A plugin's socket subclasses ``SocketSession`` and writes ``open_subscription``: validate the
message, send the acknowledgement with ``acknowledge``, then ``start`` the pushing task.

Clients (the API client's helpers among them) take the message after their subscribe to be its
acknowledgement. So no push goes out while a subscription is being set up, nor within
``ACK_GRACE`` of an acknowledgement: a client subscribing to several streams in a row gets each
acknowledgement in turn. Pushes wait for their turn with ``push_turn``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from hbdesk.kernel.errors import HbdeskError

if TYPE_CHECKING:
    from hbdesk.kernel.kernel import Kernel
    from hbdesk.routing import Socket

log = logging.getLogger(__name__)
HEARTBEAT = 30.0
ACK_GRACE = 0.5  # seconds after an acknowledgement for the client's next subscribe to arrive


def validation_problems(exc: ValidationError) -> str:
    """A pydantic error as one line a client can read: ``field: message; ...``."""
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'message'}: {e['msg']}"
        for e in exc.errors(include_url=False, include_input=False)
    )


class SocketSession:
    """One client's connection to a subscription websocket (see the module's protocol)."""

    def __init__(self, kernel: Kernel, socket: Socket) -> None:
        self.kernel = kernel
        self.socket = socket
        self.connection_id = uuid.uuid4().hex[:12]
        self.subscriptions: dict[str, asyncio.Task[None]] = {}
        self._send_lock = asyncio.Lock()
        self._pushes_open = asyncio.Event()
        self._pushes_open.set()
        self._quiet_until = 0.0

    async def open_subscription(self, message: dict[str, Any]) -> None:
        """Validate a subscribe message, ``acknowledge`` it and ``start`` its task, or say what is
        wrong with ``error``."""
        raise NotImplementedError

    async def send(self, message: dict[str, Any] | str) -> None:
        async with self._send_lock:
            await self.socket.send(message)

    async def error(self, message: str) -> None:
        await self.send({"type": "error", "message": message})

    async def run(self) -> None:
        await self.send(
            {"type": "connected", "connection_id": self.connection_id, "timestamp": self.kernel.clock()}
        )
        heartbeat = asyncio.create_task(self._heartbeat())
        try:
            while (raw := await self.socket.receive()) is not None:
                await self.handle(raw)
        finally:
            heartbeat.cancel()
            for task in self.subscriptions.values():
                task.cancel()
            await asyncio.gather(heartbeat, *self.subscriptions.values(), return_exceptions=True)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            await self.push_turn()
            await self.send({"type": "heartbeat", "timestamp": self.kernel.clock()})

    async def handle(self, raw: str) -> None:
        try:
            message = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than a parser may go
            await self.error("Messages must be JSON objects")
            return
        action = message.get("action") if isinstance(message, dict) else None
        if action == "ping":
            await self.send({"type": "pong", "timestamp": self.kernel.clock()})
        elif action == "subscribe":
            await self.subscribe(message)
        elif action == "unsubscribe":
            await self.unsubscribe(message.get("subscription_id"))
        else:
            await self.error(f"Unknown action: {action}. Valid actions: subscribe, unsubscribe, ping")

    async def subscribe(self, message: dict[str, Any]) -> None:
        self._pushes_open.clear()
        try:
            await self.open_subscription(message)
        finally:
            self._quiet_until = asyncio.get_running_loop().time() + ACK_GRACE
            self._pushes_open.set()

    async def acknowledge(self, subscription_id: str, subscription_type: str, **fields: Any) -> None:
        """The ``subscribed`` message; sent before the subscription's task starts, so no push of
        it can overtake its acknowledgement."""
        await self.send(
            {
                **fields,
                "type": "subscribed",
                "subscription_type": subscription_type,
                "subscription_id": subscription_id,
            }
        )

    def start(self, subscription_id: str, pushing: Coroutine[Any, Any, None]) -> None:
        """Run a subscription's task; one already under the same id is replaced."""
        previous = self.subscriptions.pop(subscription_id, None)
        if previous is not None:
            previous.cancel()
        self.subscriptions[subscription_id] = asyncio.create_task(self._guarded(subscription_id, pushing))

    async def _guarded(self, subscription_id: str, pushing: Coroutine[Any, Any, None]) -> None:
        """A subscription's task: a failure is told to the client, not raised."""
        try:
            await pushing
        except asyncio.CancelledError:
            raise
        except HbdeskError as exc:
            await self.error(f"{subscription_id}: {exc.detail}")
        except Exception:
            log.exception("subscription %s failed", subscription_id)
            await self.error(f"{subscription_id}: stopped by an internal error")

    async def unsubscribe(self, subscription_id: Any) -> None:
        task = self.subscriptions.pop(subscription_id, None) if isinstance(subscription_id, str) else None
        if task is None:
            if subscription_id is None:
                await self.error("unsubscribe requires 'subscription_id'")
            else:
                await self.error(f"No subscription found: {subscription_id!r}")
            return
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await self.send({"type": "unsubscribed", "subscription_id": subscription_id})

    async def push_turn(self) -> float:
        """Wait until pushes may go out; the loop time the wait ended, or 0 when there was none."""
        loop = asyncio.get_running_loop()
        waited = False
        while True:
            if not self._pushes_open.is_set():
                waited = True
                await self._pushes_open.wait()
            rest = self._quiet_until - loop.time()
            if rest <= 0 and self._pushes_open.is_set():
                return loop.time() if waited else 0.0
            waited = True
            await asyncio.sleep(max(rest, 0))
