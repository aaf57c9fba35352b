"""The web sign-in in chat: /signin gives an officer a one-time code for the web pages."""

from __future__ import annotations

from core.websignin.chat import signin

routers = (signin.router,)

__all__ = ["routers"]
