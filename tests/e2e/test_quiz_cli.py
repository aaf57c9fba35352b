"""`thidua quiz import|export`: a bank file in, the quiz in the database, the same bank out."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bots.cli import main
from core import demo
from core.clock import utcnow
from core.quizzes.bank import read_bank, write_csv, write_xlsx
from core.quizzes.models import Quiz
from tests.points_helpers import quiz_drafts


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str, engine: Engine) -> None:
    for key in list(__import__("os").environ):
        if key.startswith("THIDUA_") and not key.startswith("THIDUA_TEST_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("THIDUA_DATABASE_URL", database_url)
    with Session(engine) as session, session.begin():
        demo.load(session, now=utcnow())


def test_import_then_export(env: None, engine: Engine, tmp_path: Path, capsys):
    source = tmp_path / "ngan-hang.xlsx"
    source.write_bytes(write_xlsx(quiz_drafts()))
    code = main(
        [
            "quiz",
            "import",
            str(source),
            "--unit",
            "Công đoàn Công ty TNHH Cơ khí Minh Phát",
            "--title",
            "An toàn lao động",
            "--days",
            "2",
            "--streak-bonus",
        ]
    )
    assert code == 0
    assert "3 questions" in capsys.readouterr().out
    with Session(engine) as session:
        quiz = session.exec(select(Quiz)).one()
        assert (quiz.title, quiz.streak_bonus, quiz.question_seconds) == (
            "An toàn lao động",
            True,
            30,
        )
        assert quiz.published_at is not None
    out = tmp_path / "ra.csv"
    assert main(["quiz", "export", str(quiz.id), "-o", str(out)]) == 0
    assert read_bank(out.read_bytes(), out.name) == quiz_drafts()


def test_a_bad_bank_imports_nothing_and_names_the_rows(
    env: None, engine: Engine, tmp_path: Path, capsys
):
    drafts = quiz_drafts()
    data = write_csv(drafts).decode("utf-8-sig").splitlines()
    data.append(data[1])  # the first question again, as row 5
    source = tmp_path / "bank.csv"
    source.write_text("\n".join(data) + "\n", encoding="utf-8")
    assert main(["quiz", "import", str(source), "--unit", "1", "--title", "X"]) == 1
    err = capsys.readouterr().err
    assert "row 5: the same question as row 2 (duplicate_question)" in err
    with Session(engine) as session:
        assert session.exec(select(Quiz)).all() == []
    assert main(["quiz", "export", "999", "-o", str(tmp_path / "x.xlsx")]) == 1
