"""What a page handler is given by FastAPI (`Depends`): the web app built at start-up, this
request's visit, the signed-in officer, the CSRF-checked form, the settings and the words.

Each is computed once per request, so a handler asking for the officer and the form shares
one visit. Declared in the handler's parameters in the order they are checked: the officer
first (no sign-in: to the sign-in page), then the form (a bad CSRF token: a 403 page)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from bots.settings import Settings
from bots.web.context import Me, SignInRequired, Visit, WebApp
from core.i18n import Translator


async def web_app(request: Request) -> WebApp:
    web = request.app.state.web
    assert isinstance(web, WebApp)
    return web


Web = Annotated[WebApp, Depends(web_app)]


async def visit_of(request: Request, web: Web) -> Visit:
    return Visit(web, request)


AnyVisit = Annotated[Visit, Depends(visit_of)]


async def signed_in(visit: AnyVisit) -> Visit:
    """The visit of an officer, checked against the database on every request."""
    await visit.officer()
    return visit


OfficerVisit = Annotated[Visit, Depends(signed_in)]


async def current_officer(visit: OfficerVisit) -> Me:
    if visit.me is None:
        raise SignInRequired
    return visit.me


CurrentMe = Annotated[Me, Depends(current_officer)]


async def checked_form(visit: AnyVisit) -> FormData:
    return await visit.form()


PostedForm = Annotated[FormData, Depends(checked_form)]


async def settings_of(web: Web) -> Settings:
    return web.settings


WebSettings = Annotated[Settings, Depends(settings_of)]


async def translator_of(visit: AnyVisit) -> Translator:
    return visit.t


Words = Annotated[Translator, Depends(translator_of)]
