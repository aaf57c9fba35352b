# ruff: noqa: F811  (the fixtures are imported by name from tests/browser/support.py)
"""Every change of the tree the issue names, on every surface: a unit created with its kind,
enterprise type and code, those changed, and one unit merged into another, through the admin
API, the web desk and `thidua org create|set|merge`; each recorded in `unit_change` with who
made it, each refused outside the officer's units. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from bots.cli import main
from core.members.models import Member, UnionUnit
from core.organisation.models import UnitChange
from tests.browser.support import client, post_form, settings, signed_in_officer  # noqa: F401
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, ZONE, load_demo
from tests.e2e.test_api_campaigns import bearer, token_for
from tests.e2e.test_revocation import cli_env  # noqa: F401

pytestmark = pytest.mark.anyio


def unit_named(engine: Engine, name: str) -> UnionUnit:
    with Session(engine) as session:
        return session.exec(select(UnionUnit).where(UnionUnit.name == name)).one()


def actions_on(engine: Engine, unit_id: int) -> list[tuple[str, int | None]]:
    with Session(engine) as session:
        return [
            (c.action, c.by_member_id)
            for c in session.exec(
                select(UnitChange).where(UnitChange.unit_id == unit_id).order_by(UnitChange.id)  # type: ignore[arg-type]
            )
        ]


async def test_the_api_creates_changes_and_merges_units(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    own = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    zone = bearer(token_for(runtime, data.officer_of[ZONE]))
    made = await client.post(
        "/api/v1/units",
        json={
            "parent_id": ZONE,
            "name": "CĐCS Công ty TNHH Điện tử Sao Việt",
            "kind": "grassroots_union",
            "enterprise_type": "foreign_invested",
            "code": "SV",
            "declared_members": 900,
        },
        headers=zone,
    )
    assert made.status_code == 201, made.text
    new = made.json()
    assert (new["enterprise_type"], new["code"], new["declared_members"]) == (
        "foreign_invested",
        "SV",
        900,
    )
    assert new["declared_on"] is not None
    taken = await client.post(
        "/api/v1/units",
        json={"parent_id": ZONE, "name": "Khác", "kind": "grassroots_union", "code": "SV"},
        headers=zone,
    )
    assert (taken.status_code, taken.json()["error"]) == (409, "unit_code_taken")
    changed = await client.patch(
        f"/api/v1/units/{MINH_PHAT}",
        json={"enterprise_type": "state_enterprise", "code": "MP-1"},
        headers=own,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["enterprise_type"], changed.json()["code"]) == (
        "state_enterprise",
        "MP-1",
    )
    upper = await client.patch(
        f"/api/v1/units/{ZONE}", json={"enterprise_type": "private"}, headers=zone
    )
    assert (upper.status_code, upper.json()["error"]) == (
        409,
        "enterprise_type_only_for_grassroots",
    )

    with Session(runtime.engine) as session:
        moving = [m.id for m in session.exec(select(Member).where(Member.unit_id == MINH_PHAT))]
    assert moving
    mine = await client.post(
        f"/api/v1/units/{MINH_PHAT}/merge", json={"into_id": new["id"]}, headers=own
    )
    assert (mine.status_code, mine.json()["error"]) == (403, "own_unit")
    outside = await client.post(
        f"/api/v1/units/{new['id']}/merge", json={"into_id": MINH_PHAT}, headers=own
    )
    assert outside.status_code == 403
    merged = await client.post(
        f"/api/v1/units/{MINH_PHAT}/merge", json={"into_id": new["id"]}, headers=zone
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["id"] == new["id"]
    with Session(runtime.engine) as session:
        assert session.get(UnionUnit, MINH_PHAT).closed_at is not None  # type: ignore[union-attr]
        for member_id in moving:
            assert session.get(Member, member_id).unit_id == new["id"]  # type: ignore[union-attr]
    assert ("merge", data.officer_of[ZONE]) in actions_on(runtime.engine, MINH_PHAT)
    assert ("update", data.officer_of[MINH_PHAT]) in actions_on(runtime.engine, MINH_PHAT)


async def test_the_desk_creates_changes_and_merges_units(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    web, _officer = await signed_in_officer(client, runtime, data, ZONE)
    page = await web.get("/web/org")
    assert "Thêm đơn vị" in page.text and "Sáp nhập đơn vị" in page.text
    bad = await post_form(web, "/web/org", "/web/org/units/create", {"parent_id": ZONE})
    assert bad.status_code == 422 and "nhập tên đơn vị" in bad.text
    made = await post_form(
        web,
        "/web/org",
        "/web/org/units/create",
        {
            "parent_id": ZONE,
            "name": "CĐCS Công ty Cổ phần Dệt Hòa Bình",
            "kind": "grassroots_union",
            "enterprise_type": "private",
            "code": "DHB",
        },
    )
    assert made.status_code == 303, made.text
    new = unit_named(runtime.engine, "CĐCS Công ty Cổ phần Dệt Hòa Bình")
    assert (new.parent_id, new.enterprise_type, new.code) == (ZONE, "private", "DHB")
    edited = await post_form(
        web,
        "/web/org",
        "/web/org/units/edit",
        {"unit_id": HUNG_THINH, "kind": "grassroots_union", "enterprise_type": "foreign_invested"},
    )
    assert edited.status_code == 303
    with Session(runtime.engine) as session:
        assert session.get(UnionUnit, HUNG_THINH).enterprise_type == "foreign_invested"  # type: ignore[union-attr]
    same = await post_form(
        web, "/web/org", "/web/org/units/merge", {"unit_id": HUNG_THINH, "into_id": HUNG_THINH}
    )
    assert "chính nó" in same.text  # the page says why, nothing changed
    merged = await post_form(
        web, "/web/org", "/web/org/units/merge", {"unit_id": HUNG_THINH, "into_id": new.id}
    )
    assert merged.status_code == 303, merged.text
    with Session(runtime.engine) as session:
        assert session.get(UnionUnit, HUNG_THINH).closed_at is not None  # type: ignore[union-attr]
    officer = data.officer_of[ZONE]
    assert ("create", officer) in actions_on(runtime.engine, new.id)  # type: ignore[arg-type]
    assert ("merge", officer) in actions_on(runtime.engine, HUNG_THINH)
    await web.aclose()


async def test_the_cli_creates_a_unit_and_sets_its_kind_type_code_and_membership(
    cli_env: None, runtime: Runtime, engine: Engine, capsys
):
    load_demo(runtime)
    assert (
        main(
            [
                "org",
                "create",
                str(ZONE),
                "CĐCS Công ty May Tân Phú",
                "--kind",
                "grassroots_union",
                "--enterprise-type",
                "private",
                "--code",
                "TP",
                "--members",
                "350",
                "--on",
                "01/12/2026",
            ]
        )
        == 0
    )
    assert "created" in capsys.readouterr().out
    unit = unit_named(engine, "CĐCS Công ty May Tân Phú")
    assert (unit.parent_id, unit.enterprise_type, unit.code) == (ZONE, "private", "TP")
    assert (unit.declared_members, unit.declared_on) == (350, date(2026, 12, 1))
    assert main(["org", "set", "TP", "--members", "420", "--on", "31/12"]) == 1
    assert main(["org", "set", str(unit.id), "--enterprise-type", "foreign_invested"]) == 0
    assert main(["org", "set", str(unit.id), "--members", "420", "--on", "02/12/2026"]) == 0
    unit = unit_named(engine, "CĐCS Công ty May Tân Phú")
    assert (unit.enterprise_type, unit.declared_members) == ("foreign_invested", 420)
    assert unit.declared_on == date(2026, 12, 2) and unit.code == "TP"
    assert [a for a, _by in actions_on(engine, unit.id)] == ["create", "update", "update"]  # type: ignore[arg-type]
    assert main(["org", "set", str(ZONE), "--enterprise-type", "private"]) == 1
