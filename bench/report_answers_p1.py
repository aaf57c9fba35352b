"""P1 with progress reports: members typing their month's figures through the signed Telegram
webhook, against a bare FastAPI echo endpoint in the same run (issue 17, "Speed": ingesting a
month of reports through the webhook path keeps P1).

Seeds a fresh database (a SQLite file, or, as bench/telegram_webhook.py does, a database of its
own created on the PostgreSQL server that `--database-url` names and dropped afterwards: a
database reused from an earlier run already holds the members and their campaign, and seeding it
again fails on their unique keys): 5,000 members (Telegram identities, consent given) in 10
grassroots unions, a running emulation campaign of their province with 11 NUMBER criteria that
members report monthly (the current month's period open today in Asia/Ho_Chi_Minh, its call to
report and the campaign's reminders already sent, so that the scheduler adds no traffic), and
each member's conversation at the report's figure step (core/emulation/report_chat.py, as the
«Report now» button leaves it), stored as the app stores it (core/conversation.py). Each request
is a distinct Telegram `message` update whose text is a figure ("12"), from the members in turn,
so that each is a real report: parsed, kept as an `emulation_report` row and answered with the
next criterion. By default 55,000 figures: each layout takes up to about 25,000 (the echo reuses
them), so with two layouts every member stops at most at their tenth figure and the last figure
of a report, answered with the member's progress and their unit's standing
(core/emulation/unit_standing.py), is not sent; `--criteria 10` (two layouts) or `--criteria 5`
(one) sends each member's last figure in the closing closed loop.

Then, as bench/quiz_answers_p1.py does for quiz answers (with the load generator and layouts of
bench/telegram_webhook.py): for each layout, the echo and then the layout, each at rising
open-loop rates and a closed loop; the sustained closed-loop rate is compared with the echo's
just before it. After each layout the bench waits until every acknowledged report is stored
(emulation_report rows: none left pending in `inbound_update` and the count still for 60 s)
and reports the reports stored per second, end to end.

    .venv/bin/python -m bench.report_answers_p1 [--rates 100,250,500] [--seconds 5]
        [--connections 32] [--database-url URL] [--layouts serve,split] [--no-spool]
        [--criteria 11]
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session, func, select

from bench.broadcast_common import fresh_database
from bench.quiz_answers_p1 import wait_until_scored
from bench.seeding import seed_province
from bench.telegram_webhook import (
    ECHO,
    LAYOUTS,
    PATH,
    SECRET,
    Step,
    WallClock,
    add_layout_options,
    closed_loop,
    describe_store,
    open_loop,
    print_layout,
    print_machine,
    run_process,
    upgraded_env,
    wait_ready,
)
from core.campaigns.models import Campaign, CampaignStatus
from core.emulation.models import EmulationCriterion, EmulationReport, PledgeCall, ReportCall
from core.emulation.periods import periods
from core.emulation.pledges import local_today
from core.emulation.scoring import Kind
from core.emulation.steps import Reporting, ReportState
from core.emulation.templates import Frequency, Reporter
from core.storage.engine import make_engine
from core.storage.models import ConversationState, InboundStatus, InboundUpdate
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram_api import FakeTelegram

MEMBERS = 5000
CRITERIA = 11  # figures per member's monthly report: 55,000 in all (see below)
# after a layout, the wait for its reports ends once none waits in inbound_update and the count
# of reports has not moved for this long (10 s ended it inside a batch of last figures)
STILL = 60.0
CLOSED_LOOP_BUDGET = 4000  # reports per second of the closed loop (at most, as figures last)
TIMEZONE = "Asia/Ho_Chi_Minh"  # the app's default (THIDUA_TIMEZONE is not set)


def campaign_dates(today: date) -> tuple[date, date]:
    """A campaign since the first of the month five months ago whose last (monthly) period
    ends tomorrow, or today on a month's last day: that period is open today and not late."""
    tomorrow = today + timedelta(1)
    ends = tomorrow if tomorrow.month == today.month else today
    month = today.month - 5
    starts = date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return starts, ends


