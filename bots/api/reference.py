"""The admin API's reference page at /docs, made on the server from the OpenAPI description:
no script and nothing from another site, so it works on a closed network and under the
strict Content-Security-Policy. (FastAPI's own /docs loads Swagger UI from a CDN with an
inline script; it is switched off in bots/app.py.) The machine-readable description stays at
/openapi.json for tools."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from core.i18n import Translator

METHODS = ("get", "post", "put", "patch", "delete")
STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:1rem auto;padding:0 1rem}"
    "code,pre{font:13px ui-monospace,monospace}section{border-top:1px solid #ccc;padding:.5rem 0}"
    "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;"
    "text-align:left;vertical-align:top}.m{font-weight:bold;text-transform:uppercase}"
)
Spec = dict[str, Any]
router = APIRouter()


def type_of(schema: Spec) -> str:
    """A schema in a few words: `string`, `array of CampaignOut`, `integer or null` ..."""
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        return f'<a href="#schema-{escape(name)}">{escape(name)}</a>'
    if "anyOf" in schema:
        return " | ".join(type_of(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(f"<code>{escape(str(v))}</code>" for v in schema["enum"])
    if schema.get("type") == "array":
        return f"[{type_of(schema.get('items', {}))}]"
    kind = escape(str(schema.get("type", "object")))
    return f"{kind} ({escape(str(schema['format']))})" if "format" in schema else kind


def _parameters(t: Translator, operation: Spec) -> str:
    rows = [
        f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
        f"<td>{type_of(p.get('schema', {}))}</td>"
        f"<td>{t.gettext('required') if p.get('required') else ''}</td></tr>"
        for p in operation.get("parameters", [])
        if p["name"] != "authorization"
    ]
    return f"<table>{''.join(rows)}</table>" if rows else ""


def _body(t: Translator, operation: Spec) -> str:
    content = operation.get("requestBody", {}).get("content", {})
    kinds = [f"<code>{escape(k)}</code> {type_of(v.get('schema', {}))}" for k, v in content.items()]
    return f"<p>{t.gettext('Request body')}: {', '.join(kinds)}</p>" if kinds else ""


def _responses(t: Translator, operation: Spec) -> str:
    items = []
    for status, answer in operation.get("responses", {}).items():
        schemas = [type_of(v.get("schema", {})) for v in answer.get("content", {}).values()]
        items.append(f"<li><code>{escape(status)}</code> {' '.join(schemas)}</li>")
    return f"<p>{t.gettext('Answers')}:</p><ul>{''.join(items)}</ul>"


def _operation(t: Translator, path: str, method: str, operation: Spec) -> str:
    about = escape(operation.get("description", "")).replace("\n\n", "<br><br>")
    return (
        f'<section><h3><span class="m">{method}</span> <code>{escape(path)}</code></h3>'
        f"<p>{escape(operation.get('summary', ''))}</p><p>{about}</p>"
        f"{_parameters(t, operation)}{_body(t, operation)}{_responses(t, operation)}</section>"
    )


def _schema(name: str, schema: Spec) -> str:
    required = set(schema.get("required", []))
    rows = "".join(
        f"<tr><td><code>{escape(field)}</code>{' *' if field in required else ''}</td>"
        f"<td>{type_of(spec)}</td><td>{escape(str(spec.get('description', '')))}</td></tr>"
        for field, spec in schema.get("properties", {}).items()
    )
    kind = "" if rows else f"<p>{type_of(schema)}</p>"
    anchor = f"schema-{escape(name)}"
    return f'<section id="{anchor}"><h3>{escape(name)}</h3>{kind}<table>{rows}</table></section>'


def page(t: Translator, spec: Spec) -> str:
    operations = [
        _operation(t, path, method, item[method])
        for path, item in spec.get("paths", {}).items()
        for method in METHODS
        if method in item
    ]
    schemas = [_schema(n, s) for n, s in spec.get("components", {}).get("schemas", {}).items()]
    intro = t.gettext(
        "Every call needs the header Authorization: Bearer TOKEN, with a token from "
        "«thidua officer token» (it acts within that officer's units) or the operator's "
        "THIDUA_ADMIN_TOKEN. The same description for tools: {link}."
    ).format(link='<a href="/openapi.json">/openapi.json</a>')
    return (
        f'<!doctype html><html lang="{escape(t.locale)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(t.gettext('The admin API of thidua'))}</title><style>{STYLE}</style>"
        f"</head><body><h1>{escape(t.gettext('The admin API of thidua'))}</h1><p>{intro}</p>"
        f"<h2>{escape(t.gettext('Calls'))}</h2>{''.join(operations)}"
        f"<h2>{escape(t.gettext('Shapes of the data'))}</h2>{''.join(schemas)}</body></html>"
    )


@router.get("/docs", include_in_schema=False)
async def reference(request: Request) -> HTMLResponse:
    """The reference, in the operator's default language."""
    settings = request.app.state.runtime.settings
    t = request.app.state.runtime.catalogs.translator(settings.default_locale, settings.timezone)
    return HTMLResponse(page(t, request.app.openapi()))
