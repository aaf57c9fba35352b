"""Campaigns in chat: members see running ones; officers create, edit, launch, close,
broadcast and read reports, each through a guided flow with a preview and a confirm button."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastKind
from core.campaigns import service
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.rules import groups_of, groups_text, parse_date
from core.campaigns.scope import Actor
from core.campaigns.texts import (
    campaign_card,
    default_announcement,
    groups_label,
    plan_text,
    problem,
    report_text,
    status_line,
)
from core.dispatch import Context, Router, parse_command, payload_arg, reply
from core.errors import DomainError
from core.members.buttons import Menu, MenuItem
from core.members.labels import WORKER_GROUP_LABELS
from core.members.menu import main_menu
from core.members.models import UnionUnit, WorkerGroup
from core.messages import Button, OutgoingMessage

router = Router()
NEW, EDIT, ANNOUNCE = "camp_new", "camp_edit", "announce"
UNIT_BUTTONS = 8


def _actor(ctx: Context) -> Actor:
    assert ctx.member is not None and ctx.member.id is not None
    return Actor.officer(ctx.member.id)


def _is_officer(ctx: Context) -> bool:
    return ctx.member is not None and _actor(ctx).is_officer(ctx.session)


def _say(text: str, *buttons: Button) -> list[OutgoingMessage]:
    return [reply(text, *buttons)]


def _officers_only(ctx: Context) -> list[OutgoingMessage]:
    return [main_menu(ctx, problem(ctx, "not_an_officer"))]


def _cancel_button(ctx: Context) -> Button:
    return Button(ctx.t.gettext("Cancel this"), "campaigns:cancel")


def _int(text: str) -> int | None:
    text = text.strip().lstrip("#")
    return int(text) if text.isdigit() and len(text) < 10 else None


# --- members: running campaigns -------------------------------------------------------------


def member_menu(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None
    running = service.running_for_member(ctx.session, member=ctx.member)
    buttons = [Button(c.title[:60], f"campaigns:v:{c.id}") for c in running[:UNIT_BUTTONS]]
    if _is_officer(ctx):
        buttons += [
            Button(_("New campaign"), "campaigns:new"),
            Button(_("Manage campaigns"), "campaigns:mine"),
        ]
    if running:
        text = _("Running campaigns of your union:")
    else:
        text = _(
            "Your union has not launched a campaign here yet. When it does, the announcement "
            "will come to this chat."
        )
    return _say(text, *buttons, Button(_("Main menu"), "menu:main"))


@router.command("campaigns", members_only=True)
def on_campaigns(ctx: Context) -> list[OutgoingMessage]:
    return member_menu(ctx)


# --- officers: lists and cards ----------------------------------------------------------------


def officer_list(ctx: Context, only: tuple[str, ...] = ()) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    found = service.in_scope(ctx.session, actor=_actor(ctx), limit=30)
    if only:
        found = [c for c in found if c.status in only]
    if not found:
        return _say(_("There is no campaign here yet."), Button(_("New campaign"), "campaigns:new"))
    lines = [_("Campaigns of your units:")]
    lines += [f"• {c.title}: {status_line(ctx, c)}" for c in found[:15]]
    buttons = [
        Button(f"#{c.id} {c.title}"[:60], f"campaigns:o:{c.id}") for c in found[:UNIT_BUTTONS]
    ]
    return _say("\n".join(lines), *buttons)


def officer_card(ctx: Context, campaign: Campaign, prefix: str = "") -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    text = campaign_card(ctx, campaign, officer=True)
    if prefix:
        text = prefix + "\n\n" + text
    buttons: list[Button] = []
    cid = campaign.id
    if campaign.status == CampaignStatus.DRAFT:
        buttons.append(Button(_("Launch it"), f"campaigns:launch:{cid}"))
    if campaign.status != CampaignStatus.CLOSED:
        buttons.append(Button(_("Edit the campaign"), f"campaigns:edit:{cid}"))
    if campaign.status == CampaignStatus.RUNNING:
        buttons.append(Button(_("Send an announcement"), f"campaigns:msg:{cid}"))
    if campaign.status != CampaignStatus.DRAFT:
        buttons.append(Button(_("Delivery report"), f"campaigns:rep:{cid}"))
    if campaign.status != CampaignStatus.CLOSED:
        buttons.append(Button(_("Close the campaign"), f"campaigns:close:{cid}"))
    return _say(text, *buttons)


def _campaign(ctx: Context, campaign_id: int | None) -> Campaign | list[OutgoingMessage]:
    if campaign_id is None:
        return _say(problem(ctx, "campaign_unknown"))
    try:
        return service.get(ctx.session, actor=_actor(ctx), campaign_id=campaign_id)
    except DomainError as err:
        return _say(problem(ctx, err.code))


# --- creating a campaign ----------------------------------------------------------------------


def start_new(ctx: Context) -> list[OutgoingMessage]:
    if not _is_officer(ctx):
        return _officers_only(ctx)
    ctx.conv.start(NEW, "title")
    return _say(ctx.t.gettext("New campaign. What is its title?"), _cancel_button(ctx))


@router.command("newcampaign", members_only=True)
def on_new(ctx: Context) -> list[OutgoingMessage]:
    return start_new(ctx)


def _ask_unit(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.goto("unit")
    roots = _actor(ctx).units(ctx.session)
    units: list[UnionUnit] = []
    for root in roots:
        units.append(root)
        units += list(
            ctx.session.exec(
                select(UnionUnit).where(UnionUnit.parent_id == root.id).order_by(col(UnionUnit.id))
            )
        )
    buttons = [Button(u.name[:60], f"campaigns:unit:{u.id}") for u in units[:UNIT_BUTTONS]]
    lines = [_("Which union unit launches it? Tap one, or send the unit's number.")]
    lines += [f"{u.id}. {u.name}" for u in units[:20]]
    return _say("\n".join(lines), *buttons, _cancel_button(ctx))


def _ask_groups(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.goto("groups")
    chosen = ctx.conv.data.get("groups", [])
    buttons = [
        Button(("✓ " if value in chosen else "") + _(label), f"campaigns:grp:{value}")
        for value, label in WORKER_GROUP_LABELS.items()
    ]
    text = _(
        "Which groups is it for? Tap to choose, then Done. Chosen: {groups}",
        groups=groups_label(ctx, groups_text(chosen)),
    )
    return _say(
        text, *buttons, Button(_("Done choosing"), "campaigns:grp:done"), _cancel_button(ctx)
    )


def _ask_dates(ctx: Context, again: bool = False) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.goto("dates")
    text = _("When does it start and end? For example: 01/12/2026 - 31/12/2026")
    if again:
        text = _("I could not read those dates.") + "\n" + text
    return _say(text, _cancel_button(ctx))


def _draft_preview(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    data = ctx.conv.data
    ctx.conv.goto("preview")
    draft = Campaign(
        unit_id=data["unit_id"],
        include_subtree=data.get("subtree", True),
        title=data["title"],
        description=data.get("description", ""),
        criteria=data.get("criteria", ""),
        target_groups=groups_text(data.get("groups", [])),
        starts_on=datetime.fromisoformat(data["starts"]).date(),
        ends_on=datetime.fromisoformat(data["ends"]).date(),
    )
    text = _("Please check the campaign:") + "\n\n" + campaign_card(ctx, draft, officer=False)
    text += "\n" + _("Audience: {groups}", groups=groups_label(ctx, draft.target_groups))
    return _say(text, Button(_("Save the draft"), "campaigns:save"), _cancel_button(ctx))


@router.flow(NEW)
def on_new_step(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    step, text = ctx.conv.step, ctx.text
    if ctx.message.payload:
        return _say(_("Please write your answer, or tap one of the buttons."), _cancel_button(ctx))
    if step == "title":
        if not text or len(text) > 200:
            return _say(problem(ctx, "title_empty" if not text else "title_too_long"))
        ctx.conv.goto("description", title=text)
        return _say(
            _("Describe the campaign in a few sentences: what and why."), _cancel_button(ctx)
        )
    if step == "description":
        if not text or len(text) > 2000:
            return _say(problem(ctx, "text_too_long") if text else _("Please write a few words."))
        ctx.conv.goto("criteria", description=text)
        return _say(
            _("What are the criteria: how are people and units evaluated?"),
            Button(_("Skip this step"), "campaigns:skip"),
            _cancel_button(ctx),
        )
    if step == "criteria":
        if len(text) > 2000:
            return _say(problem(ctx, "text_too_long"))
        ctx.conv.data["criteria"] = text
        return _ask_unit(ctx)
    if step == "unit":
        return _choose_unit(ctx, _int(text))
    if step == "dates":
        return _dates(ctx, text)
    return _say(_("Please tap one of the buttons."), _cancel_button(ctx))


def _choose_unit(ctx: Context, unit_id: int | None) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    try:
        unit = _actor(ctx).require_unit(ctx.session, unit_id or 0)
    except DomainError as err:
        return [*_say(problem(ctx, err.code)), *_ask_unit(ctx)]
    ctx.conv.goto("subtree", unit_id=unit.id)
    return _say(
        _("Is it for {unit} only, or also for the units below it?", unit=unit.name),
        Button(_("With the units below"), "campaigns:sub:1"),
        Button(_("This unit only"), "campaigns:sub:0"),
        _cancel_button(ctx),
    )


def _dates(ctx: Context, text: str) -> list[OutgoingMessage]:
    today = ctx.now.astimezone(ZoneInfo(ctx.config.timezone)).date()
    pieces = [p for p in text.replace("–", " - ").replace(" đến ", " - ").split(" - ") if p.strip()]
    if len(pieces) != 2:
        return _ask_dates(ctx, again=True)
    starts, ends = (parse_date(p, today=today) for p in pieces)
    if starts is None or ends is None:
        return _ask_dates(ctx, again=True)
    if ends < starts:
        return [*_say(problem(ctx, "ends_before_start")), *_ask_dates(ctx)]
    ctx.conv.data.update(starts=starts.isoformat(), ends=ends.isoformat())
    return _draft_preview(ctx)


def _save(ctx: Context) -> list[OutgoingMessage]:
    data = ctx.conv.data
    try:
        campaign = service.create(
            ctx.session,
            actor=_actor(ctx),
            data=service.CampaignInput(
                unit_id=data["unit_id"],
                title=data["title"],
                description=data.get("description", ""),
                criteria=data.get("criteria", ""),
                include_subtree=data.get("subtree", True),
                target_groups=tuple(data.get("groups", [])),
                starts_on=datetime.fromisoformat(data["starts"]).date(),
                ends_on=datetime.fromisoformat(data["ends"]).date(),
            ),
            now=ctx.now,
        )
    except DomainError as err:
        ctx.conv.end()
        return _say(problem(ctx, err.code))
    ctx.conv.end()
    return officer_card(ctx, campaign, ctx.t.gettext("Saved as a draft. Launch it when ready."))


# --- editing ----------------------------------------------------------------------------------

EDIT_FIELDS = ("title", "description", "criteria", "dates")


def _edit_menu(ctx: Context, campaign: Campaign) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    labels = {
        "title": _("Change the title"),
        "description": _("Change the description"),
        "criteria": _("Change the criteria"),
        "dates": _("Change the dates"),
    }
    ctx.conv.start(EDIT, "field", campaign_id=campaign.id)
    return _say(
        _("What do you want to change?"),
        *(Button(labels[f], f"campaigns:ef:{f}") for f in EDIT_FIELDS),
        _cancel_button(ctx),
    )


@router.flow(EDIT)
def on_edit_step(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    field = ctx.conv.data.get("field")
    if ctx.conv.step != "value" or field is None or ctx.message.payload:
        return _say(_("Please tap one of the buttons."), _cancel_button(ctx))
    changes: dict[str, object]
    if field == "dates":
        today = ctx.now.astimezone(ZoneInfo(ctx.config.timezone)).date()
        pieces = [p for p in ctx.text.split(" - ") if p.strip()]
        days = [parse_date(p, today=today) for p in pieces]
        if len(days) != 2 or None in days:
            return _say(
                _("I could not read those dates.")
                + "\n"
                + _("For example: 01/12/2026 - 31/12/2026")
            )
        changes = {"starts_on": days[0], "ends_on": days[1]}
    else:
        changes = {field: ctx.text}
    try:
        campaign = service.update(
            ctx.session,
            actor=_actor(ctx),
            campaign_id=ctx.conv.data["campaign_id"],
            now=ctx.now,
            **changes,
        )
    except DomainError as err:
        return _say(problem(ctx, err.code), _cancel_button(ctx))
    ctx.conv.end()
    return officer_card(ctx, campaign, _("The change is saved."))


# --- announcing: launch, or a message to an audience ---------------------------------------


def _announce_target(
    ctx: Context, data: dict[str, Any] | None = None
) -> tuple[broadcasts.Audience, Campaign | None]:
    data = ctx.conv.data if data is None else data
    if data.get("campaign_id"):
        campaign = service.get(ctx.session, actor=_actor(ctx), campaign_id=data["campaign_id"])
        return service.audience(ctx.session, campaign), campaign
    unit = _actor(ctx).require_unit(ctx.session, data["unit_id"])
    return broadcasts.Audience(unit, data.get("subtree", True), ()), None


def start_announce(
    ctx: Context, *, kind: str, campaign: Campaign | None, unit_id: int | None = None
) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.start(
        ANNOUNCE,
        "text",
        kind=kind,
        campaign_id=campaign.id if campaign else None,
        unit_id=unit_id,
        nonce=secrets.token_hex(6),
    )
    buttons = [_cancel_button(ctx)]
    if kind == BroadcastKind.LAUNCH:
        text = _("Write the launch announcement, or use the campaign's own text.")
        buttons.insert(0, Button(_("Use the campaign's text"), "campaigns:deftext"))
    else:
        text = _("Write the announcement to send.")
    return _say(text, *buttons)


def _preview(ctx: Context, text: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    raw_length = len(ctx.message.text or "") if not ctx.message.payload else 0
    issue = broadcasts.announcement_problem_of(text, raw_length)
    if issue:
        return _say(problem(ctx, issue), _cancel_button(ctx))
    try:
        audience, campaign = _announce_target(ctx)
    except DomainError as err:
        ctx.conv.end()
        return _say(problem(ctx, err.code))
    if campaign is not None and ctx.conv.data["kind"] == BroadcastKind.LAUNCH:
        issue = "campaign_closed" if campaign.status == CampaignStatus.CLOSED else None
        issue = issue or (
            "campaign_already_launched" if campaign.status != CampaignStatus.DRAFT else None
        )
        if issue:
            ctx.conv.end()
            return _say(problem(ctx, issue))
    plan = broadcasts.plan(ctx.session, audience=audience, policy=ctx.config.delivery, now=ctx.now)
    if plan.total == 0:
        ctx.conv.end()
        return _say(problem(ctx, "audience_empty"))
    ctx.conv.goto("confirm", text=text)
    when = ctx.conv.data.get("when")
    lines = [_("Preview of the announcement:"), "", text, "", "—", plan_text(ctx, plan, text)]
    if when:
        lines.append(
            _("It will be sent at {time}.", time=ctx.t.datetime(datetime.fromisoformat(when)))
        )
    go_label = _("Confirm and send") if not when else _("Confirm the schedule")
    return _say(
        "\n".join(lines),
        Button(go_label, "campaigns:go"),
        Button(_("Send later"), "campaigns:when"),
        _cancel_button(ctx),
    )


@router.flow(ANNOUNCE)
def on_announce_step(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if ctx.message.payload:
        return _say(_("Please write your answer, or tap one of the buttons."), _cancel_button(ctx))
    if ctx.conv.step == "text":
        return _preview(ctx, ctx.text)
    if ctx.conv.step == "when":
        when = _parse_when(ctx, ctx.text)
        if when is None:
            return _say(
                _("I could not read that time. For example: 01/12/2026 08:00"), _cancel_button(ctx)
            )
        if when <= ctx.now:
            return _say(problem(ctx, "scheduled_in_past"), _cancel_button(ctx))
        ctx.conv.data["when"] = when.isoformat()
        return _preview(ctx, ctx.conv.data["text"])
    return _say(_("Please tap one of the buttons."), _cancel_button(ctx))


def _parse_when(ctx: Context, text: str) -> datetime | None:
    tz = ZoneInfo(ctx.config.timezone)
    today = ctx.now.astimezone(tz).date()
    parts = text.split()
    if len(parts) != 2:
        return None
    day = parse_date(parts[0], today=today)
    try:
        hour, minute = (int(x) for x in parts[1].replace("h", ":").split(":"))
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz) if day else None
    except ValueError:
        return None


def _go(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    data = ctx.conv.data
    when = datetime.fromisoformat(data["when"]) if data.get("when") else None
    policy = ctx.config.delivery
    ctx.conv.end()
    try:
        if data.get("kind") == BroadcastKind.LAUNCH:
            broadcast, created = service.launch(
                ctx.session,
                actor=_actor(ctx),
                campaign_id=data["campaign_id"],
                text=data["text"],
                now=ctx.now,
                policy=policy,
                scheduled_at=when,
            )
        else:
            audience, campaign = _announce_target(ctx, data)
            broadcast, created = broadcasts.create(
                ctx.session,
                key=f"msg:{ctx.identity.id}:{data['nonce']}",
                kind=BroadcastKind.MESSAGE,
                audience=audience,
                text=data["text"],
                now=ctx.now,
                policy=policy,
                campaign_id=campaign.id if campaign else None,
                created_by=ctx.member.id if ctx.member else None,
                scheduled_at=when,
            )
    except DomainError as err:
        return _say(problem(ctx, err.code))
    if not created:
        return _say(_("This was already confirmed; nothing is sent twice."))
    if when:
        text = _(
            "Scheduled: announcement #{id} will be sent at {time}.",
            id=broadcast.id,
            time=ctx.t.datetime(when),
        )
    else:
        text = _(
            "Sending: announcement #{id} is on its way to {n} members. "
            "Send /report {id} to follow it.",
            id=broadcast.id,
            n=ctx.t.number(broadcast.audience),
        )
    return _say(text, Button(_("Delivery report"), f"campaigns:r:{broadcast.id}"))


# --- commands -----------------------------------------------------------------------------


def _command_arg(ctx: Context) -> int | None:
    parsed = parse_command(ctx.text)
    return _int(parsed[1]) if parsed and parsed[1] else None


@router.command("launch", members_only=True)
def on_launch(ctx: Context) -> list[OutgoingMessage]:
    if not _is_officer(ctx):
        return [main_menu(ctx, ctx.t.gettext("Only union officers can launch campaigns."))]
    campaign_id = _command_arg(ctx)
    if campaign_id is None:
        return officer_list(ctx, only=(CampaignStatus.DRAFT,))
    return _launch(ctx, campaign_id)


def _launch(ctx: Context, campaign_id: int) -> list[OutgoingMessage]:
    found = _campaign(ctx, campaign_id)
    if not isinstance(found, Campaign):
        return found
    if found.status != CampaignStatus.DRAFT:
        code = (
            "campaign_closed"
            if found.status == CampaignStatus.CLOSED
            else "campaign_already_launched"
        )
        return _say(problem(ctx, code))
    return start_announce(ctx, kind=BroadcastKind.LAUNCH, campaign=found)


@router.command("close", members_only=True)
def on_close(ctx: Context) -> list[OutgoingMessage]:
    if not _is_officer(ctx):
        return _officers_only(ctx)
    campaign_id = _command_arg(ctx)
    if campaign_id is None:
        return officer_list(
            ctx, only=(CampaignStatus.RUNNING, CampaignStatus.SCHEDULED, CampaignStatus.DRAFT)
        )
    return _ask_close(ctx, campaign_id)


def _ask_close(ctx: Context, campaign_id: int) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    found = _campaign(ctx, campaign_id)
    if not isinstance(found, Campaign):
        return found
    if found.status == CampaignStatus.CLOSED:
        return _say(problem(ctx, "campaign_closed"))
    return _say(
        _(
            "Close the campaign “{title}”? Members will no longer see it as running.",
            title=found.title,
        ),
        Button(_("Yes, close it"), f"campaigns:closeok:{found.id}"),
        _cancel_button(ctx),
    )


@router.command("broadcast", members_only=True)
def on_broadcast(ctx: Context) -> list[OutgoingMessage]:
    if not _is_officer(ctx):
        return _officers_only(ctx)
    ctx.conv.start(ANNOUNCE, "unit", kind=BroadcastKind.MESSAGE, nonce=secrets.token_hex(6))
    _ = ctx.t.gettext
    roots = _actor(ctx).units(ctx.session)
    buttons = [Button(u.name[:60], f"campaigns:bu:{u.id}") for u in roots[:UNIT_BUTTONS]]
    return _say(_("To which union unit (and the units below it)?"), *buttons, _cancel_button(ctx))


@router.command("report", members_only=True)
def on_report(ctx: Context) -> list[OutgoingMessage]:
    if not _is_officer(ctx):
        return _officers_only(ctx)
    broadcast_id = _command_arg(ctx)
    if broadcast_id is None:
        latest = service.latest_broadcast(ctx.session, actor=_actor(ctx))
        if latest is None:
            return _say(ctx.t.gettext("No announcement has been sent yet."))
        broadcast_id = latest.id
    return _report(ctx, broadcast_id)  # type: ignore[arg-type]


def _report(ctx: Context, broadcast_id: int) -> list[OutgoingMessage]:
    try:
        broadcast = service.broadcast_in_scope(
            ctx.session, actor=_actor(ctx), broadcast_id=broadcast_id
        )
    except DomainError as err:
        return _say(problem(ctx, err.code))
    result = broadcasts.report(ctx.session, broadcast=broadcast)
    return _say(
        report_text(ctx, result),
        Button(ctx.t.gettext("Refresh the report"), f"campaigns:r:{broadcast_id}"),
    )


# --- buttons ------------------------------------------------------------------------------


@router.payload("campaigns", members_only=True)
def on_button(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    action, _sep, arg = payload_arg(ctx.message.payload or "").partition(":")
    number = _int(arg) if arg else None
    if action in ("menu", ""):
        return member_menu(ctx)
    if action == "v":
        assert ctx.member is not None
        try:
            campaign = service.member_may_see(
                ctx.session, member=ctx.member, campaign_id=number or 0
            )
        except DomainError as err:
            return _say(problem(ctx, err.code))
        return _say(
            campaign_card(ctx, campaign, officer=False), Button(_("Campaigns"), "campaigns:menu")
        )
    if action == "cancel":
        if ctx.conv.flow in (NEW, EDIT, ANNOUNCE):
            ctx.conv.end()
        return [main_menu(ctx, _("Cancelled. Nothing was changed."))]
    if not _is_officer(ctx):
        return _officers_only(ctx)
    flow_step = (ctx.conv.flow, ctx.conv.step)
    if action == "new":
        return start_new(ctx)
    if action == "mine":
        return officer_list(ctx)
    if action == "o":
        found = _campaign(ctx, number)
        return officer_card(ctx, found) if isinstance(found, Campaign) else found
    if action == "launch":
        return _launch(ctx, number or 0)
    if action == "msg":
        found = _campaign(ctx, number)
        if not isinstance(found, Campaign):
            return found
        if found.status == CampaignStatus.CLOSED:
            return _say(problem(ctx, "campaign_closed"))
        return start_announce(ctx, kind=BroadcastKind.MESSAGE, campaign=found)
    if action == "close":
        return _ask_close(ctx, number or 0)
    if action == "closeok":
        try:
            campaign = service.close(
                ctx.session, actor=_actor(ctx), campaign_id=number or 0, now=ctx.now
            )
        except DomainError as err:
            return _say(problem(ctx, err.code))
        return _say(_("The campaign “{title}” is closed.", title=campaign.title))
    if action == "edit":
        found = _campaign(ctx, number)
        if not isinstance(found, Campaign):
            return found
        if found.status == CampaignStatus.CLOSED:
            return _say(problem(ctx, "campaign_closed"))
        return _edit_menu(ctx, found)
    if action == "ef" and flow_step == (EDIT, "field") and arg in EDIT_FIELDS:
        ctx.conv.goto("value", field=arg)
        if arg == "dates":
            return _say(
                _("Send the new dates. For example: 01/12/2026 - 31/12/2026"), _cancel_button(ctx)
            )
        return _say(_("Send the new text."), _cancel_button(ctx))
    if action == "rep":
        found = _campaign(ctx, number)
        if not isinstance(found, Campaign):
            return found
        latest = ctx.session.exec(
            select(Broadcast)
            .where(Broadcast.campaign_id == found.id)
            .order_by(col(Broadcast.id).desc())
        ).first()
        if latest is None:
            return _say(_("No announcement has been sent yet."))
        return _report(ctx, latest.id)  # type: ignore[arg-type]
    if action == "r":
        return _report(ctx, number or 0)
    # steps of the creation flow
    if action == "skip" and flow_step == (NEW, "criteria"):
        ctx.conv.data["criteria"] = ""
        return _ask_unit(ctx)
    if action == "unit" and flow_step == (NEW, "unit"):
        return _choose_unit(ctx, number)
    if action == "sub" and flow_step == (NEW, "subtree"):
        ctx.conv.data["subtree"] = arg == "1"
        return _ask_groups(ctx)
    if action == "grp" and flow_step == (NEW, "groups"):
        chosen: list[str] = ctx.conv.data.get("groups", [])
        if arg == "done":
            return _ask_dates(ctx)
        if arg in {g.value for g in WorkerGroup}:
            chosen = [g for g in chosen if g != arg] if arg in chosen else [*chosen, arg]
            ctx.conv.data["groups"] = groups_of(groups_text(chosen))
        return _ask_groups(ctx)
    if action == "save" and flow_step == (NEW, "preview"):
        return _save(ctx)
    # steps of the announcement flow
    if action == "bu" and flow_step == (ANNOUNCE, "unit"):
        try:
            unit = _actor(ctx).require_unit(ctx.session, number or 0)
        except DomainError as err:
            return _say(problem(ctx, err.code))
        ctx.conv.goto("text", unit_id=unit.id, subtree=True)
        return _say(_("Write the announcement to send."), _cancel_button(ctx))
    if action == "deftext" and flow_step == (ANNOUNCE, "text"):
        found = _campaign(ctx, ctx.conv.data.get("campaign_id"))
        if not isinstance(found, Campaign):
            return found
        unit = ctx.session.get(UnionUnit, found.unit_id)
        return _preview(ctx, default_announcement(ctx.t, unit.name if unit else "", found))
    if action == "when" and flow_step == (ANNOUNCE, "confirm"):
        ctx.conv.goto("when")
        return _say(_("When should it be sent? For example: 01/12/2026 08:00"), _cancel_button(ctx))
    if action == "go":
        if flow_step == (ANNOUNCE, "confirm"):
            return _go(ctx)
        return _say(_("This was already confirmed; nothing is sent twice."))
    return _say(_("That button is no longer active."))


@router.button(Menu, members_only=True, item=MenuItem.CAMPAIGNS)
def on_menu_entry(ctx: Context, _data: Menu) -> list[OutgoingMessage]:
    return member_menu(ctx)
