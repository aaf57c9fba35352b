"""`thidua demo load` ships the union's tree and roster as files read by the importers an
officer uses: the units get their codes and declared membership, the companies their groups,
the roster its people, each change recorded; a worker joining Minh Phát with a card on the
demo roster is verified. On SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from bots.cli import main
from core.members.models import Member, RosterEntry, UnionUnit, UnitKind, WorkerGroup
from core.organisation.models import UnitChange
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    for key in list(__import__("os").environ):
        if key.startswith("THIDUA_") and not key.startswith("THIDUA_TEST_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("THIDUA_DATABASE_URL", database_url)


async def test_the_demo_imports_its_tree_and_roster_files(
    cli_env: None, client: httpx.AsyncClient, runtime: Runtime, engine: Engine, capsys
):
    assert main(["demo", "load"]) == 0
    out = capsys.readouterr().out
    assert "3 units added, 4 given their codes" in out and "8 people on the roster" in out
    with Session(engine) as session:
        by_code = {u.code: u for u in session.exec(select(UnionUnit)) if u.code}
        assert set(by_code) == {"KCN-BD", "SLDTBXH", "MP", "MP-CK1", "MP-SON", "HT", "HT-MAY"}
        assert by_code["MP-CK1"].kind == UnitKind.UNION_GROUP
        assert by_code["MP-CK1"].parent_id == by_code["MP"].id
        assert by_code["HT"].declared_members == 1850
        assert session.exec(select(RosterEntry)).all().__len__() == 8
        actions = [c.action for c in session.exec(select(UnitChange).order_by(col(UnitChange.id)))]
        assert actions.count("create") == 3 and actions.count("update") == 4
        group_id = by_code["MP-CK1"].id
    worker = await ChatUser(client, runtime).open()
    await worker.say("/start")
    await worker.say("CDCSTN33")
    await worker.tap("Tôi đồng ý")
    await worker.tap("Có, gửi cho tôi")
    await worker.tap("Có, hiện tên tôi")
    await worker.say("Trịnh Thị Hồng")
    await worker.tap("Đúng")
    found = await worker.say("mp-0001")
    assert "có tên trong danh sách" in worker.texts(found)
    with Session(engine) as session:
        hong = session.exec(select(Member).where(Member.full_name == "Trịnh Thị Hồng")).one()
        assert hong.unit_id == group_id and hong.worker_group == WorkerGroup.DIRECT_WORKER
