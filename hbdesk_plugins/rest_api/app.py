"""The aiohttp application factory for the REST front door."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import WSCloseCode, hdrs, web

from hbdesk.sdk import VERSION, Desk, Route, WebSocketRoute, owned, settle_heap
from hbdesk_plugins.rest_api.auth import PUBLIC_KEY, auth_check
from hbdesk_plugins.rest_api.binding import make_handler
from hbdesk_plugins.rest_api.docs import add_docs
from hbdesk_plugins.rest_api.errors import front_door
from hbdesk_plugins.rest_api.openapi import build_openapi
from hbdesk_plugins.rest_api.settings import RestApiSettings
from hbdesk_plugins.rest_api.websockets import make_websocket_handler

DESK = web.AppKey("desk", Desk)
ROUTES: web.AppKey[list[Route]] = web.AppKey("routes", list)
# open websockets, closed on shutdown
SOCKETS: web.AppKey[weakref.WeakSet[web.WebSocketResponse]] = web.AppKey("sockets", weakref.WeakSet)
TITLE = "hbdesk"
SERVER_NAME = "hbdesk"


def collect_routes(desk: Desk) -> list[Route | WebSocketRoute]:
    """Every plugin's routes; a plugin whose route or operationId another plugin already holds
    is left out whole (and reported), the others are served."""
    routes: list[Route | WebSocketRoute] = []
    seen: dict[str, str] = {}  # "GET /path" and operationIds → the plugin holding them

    def claim(name: str, what: str, owner: str) -> None:
        if name in seen and seen[name] != owner:
            raise ValueError(f"{what} {name} is already registered by plugin {seen[name]!r}")
        seen[name] = owner

    def registrar(owner: str) -> Any:
        def register(new_routes: Any) -> None:
            mine = owned(list(new_routes), owner)
            for route in mine:
                if isinstance(route, Route):
                    claim(f"{route.method} {route.path}", "route", owner)
                    claim(route.operation_id, "operationId", owner)
                else:
                    claim(f"GET {route.path}", "websocket route", owner)
            routes.extend(mine)

        return register

    desk.kernel.call_hook("register_routes", registrar=registrar, kernel=desk.kernel)
    failed = {info.name for info in desk.plugins.failures}
    return [route for route in routes if route.owner not in failed]


def create_app(desk: Desk, manage_desk: bool = True) -> web.Application:
    """Build the app; with ``manage_desk`` it starts and stops the desk with the server."""
    settings: RestApiSettings = desk.kernel.settings.section("rest_api")
    core = desk.kernel.settings.core
    app = web.Application(
        middlewares=[front_door(auth_check(core, allow_preflight=bool(settings.cors_origins)))],
        client_max_size=settings.max_body_bytes,
    )
    app[DESK] = desk
    collected = collect_routes(desk)
    routes = [route for route in collected if isinstance(route, Route)]
    app[ROUTES] = routes
    for route in routes:
        handler = make_handler(route, desk.kernel)
        if route.method == "GET":
            app.router.add_get(route.path, handler)  # HEAD too, answered without a body
        else:
            app.router.add_route(route.method, route.path, handler)
    sockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()
    app[SOCKETS] = sockets
    for socket_route in collected:
        if isinstance(socket_route, WebSocketRoute):
            handle = make_websocket_handler(socket_route, desk.kernel, core, sockets)
            app.router.add_get(socket_route.path, handle, allow_head=False)
    document = build_openapi(routes, TITLE, VERSION)

    async def openapi(_request: web.Request) -> web.Response:
        return web.json_response(document)

    setattr(openapi, PUBLIC_KEY, True)
    app.router.add_get("/openapi.json", openapi)
    add_docs(app, TITLE)
    if settings.cors_origins:
        _enable_cors(app, settings.cors_origins)
    app.on_response_prepare.append(_plain_server_header)
    app.on_shutdown.append(_close_sockets)
    if manage_desk:
        app.cleanup_ctx.append(_desk_lifecycle)
    return app


async def _desk_lifecycle(app: web.Application) -> AsyncIterator[None]:
    desk = app[DESK]
    await desk.start()
    settle_heap()  # start-up objects stay for the process's life
    yield
    await desk.stop()


async def _plain_server_header(_request: web.Request, response: web.StreamResponse) -> None:
    # aiohttp would name itself and the Python version: nothing a client needs to know.
    response.headers[hdrs.SERVER] = SERVER_NAME


async def _close_sockets(app: web.Application) -> None:
    """On shutdown, tell every open websocket at once (1001 going away): their handlers return,
    so the server does not wait out its shutdown timeout for sockets that never end."""
    open_sockets = app[SOCKETS]  # read on its own: mypy cannot match an AppKey to list()'s wider type
    sockets = list(open_sockets)
    await asyncio.gather(
        *(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down") for ws in sockets),
        return_exceptions=True,
    )


def _enable_cors(app: web.Application, origins: list[str]) -> None:
    import aiohttp_cors

    def options(origin: str) -> aiohttp_cors.ResourceOptions:
        # Any origin ("*") may read only what needs no credentials: with credentials allowed,
        # every web page could read authenticated answers through a browser that holds them.
        return aiohttp_cors.ResourceOptions(  # type: ignore[no-untyped-call]  # aiohttp_cors has no type hints
            allow_credentials=origin != "*", expose_headers="*", allow_headers="*"
        )

    cors = aiohttp_cors.setup(app, defaults={origin: options(origin) for origin in origins})
    for route in list(app.router.routes()):
        cors.add(route)
