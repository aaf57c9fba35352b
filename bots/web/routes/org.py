"""The union's own spreadsheets on the web desk: the templates to fill in, and importing the
tree or a roster into one of the officer's units. A file is always read as a dry run first:
what would be created, changed and left alone, and every bad row by its Excel row number with
the reason; nothing is written until the officer confirms, and then all of it or none."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm
from bots.web.unitpicker import UnitPicker, asked, picker
from core.i18n import Translator
from core.members import labels
from core.members.models import EnterpriseType, JoinMode, UnitKind
from core.organisation import manage, roster_import, templates, tree_import, units
from core.organisation.problems import describe
from core.organisation.roster_file import read_roster
from core.spreadsheet import MAX_FILE_BYTES

router = APIRouter()
KINDS = ("tree", "roster")
SHOWN = 200  # rows of the dry run's lists shown on the page


@dataclass
class DryRun:
    kind: str
    unit_id: int
    unit: str
    filename: str
    data: str  # the file, base64, sent back with the confirmation
    digest: str
    create: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    counts: tuple[int, int, int] = (0, 0, 0)
    problems: list[tuple[int, str]] = field(default_factory=list)


def _read(kind: str, data: bytes, filename: str, today):  # type: ignore[no-untyped-def]
    if kind == "tree":
        return tree_import.read_tree(data, filename, today=today)
    return read_roster(data, filename, today=today)


def dry_run(
    s: Session, me: Me, t: Translator, upload: tuple[str, int, str, bytes], today
) -> DryRun:  # type: ignore[no-untyped-def]
    kind, unit_id, filename, data = upload
    root = me.actor.require_unit(s, unit_id)
    file = _read(kind, data, filename, today)
    found = DryRun(
        kind,
        unit_id,
        root.name,
        filename,
        base64.b64encode(data).decode(),
        hashlib.sha256(data).hexdigest()[:12],
    )
    if kind == "tree":
        plan = tree_import.dry_run(s, root=root, file=file)
        found.create = [c.row.name for c in plan.create[:SHOWN]]
        found.update = [c.row.name for c in plan.update[:SHOWN]]
        found.counts = (len(plan.create), len(plan.update), len(plan.unchanged))
    else:
        rplan = roster_import.dry_run(s, root=root, file=file)
        found.create = [row.full_name for row, _unit in rplan.create[:SHOWN]]
        found.update = [row.full_name for row, *_rest in rplan.update[:SHOWN]]
        found.counts = (len(rplan.create), len(rplan.update), rplan.unchanged)
        plan = rplan  # type: ignore[assignment]
    found.problems = [(p.row, describe(t, p)) for p in plan.problems]
    return found


def imported(s: Session, me: Me, upload: tuple[str, int, str, bytes], now) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    kind, unit_id, filename, data = upload
    root = me.actor.require_unit(s, unit_id)
    file = _read(kind, data, filename, now.date())
    if kind == "tree":
        done = tree_import.apply(s, root=root, file=file, by=me.member_id, now=now)
        return done.created, done.updated
    result = roster_import.apply(s, root=root, file=file, now=now)
    return result.created, result.updated


async def uploaded(form: FormData) -> tuple[str, int, str, bytes]:
    """(kind, unit id, file name, bytes) from the form: a new file, or the one confirmed."""
    kind = forms.text(form, "kind")
    if kind not in KINDS:
        raise WebProblem(422, "not_found")
    unit_id = forms.integer(form, "unit_id")
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_FILE_BYTES + 1)
        return kind, unit_id, upload.filename[:200], data
    sent = forms.text(form, "data", limit=3 * MAX_FILE_BYTES)
    if not sent:
        raise WebProblem(422, "file_missing")
    try:
        data = base64.b64decode(sent, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WebProblem(422, "file_missing") from exc
    return kind, unit_id, forms.text(form, "filename", limit=200), data


async def page(visit: Visit, me: Me, **extra: object) -> Response:
    """The page with two pickers: the unit acted on (imported into, changed, moved, closed)
    and the unit to move it under; each keeps the other's choice in its links."""
    params = visit.request.query_params
    unit, unit_q = asked(params)
    parent, parent_q = asked(params, "parent")
    action = f"{PREFIX}/org"

    def load(s: Session) -> tuple[UnitPicker, UnitPicker]:
        chosen = picker(s, me, action=action, unit=unit, q=unit_q, keep={"parent": parent})
        keep = {"unit": str(chosen.chosen.id)}
        under = picker(s, me, action=action, unit=parent, q=parent_q, name="parent", keep=keep)
        return chosen, under

    chosen, under = await visit.db(load)
    extra.setdefault("changed", False)
    return visit.render(
        "org.html",
        picker=chosen,
        under=under,
        shown=SHOWN,
        unit_kinds=labels.UNIT_KIND_LABELS,
        enterprise_types=labels.ENTERPRISE_TYPE_LABELS,
        **extra,
    )


