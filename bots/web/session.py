"""The web session cookie: signed (itsdangerous), holding the token of the server-side session
(`core/websignin/sessions.py`), the CSRF token and the language. The signature stops anyone
from editing it; the server-side row decides who is signed in, so sign-out and revocation end
it even for a copy of the cookie."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "thidua_web"


@dataclass
class WebSession:
    token: str | None = None  # the server-side session's token; None: nobody signed in
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    locale: str | None = None
    member_id: int | None = None  # who the token's live session belongs to, once looked up

    def signed_in(self, token: str, member_id: int) -> WebSession:
        """A fresh session (a new CSRF token) for the officer who just signed in."""
        return WebSession(token=token, locale=self.locale, member_id=member_id)

    def signed_out(self) -> WebSession:
        return WebSession(locale=self.locale)


class SessionCodec:
    def __init__(self, secret: str, lifetime: timedelta) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="thidua-web-session")
        self.lifetime = lifetime

    def dumps(self, session: WebSession) -> str:
        return self._serializer.dumps({"s": session.token, "c": session.csrf, "l": session.locale})

    def loads(self, raw: str | None) -> WebSession | None:
        """The session in a cookie, or None when it is missing, forged, or too old."""
        if not raw:
            return None
        try:
            data = self._serializer.loads(raw, max_age=int(self.lifetime.total_seconds()))
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None
        token = data.get("s")
        locale = data.get("l")
        return WebSession(
            token=token if isinstance(token, str) and token else None,
            csrf=data["c"],
            locale=locale if locale in ("vi", "en") else None,
        )
