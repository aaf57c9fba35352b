"""One member of the officer's units: what the union knows of them and the record of changes;
their name, group, post and phone corrected; moved to another of the officer's units; removed
(erased as by /forget, the union's records kept, the person told). The list is members.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, Web
from bots.web.unitpicker import UnitPicker, picker
from core.i18n import N_, Translator
from core.memberadmin import service as member_admin
from core.members import labels
from core.members.models import WHY_LIMIT, MemberChange, WorkerGroup
from core.organisation import picking

router = APIRouter()
FIELDS = {
    "full_name": N_("Full name"),
    "worker_group": N_("Group"),
    "holds_leadership_post": N_("Leadership post"),
    "phone": N_("Phone"),
}


def shown(t: Translator, name: str, value: object) -> str:
    if name == "worker_group":
        return labels.worker_group(t, value)  # type: ignore[arg-type]
    if name == "holds_leadership_post":
        return labels.yes_no(t, value)  # type: ignore[arg-type]
    return str(value) if value else t.gettext("not given")


def moved(t: Translator, before: dict, after: dict, units: dict[int, str]) -> str:  # type: ignore[type-arg]
    return t.gettext(
        "moved from {old} to {new}",
        old=units.get(before.get("unit_id", 0), "?"),
        new=units.get(after.get("unit_id", 0), "?"),
    )


def corrected(t: Translator, before: dict, after: dict, units: dict[int, str]) -> str:  # type: ignore[type-arg]
    parts = [
        f"{t.gettext(FIELDS[name])}: {shown(t, name, before.get(name))} → {shown(t, name, value)}"
        for name, value in after.items()
        if name in FIELDS
    ]
    return " · ".join([t.gettext("details corrected"), *parts])


WORDED = {"move": moved, "edit": corrected}


def line(t: Translator, change: MemberChange, units: dict[int, str]) -> str:
    """One change of the record, in words: what it was and what it became, and why."""
    before = json.loads(change.before) if change.before else {}
    after = json.loads(change.after) if change.after else {}
    said = WORDED.get(change.action, corrected)(t, before, after, units)
    return f"{said} · {t.gettext('reason: {why}', why=change.why)}" if change.why else said


def units_named(history: list[MemberChange]) -> set[int]:
    """The units the record of moves names."""
    found: set[int] = set()
    for change in history:
        for side in (change.before, change.after):
            unit_id = json.loads(side).get("unit_id") if side else None
            if isinstance(unit_id, int):
                found.add(unit_id)
    return found


@dataclass(frozen=True)
class Loaded:
    view: member_admin.MemberView
    picker: UnitPicker  # where to move them: near their unit first, any unit found by name
    names: dict[int, str]


def load(s: Session, me: Me, member_id: int, to: str, to_q: str) -> Loaded:
    view = member_admin.read(s, actor=me.actor, member_id=member_id)
    above = view.unit.parent_id
    inside = any(view.unit.path.startswith(u.path) and u.id != view.unit.id for u in me.units)
    if not to and above is not None and inside:  # its parent, when the officer's units have it
        to = str(above)
    chooser = picker(
        s,
        me,
        action=f"{PREFIX}/members/{member_id}",
        unit=to or str(view.unit.id),
        q=to_q,
        name="to",
        open_only=True,
    )
    names = picking.names_of(s, units_named(view.history)) | {view.unit.id: view.unit.name}  # type: ignore[dict-item]
    return Loaded(view, chooser, names)


async def show(visit: Visit, me: Me, member_id: int, refused: Refused | None = None) -> Response:
    params = visit.request.query_params
    to, to_q = params.get("to", ""), params.get("to_q", "")
    loaded = await visit.db(lambda s: load(s, me, member_id, to, to_q))
    view, t = loaded.view, visit.t
    names = loaded.names
    history = [(c.at, line(t, c, names), c.by_member_id == me.member_id) for c in view.history]
    return visit.render(
        "member.html",
        why_limit=WHY_LIMIT,
        status=refused.status if refused else 200,
        view=view,
        picker=loaded.picker,
        history=history,
        groups=labels.WORKER_GROUP_LABELS,
        group=lambda v: labels.worker_group(t, v),
        yes_no=lambda v: labels.yes_no(t, v),
        me_id=me.member_id,
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
    )


def edit_of(form: FormData) -> member_admin.MemberEdit:
    """The fields as posted: every field of the form is sent, so each is the new value."""
    group = forms.text(form, "group")
    post = forms.text(form, "post")
    return member_admin.MemberEdit(
        full_name=forms.text(form, "full_name", limit=200),
        worker_group=WorkerGroup(group) if group in set(WorkerGroup) else None,
        holds_leadership_post={"yes": True, "no": False}.get(post),
        phone=forms.text(form, "phone", limit=40),
    )


def why_of(form: FormData) -> str:
    """The reason typed with a change (one character over the limit kept, so that a longer
    one is refused rather than cut)."""
    return forms.text(form, "why", limit=WHY_LIMIT)


async def changed(
    visit: Visit, me: Me, member_id: int, work: Callable[[Session], object], done: str
) -> Response:
    outcome = await visit.attempt(work, or_404=False)
    if isinstance(outcome, Refused):
        return await show(visit, me, member_id, outcome)
    return visit.redirect(f"{PREFIX}/members/{member_id}?done={done}")


@router.get("/members/{member_id}")
async def member_page(member_id: int, visit: OfficerVisit, me: CurrentMe) -> Response:
    return await show(visit, me, member_id)


@router.post("/members/{member_id}/edit")
async def edit(member_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    change, now, why = edit_of(form), visit.now, why_of(form)

    def work(s: Session) -> object:
        return member_admin.edit(
            s, actor=me.actor, member_id=member_id, change=change, now=now, why=why
        )

    return await changed(visit, me, member_id, work, "edited")


@router.post("/members/{member_id}/move")
async def move(member_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    unit_id, now, why = forms.integer(form, "unit_id"), visit.now, why_of(form)

    def work(s: Session) -> object:
        return member_admin.move(
            s, actor=me.actor, member_id=member_id, unit_id=unit_id, now=now, why=why
        )

    return await changed(visit, me, member_id, work, "moved")


@router.post("/members/{member_id}/remove")
async def remove(
    member_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web
) -> Response:
    now, why = visit.now, why_of(form)

    def work(s: Session) -> object:
        return member_admin.remove(
            s, actor=me.actor, member_id=member_id, notifier=web.notifier, now=now, why=why
        )

    outcome = await visit.attempt(work, or_404=False)
    if isinstance(outcome, Refused):
        return await show(visit, me, member_id, outcome)
    web.runtime.outbox_ready.set()
    return visit.redirect(f"{PREFIX}/members?done=removed")
