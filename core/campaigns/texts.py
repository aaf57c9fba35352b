"""Words for campaign and broadcast screens: problems, plans, reports, campaign cards."""

from __future__ import annotations

from core.broadcasts.models import Reach
from core.broadcasts.rules import parts_per_platform
from core.broadcasts.service import FAILED, QUEUED, SENT, SKIPPED, WAITING, Plan, Report
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.rules import groups_of
from core.dispatch import Context
from core.i18n import N_, Translator
from core.members.labels import platform_name, worker_group


def problem(ctx: Context, code: str) -> str:
    _ = ctx.t.gettext
    texts = {
        "not_an_officer": _("Only union officers can do this."),
        "outside_scope": _("That belongs to a union outside the units you are an officer of."),
        "campaign_unknown": _("I could not find that campaign."),
        "broadcast_unknown": _("I could not find that announcement."),
        "unit_unknown": _("I could not find that union unit."),
        "campaign_closed": _("This campaign is closed; it cannot be launched or changed again."),
        "campaign_already_launched": _("This campaign has already been launched."),
        "audience_empty": _(
            "Nobody is in the audience: the chosen unit and groups have no members on thidua "
            "yet. Invite members first, or choose other groups."
        ),
        "announcement_empty": _("The announcement is empty. Please write a few words."),
        "announcement_too_long": _(
            "The announcement is too long ({n} characters at most). Please shorten it and "
            "send it again.",
            n=ctx.t.number(4000),
        ),
        "scheduled_in_past": _("That time has already passed. Please choose a time in the future."),
        "title_empty": _("The title cannot be empty."),
        "title_too_long": _("The title is too long (200 characters at most)."),
        "text_too_long": _("That text is too long (2,000 characters at most)."),
        "ends_before_start": _("The end date is before the start date."),
    }
    return texts.get(code, _("This cannot be done."))


def status_line(ctx: Context, campaign: Campaign) -> str:
    _ = ctx.t.gettext
    texts = {
        CampaignStatus.DRAFT: _("Campaign #{id} is a draft, not launched yet.", id=campaign.id),
        CampaignStatus.SCHEDULED: _("Campaign #{id} is scheduled to launch.", id=campaign.id),
        CampaignStatus.RUNNING: _("Campaign #{id} is running.", id=campaign.id),
        CampaignStatus.CLOSED: _("Campaign #{id} is closed.", id=campaign.id),
    }
    return texts[campaign.status]


def groups_label(ctx: Context, groups: str) -> str:
    chosen = groups_of(groups)
    if not chosen:
        return ctx.t.gettext("all groups")
    return ", ".join(worker_group(ctx.t, g) for g in chosen)


def campaign_card(ctx: Context, campaign: Campaign, *, unit_name: str, officer: bool) -> str:
    _ = ctx.t.gettext
    lines = [
        f"📣 {campaign.title}",
        _("Launched by: {unit}", unit=unit_name),
        _(
            "From {start} to {end}",
            start=ctx.t.date(campaign.starts_on),
            end=ctx.t.date(campaign.ends_on),
        ),
    ]
    if campaign.description:
        lines += ["", campaign.description]
    if campaign.criteria:
        lines += ["", _("Criteria: {criteria}", criteria=campaign.criteria)]
    if officer:
        scope = _("{unit} and the units below it", unit=unit_name)
        if not campaign.include_subtree:
            scope = _("{unit} only", unit=unit_name)
        lines += [
            "",
            status_line(ctx, campaign),
            _(
                "Audience: {scope}; {groups}",
                scope=scope,
                groups=groups_label(ctx, campaign.target_groups),
            ),
        ]
    return "\n".join(lines)


def default_announcement(t: Translator, unit_name: str, campaign: Campaign) -> str:
    _ = t.gettext
    lines = [
        _(
            "{unit} launches the emulation campaign “{title}”.",
            unit=unit_name,
            title=campaign.title,
        )
    ]
    if campaign.description:
        lines += ["", campaign.description]
    if campaign.criteria:
        lines += ["", _("Criteria: {criteria}", criteria=campaign.criteria)]
    lines += [
        "",
        _("From {start} to {end}", start=t.date(campaign.starts_on), end=t.date(campaign.ends_on)),
        _("Open the menu and tap Campaigns to see it again."),
    ]
    return "\n".join(lines)


ZALO_PLATFORMS = frozenset({"zalo", "zalobot"})
# the planner's word on the two ways to Zalo (README "OA or Bot?", docs/zalo-bot.md §5-6)
ZALO_CHOICE = N_(
    "Zalo OA or Zalo Bot? An OA shows the union's verified name and has buttons, but writes "
    "free only within 48 hours of a member's last message, at a cost until 7 days, and after "
    "that only by template. A Zalo Bot is set up in minutes and has no such window, but no "
    "buttons (members type the numbers) and it reaches only members who wrote to it first."
)


