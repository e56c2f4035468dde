"""Swagger UI at /docs, served from the swagger-ui-bundle package (no CDN)."""

from __future__ import annotations

from aiohttp import web

DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} - API docs</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true}});
</script>
</body>
</html>
"""


def add_docs(app: web.Application, title: str) -> None:
    from swagger_ui_bundle import swagger_ui_path

    page = DOCS_PAGE.format(title=title)

    async def docs(_request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    app.router.add_get("/docs", docs)
    app.router.add_static("/docs/static", str(swagger_ui_path))
