"""The web session: a signed cookie (itsdangerous) holding who signed in, the CSRF token and the
language. Nothing secret is in it; the signature stops anyone from editing it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "thidua_web"


@dataclass
class WebSession:
    member_id: int | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    locale: str | None = None

    def signed_in(self, member_id: int) -> WebSession:
        """A fresh session (a new CSRF token) for the officer who just signed in."""
        return WebSession(member_id=member_id, locale=self.locale)

    def signed_out(self) -> WebSession:
        return WebSession(locale=self.locale)


class SessionCodec:
    def __init__(self, secret: str, lifetime: timedelta) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="thidua-web-session")
        self.lifetime = lifetime

    def dumps(self, session: WebSession) -> str:
        return self._serializer.dumps(
            {"m": session.member_id, "c": session.csrf, "l": session.locale}
        )

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
        member = data.get("m")
        locale = data.get("l")
        return WebSession(
            member_id=member if isinstance(member, int) else None,
            csrf=data["c"],
            locale=locale if locale in ("vi", "en") else None,
        )
