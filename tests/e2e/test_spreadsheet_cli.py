"""`thidua report` and `thidua quiz export` write CSV as a spreadsheet of the chosen language
reads it, like the desk's downloads: UTF-8 with a BOM, the catalog's column names, and in
Vietnamese ";" between cells and "," before decimals."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from bots.cli import main
from core import demo_showcase
from core.members.models import UnionUnit
from core.quizzes.bank import read_bank
from core.quizzes.models import Quiz
from tests.e2e.campaign_support import MINH_PHAT, load_demo
from tests.e2e.initiative_support import notifier


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str, runtime: Runtime) -> None:
    for key in list(__import__("os").environ):
        if key.startswith("THIDUA_") and not key.startswith("THIDUA_TEST_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("THIDUA_DATABASE_URL", database_url)
    load_demo(runtime)
    with Session(runtime.engine) as session, session.begin():
        demo_showcase.load(
            session,
            now=runtime.clock.now(),
            notifier=notifier(runtime),
            policy=runtime.processor.config.delivery,
        )


def rows_of(path: Path, delimiter: str) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the diacritics right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def test_report_csv_in_vietnamese_and_in_english(env: None, runtime: Runtime, tmp_path: Path):
    with Session(runtime.engine) as session:
        unit = session.get(UnionUnit, MINH_PHAT)
        assert unit is not None
    vi = tmp_path / "khen-thuong.csv"
    period = ["--unit", str(MINH_PHAT), "--from", "2020-01-01", "--to", "2030-12-31"]
    assert main(["report", "commendations", *period, "--out", str(vi)]) == 0
    rows = rows_of(vi, ";")
    assert rows[0][:4] == [
        "Đơn vị",
        "Số người được khen thưởng",
        "Người lao động trực tiếp",
        "Tỷ lệ người lao động trực tiếp",
    ]
    mine = next(r for r in rows[1:] if r[0] == unit.name)
    assert "," in mine[3] and "." not in mine[3], mine  # a decimal comma: 0,5 is a number there

    initiatives = tmp_path / "sang-kien.csv"
    assert main(["report", "initiatives", *period, "--out", str(initiatives)]) == 0
    statuses = {r[1] for r in rows_of(initiatives, ";")[1:]}
    assert "được công nhận" in statuses and "accepted" not in statuses

    en = tmp_path / "commendations.csv"
    assert main(["report", "commendations", *period, "--out", str(en), "--lang", "en"]) == 0
    english = rows_of(en, ",")
    assert english[0][:2] == ["Union unit", "People commended"]
    assert "." in next(r for r in english[1:] if r[0] == unit.name)[3]


def test_quiz_export_csv_reads_back(env: None, runtime: Runtime, tmp_path: Path):
    with Session(runtime.engine) as session:
        quiz = session.exec(select(Quiz)).first()
        assert quiz is not None
    out = tmp_path / "cau-hoi.csv"
    assert main(["quiz", "export", str(quiz.id), "-o", str(out)]) == 0
    rows = rows_of(out, ";")
    assert rows[0][:3] == ["câu hỏi", "phương án 1", "phương án 2"]
    assert len(rows) > 2
    assert len(read_bank(out.read_bytes(), out.name)) == len(rows) - 1  # the import reads it
    english = tmp_path / "questions.csv"
    assert main(["quiz", "export", str(quiz.id), "-o", str(english), "--lang", "en"]) == 0
    assert rows_of(english, ",")[0][:2] == ["question", "option_1"]
