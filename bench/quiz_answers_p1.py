"""P1 with quiz answers: Telegram button taps on quiz options through the signed webhook,
against a bare FastAPI echo endpoint in the same run (issue 7).

Seeds a fresh database: 5,000 members (Telegram identities, consent given), 34 open quizzes of
one question each, and an attempt of every member at every quiz with its question on screen,
so that every tap is a real answer that the app scores and writes to the ledger. Each request is
a distinct Telegram `callback_query` update whose data is the opaque key of a
`qa:<attempt>:<question>:<option>` payload (core/quizzes/buttons.py `Answer`), as our Telegram
adapter sends them.

Then, as bench/telegram_webhook.py does for plain messages (with its load generator and its
layouts): for each layout, the echo app and then the layout (`serve`: `thidua serve`, the web
process and its supervised worker child; `split`: `thidua serve --web-only` + `thidua worker
--with-scheduler`; `webhook`: `thidua serve --web-only` alone), each at rising open-loop rates
and a closed loop; the sustained closed-loop rate is compared with the echo's just before it.
On PostgreSQL the layouts get a local inbound spool unless `--no-spool`. After each layout
the bench waits until every acknowledged answer is scored and reports answers scored per
second, end to end.

    .venv/bin/python -m bench.quiz_answers_p1 [--rates 100,250,500] [--seconds 5]
        [--connections 32] [--database-url URL] [--layouts serve,split] [--no-spool]
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session, func, select

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
from core.quizzes import service as quizzes
from core.quizzes.bank import QuestionDraft
from core.quizzes.buttons import Answer
from core.quizzes.models import QuizAnswer, QuizAttempt
from core.storage.engine import make_engine
from core.storage.models import ButtonPayload
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram_api import FakeTelegram

MEMBERS = 5000
QUIZZES = 34  # 170,000 answers: each layout takes up to ~55,000 (the echo reuses them)
CLOSED_LOOP_BUDGET = 10_000  # requests per second of the closed loop, above any layout's rate


def seed(database_url: str) -> list[tuple[int, str]]:
    """(person id, callback key) of every answer that can be given, in sending order."""
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    taps: list[tuple[int, str]] = []
    with Session(engine) as session, session.begin():
        top = seed_province(session, MEMBERS, now)
        questions = []
        for q in range(QUIZZES):
            quiz = quizzes.create_quiz(
                session,
                unit_id=top.id,  # type: ignore[arg-type]
                settings=quizzes.QuizSettings(
                    title=f"Quiz {q}",
                    opens_at=now - timedelta(minutes=1),
                    closes_at=now + timedelta(days=1),
                    question_seconds=None,
                ),
                questions=[QuestionDraft(f"Câu hỏi {q}?", ("Đúng", "Sai"), frozenset({0}))],
                now=now,
            )
            questions.append((quiz.id, quizzes.questions_of(session, quiz_id=quiz.id)[0].id))  # type: ignore[arg-type]
        attempt_id = itertools.count(1)
        attempts, payloads = [], []
        for (quiz_id, question_id), member in itertools.product(questions, range(1, MEMBERS + 1)):
            a = next(attempt_id)
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
            session.execute(text("SELECT setval('quiz_attempt_id_seq', :n)"), {"n": len(attempts)})
    engine.dispose()
    return taps


class Taps:
    """Signed callback_query updates, one per seeded answer, made before the clock starts."""

    def __init__(self, taps: list[tuple[int, str]]) -> None:
        self.taps = iter(taps)
        self.ids = itertools.count(900_000_000)

    def requests(self, count: int) -> list[bytes]:
        out = []
        for person, key in itertools.islice(self.taps, count):
            n = next(self.ids)
            chat = {"id": person, "type": "private", "first_name": "Lan"}
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
                        "chat": chat,
                        "from": {"id": 1, "is_bot": True, "first_name": "thidua"},
                        "text": "Câu 1/1\nCâu hỏi?\n\nA. Đúng\nB. Sai",
                        "reply_markup": {
                            "inline_keyboard": [[{"text": "A", "callback_data": key}]]
                        },
                    },
                },
            }
            body = json.dumps(update, ensure_ascii=False).encode()
            head = (
                f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            out.append(head.encode() + body)
        if len(out) < count:
            raise SystemExit(f"only {len(out)} of {count} seeded answers left: raise QUIZZES")
        return out


async def run_against(port: int, taps: Taps, args: argparse.Namespace) -> list[Step]:
    await wait_ready(port)
    await closed_loop(port, taps.requests(300), 8, 2.0)  # warm up
    steps = []
    for rate in args.rates:
        steps.append(
            await open_loop(port, taps.requests(int(rate * args.seconds)), rate, args.connections)
        )
    budget = int(CLOSED_LOOP_BUDGET * args.seconds)
    steps.append(await closed_loop(port, taps.requests(budget), args.connections, args.seconds))
    return steps


def scored(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(QuizAnswer)).one()
    finally:
        engine.dispose()


def wait_until_scored(
    database_url: str,
    started: float,
    before: int,
    count: Callable[[str], int] = scored,
    busy: Callable[[str], bool] = lambda _url: False,
    still: float = 10,
) -> tuple[int, float]:
    """Answers scored (rows `count`ed) since `before`, and the seconds from `started` to the
    last of them: once the count has not moved for `still` seconds and nothing is `busy`."""
    last, last_change = count(database_url), time.perf_counter()
    while time.perf_counter() - last_change < still or busy(database_url):
        time.sleep(0.5)
        now = count(database_url)
        if now != last:
            last, last_change = now, time.perf_counter()
    return last - before, last_change - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--rates", default="100,250,500", type=lambda s: [float(r) for r in s.split(",")]
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", default=None)
    add_layout_options(parser, "serve,split")
    parser.add_argument(
        "--acks-only",
        action="store_true",
        help="measure the acknowledgements (P1) without waiting for every answer to be scored",
    )
    args = parser.parse_args()
    fake = FakeTelegram(clock=WallClock())
    for person in range(1, MEMBERS + 1):
        fake.user(person)
    tmp = Path(tempfile.mkdtemp(prefix="thidua-bench-quiz-"))
    database_url = args.database_url or f"sqlite:///{tmp}/bench.db"
    results: dict[str, tuple[list[Step], list[Step]]] = {}
    throughput: dict[str, tuple[int, float]] = {}
    with serve_in_thread(fake.app) as api_base:
        env = upgraded_env(database_url, api_base, tmp, args.no_spool)
        seeded = seed(database_url)
        taps = Taps(seeded)
        for name in args.layouts:
            # the echo stores nothing: it is sent the same answers afresh each time
            echo = run_process(ECHO, None, env, lambda port: run_against(port, Taps(seeded), args))
            before = scored(database_url)
            started = time.perf_counter()
            command, companion = LAYOUTS[name]

            def until_scored(
                name: str = name, before: int = before, started: float = started
            ) -> None:
                if name != "webhook" and not args.acks_only:  # no processing in `webhook`
                    throughput[name] = wait_until_scored(database_url, started, before)

            steps = run_process(
                command, companion, env, lambda port: run_against(port, taps, args), until_scored
            )
            results[name] = (echo, steps)
    report(results, throughput, args, env)


def report(results, throughput, args, env) -> None:  # type: ignore[no-untyped-def]
    print(
        f"P1 quiz answers through the Telegram webhook, {describe_store(env)}; "
        f"{args.seconds:g} s per step, {args.connections} keep-alive connections"
    )
    for name, (echo, steps) in results.items():
        print_layout(name, echo, steps, "sustained answers acked (closed loop)")
        if name in throughput:
            count, seconds = throughput[name]
            print(f"answers scored end to end: {count} in {seconds:.1f} s, {count / seconds:.0f}/s")
    print_machine("bench.quiz_answers_p1")


if __name__ == "__main__":
    main()
