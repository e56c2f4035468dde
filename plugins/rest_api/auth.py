"""HTTP Basic on every route not marked public, compared in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from aiohttp import BasicAuth, encode_basic_auth, hdrs, web

from hbdesk.sdk import CoreSettings
from hbdesk_plugins.rest_api.errors import json_error

PUBLIC_KEY = "hbdesk_public"


def credentials_match(settings: CoreSettings, username: str, password: str) -> bool:
    # Both comparisons always run, so timing does not tell which part was wrong.
    user_ok = hmac.compare_digest(username.encode(), settings.username.encode())
    pass_ok = hmac.compare_digest(password.encode(), settings.password.get_secret_value().encode())
    return user_ok & pass_ok


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header:
        return None
    try:
        auth = BasicAuth.decode(header)
    except ValueError:  # not base64, not ASCII, no colon: not credentials
        return None
    return auth.login, auth.password


def unauthorized() -> web.Response:
    return json_error(401, "Incorrect username or password", {"WWW-Authenticate": "Basic"})


def auth_middleware(
    settings: CoreSettings, allow_preflight: bool = False
) -> Callable[..., Awaitable[web.StreamResponse]]:
    # The exact header a client sends for the right credentials: most requests match it whole.
    expected = encode_basic_auth(settings.username, settings.password.get_secret_value()).encode()

    @web.middleware
    async def middleware(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if settings.debug_mode or _is_public(request, handler):
            return await handler(request)
        if allow_preflight and request.method == hdrs.METH_OPTIONS:
            return await handler(request)
        header = request.headers.get(hdrs.AUTHORIZATION)
        # Bytes that are not UTF-8 reach us as surrogates: encode them too, never raise.
        if header is not None and hmac.compare_digest(header.encode(errors="surrogatepass"), expected):
            request["user"] = settings.username
            return await handler(request)
        given = basic_credentials(header)
        if given is None or not credentials_match(settings, *given):
            return unauthorized()
        request["user"] = given[0]
        return await handler(request)

    return middleware


def _is_public(request: web.Request, handler: object) -> bool:
    route = request.match_info.route
    if getattr(route.handler, PUBLIC_KEY, False):
        return True
    # Unknown paths answer 404 whoever asks; the static files of /docs are public.
    return (
        request.match_info.http_exception is not None
        or route.resource is None
        or (getattr(route.resource, "canonical", "").startswith("/docs"))
    )
