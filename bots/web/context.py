"""One request to the officer pages: its session, its language, its database work, its answer."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from bots.bootstrap import Runtime
from bots.web import problems
from bots.web.clients import client_address
from bots.web.labels import platform_name
from bots.web.session import COOKIE, SessionCodec, WebSession
from bots.web.throttle import SigninThrottle
from core.campaigns.scope import Actor
from core.errors import DomainError, Forbidden, NotFound, TooManyAttempts
from core.i18n import Translator
from core.initiatives.notify import Notifier
from core.members import service as members
from core.members.models import Member, UnionUnit
from core.storage.uow import run_unit_in_thread
from core.websignin import sessions

log = logging.getLogger(__name__)
T = TypeVar("T")
TEMPLATES = Path(__file__).parent / "templates"
PREFIX = "/web"


class SignInRequired(Exception):
    """No officer is signed in (or they are no longer an officer): go to the sign-in page."""


class WebProblem(Exception):
    def __init__(self, status: int, err: DomainError | str) -> None:
        super().__init__(err if isinstance(err, str) else err.code)
        self.status, self.err = status, err


@dataclass(frozen=True)
class Refused:
    """A refusal to show on the page of the form that was posted (status and its words)."""

    status: int
    message: str


def status_of(err: DomainError) -> int:
    if isinstance(err, NotFound):
        return 404
    if isinstance(err, Forbidden):
        return 403
    if isinstance(err, TooManyAttempts):
        return 429
    return 422


@dataclass(frozen=True)
class Me:
    member_id: int
    name: str
    units: tuple[UnionUnit, ...]

    @property
    def actor(self) -> Actor:
        return Actor.officer(self.member_id)


# What the shared macros (_macros.html) read while a page is rendered: its words and its CSRF
# token. The pages import those macros without their context: imported "with context", each
# page made a module of its own whose macros and context referred to each other, a cycle that
# held everything the page was given (its rows, their ORM objects) until the garbage
# collector freed it, in pauses of tens of milliseconds every few dozen pages
# (docs/benchmarks.md, issue 16). Imported without it, the module is made once.
_RENDERING: ContextVar[tuple[Translator, str]] = ContextVar("desk_rendering")


def _words(message: str, **params: object) -> str:
    return _RENDERING.get()[0].gettext(message, **params)


class _PageTranslator:
    """`t` in the shared macros: the translator of the page being rendered."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_RENDERING.get()[0], name)


def _csrf_token() -> str:
    return _RENDERING.get()[1]


class WebApp:
    """What every officer page shares, built once when the app is made."""

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        assert settings.web_secret is not None
        self.runtime = runtime
        self.settings = settings
        self.codec = SessionCodec(
            settings.web_secret.get_secret_value(), timedelta(hours=settings.web_session_hours)
        )
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(_=_words, t=_PageTranslator(), csrf_token=_csrf_token)
        self.throttle = SigninThrottle()
        self.proxies = settings.trusted_proxy_networks
        self.lifetime = timedelta(hours=settings.web_session_hours)
        self.policy = runtime.processor.config.delivery
        self.notifier = Notifier(catalogs=runtime.catalogs, config=runtime.processor.config)

    def translator(self, locale: str | None) -> Translator:
        return self.runtime.catalogs.translator(
            locale or self.settings.default_locale, self.settings.timezone
        )


class Visit:
    def __init__(self, web: WebApp, request: Request) -> None:
        self.web = web
        self.request = request
        loaded = web.codec.loads(request.cookies.get(COOKIE))
        self.session = loaded or WebSession()
        self.dirty = loaded is None
        self.t = web.translator(self.session.locale)
        self.me: Me | None = None

    @property
    def now(self):  # type: ignore[no-untyped-def]
        return self.web.runtime.clock.now()

    @property
    def actor(self) -> Actor:
        if self.me is None:
            raise SignInRequired
        return self.me.actor

    def replace_session(self, session: WebSession) -> None:
        self.session = session
        self.dirty = True
        self.t = self.web.translator(session.locale)

    async def db(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one transaction in a worker thread; a DomainError becomes a page
        with the status it deserves (404 also for another union's things: nothing leaks)."""

        try:
            return await run_unit_in_thread(self.web.runtime.engine, work)
        except Forbidden as err:
            log.warning(
                "web: scope refused (%s) for member %s at %s %s",
                err.code,
                self.session.member_id,
                self.request.method,
                self.request.url.path,
            )
            raise WebProblem(404, "not_found") from err
        except DomainError as err:
            raise WebProblem(status_of(err), err) from err

    async def attempt(self, work: Callable[[Session], T], *, or_404: bool = True) -> T | Refused:
        """`db(work)`, except that a refusal comes back to be shown on the form's own page (a
        bad field read inside `work` too); "not found" stays a 404 page unless `or_404=False`."""
        try:
            return await self.db(work)
        except WebProblem as problem:
            if problem.status == 404 and or_404:
                raise
            return Refused(problem.status, self.problem(problem.err))

    @property
    def client(self) -> str:
        """The client's address, through the proxies the operator named only."""
        return client_address(self.request, self.web.proxies)

    async def officer(self) -> Me:
        """The signed-in officer: the cookie's session must be live on the server (not signed
        out, ended or expired) and its officer still hold a role; checked on every request."""
        token = self.session.token
        if token is None:
            raise SignInRequired
        now = self.now

        def load(session: Session) -> Me | None:
            member_id = sessions.resolve(session, token=token, now=now)
            if member_id is None:
                return None
            member = session.get(Member, member_id)
            units = members.officer_units(session, member_id=member_id)
            if member is None or not units:
                sessions.end(session, token=token, now=now)
                return None
            return Me(member_id, member.full_name or "", tuple(units))

        me = await self.db(load)
        if me is None:
            self.replace_session(self.session.signed_out())
            raise SignInRequired
        self.session.member_id = me.member_id
        self.me = me
        return me

    async def form(self) -> FormData:
        """The posted form, once its CSRF token (field or htmx header) matches the session's."""
        form = await self.request.form()
        sent = self.request.headers.get("x-csrf-token") or str(form.get("csrf") or "")
        if not sent or not hmac.compare_digest(sent.encode(), self.session.csrf.encode()):
            log.warning("web: CSRF token refused at %s", self.request.url.path)
            raise WebProblem(403, "csrf")
        return form

    def problem(self, err: DomainError | str) -> str:
        return problems.text(self.t, err)

    def finish(self, response: Response) -> Response:
        if self.dirty:
            response.set_cookie(
                COOKIE,
                self.web.codec.dumps(self.session),
                max_age=int(self.web.codec.lifetime.total_seconds()),
                path=PREFIX,
                httponly=True,
                samesite="lax",
                secure=self.web.settings.web_secure_cookies,
            )
        response.headers["Cache-Control"] = "no-store"
        return response

    def render(self, template: str, *, status: int = 200, **data: Any) -> Response:
        t = self.t
        rendering = _RENDERING.set((t, self.session.csrf))
        try:
            page = self.web.env.get_template(template).render(
                _=t.gettext,
                t=t,
                lang=t.locale,
                csrf=self.session.csrf,
                me=self.me,
                path=self.request.url.path,
                P=PREFIX,
                platform_label=lambda platform: platform_name(t, platform),
                **data,
            )
        finally:
            _RENDERING.reset(rendering)
        return self.finish(HTMLResponse(page, status_code=status))

    def redirect(self, url: str) -> Response:
        if self.request.headers.get("hx-request"):
            return self.finish(Response(status_code=204, headers={"HX-Redirect": url}))
        return self.finish(RedirectResponse(url, status_code=303))
