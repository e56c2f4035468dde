"""HTTP Basic on every route not marked public, compared in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Callable

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


Refusal = Callable[[web.Request], web.Response | None]


def auth_check(settings: CoreSettings, allow_preflight: bool = False) -> Refusal:
    """``check(request)``: None when the request may go on (``request["user"]`` set), else the 401."""
    # The exact header a client sends for the right credentials: most requests match it whole.
    expected = encode_basic_auth(settings.username, settings.password.get_secret_value()).encode()

    def check(request: web.Request) -> web.Response | None:
        if settings.debug_mode or _is_public(request):
            return None
        if allow_preflight and request.method == hdrs.METH_OPTIONS:
            return None
        header = request.headers.get(hdrs.AUTHORIZATION)
        # Bytes that are not UTF-8 reach us as surrogates: encode them too, never raise.
        if header is not None and hmac.compare_digest(header.encode(errors="surrogatepass"), expected):
            request["user"] = settings.username
            return None
        given = basic_credentials(header)
        if given is None or not credentials_match(settings, *given):
            return unauthorized()
        request["user"] = given[0]
        return None

    return check


def _is_public(request: web.Request) -> bool:
    route = request.match_info.route
    if getattr(route.handler, PUBLIC_KEY, False):
        return True
    # Unknown paths answer 404 whoever asks; the static files of /docs are public.
    return (
        request.match_info.http_exception is not None
        or route.resource is None
        or (getattr(route.resource, "canonical", "").startswith("/docs"))
    )
