"""The download page of /mydata's file (core/privacy/download.py): GET shows the person's
buttons and spends nothing, so a messenger's link preview does not use the link up; POST (the
format in the query, no body is read) spends the link and answers the file. Plain HTML, no
script, under the strict Content-Security-Policy."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from bots.services import Services
from core.errors import DomainError
from core.i18n import Translator
from core.members.models import Member
from core.privacy import download, export
from core.storage.uow import run_unit_in_thread

router = APIRouter()
FORMATS = {"xlsx": (export.XLSX, "xlsx"), "json": (export.JSON, "json")}
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _services(request: Request) -> Services:
    services = request.app.state.runtime
    assert isinstance(services, Services)
    return services


def _translator(services: Services, locale: str | None) -> Translator:
    settings = services.settings
    return services.catalogs.translator(locale or settings.default_locale, settings.timezone)


def _page(t: Translator, body: str, status: int = 200) -> HTMLResponse:
    title = escape(t.gettext("Your data"))
    html = (
        f'<!doctype html><html lang="{escape(t.locale)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} · thidua</title><style>body{{font:16px/1.5 system-ui,sans-serif;"
        "max-width:36rem;margin:1.5rem auto;padding:0 1rem}button{font-size:1rem;"
        "padding:.6rem 1rem;margin:.3rem 0;width:100%}</style></head>"
        f"<body><h1>{title}</h1>{body}</body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=NO_STORE)


def _refused(services: Services) -> HTMLResponse:
    t = _translator(services, None)
    text = t.gettext(
        "This link no longer works: it was used, it is more than an hour old, or it was "
        "never given. Send /mydata to the bot and tap «Get my data as a file» for a new one."
    )
    return _page(t, f"<p>{escape(text)}</p>", status=404)


@router.get("/mydata/{token}", include_in_schema=False)
async def mydata_page(request: Request, token: str) -> Response:
    services = _services(request)
    now = services.clock.now()

    def locale_of(session: Session) -> str:
        member = session.get(Member, download.holder(session, token=token, now=now))
        return member.locale if member else services.settings.default_locale

    try:
        locale = await run_unit_in_thread(services.engine, locale_of)
    except DomainError:
        return _refused(services)
    t = _translator(services, locale)
    action = f"{download.PATH}{escape(token)}"
    about = t.gettext(
        "Everything thidua keeps about you, in one file. The link works for one download."
    )
    as_xlsx = t.gettext("Download as a spreadsheet (Excel)")
    as_json = t.gettext("Download as JSON (for another service)")
    body = (
        f"<p>{escape(about)}</p>"
        f'<form method="post" action="{action}?format=xlsx"><button type="submit">'
        f"{escape(as_xlsx)}</button></form>"
        f'<form method="post" action="{action}?format=json"><button type="submit">'
        f"{escape(as_json)}</button></form>"
    )
    return _page(t, body)


@router.post("/mydata/{token}", include_in_schema=False)
async def mydata_file(
    request: Request, token: str, fmt: str = Query("xlsx", alias="format")
) -> Response:
    services = _services(request)
    now = services.clock.now()
    media, extension = FORMATS.get(fmt, FORMATS["xlsx"])

    def build(session: Session) -> bytes:
        member = session.get(Member, download.spend(session, token=token, now=now))
        assert member is not None
        t = _translator(services, member.locale)
        found = export.parts(session, t, member)
        return export.as_json(found, t) if extension == "json" else export.as_xlsx(found, t)

    try:
        data = await run_unit_in_thread(services.engine, build)
    except DomainError:
        return _refused(services)
    name = f"thidua-mydata-{now.date().isoformat()}.{extension}"
    headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=media, headers=headers)
