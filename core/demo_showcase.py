"""What the demo adds on top of the union tree so that a first visit shows every feature: a
running campaign whose announcement went out, an open quiz, a reward table in force, scores over
the last weeks, an initiative in each state of its workflow, commendations waiting and approved.

Everything is made through the services an officer uses, at moments in the past where it makes
sense (the scores of earlier weeks carry those weeks' dates), by the demo officers themselves.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core import initiatives
from core.campaigns import service as campaigns
from core.campaigns.scope import Actor
from core.commendations import service as commendations
from core.delivery_policy import DeliveryPolicy
from core.initiatives.notify import Notifier
from core.initiatives.rules import Band, BenefitKind
from core.members.models import Member, OfficerRole, UnionUnit, UnitKind
from core.points import service as points
from core.points.models import PointsSource
from core.quizzes import announce as quiz_announce
from core.quizzes import service as quizzes
from core.quizzes.bank import QuestionDraft
from core.quizzes.models import Quiz
from core.quizzes.rules import parse_correct
from core.storage.secrets import privacy_key

BANDS = [
    Band(0, 10_000_000, 500_000, 10),
    Band(10_000_000, 50_000_000, 2_000_000, 30),
    Band(50_000_000, 200_000_000, 5_000_000, 60),
    Band(200_000_000, None, 10_000_000, 100),
]
QUESTIONS = [
    QuestionDraft(
        "Ngày Quốc tế Lao động là ngày nào?",
        ("1/5", "2/9", "28/7", "20/11"),
        frozenset({0}),
        "Ngày 1/5 hằng năm là ngày Quốc tế Lao động.",
    ),
    QuestionDraft(
        "Ngày thành lập Công đoàn Việt Nam là ngày nào?",
        ("1/5", "28/7/1929", "3/2/1930", "19/5/1890"),
        frozenset({1}),
        "Công đoàn Việt Nam được thành lập ngày 28/7/1929.",
    ),
    QuestionDraft(
        "Thỏa ước lao động tập thể do ai thương lượng với người sử dụng lao động?",
        ("Từng người lao động", "Tổ chức đại diện người lao động", "Cơ quan thuế"),
        frozenset({1}),
        "Công đoàn cơ sở là tổ chức đại diện thương lượng tập thể cho người lao động.",
    ),
    QuestionDraft(
        "Khi thấy máy móc có nguy cơ gây tai nạn, người lao động nên làm gì?",
        ("Tiếp tục làm cho xong ca", "Dừng máy và báo ngay cho tổ trưởng", "Tự sửa máy"),
        frozenset({1}),
        "Người lao động có quyền từ chối làm việc khi thấy nguy cơ mất an toàn và báo ngay.",
    ),
    QuestionDraft(
        "Sáng kiến làm lợi cho doanh nghiệp được thưởng theo đâu?",
        ("Theo bảng mức thưởng đã thỏa thuận", "Tùy ý quản đốc", "Không được thưởng"),
        frozenset({0}),
        "Mức thưởng sáng kiến được thỏa thuận trong thỏa ước hoặc quy chế của doanh nghiệp.",
    ),
]
IDEAS = [
    ("Gá kẹp nhanh cho máy phay", "Thay dao mất 20 phút", "Dùng gá kẹp cam thay bu lông", 24),
    ("Tái sử dụng nước làm mát", "Nước làm mát thay mỗi tuần", "Lọc và dùng lại", 60),
    ("Biển báo an toàn song ngữ", "Công nhân mới đọc không hiểu", "In biển song ngữ", 6),
    ("Sắp xếp lại kho vật tư", "Tìm vật tư mất nhiều thời gian", "Đánh mã vị trí kệ", 15),
    ("Tắt máy nén khí giờ nghỉ", "Máy chạy không tải", "Hẹn giờ tắt máy", 250),
    ("Khuôn dập dùng chung", "Mỗi mã hàng một khuôn", "Khuôn thay lõi", 40),
]


def _officer(session: Session, unit: UnionUnit) -> Actor:
    member_id = session.exec(
        select(OfficerRole.member_id).where(OfficerRole.unit_id == unit.id)
    ).first()
    assert member_id is not None, unit.name
    return Actor.officer(member_id)


def _members(session: Session, unit: UnionUnit) -> list[Member]:
    return list(
        session.exec(select(Member).where(Member.unit_id == unit.id).order_by(col(Member.id)))
    )


def _campaign(
    session: Session, zone: UnionUnit, now: datetime, today: date, policy: DeliveryPolicy
) -> int:
    actor = _officer(session, zone)
    campaign = campaigns.create(
        session,
        actor=actor,
        data=campaigns.CampaignInput(
            unit_id=zone.id,  # type: ignore[arg-type]
            title="Thi đua năng suất, an toàn cuối năm",
            description=(
                "Mỗi tổ sản xuất đăng ký chỉ tiêu năng suất, không để xảy ra tai nạn lao động "
                "và gửi ít nhất một sáng kiến trước ngày kết thúc."
            ),
            criteria="Năng suất tăng 5%; không tai nạn lao động; mỗi tổ một sáng kiến.",
            starts_on=today.replace(day=1),
            ends_on=today + timedelta(days=60),
        ),
        now=now - timedelta(days=2),
    )
    campaigns.launch(
        session,
        actor=actor,
        campaign_id=campaign.id,  # type: ignore[arg-type]
        text=(
            "Công đoàn các Khu công nghiệp phát động phong trào «Thi đua năng suất, an toàn "
            "cuối năm». Mỗi tổ hãy đăng ký chỉ tiêu và gửi sáng kiến ngay trong khung chat này!"
        ),
        now=now - timedelta(days=2),
        policy=policy,
    )
    return campaign.id  # type: ignore[return-value]


def _quiz(
    session: Session, zone: UnionUnit, campaign_id: int, now: datetime, notifier: Notifier
) -> Quiz:
    """The open quiz, announced to the campaign's members when it opened (a day ago)."""
    opened = now - timedelta(days=1)
    quiz = quizzes.create_quiz(
        session,
        unit_id=zone.id,  # type: ignore[arg-type]
        settings=quizzes.QuizSettings(
            title="Hiểu luật, giữ quyền",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
            question_seconds=60,
            campaign_id=campaign_id,
        ),
        questions=QUESTIONS,
        now=opened,
        created_by=_officer(session, zone).member_id,
    )
    t = notifier.translator(None)
    quiz_announce.announce(
        session,
        actor=_officer(session, zone),
        quiz=quiz,
        text=quiz_announce.default_text(t, quiz, opened),
        t=t,
        policy=notifier.config.delivery,
        now=opened,
    )
    return quiz


