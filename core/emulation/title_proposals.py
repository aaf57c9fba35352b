"""Title proposals at a campaign's final review (issue #17): thidua proposes who meets each
title and commendation form (`propose_titles`), officers of the campaign's unit amend the list
(add, remove, change a title) with a reason kept as history, then confirm it once. A confirmed
person's title becomes a commendation record carrying its form and issuing level, so it shows
in their /mydata and on the commendations page; the confirmed list is what the commendation
council (Hội đồng thi đua – khen thưởng) is given (core/emulation/title_export.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from core.campaigns import service as campaigns
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.scope import Actor
from core.commendations.models import Commendation, CommendationStatus, CommendedMember
from core.emulation import title_defs, title_results, title_texts
from core.emulation.reporting import grassroots_units
from core.emulation.title_defaults import Form, Subject, level_label
from core.emulation.title_models import (
    ChangeAction,
    TitleChange,
    TitleDefinition,
    TitleProposal,
    TitleRound,
)
from core.emulation.title_notice import tell_confirmed
from core.emulation.title_rules import chosen, meets
from core.errors import DomainError, InvalidInput, NotFound
from core.i18n import Translator
from core.initiatives.notify import Teller
from core.initiatives.people import grassroots_of
from core.members.models import Member, UnionUnit

REASON_MAX = 500
PROPOSED, REMOVED, CONFIRMED = "proposed", "removed", "confirmed"
THIDUA, OFFICER = "thidua", "officer"
LIVE = (PROPOSED, CONFIRMED)


@dataclass
class Line:
    proposal: TitleProposal
    member: Member | None
    unit: UnionUnit
    changes: list[tuple[TitleChange, Member | None]] = field(default_factory=list)
    above: str = ""  # the name of the unit above a collective (its "unit" for the council)


@dataclass(frozen=True)
class Board:
    campaign: Campaign
    round: TitleRound | None
    lines: list[Line]  # live ones first, by title then name; the removed ones last
    nobody: list[TitleDefinition]  # weighed, and nobody met their thresholds
    titles: list[TitleDefinition]  # what an officer may add or change to

    @property
    def confirmed(self) -> bool:
        return self.round is not None and self.round.confirmed_at is not None


def _closed(session: Session, campaign_id: int, actor: Actor | None) -> Campaign:
    if actor is not None:
        campaign = campaigns.get(session, actor=actor, campaign_id=campaign_id)
    else:
        found = session.get(Campaign, campaign_id)
        if found is None:
            raise NotFound("campaign_unknown")
        campaign = found
    if campaign.status != CampaignStatus.CLOSED:
        raise DomainError("campaign_not_closed")
    return campaign


def _round(session: Session, campaign_id: int, *, lock: bool = False) -> TitleRound | None:
    query = select(TitleRound).where(TitleRound.campaign_id == campaign_id)
    return session.exec(query.with_for_update() if lock else query).first()


def _snapshot(row: TitleProposal, title: TitleDefinition) -> None:
    row.title_id, row.name = title.id, title.name  # type: ignore[assignment]
    row.subject, row.form, row.level = title.subject, title.form, title.level


def _clear_unamended(session: Session, campaign_id: int) -> set[tuple[int, int, bool]]:
    """Drop thidua's own proposals that no officer amended; return the (unit, member or 0,
    is a title) of those kept, which a new round must leave as the officers decided."""
    touched = set(
        session.exec(
            select(TitleChange.proposal_id)
            .join(TitleProposal, col(TitleProposal.id) == TitleChange.proposal_id)
            .where(TitleProposal.campaign_id == campaign_id)
        )
    )
    kept: set[tuple[int, int, bool]] = set()  # candidate, and a title (not a form)
    for row in session.exec(select(TitleProposal).where(TitleProposal.campaign_id == campaign_id)):
        if row.origin == THIDUA and row.id not in touched:
            session.delete(row)
        else:
            kept.add((row.unit_id, row.member_id or 0, row.form == Form.TITLE))
    return kept


def propose_titles(
    session: Session,
    campaign_id: int,
    now: datetime,
    *,
    t: Translator,
    timezone: str,
    actor: Actor | None = None,
) -> TitleRound:
    """Weigh every person and grassroots union of the closed campaign against the titles of
    their levels (the standard set taken first by the campaign's unit and the units above it
    that never had any) and list who meets each. Run again before the list is confirmed, it
    starts afresh but keeps what officers amended (and does not bring back whom they removed).
    `actor`: the officer asking (their scope is checked); None for the final review itself."""
    campaign = _closed(session, campaign_id, actor)
    found = _round(session, campaign_id, lock=True)
    if found is not None and found.confirmed_at is not None:
        raise DomainError("titles_confirmed")
    home = session.get(UnionUnit, campaign.unit_id)
    assert home is not None
    for unit in title_defs.chain(session, home):
        title_defs.seed(session, unit, t, now)
    kept = _clear_unamended(session, campaign_id)
    session.flush()
    last = title_results.cutoff(campaign, timezone)
    weighed: dict[int, TitleDefinition] = {}
    met: set[int] = set()
    cache: dict[tuple[int, bool], list[TitleDefinition]] = {}
    rows = {s: title_defs.in_force(session, s) for s in Subject}
    candidates = [
        *title_results.people(session, campaign, last),
        *title_results.unions(session, campaign, last),
    ]
    for result in candidates:
        person = result.member is not None
        key = (result.unit.id, person)  # type: ignore[assignment]
        if key not in cache:
            subject = Subject.PERSON if person else Subject.COLLECTIVE
            cache[key] = title_defs.applicable_from(  # type: ignore[index]
                rows[subject], result.unit, above_only=not person
            )
        definitions = {d.id: d for d in cache[key]}  # type: ignore[index]
        weighed.update(definitions)  # type: ignore[arg-type]
        rules = [title_defs.thresholds(d) for d in definitions.values()]
        met.update(r.id for r in rules if meets(r, result.standing))
        where = result.unit.name if person else (result.group or campaign.title)
        for rule in chosen(rules, result.standing):
            candidate = (result.unit.id, result.member.id if person else 0)  # type: ignore[union-attr]
            if (*candidate, rule.form is Form.TITLE) in kept:
                continue  # the officers decided this one
            row = TitleProposal(
                campaign_id=campaign_id,
                member_id=result.member.id if person else None,  # type: ignore[union-attr]
                unit_id=result.unit.id,  # type: ignore[arg-type]
                score=result.standing.score,
                rank=result.standing.rank,
                summary=title_texts.summary(t, result.standing, result.ranked_among, where, person)[
                    :500
                ],
                origin=THIDUA,
                status=PROPOSED,
                created_at=now,
                updated_at=now,
            )
            _snapshot(row, definitions[rule.id])
            session.add(row)
    by = actor.member_id if actor is not None else None
    if found is None:
        found = TitleRound(campaign_id=campaign_id, proposed_at=now)
        session.add(found)
    found.proposed_at, found.proposed_by = now, by
    found.weighed = ",".join(str(i) for i in sorted(weighed))
    found.unmet = ",".join(str(i) for i in sorted(set(weighed) - met))
    session.flush()
    return found


def board(session: Session, *, actor: Actor, campaign_id: int) -> Board:
    campaign = campaigns.get(session, actor=actor, campaign_id=campaign_id)
    found = _round(session, campaign_id)
    rows = session.exec(select(TitleProposal).where(TitleProposal.campaign_id == campaign_id)).all()
    members = {
        m.id: m
        for m in session.exec(
            select(Member).where(col(Member.id).in_({r.member_id for r in rows if r.member_id}))
        )
    }
    units = {
        u.id: u
        for u in session.exec(
            select(UnionUnit).where(col(UnionUnit.id).in_({r.unit_id for r in rows}))
        )
    }
    parents = {
        u.id: u.name
        for u in session.exec(
            select(UnionUnit).where(
                col(UnionUnit.id).in_({u.parent_id for u in units.values() if u.parent_id})
            )
        )
    }
    changes: dict[int, list[tuple[TitleChange, Member | None]]] = {}
    for change in session.exec(
        select(TitleChange)
        .where(col(TitleChange.proposal_id).in_([r.id for r in rows]))
        .order_by(col(TitleChange.id))
    ):
        who = session.get(Member, change.changed_by) if change.changed_by else None
        changes.setdefault(change.proposal_id, []).append((change, who))
    lines = [
        Line(
            r,
            members.get(r.member_id) if r.member_id else None,
            units[r.unit_id],
            changes.get(r.id, []),  # type: ignore[arg-type]
            parents.get(units[r.unit_id].parent_id or 0, ""),
        )
        for r in rows
    ]
    lines.sort(
        key=lambda x: (
            x.proposal.status == REMOVED,
            x.proposal.subject != Subject.COLLECTIVE,
            x.proposal.name,
            -(x.proposal.score or 0),
            x.proposal.id,
        )
    )
    weighed_ids = [int(i) for i in found.weighed.split(",") if i] if found else []
    unmet = {int(i) for i in found.unmet.split(",") if i} if found else set()
    weighed = list(
        session.exec(
            select(TitleDefinition)
            .where(col(TitleDefinition.id).in_(weighed_ids))
            .order_by(col(TitleDefinition.owner_unit_id), col(TitleDefinition.position))
        )
    )
    return Board(
        campaign,
        found,
        lines,
        [d for d in weighed if d.id in unmet],
        [d for d in weighed if d.retired_at is None],
    )


def _reason(text: str) -> str:
    text = " ".join(text.split())
    if not 1 <= len(text) <= REASON_MAX:
        raise InvalidInput("title_reason")
    return text


def _open_round(session: Session, campaign_id: int) -> TitleRound:
    found = _round(session, campaign_id, lock=True)
    if found is None:
        raise DomainError("titles_not_proposed")
    if found.confirmed_at is not None:
        raise DomainError("titles_confirmed")
    return found


def _amendable(session: Session, actor: Actor, proposal_id: int) -> TitleProposal:
    row = session.get(TitleProposal, proposal_id)
    if row is None:
        raise NotFound("title_proposal_unknown")
    campaigns.get(session, actor=actor, campaign_id=row.campaign_id)
    actor.require_unit(session, row.unit_id)
    _open_round(session, row.campaign_id)
    return row


def _log(
    session: Session, row: TitleProposal, action: str, reason: str, actor: Actor, now: datetime,
    before: str | None = None, after: str | None = None,
) -> None:  # fmt: skip
    session.add(
        TitleChange(
            proposal_id=row.id,  # type: ignore[arg-type]
            action=action,
            before=before,
            after=after,
            reason=reason,
            changed_by=actor.member_id,
            changed_at=now,
        )
    )
    row.updated_at = now
    session.flush()


def _title_for(session: Session, title_id: int, unit: UnionUnit, person: bool) -> TitleDefinition:
    subject = Subject.PERSON if person else Subject.COLLECTIVE
    for found in title_defs.applicable(session, unit, subject, above_only=not person):
        if found.id == title_id:
            return found
    raise InvalidInput("title_not_for_candidate")


def _duplicate(
    session: Session, campaign_id: int, title_id: int, unit_id: int, member_id: int | None
) -> None:
    same = session.exec(
        select(TitleProposal.id).where(
            TitleProposal.campaign_id == campaign_id,
            TitleProposal.title_id == title_id,
            TitleProposal.unit_id == unit_id,
            TitleProposal.member_id == member_id
            if member_id
            else col(TitleProposal.member_id).is_(None),
            col(TitleProposal.status).in_(LIVE),
        )
    ).first()
    if same is not None:
        raise DomainError("title_already_proposed")


def remove(
    session: Session, *, actor: Actor, proposal_id: int, reason: str, now: datetime
) -> TitleProposal:
    reason = _reason(reason)
    row = _amendable(session, actor, proposal_id)
    if row.status == REMOVED:
        raise DomainError("title_proposal_unknown")
    row.status = REMOVED
    _log(session, row, ChangeAction.REMOVED, reason, actor, now, before=row.name)
    return row


def change(
    session: Session, *, actor: Actor, proposal_id: int, title_id: int, reason: str, now: datetime
) -> TitleProposal:
    reason = _reason(reason)
    row = _amendable(session, actor, proposal_id)
    unit = session.get(UnionUnit, row.unit_id)
    assert unit is not None
    title = _title_for(session, title_id, unit, row.member_id is not None)
    if title.id == row.title_id and row.status != REMOVED:
        return row
    _duplicate(session, row.campaign_id, title.id, row.unit_id, row.member_id)  # type: ignore[arg-type]
    if row.status == REMOVED:  # put back on the list, with this title
        _snapshot(row, title)
        row.status = PROPOSED
        _log(session, row, ChangeAction.ADDED, reason, actor, now, after=title.name)
        return row
    before = row.name
    _snapshot(row, title)
    _log(session, row, ChangeAction.CHANGED, reason, actor, now, before=before, after=title.name)
    return row


def add(
    session: Session,
    *,
    actor: Actor,
    campaign_id: int,
    title_id: int,
    reason: str,
    now: datetime,
    member_id: int | None = None,
    unit_id: int | None = None,
) -> TitleProposal:
    """An officer's own candidate: a person (`member_id`) or a grassroots union (`unit_id`)
    the campaign covers, in the officer's scope."""
    reason = _reason(reason)
    campaign = _closed(session, campaign_id, actor)
    _open_round(session, campaign_id)
    covered = {u.id: u for u in grassroots_units(session, campaign)}
    member: Member | None = None
    if member_id is not None:
        member = session.get(Member, member_id)
        if member is None or member.onboarded_at is None or member.forgotten_at is not None:
            raise NotFound("member_unknown")
        unit = grassroots_of(session, member.unit_id)
    else:
        found = session.get(UnionUnit, unit_id) if unit_id is not None else None
        if found is None:
            raise NotFound("unit_unknown")
        unit = found
    if unit.id not in covered:
        raise InvalidInput("title_candidate_outside")
    actor.require_unit(session, unit.id)  # type: ignore[arg-type]
    title = _title_for(session, title_id, unit, member is not None)
    _duplicate(session, campaign_id, title.id, unit.id, member_id)  # type: ignore[arg-type]
    row = TitleProposal(
        campaign_id=campaign_id,
        member_id=member_id,
        unit_id=unit.id,  # type: ignore[arg-type]
        origin=OFFICER,
        status=PROPOSED,
        created_at=now,
        updated_at=now,
    )
    _snapshot(row, title)
    session.add(row)
    session.flush()
    _log(session, row, ChangeAction.ADDED, reason, actor, now, after=title.name)
    return row


