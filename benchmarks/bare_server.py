"""The baseline: a bare aiohttp handler returning the same JSON as GET /accounts/."""

import sys

from aiohttp import web

BODY = b'["master_account"]'


async def accounts(_request: web.Request) -> web.Response:
    return web.Response(body=BODY, content_type="application/json")


app = web.Application()
app.router.add_get("/accounts/", accounts)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