def _quiz_takers(
    session: Session, quiz: Quiz, units: list[UnionUnit], now: datetime, notifier: Notifier
) -> int:
    """Two members of each union the quiz is for took it since it opened, some surer and
    faster than others, so that a newcomer ranks among them (not "1/1"). The first member
    of each union (the one `thidua demo load` offers to be) is left to take it."""
    rng = random.Random(28)
    officers = set(session.exec(select(OfficerRole.member_id)))
    takers = 0
    for unit in units:
        people = [m for m in _members(session, unit) if m.id not in officers][1:]
        for person in [p for p in people if quizzes.may_take(session, quiz=quiz, member=p)][:2]:
            started = quiz.opens_at + timedelta(hours=2 + 3 * takers, minutes=rng.randint(0, 50))
            _take(session, quiz, person, min(started, now - timedelta(minutes=5)), rng, notifier)
            takers += 1
    return takers


def _take(
    session: Session,
    quiz: Quiz,
    person: Member,
    when: datetime,
    rng: random.Random,
    notifier: Notifier,
) -> None:
    """One attempt at every question, right three times in four, in 5 to 40 seconds each."""
    key = privacy_key(session, notifier.config.privacy_key)
    attempt, question = quizzes.start_attempt(
        session,
        member=person,
        quiz_id=quiz.id,  # type: ignore[arg-type]
        now=when,
        key=key,
    )
    while True:
        when += timedelta(seconds=rng.randint(5, 40))
        right = min(parse_correct(question.correct))
        wrong = (right + 1) % len(quizzes.options_of(question))
        result = quizzes.answer(
            session,
            member=person,
            attempt_id=attempt.id,  # type: ignore[arg-type]
            question_id=question.id,  # type: ignore[arg-type]
            option=right if rng.random() < 0.75 else wrong,
            now=when,
            tz=notifier.config.timezone,
        )
        if result.finished:
            return
        when += timedelta(seconds=rng.randint(2, 8))
        question = quizzes.next_question(
            session,
            member=person,
            attempt_id=attempt.id,  # type: ignore[arg-type]
            now=when,
        )


