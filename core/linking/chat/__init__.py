"""The linking feature in chat: one module per conversation."""

from __future__ import annotations

from core.linking.chat import link, officer, preferred

routers = (link.router, officer.router, preferred.router)

__all__ = ["routers"]
