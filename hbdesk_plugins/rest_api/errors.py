"""Every failure becomes a JSON ``{"detail": ...}`` with the right status; a 500 is a bug."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from hbdesk.sdk import (
    ConfigPasswordError,
    Conflict,
    HbdeskError,
    InvalidInput,
    NotFound,
    TimedOut,
    Unavailable,
)

log = logging.getLogger(__name__)

STATUS_OF: list[tuple[type[HbdeskError], int]] = [
    (InvalidInput, 400),
    (NotFound, 404),
    (Conflict, 409),
    (Unavailable, 503),
    (TimedOut, 504),
    (ConfigPasswordError, 503),
]


class RequestInvalid(Exception):
    """Request validation failed; ``errors`` are FastAPI-style ``{loc, msg, type}`` entries."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("request validation failed")
        self.errors = errors


def validation_errors(exc: ValidationError, where: str) -> list[dict[str, Any]]:
    """Pydantic's errors located as FastAPI locates them; the input is never echoed back."""
    return [
        {"type": err["type"], "loc": [where, *err["loc"]], "msg": err["msg"]}
        for err in exc.errors(include_url=False, include_input=False, include_context=False)
    ]


DETAIL_MAX = 2_000  # characters: a message that quotes input is cut before it grows with it


def json_error(status: int, detail: Any, headers: dict[str, str] | None = None) -> web.Response:
    if isinstance(detail, str) and len(detail) > DETAIL_MAX:
        detail = detail[: DETAIL_MAX - 1] + "…"
    return web.json_response({"detail": detail}, status=status, headers=headers)


def status_for(exc: HbdeskError) -> int:
    for cls, status in STATUS_OF:
        if isinstance(exc, cls):
            return status
    return 400


def front_door(refuse: Callable[[web.Request], web.Response | None]) -> Any:
    """The one middleware: who may ask (``refuse`` answers 401s), then every failure as a JSON
    ``{"detail": ...}`` with its status. One layer, not two: it runs on every request."""

    @web.middleware
    async def middleware(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            refusal = refuse(request)
            if refusal is not None:
                return refusal
            return await handler(request)
        except RequestInvalid as exc:
            return json_error(422, exc.errors)
        except HbdeskError as exc:
            return json_error(status_for(exc), exc.detail)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            headers = {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "www-authenticate")}
            return json_error(exc.status, exc.reason, headers)
        except Exception:
            log.exception("unhandled error on %s %s", request.method, request.path)
            return json_error(500, "Internal server error")

    return middleware