def _scores(
    session: Session, people: list[Member], now: datetime, tz: str, campaign_id: int
) -> int:
    """Points earned over the last four weeks in the running campaign, so that the boards,
    the charts and the overview's participation per unit are not empty."""
    rng = random.Random(49)
    awards = 0
    for weeks_ago in range(4, 0, -1):
        when = now - timedelta(weeks=weeks_ago)
        for person in people:
            if person.id is None or rng.random() < 0.3:
                continue
            points.award(
                session,
                member_id=person.id,
                points=rng.choice((100, 150, 200, 300, 450)),
                source=PointsSource.PARTICIPATION,
                source_id=f"demo:{weeks_ago}:{person.id}",
                now=when,
                campaign_id=campaign_id,
                tz=tz,
            )
            awards += 1
    return awards


def _initiatives(session: Session, unit: UnionUnit, now: datetime, notifier: Notifier) -> int:
    """One initiative in each state: received, under review, asked for information, accepted,
    applied, not accepted."""
    officer = _officer(session, unit)
    authors = [m for m in _members(session, unit) if m.id != officer.member_id]
    made = []
    for n, (title, problem, solution, millions) in enumerate(IDEAS):
        draft = initiatives.start_draft(session, member=authors[n], now=now - timedelta(days=9))
        draft.title, draft.problem, draft.solution = title, problem, solution
        draft.benefit_kind = BenefitKind.MONEY
        draft.benefit_amount = millions * 1_000_000
        draft.category = "technical"
        draft.hide_name = False
        made.append(
            initiatives.submit(
                session, initiative=draft, notifier=notifier, now=now - timedelta(days=8 - n)
            ).id
        )
    when = now - timedelta(days=1)
    args = {"actor": officer, "notifier": notifier, "now": when}
    initiatives.start_review(session, initiative_id=made[1], **args)
    initiatives.ask_info(
        session, initiative_id=made[2], question="Biển in trên vật liệu gì, giá bao nhiêu?", **args
    )
    initiatives.accept(session, initiative_id=made[3], **args)
    initiatives.accept(session, initiative_id=made[4], **args)
    initiatives.mark_applied(session, initiative_id=made[4], **args)
    initiatives.reject(
        session,
        initiative_id=made[5],
        reason="Phòng kỹ thuật đang triển khai một khuôn tương tự từ tháng trước.",
        **args,
    )
    return len(made)


def _commendations(session: Session, unit: UnionUnit, now: datetime, notifier: Notifier) -> int:
    officer = _officer(session, unit)
    people = [m for m in _members(session, unit) if m.id != officer.member_id]
    approved = commendations.nominate(
        session,
        by=people[0],
        member_ids=[people[6].id],  # type: ignore[list-item]
        reason="Phát hiện sớm rò rỉ khí nén, tránh dừng chuyền cả ca.",
        now=now - timedelta(days=3),
        adhoc=True,
        notifier=notifier,
    )
    commendations.approve(
        session,
        actor=officer,
        commendation_id=approved.id,  # type: ignore[arg-type]
        notifier=notifier,
        now=now - timedelta(days=2),
    )
    commendations.nominate(
        session,
        by=people[1],
        member_ids=[people[7].id],  # type: ignore[list-item]
        reason="Kèm cặp ba công nhân mới trong tháng, tổ đạt năng suất sớm.",
        now=now - timedelta(hours=5),
        notifier=notifier,
    )
    return 2


def load(
    session: Session, *, now: datetime, notifier: Notifier, policy: DeliveryPolicy
) -> dict[str, int]:
    """Add the showcase to a freshly loaded demo tree (core.demo.load)."""
    tz = notifier.config.timezone
    today = now.astimezone(ZoneInfo(tz)).date()
    units = {u.name: u for u in session.exec(select(UnionUnit))}
    zone = next(u for u in units.values() if u.kind == UnitKind.UPPER_LEVEL_UNION)
    grassroots = [u for u in units.values() if u.kind == UnitKind.GRASSROOTS_UNION]
    factory = next(u for u in grassroots if u.name.startswith("Công đoàn Công ty TNHH Cơ khí"))
    for unit in grassroots:
        initiatives.set_reward_table(
            session,
            actor=_officer(session, unit),
            unit_id=unit.id,  # type: ignore[arg-type]
            effective_from=today.replace(month=1, day=1),
            bands=BANDS,
            vnd_per_hour=60_000,
            now=now,
        )
    campaign_id = _campaign(session, zone, now, today, policy)
    quiz = _quiz(session, zone, campaign_id, now, notifier)
    workers = [m for unit in grassroots for m in _members(session, unit)]
    counts = {
        "quiz_takers": _quiz_takers(session, quiz, grassroots, now, notifier),
        "scores": _scores(session, workers, now, tz, campaign_id),
        "initiatives": _initiatives(session, factory, now, notifier),
        "commendations": _commendations(session, factory, now, notifier),
    }
    session.flush()
    return counts