def _people(session: Session, now: datetime) -> int:
    """Members 1..MEMBERS in 10 grassroots unions of a province, each with their identity."""
    return seed_province(session, MEMBERS, now).id  # type: ignore[return-value]


def _campaign(
    session: Session, top: int, now: datetime, starts: date, ends: date, criteria: int
) -> int:
    """The running campaign of the province, its criteria, its calls already sent."""
    campaign = Campaign(
        unit_id=top,
        title="Thi đua năng suất",
        starts_on=starts,
        ends_on=ends,
        status=CampaignStatus.RUNNING,
        launched_at=now - timedelta(days=30),
        reminder_done_at=now,  # the campaign's end reminder: not during the measure
    )
    session.add(campaign)
    session.flush()
    assert campaign.id is not None
    session.execute(
        insert(EmulationCriterion),
        [
            {
                "campaign_id": campaign.id,
                "position": c,
                "name": f"Chỉ tiêu {c + 1}",
                "kind": Kind.NUMBER.value,
                "measure": "giờ",
                "target": Decimal(10),
                "points": Decimal(10),
                "reporter": Reporter.MEMBER.value,
                "frequency": Frequency.MONTHLY.value,
                "created_at": now,
            }
            for c in range(criteria)
        ],
    )
    past = starts + timedelta(days=7)  # the call to pledge: over, invited and reminded
    session.add(PledgeCall(campaign_id=campaign.id, deadline=past, invited_at=now, reminded_at=now))
    for period in periods(Frequency.MONTHLY, starts, ends):  # every call to report: sent
        session.add(
            ReportCall(campaign_id=campaign.id, due_on=period.end, prompted_at=now, reminded_at=now)
        )
    return campaign.id


def seed(database_url: str, criteria: int = CRITERIA) -> tuple[list[tuple[int, str]], str]:
    """(person id, figure typed) of every figure that can be reported, in sending order (the
    members in turn, criterion after criterion), and the period's key."""
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    starts, ends = campaign_dates(local_today(now, TIMEZONE))
    period = periods(Frequency.MONTHLY, starts, ends)[-1]
    assert period.open_on(local_today(now, TIMEZONE)) and period.end == ends
    with Session(engine) as session, session.begin():
        top = _people(session, now)
        campaign_id = _campaign(session, top, now, starts, ends, criteria)
        state = ReportState(campaign_id=campaign_id, due=ends.isoformat())
        data = json.dumps(state.to_data(), ensure_ascii=False)  # as core/conversation.py does
        flow, step = Reporting.figure.key
        session.execute(
            insert(ConversationState),
            [
                {
                    "identity_id": i,
                    "flow": flow,
                    "step": step,
                    "data": data,
                    "version": 1,
                    "updated_at": now,
                }
                for i in range(1, MEMBERS + 1)
            ],
        )
        if engine.dialect.name == "postgresql":
            for table in ("member", "identity"):
                session.execute(text(f"SELECT setval('{table}_id_seq', {MEMBERS})"))
    engine.dispose()
    figures = [
        (member, str(1 + (member + criterion) % 20))  # 1..20 giờ: never ten times the target
        for criterion, member in itertools.product(range(criteria), range(1, MEMBERS + 1))
    ]
    return figures, period.key


