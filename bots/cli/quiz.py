"""`thidua quiz import FILE --unit U --title T` and `thidua quiz export QUIZ -o FILE`.

The file layout is in docs/quizzes.md; a bad file is refused whole, every bad row listed.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from bots.settings import load_settings
from bots.spreadsheets import bank_bytes
from core.clock import utcnow
from core.errors import DomainError
from core.members import service as members
from core.quizzes import bank, service
from core.quizzes.bank import BankRejected
from core.storage.engine import make_engine


def _when(text: str | None) -> datetime:
    if not text:
        return utcnow()
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        drafts = bank.read_bank(path.read_bytes(), path.name)
    except OSError as exc:
        print(f"cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 1
    except BankRejected as exc:
        print(f"{path}: nothing imported, {len(exc.errors)} problem(s):", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    opens = _when(args.opens)
    settings = service.QuizSettings(
        title=args.title,
        opens_at=opens,
        closes_at=opens + timedelta(days=args.days),
        question_seconds=args.seconds or None,
        attempts_allowed=args.attempts,
        speed_bonus=not args.no_speed_bonus,
        streak_bonus=args.streak_bonus,
        shuffle_options=not args.no_shuffle,
    )
    engine = make_engine(load_settings().database_url)
    try:
        with Session(engine) as session, session.begin():
            unit = members.find_unit(session, ref=args.unit)
            quiz = service.create_quiz(
                session,
                unit_id=unit.id,  # type: ignore[arg-type]
                settings=settings,
                questions=drafts,
                now=utcnow(),
                publish=not args.draft,
            )
            quiz_id, unit_name = quiz.id, unit.name
    except DomainError as exc:
        print(f"not imported: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    state = "saved as a draft" if args.draft else f"open {opens:%Y-%m-%d %H:%M} UTC"
    print(f"quiz {quiz_id}: {len(drafts)} questions for {unit_name}, {state}")
    return 0


def _export(args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            service.get_quiz(session, quiz_id=args.quiz)
            drafts = service.drafts_of(session, quiz_id=args.quiz)
    except DomainError as exc:
        print(f"quiz {args.quiz}: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    out = Path(args.output or f"quiz-{args.quiz}.xlsx")
    fmt = "csv" if out.suffix.lower() == ".csv" else "xlsx"
    out.write_bytes(bank_bytes(drafts, fmt, args.lang or settings.default_locale)[0])
    print(f"{len(drafts)} questions written to {out}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("quiz", help="import or export a quiz's question bank (CSV, XLSX)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    imp = actions.add_parser("import", help="create a quiz from a CSV or XLSX question bank")
    imp.add_argument("file", help="the .csv or .xlsx file (layout: docs/quizzes.md)")
    imp.add_argument("--unit", required=True, help="the unit's id or exact name")
    imp.add_argument("--title", required=True)
    imp.add_argument("--opens", help="ISO date-time it opens (default now; UTC if no offset)")
    imp.add_argument("--days", type=float, default=7, help="how long it stays open (default 7)")
    imp.add_argument("--seconds", type=int, default=30, help="time per question (0: no limit)")
    imp.add_argument("--attempts", type=int, default=1)
    imp.add_argument("--no-speed-bonus", action="store_true", help="same points however fast")
    imp.add_argument("--streak-bonus", action="store_true", help="bonus for answers in a row")
    imp.add_argument("--no-shuffle", action="store_true", help="keep the options' order")
    imp.add_argument("--draft", action="store_true", help="save without opening it")
    imp.set_defaults(run=_import)
    exp = actions.add_parser("export", help="write a quiz's questions to .xlsx or .csv")
    exp.add_argument("quiz", type=int, help="the quiz id")
    exp.add_argument("-o", "--output", help="the file to write (.xlsx or .csv)")
    exp.add_argument(
        "--lang", choices=["vi", "en"], help="the columns' language (default THIDUA_DEFAULT_LOCALE)"
    )
    exp.set_defaults(run=_export)
