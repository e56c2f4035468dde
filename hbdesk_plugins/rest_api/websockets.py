"""Websocket routes on aiohttp: authentication as the Hummingbot API does it, then the handler.

A client authenticates with the Authorization header, ``?token=base64(user:pass)`` or
``?username=&password=``; a failure is reported on the socket, which then closes with 4001.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Awaitable, Callable, MutableSet
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, hdrs, web

from hbdesk.sdk import CoreSettings, WebSocketRoute
from hbdesk_plugins.rest_api.auth import PUBLIC_KEY, basic_credentials, credentials_match

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel

log = logging.getLogger(__name__)
AUTH_FAILED = 4001


class AiohttpSocket:
    """``hbdesk.routing.Socket`` over an aiohttp websocket."""

    def __init__(self, request: web.Request, ws: web.WebSocketResponse) -> None:
        self._ws = ws
        self.query = dict(request.query)

    @property
    def closed(self) -> bool:
        return self._ws.closed

    async def send(self, message: dict[str, Any] | str) -> None:
        if not self._ws.closed:
            await self._ws.send_str(message if isinstance(message, str) else json.dumps(message))

    async def receive(self) -> str | None:
        while True:
            message = await self._ws.receive()
            if message.type == WSMsgType.TEXT:
                return str(message.data)
            if message.type == WSMsgType.BINARY:
                return bytes(message.data).decode(errors="replace")
            if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                return None

    async def close(self, code: int = 1000, message: str = "") -> None:
        await self._ws.close(code=code, message=message.encode())


def websocket_credentials(request: web.Request) -> tuple[str, str] | None:
    header = basic_credentials(request.headers.get(hdrs.AUTHORIZATION))
    if header is not None:
        return header
    token = request.query.get("token")
    if token:
        try:
            user, _, password = base64.b64decode(token, validate=True).decode().partition(":")
        except ValueError:  # not base64 (binascii.Error), not ASCII, not UTF-8 behind it
            return None
        return user, password
    if "username" in request.query:
        return request.query["username"], request.query.get("password", "")
    return None


def make_websocket_handler(
    route: WebSocketRoute,
    kernel: Kernel,
    settings: CoreSettings,
    open_sockets: MutableSet[web.WebSocketResponse],
) -> Callable[[web.Request], Awaitable[web.WebSocketResponse]]:
    async def handle(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=None)
        await ws.prepare(request)
        open_sockets.add(ws)
        socket = AiohttpSocket(request, ws)
        given = websocket_credentials(request)
        if not settings.debug_mode and (given is None or not credentials_match(settings, *given)):
            await socket.send({"type": "error", "message": "Authentication failed"})
            await socket.close(AUTH_FAILED, "Authentication failed")
            return ws
        try:
            await route.handler(kernel, socket)
        except Exception:
            log.exception("websocket %s failed", route.path)
        finally:
            if not ws.closed:
                await ws.close()
        return ws

    setattr(handle, PUBLIC_KEY, True)  # authenticated on the socket, as clients expect
    handle.__name__ = route.handler.__name__
    return handle