@router.get("/org")
async def org(visit: OfficerVisit, me: CurrentMe) -> Response:
    done = visit.request.query_params.get("done", "")
    numbers = [int(n) for n in done.split("-") if n.isdigit()][:2]
    return await page(
        visit,
        me,
        run=None,
        done=numbers if len(numbers) == 2 else None,
        error=None,
        changed=visit.request.query_params.get("changed") == "1",
    )


@router.post("/org/import")
async def import_file(visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    """The dry run of a new file; with `confirm`, the import of the file shown."""
    upload = await uploaded(form)
    t, now = visit.t, visit.now
    error = None
    if forms.text(form, "confirm") == "yes":
        outcome = await visit.attempt(lambda s: imported(s, me, upload, now))
        if not isinstance(outcome, Refused):
            created, updated = outcome
            return visit.redirect(f"{PREFIX}/org?done={created}-{updated}")
        error = outcome.message  # the units changed since the dry run: here it is again
    today = now.date()
    run = await visit.db(lambda s: dry_run(s, me, t, upload, today))
    return await page(visit, me, run=run, done=None, error=error)


@router.get("/org/template/{kind}.xlsx")
async def template(kind: str, visit: OfficerVisit, me: CurrentMe) -> Response:
    if kind not in KINDS:
        raise WebProblem(404, "not_found")
    columns = templates.TREE if kind == "tree" else templates.ROSTER
    body = templates.template(visit.t, columns)
    name = "thidua-cay-to-chuc" if kind == "tree" else "thidua-danh-sach-doan-vien"
    return visit.finish(
        Response(
            body,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    )


async def changed(visit: Visit, me: Me, work) -> Response:  # type: ignore[no-untyped-def]
    """One change of the tree in one transaction; refused: the page says why."""
    outcome = await visit.attempt(work)
    if isinstance(outcome, Refused):
        return await page(visit, me, run=None, done=None, error=outcome.message)
    return visit.redirect(f"{PREFIX}/org?changed=1")


@router.post("/org/units/edit")
async def edit_unit(visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    unit_id, now = forms.integer(form, "unit_id"), visit.now
    declared = forms.text(form, "declared_members").strip().replace(".", "")
    if declared and not (declared.isdigit() and int(declared) <= 10_000_000):
        raise WebProblem(422, "bad_number")
    mode = forms.text(form, "join_mode")
    kind, enterprise = forms.text(form, "kind"), forms.text(form, "enterprise_type")
    change = manage.Edit(
        name=forms.text(form, "name", limit=200).strip() or None,
        declared_members=int(declared) if declared else None,
        join_mode=JoinMode(mode) if mode in set(JoinMode) else None,
        kind=UnitKind(kind) if kind in set(UnitKind) else None,
        enterprise_type=EnterpriseType(enterprise) if enterprise in set(EnterpriseType) else None,
        code=forms.text(form, "code", limit=40).strip() or None,
    )
    return await changed(
        visit, me, lambda s: manage.edit(s, actor=me.actor, unit_id=unit_id, change=change, now=now)
    )


@router.post("/org/units/move")
async def move_unit(visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    unit_id, parent_id, now = (
        forms.integer(form, "unit_id"),
        forms.integer(form, "parent_id"),
        visit.now,
    )
    return await changed(
        visit,
        me,
        lambda s: manage.move(s, actor=me.actor, unit_id=unit_id, parent_id=parent_id, now=now),
    )


@router.post("/org/units/create")
async def create_unit(visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    parent_id, now = forms.integer(form, "parent_id"), visit.now
    name, kind = forms.text(form, "name", limit=200).strip(), forms.text(form, "kind")
    enterprise = forms.text(form, "enterprise_type")
    if not name or len(name) > 200 or kind not in set(UnitKind):
        raise WebProblem(422, "bad_unit")
    fields = units.UnitFields(
        name=name,
        kind=UnitKind(kind),
        code=forms.text(form, "code", limit=40).strip() or None,
        enterprise_type=EnterpriseType(enterprise) if enterprise in set(EnterpriseType) else None,
    )
    return await changed(
        visit,
        me,
        lambda s: manage.create(s, actor=me.actor, parent_id=parent_id, fields=fields, now=now),
    )


@router.post("/org/units/merge")
async def merge_unit(visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    unit_id, into_id, now = (
        forms.integer(form, "unit_id"),
        forms.integer(form, "into_id"),
        visit.now,
    )
    return await changed(
        visit,
        me,
        lambda s: manage.merge(s, actor=me.actor, unit_id=unit_id, into_id=into_id, now=now),
    )


@router.post("/org/units/close")
async def close_unit(visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    unit_id, now = forms.integer(form, "unit_id"), visit.now
    return await changed(
        visit, me, lambda s: manage.close(s, actor=me.actor, unit_id=unit_id, now=now)
    )
