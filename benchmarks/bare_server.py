"""The baseline: a bare aiohttp handler answering one path with a fixed JSON body.

Usage: bare_server.py PORT [METHOD PATH BODY_FILE] (default: GET /accounts/ with the accounts list).
"""

import sys
from pathlib import Path

from aiohttp import web

port = int(sys.argv[1])
method, path = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else ("GET", "/accounts/")
body = Path(sys.argv[4]).read_bytes() if len(sys.argv) > 4 else b'["master_account"]'


async def answer(request: web.Request) -> web.Response:
    if request.can_read_body:
        await request.read()  # a request body is read, as the real handler reads it
    return web.Response(body=body, content_type="application/json")


app = web.Application()
app.router.add_route(method, path, answer)
web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)
