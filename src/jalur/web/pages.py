"""The dashboard pages: Pathways, Vehicle, Tax & TCO and Data, in English or Bahasa Indonesia, served with every
script and style (plotly.js from the installed plotly package): it works offline."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

HERE = Path(__file__).parent
PAGES = {"pathways": ("Pathways", "Jalur"), "vehicles": ("Vehicle", "Kendaraan"),
         "tax": ("Tax & TCO", "Pajak & TCO"), "data": ("Data", "Data")}
STATIC = {"app.js": "text/javascript", "app.css": "text/css"}


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def mount(app: FastAPI) -> None:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))

    @app.get("/", include_in_schema=False)
    def home():
        return RedirectResponse("/pathways")

    def page(name: str):
        def view(request: Request, lang: str = "en"):
            lang = "id" if lang == "id" else "en"
            html = env.get_template(f"{name}.html").render(page=name, pages=PAGES, lang=lang,
                                                           title=PAGES[name][lang == "id"])
            return HTMLResponse(html)
        return view

    for name in PAGES:
        app.get(f"/{name}", include_in_schema=False, response_class=HTMLResponse)(page(name))

    @app.get("/api/v1/docs", include_in_schema=False)
    def docs():
        from fastapi.openapi.docs import get_swagger_ui_html

        return get_swagger_ui_html(openapi_url="/api/v1/openapi.json", title="jalur API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css", swagger_favicon_url="data:,")

    @app.get("/static/swagger/{name}", include_in_schema=False)
    def swagger(name: str):
        import swagger_ui_bundle

        types = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}
        if name not in types:
            from jalur.web.api import ApiError

            raise ApiError(404, f"no file {name!r}", "name", list(types))
        return FileResponse(Path(swagger_ui_bundle.swagger_ui_path) / name, media_type=types[name])

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js():
        return FileResponse(_plotly_js(), media_type="text/javascript")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str):
        if name not in STATIC:
            from jalur.web.api import ApiError

            raise ApiError(404, f"no static file {name!r}", "name", list(STATIC))
        return FileResponse(HERE / "static" / name, media_type=STATIC[name])