def confirm(
    session: Session,
    *,
    actor: Actor,
    campaign_id: int,
    now: datetime,
    t: Translator,
    teller: Teller,
) -> list[TitleProposal]:
    """The list confirmed, once, by an officer of the campaign's unit: each person's title
    becomes an approved commendation (no points, no announcement: the council decides the
    ceremony) carrying its form and issuing level. Each person on the list, and each officer
    of a grassroots union on it, is told in this transaction (core.emulation.title_notice)."""
    campaign = _closed(session, campaign_id, actor)
    found = _open_round(session, campaign_id)
    found.confirmed_at, found.confirmed_by = now, actor.member_id
    confirmed = list(
        session.exec(
            select(TitleProposal)
            .where(TitleProposal.campaign_id == campaign_id, TitleProposal.status == PROPOSED)
            .order_by(col(TitleProposal.id))
        )
    )
    for row in confirmed:
        row.status, row.updated_at = CONFIRMED, now
        if row.member_id is None:
            continue
        person = session.get(Member, row.member_id)
        if person is None or person.forgotten_at is not None:
            continue  # their record stays on the list, as a former member's
        item = Commendation(
            unit_id=row.unit_id,
            reason=t.gettext(
                "{title} ({level}), campaign “{campaign}”",
                title=row.name,
                level=level_label(t, row.level),
                campaign=campaign.title,
            ),
            status=CommendationStatus.APPROVED,
            nominated_by=actor.member_id,
            by_officer=True,
            decided_by=actor.member_id,
            decided_at=now,
            created_at=now,
            form=row.form,
            issuing_level=row.level,
        )
        session.add(item)
        session.flush()
        session.add(
            CommendedMember(
                commendation_id=item.id,  # type: ignore[arg-type]
                member_id=person.id,  # type: ignore[arg-type]
                worker_group=person.worker_group,
                holds_leadership_post=person.holds_leadership_post,
            )
        )
        row.commendation_id = item.id
    session.flush()
    tell_confirmed(session, teller=teller, campaign=campaign, rows=confirmed, now=now)
    return confirmed
