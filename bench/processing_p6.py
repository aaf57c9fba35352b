"""P6: distinct updates fully processed per second (the reply in the outbox), beside the honest
minimum measured by a reference program in the same run (issue 14).

On a fresh, migrated database (a temporary SQLite file, or a new PostgreSQL database created
and dropped on the given server) it seeds members with Telegram identities (onboarded,
consent given), open one-question quizzes and an attempt of every member at each, then:

1. **reference**: the least a processor must do per update, with SQLAlchemy Core and a
   commit every 50: insert a dedupe row (`inbound_update`), select the member through the
   identity, insert one outbox row.
2. **start+text**: every member sends `/start` and then a line of text (two distinct raw
   Telegram `message` updates each, one person's two in order), stored as the webhook stores
   them; the clock runs while `Processor.process_pending` drains them.
3. **quiz answers**: every member taps an option of a quiz (a raw `callback_query` whose data
   is the opaque key of a `qa:<attempt>:<question>:<option>` payload, core/quizzes/buttons.py),
   drained the same way.

Each phase checks its result (every update done, one reply per update in the outbox, one
scored answer per tap) before reporting.

    .venv/bin/python -m bench.processing_p6 [--people 2000] [--quizzes 2] [--batch 50]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from adapters.telegram.inbound import TelegramDecoder
from bench.common import print_provenance
from bench.seeding import seed_province
from bots.bootstrap import build_dispatcher
from core.clock import SystemClock
from core.dispatch import ChatConfig
from core.i18n import Catalogs
from core.members.models import Identity, Member
from core.messages import RawUpdate
from core.processing import Processor
from core.quizzes import service as quizzes
from core.quizzes.bank import QuestionDraft
from core.quizzes.buttons import Answer
from core.quizzes.models import QuizAnswer, QuizAttempt
from core.storage import inbound, migrate
from core.storage.engine import make_engine, normalise_url
from core.storage.models import ButtonPayload, InboundUpdate, OutboxMessage

LOCALES = Path(__file__).resolve().parent.parent / "locales"
REFERENCE_UPDATES = 10_000
GROUP_COMMIT = 50


def seed(engine: Engine, people: int, quiz_count: int) -> list[tuple[int, str]]:
    """Members 1..people; returns (person, button key) of one answer per member per quiz."""
    now = datetime.now(UTC)
    taps: list[tuple[int, str]] = []
    with Session(engine) as session, session.begin():
        top = seed_province(session, people, now)
        ids = range(1, people + 1)
        questions = []
        for q in range(quiz_count):
            quiz = quizzes.create_quiz(
                session,
                unit_id=top.id,  # type: ignore[arg-type]
                settings=quizzes.QuizSettings(
                    title=f"Quiz {q}",
                    opens_at=now - timedelta(minutes=1),
                    closes_at=now + timedelta(days=1),
                    question_seconds=60,
                ),
                questions=[QuestionDraft(f"Câu hỏi {q}?", ("Đúng", "Sai"), frozenset({0}))],
                now=now,
            )
            question = quizzes.questions_of(session, quiz_id=quiz.id)[0]  # type: ignore[arg-type]
            questions.append((quiz.id, question.id))
        attempt_ids = itertools.count(1)
        attempts, payloads = [], []
        for (quiz_id, question_id), member in itertools.product(questions, ids):
            a = next(attempt_ids)
            attempts.append(
                {
                    "id": a,
                    "quiz_id": quiz_id,
                    "member_id": member,
                    "number": 1,
                    "position": 1,
                    "asked_at": now,
                    "streak": 0,
                    "score": 0,
                    "correct_count": 0,
                    "started_at": now,
                }
            )
            payloads.append(
                {"key": f"b{a}", "payload": Answer(a, question_id, a % 2).pack(), "created_at": now}
            )
            taps.append((member, f"b{a}"))
        session.execute(insert(QuizAttempt), attempts)
        session.execute(insert(ButtonPayload), payloads)
        if engine.dialect.name == "postgresql":
            for table, n in (
                ("member", people),
                ("identity", people),
                ("quiz_attempt", len(attempts)),
            ):
                session.execute(text(f"SELECT setval('{table}_id_seq', :n)"), {"n": n})
    return taps


def reference(engine: Engine, people: int, count: int) -> Rate:
    """The honest minimum per update, Core statements, a commit every GROUP_COMMIT updates."""
    dedupe = insert(InboundUpdate.__table__)  # type: ignore[attr-defined]
    member_of = (
        select(Member.id, Member.locale)
        .join(  # type: ignore[call-overload]
            Identity,
            Identity.member_id == Member.id,  # type: ignore[arg-type]
        )
        .where(Identity.platform == "telegram", Identity.platform_user_id == _param("uid"))
    )
    out = insert(OutboxMessage.__table__)  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    started, cpu = time.perf_counter(), time.process_time()
    conn = engine.connect()
    try:
        for n in range(count):
            person = n % people + 1
            conn.execute(
                dedupe,
                {
                    "platform": "ref",
                    "external_id": f"ref-{n}",
                    "sender_id": str(person),
                    "body": None,
                    "raw": False,
                    "status": "done",
                    "attempts": 1,
                    "received_at": now,
                },
            )
            _member_id, _locale = conn.execute(member_of, {"uid": str(person)}).one()
            conn.execute(
                out,
                {
                    "identity_id": person,
                    "platform": "telegram",
                    "body": '{"text": "ok"}',
                    "proactive": False,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "dedupe_key": f"ref:{n}",
                    "created_at": now,
                },
            )
            if n % GROUP_COMMIT == GROUP_COMMIT - 1:
                conn.commit()
        conn.commit()
    finally:
        conn.close()
    return Rate(count / (time.perf_counter() - started), count / (time.process_time() - cpu))


def _param(name: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import bindparam

    return bindparam(name)


def _message_update(n: int, person: int, text_: str) -> RawUpdate:
    update = {
        "update_id": n,
        "message": {
            "message_id": n,
            "date": int(time.time()),
            "chat": {"id": person, "type": "private", "first_name": "Lan"},
            "from": {"id": person, "is_bot": False, "first_name": "Lan"},
            "text": text_,
        },
    }
    return RawUpdate("telegram", str(n), json.dumps(update, ensure_ascii=False))


def _tap_update(n: int, person: int, key: str) -> RawUpdate:
    update = {
        "update_id": n,
        "callback_query": {
            "id": str(n),
            "from": {"id": person, "is_bot": False, "first_name": "Lan"},
            "chat_instance": f"-{person}77",
            "data": key,
            "message": {
                "message_id": n,
                "date": int(time.time()),
                "chat": {"id": person, "type": "private", "first_name": "Lan"},
                "from": {"id": 1, "is_bot": True, "first_name": "thidua"},
                "text": "Câu 1/1\nCâu hỏi?\n\nA. Đúng\nB. Sai",
                "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": key}]]},
            },
        },
    }
    return RawUpdate("telegram", str(n), json.dumps(update, ensure_ascii=False))


@dataclass(frozen=True)
class Rate:
    """Updates per second of the clock, and per second of this process's CPU time: on a
    loaded machine the second varies less from run to run (with SQLite all the work is in
    this process; a PostgreSQL server's own work is not counted in it)."""

    wall: float
    cpu: float


def drain(processor: Processor, updates: list[RawUpdate], batch: int) -> Rate:
    """Store the updates as the webhook does, then time processing until none is left."""
    for start in range(0, len(updates), 1000):
        inbound.store_raw(processor.engine, updates[start : start + 1000], datetime.now(UTC))
    started, cpu = time.perf_counter(), time.process_time()
    while processor.process_pending(limit=batch):
        pass
    return Rate(
        len(updates) / (time.perf_counter() - started),
        len(updates) / (time.process_time() - cpu),
    )


def check(engine: Engine, updates: int, outbox_before: int, answers: int | None = None) -> int:
    with engine.connect() as conn:
        left = conn.execute(
            select(func.count())
            .select_from(InboundUpdate)
            .where(InboundUpdate.status != "done", InboundUpdate.platform == "telegram")  # type: ignore[arg-type]
        ).scalar_one()
        replies = conn.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()
        scored = conn.execute(select(func.count()).select_from(QuizAnswer)).scalar_one()
    if left:
        raise SystemExit(f"{left} updates not done")
    if replies - outbox_before < updates:
        raise SystemExit(f"only {replies - outbox_before} replies for {updates} updates")
    if answers is not None and scored != answers:
        raise SystemExit(f"{scored} answers scored, {answers} expected")
    return replies


def fresh_database(url: str | None, tmp: Path) -> tuple[str, str | None]:
    """(database URL, name of a PostgreSQL database to drop afterwards)."""
    if url is None:
        return f"sqlite:///{tmp}/p6.db", None
    name = f"p6_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False), name


def drop_database(url: str, name: str) -> None:
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--quizzes", type=int, default=2)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--phases", default="reference,start,quiz")
    args = parser.parse_args()
    phases = set(args.phases.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        url, created = fresh_database(args.database_url, Path(tmp))
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            taps = seed(engine, args.people, args.quizzes)
            processor = Processor(
                engine,
                build_dispatcher(),
                Catalogs(LOCALES, "vi"),
                ChatConfig(),
                SystemClock(),
                decoders={"telegram": TelegramDecoder(None, bot_id=999_999_999)},
            )
            results: dict[str, Rate] = {}
            if "reference" in phases:
                results["reference"] = reference(engine, args.people, REFERENCE_UPDATES)
            outbox_before = check(engine, 0, 0)
            ids = itertools.count(1)
            if "start" in phases:
                updates = [
                    _message_update(next(ids), person, line)
                    for person in range(1, args.people + 1)
                    for line in ("/start", "Xin chào công đoàn")
                ]
                results["start+text"] = drain(processor, updates, args.batch)
                outbox_before = check(engine, len(updates), outbox_before)
            if "quiz" in phases:
                updates = [_tap_update(next(ids), person, key) for person, key in taps]
                results["quiz answers"] = drain(processor, updates, args.batch)
                check(engine, len(updates), outbox_before, answers=len(updates))
        finally:
            engine.dispose()
            if created is not None and args.database_url is not None:
                drop_database(args.database_url, created)
    report(results, url, args)


def report(results: dict[str, Rate], url: str, args: argparse.Namespace) -> None:
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"database: {database}; {args.people} people, batch {args.batch}")
    ref = results.get("reference")
    for name, rate in results.items():
        ratio = cpu_ratio = ""
        if ref and name != "reference":
            ratio = f" ({rate.wall / ref.wall:.3f} of the reference)"
            cpu_ratio = f" ({rate.cpu / ref.cpu:.3f})"
        print(
            f"{name}: {rate.wall:,.0f} updates/s{ratio}; "
            f"per second of process CPU: {rate.cpu:,.0f}{cpu_ratio}"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print_provenance("bench.processing_p6")


if __name__ == "__main__":
    main()