class Figures:
    """Signed `message` updates, one per seeded figure, made before the clock starts."""

    def __init__(self, figures: list[tuple[int, str]]) -> None:
        self.figures = iter(figures)
        self.ids = itertools.count(800_000_000)

    def requests(self, count: int) -> list[bytes]:
        out = []
        for person, typed in itertools.islice(self.figures, count):
            n = next(self.ids)
            update = {
                "update_id": n,
                "message": {
                    "message_id": n,
                    "date": int(time.time()),
                    "chat": {"id": person, "type": "private", "first_name": "Lan"},
                    "from": {
                        "id": person,
                        "is_bot": False,
                        "first_name": "Lan",
                        "language_code": "vi",
                    },
                    "text": typed,
                },
            }
            body = json.dumps(update, ensure_ascii=False).encode()
            head = (
                f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            out.append(head.encode() + body)
        if len(out) < count:
            raise SystemExit(f"only {len(out)} of {count} seeded figures left: raise --criteria")
        return out


async def run_against(port: int, figures: Figures, args: argparse.Namespace) -> list[Step]:
    await wait_ready(port)
    await closed_loop(port, figures.requests(300), 8, 2.0)  # warm up
    steps = []
    for rate in args.rates:
        steps.append(
            await open_loop(
                port, figures.requests(int(rate * args.seconds)), rate, args.connections
            )
        )
    budget = int(CLOSED_LOOP_BUDGET * args.seconds)
    steps.append(await closed_loop(port, figures.requests(budget), args.connections, args.seconds))
    return steps


def stored(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(EmulationReport)).one()
    finally:
        engine.dispose()


def waiting(database_url: str) -> bool:
    """Whether updates are still waiting in `inbound_update` to be processed (those still in
    a spool move there first; the stillness rule covers them)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            query = select(func.count()).where(InboundUpdate.status == InboundStatus.PENDING)
            return session.exec(query).one() > 0
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--rates", default="100,250,500", type=lambda s: [float(r) for r in s.split(",")]
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--criteria",
        type=int,
        default=CRITERIA,
        help="figures in each member's report; at 10 or fewer with two layouts (5 or fewer "
        "with one), the members' last figures, answered with their unit's standing, are sent",
    )
    add_layout_options(parser, "serve,split")
    parser.add_argument(
        "--acks-only",
        action="store_true",
        help="measure the acknowledgements (P1) without waiting for every report to be stored",
    )
    args = parser.parse_args()
    fake = FakeTelegram(clock=WallClock())
    for person in range(1, MEMBERS + 1):
        fake.user(person)
    tmp = Path(tempfile.mkdtemp(prefix="thidua-bench-report-"))
    results: dict[str, tuple[list[Step], list[Step]]] = {}
    throughput: dict[str, tuple[int, float]] = {}
    with (
        fresh_database(args.database_url, tmp) as database_url,
        serve_in_thread(fake.app) as api_base,
    ):
        env = upgraded_env(database_url, api_base, tmp, args.no_spool)
        seeded, period = seed(database_url, args.criteria)
        figures = Figures(seeded)
        for name in args.layouts:
            # the echo stores nothing: it is sent the same figures afresh each time
            echo = run_process(
                ECHO, None, env, lambda port: run_against(port, Figures(seeded), args)
            )
            before = stored(database_url)
            started = time.perf_counter()
            command, companion = LAYOUTS[name]

            def until_stored(
                name: str = name, before: int = before, started: float = started
            ) -> None:
                if name != "webhook" and not args.acks_only:  # no processing in `webhook`
                    throughput[name] = wait_until_scored(
                        database_url, started, before, stored, waiting, STILL
                    )

            steps = run_process(
                command, companion, env, lambda port: run_against(port, figures, args), until_stored
            )
            results[name] = (echo, steps)
    report(results, throughput, args, env, period, len(fake.sent))


def report(results, throughput, args, env, period, replies) -> None:  # type: ignore[no-untyped-def]
    print(
        f"P1 progress reports through the Telegram webhook, {describe_store(env)}; "
        f"{MEMBERS} members x {args.criteria} number criteria, period {period}; "
        f"{args.seconds:g} s per step, {args.connections} keep-alive connections"
    )
    for name, (echo, steps) in results.items():
        print_layout(name, echo, steps, "sustained reports acked (closed loop)")
        if name in throughput:
            count, seconds = throughput[name]
            print(f"reports stored end to end: {count} in {seconds:.1f} s, {count / seconds:.0f}/s")
    print(f"\nreplies delivered at the fake Bot API: {replies}")
    print_machine("bench.report_answers_p1")


if __name__ == "__main__":
    main()
