"""A campaign's review (sơ kết, tổng kết; issue #17): what the campaign came to by a given day,
assembled from the rows in a few grouped reads, as plain data:

- **participation** by grassroots union: the members the campaign is for, those who pledged,
  those who reported a figure of their own;
- **pledges met**: a pledge is met when its member reported every figure of their own due in
  the periods counted and each reached its target (the pledged one, else the campaign's;
  "yes" on a yes/no criterion; at most the target where lower is better);
- **criteria results** by unit and block: each union's points on the criteria the union
  reports or an evaluator of the level above scores (the evaluator's value where there is
  one), per period by core/emulation/scoring.py and added up over the periods counted, ranked
  among the campaign's unions and within each emulation block;
- **the people** with the most points on the criteria members report;
- **initiatives** (those of the campaign, and those of its unions without a campaign
  submitted while it ran) and their benefit; **commendations** approved in its unions while
  it ran, with the shares of direct production workers and of people without a leadership
  post among those commended;
- **reach** of its announcements (the delivery report of each).

The periods counted: those over by the review's day; a final review counts every period that
had begun when the campaign closed. A review is stored with these figures frozen (ids, never
names: names are read when it is shown, so /forget and /hidename reach it) in
core/emulation/review_models.py; `run_final_review` is what closing a campaign runs."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, and_, or_, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.scope import Actor
from core.commendations.models import Commendation, CommendationStatus, CommendedMember
from core.emulation import scoring, title_proposals
from core.emulation.block_models import BlockUnit, EmulationBlock, Evaluation
from core.emulation.block_ranking import UNIT_REPORTERS, applies, sizes
from core.emulation.criteria import as_scored
from core.emulation.models import (
    SCALE,
    EmulationCriterion,
    EmulationPledge,
    EmulationReport,
    PledgeTarget,
)
from core.emulation.periods import Period, periods
from core.emulation.pledges import audience_where
from core.emulation.reporting import grassroots_units
from core.emulation.review_models import EmulationReview, ReviewKind
from core.emulation.templates import Frequency, Reporter
from core.errors import DomainError, NotFound
from core.i18n import Translator
from core.initiatives.models import Initiative, NamePreference
from core.initiatives.rules import Status
from core.members.models import (
    Consent,
    ConsentPurpose,
    Member,
    UnionUnit,
    WorkerGroup,
)

TOP_PEOPLE = 20
RECENT = timedelta(days=2)  # a campaign closed longer ago gets its final review unannounced
TIMEZONE = "Asia/Ho_Chi_Minh"
log = logging.getLogger(__name__)


# --- the review, as plain data ---------------------------------------------------------------


@dataclass
class UnitLine:
    """One grassroots union of the campaign (or the campaign's own unit for what belongs to
    no grassroots union below it)."""

    unit_id: int
    members: int = 0  # the members the campaign is for
    registered: int = 0  # of them, those who pledged
    reporting: int = 0  # those who reported a figure of their own
    pledges_met: int = 0
    figures_due: int = 0  # the union's own figures due (criteria × periods counted)
    figures_in: int = 0  # of them, those with a figure in force
    points: Decimal = Decimal(0)  # on the union's criteria, over the periods counted
    by_criterion: dict[int, Decimal] = field(default_factory=dict)  # criterion id -> points
    rank: int = 0  # among the campaign's unions (0: not a grassroots union)
    block_id: int | None = None
    block_rank: int | None = None
    initiatives: int = 0  # submitted
    accepted: int = 0  # accepted or applied
    benefit_vnd: int = 0  # of those accepted, as valued at acceptance
    commendations: int = 0  # approved
    commended: int = 0  # people commended (a team's members each)
    direct_workers: int = 0  # of them, workers directly in production or business
    non_leaders: int = 0  # of them, holding no leadership or management post
    reached: int = 0  # messages of the campaign's announcements meant for its members
    delivered: int = 0  # of them, sent


@dataclass
class CriterionLine:
    criterion_id: int
    reporter: str  # core.emulation.templates.Reporter
    periods: int  # periods counted
    due: int  # figures due over them (units, or members of the audience, × periods)
    reported: int  # figures in force
    met: int  # figures that reached the target
    points: Decimal = Decimal(0)  # earned in all


@dataclass
class BlockLine:
    block_id: int
    owner_unit_id: int
    units: list[tuple[int, Decimal, int]] = field(default_factory=list)  # unit, points, rank


@dataclass
class PersonLine:
    member_id: int
    unit_id: int
    points: Decimal
    title: str | None  # the title pledged (core.emulation.titles.Title)


@dataclass
class ReachLine:
    broadcast_id: int
    kind: str
    created_at: datetime
    audience: int = 0
    sent: int = 0
    waiting: int = 0
    queued: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass
class Review:
    campaign_id: int
    kind: str  # ReviewKind
    as_of: date
    periods: list[str]  # the keys of the periods counted, in order
    most_points: Decimal  # what a union can earn at most over them on its criteria
    units: list[UnitLine]  # best first (then the lines of no grassroots union)
    criteria: list[CriterionLine]
    blocks: list[BlockLine]
    people: list[PersonLine]  # best first, TOP_PEOPLE at most, with points above 0
    reach: list[ReachLine]
    notes: list[str]  # what makes the figures thin: no_criteria, no_reports, no_periods

    # the totals over the units
    def total(self, name: str) -> int:
        return sum(int(getattr(u, name)) for u in self.units)

    @property
    def ranked(self) -> list[UnitLine]:
        return [u for u in self.units if u.rank]

    def to_json(self) -> str:
        return json.dumps(_flat(self), default=_plain, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Review:
        raw = json.loads(text)
        return cls(
            campaign_id=raw["campaign_id"],
            kind=raw["kind"],
            as_of=date.fromisoformat(raw["as_of"]),
            periods=list(raw["periods"]),
            most_points=Decimal(raw["most_points"]),
            units=[_unit_line(u) for u in raw["units"]],
            criteria=[_loaded(CriterionLine, c) for c in raw["criteria"]],
            blocks=[
                BlockLine(
                    b["block_id"],
                    b["owner_unit_id"],
                    [(u, Decimal(p), r) for u, p, r in b["units"]],
                )
                for b in raw["blocks"]
            ],
            people=[_loaded(PersonLine, p) for p in raw["people"]],
            reach=[_loaded(ReachLine, r) for r in raw["reach"]],
            notes=list(raw["notes"]),
        )


def _flat(value: object) -> object:
    """A dataclass as dicts and lists (dataclasses.asdict without its deep copies)."""
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _flat(getattr(value, f.name)) for f in fields(value)}  # type: ignore[arg-type]
    if isinstance(value, list | tuple):
        return [_flat(v) for v in value]
    if isinstance(value, dict):
        return {k: _flat(v) for k, v in value.items()}
    return value


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _loaded(kind: type, raw: dict[str, Any]) -> Any:
    values: dict[str, Any] = {}
    for f in fields(kind):
        value = raw[f.name]
        if f.type == "Decimal":
            value = Decimal(value)
        elif f.type == "datetime":
            value = datetime.fromisoformat(value)
        values[f.name] = value
    return kind(**values)


def _unit_line(raw: dict[str, Any]) -> UnitLine:
    line: UnitLine = _loaded(UnitLine, {**raw, "by_criterion": {}})
    line.by_criterion = {int(k): Decimal(v) for k, v in raw["by_criterion"].items()}
    return line


Liner = Callable[[int], UnitLine]  # unit id -> the line it counts in


# --- computing it --------------------------------------------------------------------------


@dataclass
class _Criteria:
    """The campaign's criteria: those in force, and each version's first one (its lineage)."""

    in_force: list[EmulationCriterion]
    root: dict[int, int]  # criterion id (any version) -> the id of its first version

    @classmethod
    def of(cls, session: Session, campaign_id: int) -> _Criteria:
        rows = list(
            session.exec(
                select(EmulationCriterion)
                .where(EmulationCriterion.campaign_id == campaign_id)
                .order_by(col(EmulationCriterion.position), col(EmulationCriterion.id))
            )
        )
        parent = {r.id: r.replaces_id for r in rows}
        root: dict[int, int] = {}
        for r in rows:
            first = r.id
            while parent.get(first):
                first = parent[first]
            root[r.id] = first  # type: ignore[index]
        return cls([r for r in rows if r.retired_at is None], root)


def counted_periods(
    campaign: Campaign, frequency: Frequency, as_of: date, final: bool
) -> list[Period]:
    return [
        p
        for p in periods(frequency, campaign.starts_on, campaign.ends_on)
        if p.end <= as_of or (final and p.start <= as_of)
    ]


def _grassroots_of(units: dict[int, str], covered: set[int], fallback: int) -> dict[int, int]:
    """unit id -> the grassroots union of the campaign it belongs to (itself, or the nearest
    above it), else `fallback` (the campaign's unit)."""
    found: dict[int, int] = {}
    for unit_id, path in units.items():
        parts = [int(p) for p in path.strip("/").split("/") if p]
        found[unit_id] = next((p for p in reversed(parts) if p in covered), fallback)
    return found


def _figure(stored: int) -> Decimal:
    """A figure as core.emulation.models.Fixed4 reads it."""
    return (Decimal(int(stored)) / SCALE).normalize() + 0


def reached_target(row: EmulationCriterion, value: Decimal, target: Decimal | None) -> bool:
    if row.kind == scoring.Kind.YES_NO:
        return value >= 1
    if row.kind == scoring.Kind.SCORE:
        return value >= row.points
    return scoring.met(value, target, lower_is_better=row.lower_is_better)


@dataclass
class _Build:
    """What computing a review gathers on the way (compute's steps share it)."""

    session: Session
    campaign: Campaign
    as_of: date
    final: bool
    home: UnionUnit
    crit: _Criteria
    covered: set[int]
    paths: dict[int, str]
    lines: dict[int, UnitLine]
    line_of: dict[int, int] = field(default_factory=dict)
    audience: dict[int, int] = field(default_factory=dict)  # member -> unit
    pledged: dict[int, str] = field(default_factory=dict)  # member -> title
    unit_figures: dict[tuple[int, str, int], Decimal] = field(default_factory=dict)
    member_figures: dict[tuple[int, str, int], Decimal] = field(default_factory=dict)
    counted: dict[int, list[Period]] = field(default_factory=dict)  # criterion -> periods
    criteria: dict[int, CriterionLine] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    most: Decimal = Decimal(0)

    def line(self, unit_id: int) -> UnitLine:
        target = self.line_of.get(unit_id, self.home.id)  # type: ignore[arg-type]
        return self.lines.setdefault(target, UnitLine(target))  # type: ignore[arg-type]

    def participation(self) -> None:
        """The audience, the pledges, who reported; the figures in force."""
        self.audience = _audience(self.session, self.campaign)
        for unit_id in self.audience.values():
            self.line(unit_id).members += 1
        self.pledged = dict(
            self.session.execute(
                select(EmulationPledge.member_id, EmulationPledge.title).where(
                    EmulationPledge.campaign_id == self.campaign.id
                )
            ).all()  # type: ignore[arg-type]
        )
        for member_id in self.pledged:
            if member_id in self.audience:
                self.line(self.audience[member_id]).registered += 1
        # the figures as stored (ten-thousandths), read without the ORM: 10^5 members' months
        raw = type_coerce(EmulationReport.value, BigInteger)
        reports = (
            self.session.connection()
            .execute(
                select(
                    EmulationReport.criterion_id,
                    EmulationReport.period,
                    EmulationReport.unit_id,
                    EmulationReport.member_id,
                    raw,
                ).where(
                    EmulationReport.campaign_id == self.campaign.id,
                    col(EmulationReport.superseded_at).is_(None),
                )
            )
            .all()
        )
        values: dict[int, Decimal] = {}  # stored -> the figure, each made once
        reports = [
            (c, p, u, m, values.get(v) or values.setdefault(v, _figure(v)))
            for c, p, u, m, v in reports
        ]
        reporters: dict[int, int] = {}  # member -> unit of their reports
        for criterion_id, period, unit_id, member_id, value in reports:
            root = self.crit.root.get(criterion_id, criterion_id)
            if member_id is None:
                self.unit_figures[(root, period, unit_id)] = value
            else:
                reporters.setdefault(member_id, unit_id)
                self.member_figures[(root, period, member_id)] = value
        for unit_id in reporters.values():
            self.line(unit_id).reporting += 1
        # evaluations replace the unions' own figures (the latest of each chain)
        for chain, value in _latest_evaluations(self.session, self.campaign.id):  # type: ignore[arg-type]
            root_text, period, unit_text = chain.split(":")
            self.unit_figures[(int(root_text), period, int(unit_text))] = value
        if not self.crit.in_force:
            self.notes.append("no_criteria")
        if not reports:
            self.notes.append("no_reports")
        for row in self.crit.in_force:
            frequency = Frequency(row.frequency)
            self.counted[row.id] = counted_periods(self.campaign, frequency, self.as_of, self.final)  # type: ignore[index]
        if self.crit.in_force and not self.period_keys():
            self.notes.append("no_periods")

    def period_keys(self) -> list[str]:
        return sorted({p.key for ps in self.counted.values() for p in ps})

    def unit_criteria(self, divisors: dict[int, int]) -> None:
        """The unions' criteria: points per period, added up, and the unions ranked."""
        for row in (r for r in self.crit.in_force if r.reporter in UNIT_REPORTERS):
            rule, root, counted = (
                as_scored(row, row.target),
                self.crit.root[row.id],
                self.counted[row.id],
            )  # type: ignore[index]
            mine = CriterionLine(row.id, row.reporter, len(counted), 0, 0, 0)  # type: ignore[arg-type]
            self.most += scoring.most_points([rule]) * len(counted)
            memo: dict[tuple[Decimal, int | None], tuple[bool, Decimal]] = {}
            for period in counted:
                for unit_id in self.covered:
                    here = self.lines[unit_id]
                    here.figures_due += 1
                    mine.due += 1
                    value = self.unit_figures.get((root, period.key, unit_id))
                    if value is None:
                        continue
                    here.figures_in += 1
                    mine.reported += 1
                    size = divisors.get(unit_id) or None
                    known = memo.get((value, size))
                    if known is None:
                        met = reached_target(row, value, row.target)
                        known = memo[(value, size)] = (
                            met,
                            scoring.criterion_points(rule, value, size),
                        )
                    mine.met += known[0]
                    points = known[1]
                    here.points += points
                    here.by_criterion[row.id] = here.by_criterion.get(row.id, Decimal(0)) + points  # type: ignore[index]
                    mine.points += points
            self.criteria[row.id] = mine  # type: ignore[index]
        for standing in scoring.rank_totals({u: self.lines[u].points for u in self.covered}):
            self.lines[standing.unit_id].rank = standing.rank

    def member_criteria(self) -> list[PersonLine]:
        """The members' criteria: each member's points, their pledges met, the best people."""
        rows = [r for r in self.crit.in_force if r.reporter == Reporter.MEMBER]
        pledged_targets = _pledged_targets(self.session, self.campaign.id, self.crit)  # type: ignore[arg-type]
        people: dict[int, Decimal] = {}
        missed: set[int] = set()
        for row in rows:
            root, counted = self.crit.root[row.id], self.counted[row.id]  # type: ignore[index]
            due = len(self.audience) * len(counted)
            mine = CriterionLine(row.id, row.reporter, len(counted), due, 0, 0)  # type: ignore[arg-type]
            # (target, figure) -> (target reached, points): a few thousand pairs at most
            memo: dict[tuple[Decimal | None, Decimal], tuple[bool, Decimal]] = {}
            for period in counted:
                for member_id in self.audience:
                    value = self.member_figures.get((root, period.key, member_id))
                    if value is None:
                        missed.add(member_id)
                        continue
                    target = pledged_targets.get((member_id, root)) or row.target
                    known = memo.get((target, value))
                    if known is None:
                        known = memo[(target, value)] = (
                            reached_target(row, value, target),
                            scoring.criterion_points(as_scored(row, target), value, None),
                        )
                    if known[0]:
                        mine.met += 1
                    else:
                        missed.add(member_id)
                    mine.reported += 1
                    points = known[1]
                    mine.points += points
                    people[member_id] = people.get(member_id, Decimal(0)) + points
            self.criteria[row.id] = mine  # type: ignore[index]
        if any(self.counted[r.id] for r in rows):  # type: ignore[index]
            for member_id in self.pledged:
                if member_id in self.audience and member_id not in missed:
                    self.line(self.audience[member_id]).pledges_met += 1
        top = sorted(((p, m) for m, p in people.items() if p > 0), key=lambda x: (-x[0], x[1]))
        return [
            PersonLine(m, self.audience[m], p, self.pledged.get(m)) for p, m in top[:TOP_PEOPLE]
        ]


def compute(
    session: Session, campaign: Campaign, *, as_of: date, kind: ReviewKind = ReviewKind.MID
) -> Review:
    """The campaign's review as of the day `as_of` (local)."""
    covered_units = grassroots_units(session, campaign)
    home = session.get(UnionUnit, campaign.unit_id)
    if home is None:
        raise NotFound("unit_unknown")
    subtree = (
        col(UnionUnit.path).startswith(home.path)
        if campaign.include_subtree
        else col(UnionUnit.id) == home.id
    )
    paths = dict(session.execute(select(UnionUnit.id, UnionUnit.path).where(subtree)).all())
    covered = {u.id for u in covered_units}
    build = _Build(
        session,
        campaign,
        as_of,
        kind is ReviewKind.FINAL,
        home,
        _Criteria.of(session, campaign.id),  # type: ignore[arg-type]
        covered,  # type: ignore[arg-type]
        paths,  # type: ignore[arg-type]
        {u.id: UnitLine(u.id) for u in covered_units},  # type: ignore[misc]
        _grassroots_of(paths, covered, home.id),  # type: ignore[arg-type]
    )
    build.participation()
    build.unit_criteria({u: n for u, (n, _basis) in sizes(session, covered_units).items()})
    people = build.member_criteria()
    block_lines = _blocks(session, campaign, build.lines, build.covered)
    _initiatives(session, campaign, as_of, build.line)
    _commendations(session, campaign, as_of, paths, build.line)  # type: ignore[arg-type]
    reach = _reach(session, campaign, build.line)
    ordered = sorted(build.lines.values(), key=lambda u: (u.rank == 0, u.rank, u.unit_id))
    return Review(
        campaign_id=campaign.id,  # type: ignore[arg-type]
        kind=kind.value,
        as_of=as_of,
        periods=build.period_keys(),
        most_points=build.most,
        units=ordered,
        criteria=[build.criteria[r.id] for r in build.crit.in_force],  # type: ignore[index]
        blocks=block_lines,
        people=people,
        reach=reach,
        notes=build.notes,
    )


def _audience(session: Session, campaign: Campaign) -> dict[int, int]:
    """member id -> unit id of the members the campaign is for (core.emulation.pledges'
    audience_members, read as two columns)."""
    among = audience_where(session, campaign)
    if among is None:
        return {}
    query = (
        select(Member.id, Member.unit_id)
        .join(UnionUnit, col(UnionUnit.id) == Member.unit_id)
        .where(*among)
    )
    return dict(session.execute(query.order_by(col(Member.id))).all())  # type: ignore[arg-type]


def _latest_evaluations(session: Session, campaign_id: int) -> list[tuple[str, Decimal]]:
    latest = (
        select(func.max(Evaluation.id))
        .where(Evaluation.campaign_id == campaign_id)
        .group_by(col(Evaluation.chain))
    )
    return list(
        session.execute(
            select(Evaluation.chain, Evaluation.value).where(col(Evaluation.id).in_(latest))
        ).all()  # type: ignore[arg-type]
    )


def _pledged_targets(
    session: Session, campaign_id: int, crit: _Criteria
) -> dict[tuple[int, int], Decimal]:
    """(member id, first criterion version) -> their pledged target, where above 0."""
    found: dict[tuple[int, int], Decimal] = {}
    for member_id, criterion_id, value in session.execute(
        select(EmulationPledge.member_id, PledgeTarget.criterion_id, PledgeTarget.value)
        .join(EmulationPledge, col(EmulationPledge.id) == PledgeTarget.pledge_id)
        .where(EmulationPledge.campaign_id == campaign_id)
    ).all():
        if value is not None and value > 0:
            found[(member_id, crit.root.get(criterion_id, criterion_id))] = value
    return found


def _blocks(
    session: Session, campaign: Campaign, lines: dict[int, UnitLine], covered: set[int]
) -> list[BlockLine]:
    """The blocks that rank the campaign's unions, each with its unions ranked on their
    points over the periods counted."""
    held = session.execute(
        select(EmulationBlock, BlockUnit.unit_id)
        .join(BlockUnit, col(BlockUnit.block_id) == EmulationBlock.id)
        .where(
            or_(
                col(EmulationBlock.campaign_id) == campaign.id,
                and_(
                    col(EmulationBlock.year) == campaign.starts_on.year,
                    col(BlockUnit.unit_id).in_(covered),
                ),
            )
        )
        .order_by(col(EmulationBlock.name), col(EmulationBlock.id))
    ).all()
    found: dict[int, BlockLine] = {}
    members: dict[int, list[int]] = {}
    for block, unit_id in held:
        if not applies(block, campaign) or unit_id not in covered:
            continue
        found.setdefault(block.id, BlockLine(block.id, block.owner_unit_id))  # type: ignore[arg-type]
        members.setdefault(block.id, []).append(unit_id)  # type: ignore[arg-type]
    for block_id, unit_ids in members.items():
        for standing in scoring.rank_totals({u: lines[u].points for u in unit_ids}):
            found[block_id].units.append((standing.unit_id, standing.total, standing.rank))
            lines[standing.unit_id].block_id = block_id
            lines[standing.unit_id].block_rank = standing.rank
    return list(found.values())


def _window(campaign: Campaign, as_of: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(TIMEZONE)
    start = datetime.combine(campaign.starts_on, datetime.min.time(), zone)
    end = datetime.combine(as_of + timedelta(1), datetime.min.time(), zone)
    return start, end


def _initiatives(session: Session, campaign: Campaign, as_of: date, line: Liner) -> None:
    start, end = _window(campaign, as_of)
    unit_ids = select(UnionUnit.id).where(
        col(UnionUnit.path).startswith(session.get(UnionUnit, campaign.unit_id).path)  # type: ignore[union-attr]
        if campaign.include_subtree
        else col(UnionUnit.id) == campaign.unit_id
    )
    rows = session.execute(
        select(Initiative.unit_id, Initiative.status, Initiative.benefit_vnd).where(
            col(Initiative.status) != Status.DRAFT,
            col(Initiative.submitted_at) < end,
            or_(
                col(Initiative.campaign_id) == campaign.id,
                and_(
                    col(Initiative.campaign_id).is_(None),
                    col(Initiative.unit_id).in_(unit_ids),
                    col(Initiative.submitted_at) >= start,
                ),
            ),
        )
    ).all()
    for unit_id, status, benefit in rows:
        here = line(unit_id)
        here.initiatives += 1
        if status in (Status.ACCEPTED, Status.APPLIED):
            here.accepted += 1
            here.benefit_vnd += int(benefit or 0)


def _commendations(
    session: Session, campaign: Campaign, as_of: date, paths: dict[int, str], line: Liner
) -> None:
    start, end = _window(campaign, as_of)
    approved = session.execute(
        select(Commendation.id, Commendation.unit_id).where(
            Commendation.status == CommendationStatus.APPROVED,
            col(Commendation.unit_id).in_(list(paths)),
            col(Commendation.decided_at) >= start,
            col(Commendation.decided_at) < end,
        )
    ).all()
    unit_of = dict(approved)
    for _id, unit_id in approved:
        line(unit_id).commendations += 1
    if not unit_of:
        return
    for commendation_id, group, leader in session.execute(
        select(
            CommendedMember.commendation_id,
            CommendedMember.worker_group,
            CommendedMember.holds_leadership_post,
        ).where(col(CommendedMember.commendation_id).in_(list(unit_of)))
    ).all():
        here = line(unit_of[commendation_id])
        here.commended += 1
        here.direct_workers += group == WorkerGroup.DIRECT_WORKER
        here.non_leaders += leader is False


def _reach(session: Session, campaign: Campaign, line: Liner) -> list[ReachLine]:
    found = []
    for broadcast in session.exec(
        select(Broadcast)
        .where(Broadcast.campaign_id == campaign.id)
        .order_by(col(Broadcast.created_at), col(Broadcast.id))
    ):
        report = broadcasts.report(session, broadcast=broadcast)
        totals = report.totals
        found.append(
            ReachLine(
                broadcast.id,  # type: ignore[arg-type]
                str(broadcast.kind),
                broadcast.created_at,
                report.audience,
                totals[broadcasts.SENT],
                totals[broadcasts.WAITING],
                totals[broadcasts.QUEUED],
                totals[broadcasts.FAILED],
                totals[broadcasts.SKIPPED],
            )
        )
        for unit_id, counts in report.by_unit.items():
            here = line(unit_id)
            here.reached += sum(counts.values())
            here.delivered += counts[broadcasts.SENT]
    return found


# --- stored reviews --------------------------------------------------------------------------


def local_today(now: datetime) -> date:
    return now.astimezone(ZoneInfo(TIMEZONE)).date()


def stored(session: Session, review_id: int) -> EmulationReview:
    row = session.get(EmulationReview, review_id)
    if row is None:
        raise NotFound("review_unknown")
    return row


def figures_of(row: EmulationReview) -> Review:
    return Review.from_json(row.figures)


def of_campaign(session: Session, *, actor: Actor, campaign_id: int) -> list[EmulationReview]:
    """The campaign's reviews, the latest first (the final one first of all)."""
    campaigns.get(session, actor=actor, campaign_id=campaign_id)
    return list(
        session.exec(
            select(EmulationReview)
            .where(EmulationReview.campaign_id == campaign_id)
            .order_by(col(EmulationReview.final_of).is_(None), col(EmulationReview.id).desc())
        )
    )


def visible(session: Session, *, actor: Actor, review_id: int) -> tuple[EmulationReview, Campaign]:
    """The review, if the actor's scope covers its campaign (Forbidden otherwise)."""
    row = stored(session, review_id)
    return row, campaigns.get(session, actor=actor, campaign_id=row.campaign_id)


def final_of(session: Session, campaign_id: int) -> EmulationReview | None:
    return session.exec(
        select(EmulationReview).where(EmulationReview.final_of == campaign_id)
    ).first()


def _store(
    session: Session,
    campaign: Campaign,
    kind: ReviewKind,
    as_of: date,
    by: int | None,
    now: datetime,
    announce: bool,
) -> EmulationReview:
    figures = compute(session, campaign, as_of=as_of, kind=kind)
    row = EmulationReview(
        campaign_id=campaign.id,  # type: ignore[arg-type]
        kind=kind.value,
        final_of=campaign.id if kind is ReviewKind.FINAL else None,
        as_of=as_of,
        created_by=by,
        created_at=now,
        figures=figures.to_json(),
        announce=announce,
    )
    session.add(row)
    session.flush()
    return row


def run_mid_review(
    session: Session, *, actor: Actor, campaign_id: int, now: datetime, announce: bool = False
) -> EmulationReview:
    """A mid-term review (sơ kết) of a running campaign, by an officer whose scope covers it,
    its figures to today; `announce`: its announcement is to go to the campaign's members."""
    campaign = campaigns.get(session, actor=actor, campaign_id=campaign_id)
    if campaign.status == CampaignStatus.CLOSED:
        raise DomainError("review_campaign_closed")
    if campaign.status != CampaignStatus.RUNNING:
        raise DomainError("review_not_running")
    today = min(local_today(now), campaign.ends_on)
    return _store(session, campaign, ReviewKind.MID, today, actor.member_id, now, announce)


def run_final_review(
    session: Session,
    campaign_id: int,
    now: datetime,
    *,
    by: int | None = None,
    t: Translator | None = None,
) -> EmulationReview:
    """The campaign's final review (tổng kết), stored once: a second call returns the first,
    unchanged. Closing a campaign on the desk or in the API runs it at once, the scheduler for
    a campaign closed otherwise (core/emulation/review_announce.py); its figures run to the
    campaign's last day, or the day it closed if earlier. Its announcement (a campaign
    launched, closed in the last two days) is sent by the scheduler. No scope check here: the
    callers have made theirs (closing is checked against the officer's scope). With `t` (the
    union's default language), storing it also runs thidua's title proposals
    (core/emulation/title_proposals.py), for the officers to amend and confirm."""
    existing = final_of(session, campaign_id)
    if existing is not None:
        return existing
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("campaign_unknown")
    if campaign.status != CampaignStatus.CLOSED:
        raise DomainError("review_final_open")
    closed = local_today(campaign.closed_at or now)
    as_of = min(closed, campaign.ends_on)
    recent = campaign.closed_at is None or now - campaign.closed_at <= RECENT
    announced = campaign.launched_at is not None and recent
    try:
        with session.begin_nested():
            made = _store(session, campaign, ReviewKind.FINAL, as_of, by, now, announced)
    except IntegrityError:  # another transaction stored it just now
        found = final_of(session, campaign_id)
        assert found is not None
        return found
    if t is not None:
        _propose_titles(session, campaign_id, now, by, t)
    return made


def _propose_titles(
    session: Session, campaign_id: int, now: datetime, by: int | None, t: Translator
) -> None:
    """The titles proposed with the final review; a refusal leaves the review stored (the
    officers run the proposals from the desk)."""
    actor = Actor.officer(by) if by is not None else None
    try:
        with session.begin_nested():
            title_proposals.propose_titles(
                session, campaign_id, now, t=t, timezone=TIMEZONE, actor=actor
            )
    except DomainError as err:
        log.warning("titles not proposed with the final review of %s: %s", campaign_id, err.code)


# --- names: read when shown ---------------------------------------------------------------


def names(session: Session, member_ids: Iterable[int]) -> dict[int, tuple[str | None, bool]]:
    """member id -> (their name, None once forgotten; whether it may be shown beyond their
    union: /showname or the consent given when joining, and no /hidename since)."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Member.id, Member.full_name, Member.forgotten_at).where(col(Member.id).in_(ids))
    ).all()
    prefs = dict(
        session.execute(
            select(NamePreference.member_id, NamePreference.show_name).where(
                col(NamePreference.member_id).in_(ids)
            )
        ).all()
    )
    consented = set(
        session.exec(
            select(Consent.member_id).where(
                col(Consent.member_id).in_(ids),
                Consent.purpose == ConsentPurpose.PUBLIC_NAME,
                col(Consent.withdrawn_at).is_(None),
            )
        ).all()
    )
    found = {}
    for member_id, name, forgotten in rows:
        if forgotten is not None:
            found[member_id] = (None, False)
            continue
        shown = prefs.get(member_id)
        public = shown if shown is not None else member_id in consented
        found[member_id] = (name, bool(public))
    return found


def unit_names(session: Session, unit_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(unit_ids))
    return dict(
        session.execute(
            select(UnionUnit.id, UnionUnit.name).where(col(UnionUnit.id).in_(ids))
        ).all()  # type: ignore[arg-type]
    )


def criterion_rows(session: Session, review: Review) -> dict[int, EmulationCriterion]:
    ids = [c.criterion_id for c in review.criteria]
    return {
        r.id: r  # type: ignore[misc]
        for r in session.exec(select(EmulationCriterion).where(col(EmulationCriterion.id).in_(ids)))
    }


def block_names(session: Session, review: Review) -> dict[int, str]:
    ids = [b.block_id for b in review.blocks]
    return dict(
        session.execute(
            select(EmulationBlock.id, EmulationBlock.name).where(col(EmulationBlock.id).in_(ids))
        ).all()  # type: ignore[arg-type]
    )
