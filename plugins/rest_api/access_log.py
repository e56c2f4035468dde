"""The access log: one line a request, with secrets in the query string redacted."""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

SECRET_PARAMS = frozenset({"token", "password", "api_key", "secret", "private_key"})


def loggable_target(request: web.BaseRequest) -> str:
    if not request.query:
        return request.path
    parts = [
        f"{key}={'***' if key.lower() in SECRET_PARAMS else value}" for key, value in request.query.items()
    ]
    return f"{request.path}?{'&'.join(parts)}"


class AccessLogger(AbstractAccessLogger):
    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            '%s "%s %s" %s %s %.1fms',
            request.remote,
            request.method,
            loggable_target(request),
            response.status,
            response.body_length,
            time * 1000,
        )
