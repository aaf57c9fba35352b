"""The campaigns feature in chat, one module per conversation: what members see, the officers'
lists and cards, creating, editing, announcing (launch and messages), closing, reports."""

from __future__ import annotations

from core.campaigns.chat import announce, close, common, create, edit, manage, member_view, report

routers = (
    common.router,
    member_view.router,
    manage.router,
    create.router,
    edit.router,
    announce.router,
    close.router,
    report.router,
)

__all__ = ["routers"]