def plan_text(ctx: Context, plan: Plan, text: str) -> str:
    _ = ctx.t.gettext
    n = ctx.t.number
    counts = plan.counts
    lines = [_("Who will receive it ({n} members):", n=n(plan.total))]
    for platform, row in sorted(counts.by_platform.items()):
        parts = [_("{n} now", n=n(row.get(Reach.NOW, 0)))]
        if row.get(Reach.TEMPLATE):
            parts.append(_("{n} only by template", n=n(row[Reach.TEMPLATE])))
        if row.get(Reach.NEXT_MESSAGE):
            parts.append(_("{n} at their next message", n=n(row[Reach.NEXT_MESSAGE])))
        lines.append(f"• {platform_name(ctx.t, platform)}: " + ", ".join(parts))
    for platform, groups in sorted(plan.groups.items()):
        lines.append(
            "• "
            + _(
                "Group chats on {platform}: {n} (posted there too)",
                platform=platform_name(ctx.t, platform),
                n=n(groups),
            )
        )
    if ZALO_PLATFORMS & set(counts.by_platform):
        lines.append(_(ZALO_CHOICE))
    skipped = counts.skipped
    if skipped:
        lines.append(
            _(
                "• Unreachable: {n} (blocked or left: {blocked}; stopped announcements: "
                "{consent}; no messenger: {none})",
                n=n(sum(skipped.values())),
                blocked=n(skipped.get("blocked", 0)),
                consent=n(skipped.get("no_consent", 0)),
                none=n(skipped.get("no_messenger", 0)),
            )
        )
    if plan.quiet_until is not None:
        lines.append(
            _(
                "It is quiet hours now: sending starts at {time}.",
                time=ctx.t.datetime(plan.quiet_until),
            )
        )
    lines.append(_("Estimated finish: {time}", time=ctx.t.datetime(plan.finish)))
    parts = parts_per_platform(text, list(counts.by_platform), ctx.config.traits)
    split = {p: k for p, k in parts.items() if k > 1}
    for platform, parts_count in sorted(split.items()):
        lines.append(
            _(
                "On {platform} the text is sent as {n} messages.",
                platform=platform_name(ctx.t, platform),
                n=parts_count,
            )
        )
    return "\n".join(lines)


def _why(ctx: Context, key: str) -> str:
    _ = ctx.t.gettext
    return {
        "blocked": _("blocked or left"),
        "no_consent": _("stopped announcements"),
        "no_messenger": _("no messenger linked"),
        "outside_window": _("outside the messaging window"),
        "rate_limited": _("rate limited"),
        "auth": _("channel access broken"),
        "transient": _("network errors"),
        "permanent": _("refused by the platform"),
        "cancelled": _("cancelled before sending"),
    }.get(key, key)


def _counts(ctx: Context, row: dict[str, int]) -> str:
    _ = ctx.t.gettext
    n = ctx.t.number
    return _(
        "sent {sent}, queued {queued}, waiting {waiting}, failed {failed}, skipped {skipped}",
        sent=n(row.get(SENT, 0)),
        queued=n(row.get(QUEUED, 0)),
        waiting=n(row.get(WAITING, 0)),
        failed=n(row.get(FAILED, 0)),
        skipped=n(row.get(SKIPPED, 0)),
    )


def report_text(ctx: Context, report: Report) -> str:
    _ = ctx.t.gettext
    n = ctx.t.number
    lines = [_("Delivery report of announcement #{id}", id=report.broadcast_id)]
    if report.status == "scheduled" and report.scheduled_at:
        lines.append(_("Scheduled for {time}.", time=ctx.t.datetime(report.scheduled_at)))
    if report.finished_at is not None:
        lines.append(_("Finished at {time}.", time=ctx.t.datetime(report.finished_at)))
    lines.append(_("Audience: {n}", n=n(report.audience)))
    lines.append(_counts(ctx, report.totals))
    lines.append(_("(waiting: outside the messaging window, sent at their next message)"))
    if report.possible_duplicates:
        lines.append(
            _(
                "Possibly received twice: {n} (their sending was cut off, by a delivery "
                "process that stopped or a platform that did not answer in time, and they "
                "were sent again)",
                n=n(report.possible_duplicates),
            )
        )
    if report.failed_why:
        why = ", ".join(f"{_why(ctx, k)}: {n(v)}" for k, v in sorted(report.failed_why.items()))
        lines.append(_("Failed: {why}", why=why))
    if report.skipped_why:
        why = ", ".join(f"{_why(ctx, k)}: {n(v)}" for k, v in sorted(report.skipped_why.items()))
        lines.append(_("Skipped: {why}", why=why))
    if report.by_platform:
        lines.append("")
        lines.append(_("By messenger:"))
        for platform, row in sorted(report.by_platform.items()):
            name = platform_name(ctx.t, platform) if platform != "none" else _("no messenger")
            lines.append(f"• {name}: {_counts(ctx, row)}")
    for platform, row in sorted(report.groups.items()):
        name = _("Group chats on {platform}", platform=platform_name(ctx.t, platform))
        lines.append(f"• {name}: {_counts(ctx, row)}")
    if report.by_unit:
        lines.append("")
        lines.append(_("By union unit:"))
        for unit_id, row in sorted(report.by_unit.items()):
            lines.append(f"• {report.unit_names.get(unit_id, unit_id)}: {_counts(ctx, row)}")
    return "\n".join(lines)
