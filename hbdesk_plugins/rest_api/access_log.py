"""The access log: one line a request, with secrets in the query string redacted."""

from __future__ import annotations

import logging

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


class MalformedRequestFilter(logging.Filter):
    """aiohttp logs a client's malformed HTTP with a full traceback; one line says it better."""

    def filter(self, record: logging.LogRecord) -> bool:
        from aiohttp.http_exceptions import BadHttpMessage

        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, BadHttpMessage):
            record.msg = "malformed request refused (400): %s"
            record.args = (str(error).splitlines()[0],)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = None
            record.exc_text = None
        return True


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
