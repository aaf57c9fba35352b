# ruff: noqa: F811  (the fixtures are imported by name from tests/browser/support.py)
"""Members managed by their officers, through the admin API with an officer's token and on the
web desk with a signed-in officer: read one, correct the name, group, post and phone (a
verified member's roster entry follows), move within the officer's units (out of them
refused), remove (the person told, erased as by /forget, the roster entry marked removed,
the union's records kept), each change recorded; an officer's role changed between chair and
committee member. SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core import demo
from core.members.models import (
    Member,
    MemberChange,
    OfficerRole,
    OfficerRoleKind,
    RosterEntry,
    UnionUnit,
    WorkerGroup,
)
from core.organisation.models import UnitChange
from core.storage.models import OutboxMessage
from tests.browser.support import client, post_form, settings, signed_in_officer  # noqa: F401
from tests.e2e.campaign_support import (
    HUNG_THINH,
    MINH_PHAT,
    PROVINCE,
    ZONE,
    load_demo,
    member,
    member_id,
)
from tests.e2e.test_api_campaigns import bearer, token_for
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio


async def verified_worker(client: httpx.AsyncClient, runtime: Runtime) -> ChatUser:
    """The demo's tree and roster files imported; Trịnh Thị Hồng joins Minh Phát by chat and
    is found on its roster by her card."""
    runtime.clock.advance(days=8)  # type: ignore[attr-defined]  # the files declare 01/12/2026
    with Session(runtime.engine) as session, session.begin():
        demo.load_organisation(session, now=runtime.clock.now())
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
    if any(p.startswith("onb_lang:") for p in worker.payloads(found)):
        await worker.tap("onb_lang:vi")
    return worker


def unit_by_code(runtime: Runtime, code: str) -> int:
    with Session(runtime.engine) as session:
        return session.exec(select(UnionUnit.id).where(UnionUnit.code == code)).one()  # type: ignore[return-value]


def roster_of(runtime: Runtime, member: int) -> RosterEntry | None:
    with Session(runtime.engine) as session:
        return session.exec(select(RosterEntry).where(RosterEntry.card == "MP-0001")).first()


async def test_an_officer_reads_edits_moves_and_removes_a_member_through_the_api(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    hong_chat = await verified_worker(client, runtime)
    hong = member_id(runtime, "Trịnh Thị Hồng")
    own = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    other = bearer(token_for(runtime, data.officer_of[HUNG_THINH]))
    painting = unit_by_code(runtime, "MP-SON")

    listed = (await client.get(f"/api/v1/members?unit_id={MINH_PHAT}&q=hong", headers=own)).json()
    assert [m["id"] for m in listed["members"]] == [hong] and listed["members"][0]["verified"]
    assert listed["verified"] >= 1 and listed["not_on_bot"] >= 1
    assert (await client.get(f"/api/v1/members/{hong}", headers=other)).status_code == 403
    assert (
        await client.get(f"/api/v1/members?unit_id={MINH_PHAT}", headers=other)
    ).status_code == 403

    bad = await client.patch(f"/api/v1/members/{hong}", json={"phone": "12"}, headers=own)
    assert (bad.status_code, bad.json()["error"]) == (422, "bad_phone")
    bad = await client.patch(f"/api/v1/members/{hong}", json={"full_name": "123"}, headers=own)
    assert (bad.status_code, bad.json()["error"]) == (422, "name_empty")
    edited = await client.patch(
        f"/api/v1/members/{hong}",
        json={
            "full_name": "Trịnh Thị Hồng Nhung",
            "worker_group": "official",
            "holds_leadership_post": True,
            "phone": "+84 912 345 678",
        },
        headers=own,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["phone"] == "0912345678"
    entry = roster_of(runtime, hong)
    assert entry is not None and entry.member_id == hong
    assert (entry.full_name, entry.name_key) == ("Trịnh Thị Hồng Nhung", "trinh thi hong nhung")
    assert entry.worker_group == WorkerGroup.OFFICIAL and entry.holds_leadership_post

    outside = await client.post(
        f"/api/v1/members/{hong}/move", json={"unit_id": HUNG_THINH}, headers=own
    )
    assert (outside.status_code, outside.json()["error"]) == (403, "outside_scope")
    moved = await client.post(
        f"/api/v1/members/{hong}/move", json={"unit_id": painting}, headers=own
    )
    assert moved.status_code == 200 and moved.json()["unit_id"] == painting
    history = moved.json()["history"]
    assert [c["action"] for c in history] == ["move", "edit"]
    assert history[1]["before"]["worker_group"] == "direct_worker"
    assert history[1]["after"]["full_name"] == "Trịnh Thị Hồng Nhung"
    assert history[0]["after"] == {"unit_id": painting}
    with Session(runtime.engine) as session:
        changes = session.exec(select(MemberChange).where(MemberChange.member_id == hong)).all()
        assert {c.by_member_id for c in changes} == {data.officer_of[MINH_PHAT]}
        assert session.get(Member, hong).unit_id == painting  # type: ignore[union-attr]
    assert roster_of(runtime, hong).unit_id == painting  # type: ignore[union-attr]

    mine = await client.delete(f"/api/v1/members/{data.officer_of[MINH_PHAT]}", headers=own)
    assert (mine.status_code, mine.json()["error"]) == (403, "own_member")
    assert (await client.delete(f"/api/v1/members/{hong}", headers=other)).status_code == 403
    removed = await client.delete(f"/api/v1/members/{hong}", headers=own)
    assert removed.status_code == 200, removed.text
    told = hong_chat.texts(await hong_chat.replies())
    assert "đã đưa bạn ra khỏi danh sách đoàn viên" in told
    with Session(runtime.engine) as session:
        gone = session.get(Member, hong)
        assert gone is not None and gone.forgotten_at is not None and gone.full_name is None
        assert gone.phone is None and gone.unit_id == painting  # the records keep the unit
        changes = session.exec(
            select(MemberChange)
            .where(MemberChange.member_id == hong)
            .order_by(col(MemberChange.id))
        ).all()
        assert [c.action for c in changes] == ["edit", "move", "remove"]
        assert all(c.before is None and c.after is None for c in changes)
    entry = roster_of(runtime, hong)
    assert entry is not None and entry.member_id is None and entry.removed_at is not None
    assert (await client.get(f"/api/v1/members/{hong}", headers=own)).status_code == 404


async def test_an_officers_role_changes_between_chair_and_committee_member(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    zone = bearer(token_for(runtime, data.officer_of[ZONE]))
    own = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    with Session(runtime.engine) as session:
        role = session.exec(select(OfficerRole).where(OfficerRole.unit_id == MINH_PHAT)).one()
    assert role.role == OfficerRoleKind.CHAIR
    url = f"/api/v1/officers/{role.id}"
    mine = await client.patch(url, json={"role": "officer"}, headers=own)
    assert (mine.status_code, mine.json()["error"]) == (403, "own_role")
    wrong = await client.patch(url, json={"role": "king"}, headers=zone)
    assert wrong.status_code == 400
    done = await client.patch(url, json={"role": "officer"}, headers=zone)
    assert done.status_code == 200 and done.json()["role"] == "officer"
    upward = await client.patch(
        f"/api/v1/officers/{role_of(runtime, ZONE)}", json={"role": "officer"}, headers=own
    )
    assert upward.status_code == 403  # a unit above is outside the officer's units
    with Session(runtime.engine) as session:
        assert session.get(OfficerRole, role.id).role == OfficerRoleKind.OFFICER  # type: ignore[union-attr]
        change = session.exec(
            select(UnitChange).where(UnitChange.action == "officer_changed")
        ).one()
        assert change.by_member_id == data.officer_of[ZONE] and change.unit_id == MINH_PHAT
        assert '"chair"' in (change.before or "") and '"officer"' in (change.after or "")
    # what the officer may do is unchanged: still their unit's officer
    assert (await client.get("/api/v1/members", headers=own)).status_code == 200


def role_of(runtime: Runtime, unit: int) -> int:
    with Session(runtime.engine) as session:
        return session.exec(select(OfficerRole.id).where(OfficerRole.unit_id == unit)).one()  # type: ignore[return-value]


async def test_the_desk_edits_moves_and_removes_a_member(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    lan_chat = await member(client, runtime, code="CDCSTN33", name="Phan Thị Lan")
    lan = member_id(runtime, "Phan Thị Lan")
    web, _officer = await signed_in_officer(client, runtime, data, ZONE)
    page_url = f"/web/members/{lan}"
    page = await web.get(page_url)
    assert page.status_code == 200 and "Phan Thị Lan" in page.text
    listed = await web.get(f"/web/members?unit={MINH_PHAT}&q=lan")
    assert f'href="/web/members/{lan}"' in listed.text

    fields = {"full_name": "Phan Thị Lan Anh", "group": "civil_servant", "post": "yes"}
    answer = await post_form(web, page_url, f"/web/members/{lan}/edit", {**fields, "phone": "x"})
    assert answer.status_code == 422 and "số điện thoại" in answer.text
    answer = await post_form(web, page_url, f"/web/members/{lan}/edit", {**fields, "phone": ""})
    assert answer.status_code == 303, answer.text
    shown = await web.get(answer.headers["location"])
    assert "Phan Thị Lan Anh" in shown.text and "Công chức" in shown.text
    assert "Phan Thị Lan → Phan Thị Lan Anh" in shown.text
    with Session(runtime.engine) as session:
        row = session.get(Member, lan)
        assert row is not None and row.full_name == "Phan Thị Lan Anh"
        assert row.worker_group == WorkerGroup.CIVIL_SERVANT and row.holds_leadership_post

    # an officer of Minh Phát alone cannot take her out of Minh Phát
    mp_web, _ = await signed_in_officer(client, runtime, data, MINH_PHAT)
    answer = await post_form(mp_web, page_url, f"/web/members/{lan}/move", {"unit_id": ZONE})
    assert answer.status_code == 404 and "ngoài phạm vi" in answer.text
    with Session(runtime.engine) as session:
        assert session.get(Member, lan).unit_id == MINH_PHAT  # type: ignore[union-attr]
    # the zone's officer can, within the zone
    answer = await post_form(web, page_url, f"/web/members/{lan}/move", {"unit_id": HUNG_THINH})
    assert answer.status_code == 303
    assert "chuyển từ" in (await web.get(page_url)).text
    with Session(runtime.engine) as session:
        assert session.get(Member, lan).unit_id == HUNG_THINH  # type: ignore[union-attr]
    assert (await mp_web.get(page_url)).status_code == 404

    answer = await post_form(web, page_url, f"/web/members/{lan}/remove", {})
    assert answer.status_code == 303 and answer.headers["location"].endswith("done=removed")
    assert "Phan Thị Lan" not in (await web.get(f"/web/members?unit={ZONE}")).text
    told = lan_chat.texts(await lan_chat.replies())
    assert "đã đưa bạn ra khỏi danh sách đoàn viên" in told
    with Session(runtime.engine) as session:
        gone = session.get(Member, lan)
        assert gone is not None and gone.forgotten_at is not None and gone.full_name is None
        assert gone.unit_id == HUNG_THINH
        sent = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.dedupe_key).startswith("member:"))
        ).all()
        assert len(sent) == 1
    assert (await web.get(page_url)).status_code == 404


async def test_the_desk_changes_an_officers_role(client: httpx.AsyncClient, runtime: Runtime):
    data = load_demo(runtime)
    web, _officer = await signed_in_officer(client, runtime, data, ZONE)
    role = role_of(runtime, MINH_PHAT)
    page = await web.get("/web/officers")
    assert f'action="/web/officers/{role}/role"' in page.text
    assert f'action="/web/officers/{role_of(runtime, ZONE)}/role"' not in page.text  # own
    answer = await post_form(web, "/web/officers", f"/web/officers/{role}/role", {"role": "x"})
    assert answer.status_code == 422
    answer = await post_form(
        web, "/web/officers", f"/web/officers/{role}/role", {"role": "officer"}
    )
    assert answer.status_code == 303
    with Session(runtime.engine) as session:
        assert session.get(OfficerRole, role).role == OfficerRoleKind.OFFICER  # type: ignore[union-attr]
    mp_web, _ = await signed_in_officer(client, runtime, data, MINH_PHAT)
    own = await post_form(mp_web, "/web/officers", f"/web/officers/{role}/role", {"role": "chair"})
    assert own.status_code == 404  # one's own role is not theirs to change: no such form


async def test_a_zone_of_many_unions_pages_and_searches_its_members_in_the_order_of_names(
    client: httpx.AsyncClient, runtime: Runtime
):
    """Over 30 units, the page is read along the index in the order of names
    (core/organisation/membership.py::_wide): the same members, in the same order, as a
    single union's, found without diacritics, a name corrected found by its new form."""
    from core.members import service as members_service
    from core.members.models import UnitKind

    data = load_demo(runtime)
    zone = bearer(token_for(runtime, data.officer_of[ZONE]))
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        parent = session.get(UnionUnit, ZONE)
        for n in range(35):
            unit = members_service.create_unit(
                session, name=f"CĐCS số {n}", kind=UnitKind.GRASSROOTS_UNION, parent=parent
            )
            session.add(Member(unit_id=unit.id, full_name=f"Đỗ Văn Tùng {n:02d}", onboarded_at=now))
    url = f"/api/v1/members?unit_id={ZONE}&q=DO%20VAN%20TUNG&per_page=10"
    first = (await client.get(url, headers=zone)).json()
    assert first["total"] == 35 and first["prev_cursor"] is None
    assert [m["full_name"] for m in first["members"]] == [f"Đỗ Văn Tùng {n:02d}" for n in range(10)]
    page, pages = first, 1
    while page["next_cursor"]:
        page = (await client.get(f"{url}&cursor={page['next_cursor']}", headers=zone)).json()
        pages += 1
    assert pages == 4
    assert [m["full_name"] for m in page["members"]] == [
        f"Đỗ Văn Tùng {n:02d}" for n in range(30, 35)
    ]
    everyone = (
        await client.get(f"/api/v1/members?unit_id={ZONE}&per_page=500", headers=zone)
    ).json()
    names = [m["full_name"] for m in everyone["members"]]
    assert names == sorted(names) and len(names) == everyone["total"] >= 35
    tung = first["members"][0]["id"]
    await client.patch(f"/api/v1/members/{tung}", json={"full_name": "Đỗ Văn Tâm"}, headers=zone)
    found = (
        await client.get(f"/api/v1/members?unit_id={ZONE}&q=do%20van%20tam", headers=zone)
    ).json()
    assert [m["id"] for m in found["members"]] == [tung]


async def test_an_officer_of_a_unit_above_is_neither_moved_nor_removed_from_below(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    zone_officer = data.officer_of[ZONE]
    with Session(runtime.engine) as session, session.begin():
        person = session.get(Member, zone_officer)
        assert person is not None
        person.unit_id = MINH_PHAT  # a member of the enterprise union, officer of the zone
    own = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    removed = await client.delete(f"/api/v1/members/{zone_officer}", headers=own)
    assert (removed.status_code, removed.json()["error"]) == (403, "officer_beyond")
    moved = await client.post(
        f"/api/v1/members/{zone_officer}/move", json={"unit_id": MINH_PHAT}, headers=own
    )
    assert (moved.status_code, moved.json()["error"]) == (403, "officer_beyond")
    assert (await client.get(f"/api/v1/members/{zone_officer}", headers=own)).status_code == 200
    with Session(runtime.engine) as session:
        kept = session.get(Member, zone_officer)
        assert kept is not None and kept.forgotten_at is None and kept.unit_id == MINH_PHAT


async def test_the_api_pages_members_by_cursor_and_a_member_added_between_pages_shows_once(
    client: httpx.AsyncClient, runtime: Runtime
):
    """The admin API's members list goes on from a cursor (the name and id of a page's last
    or first member), not from a count of rows: a member added before or after the place, or
    the page's last member removed, between two pages, changes nothing of what was read."""
    from core.members import service as members_service
    from core.members.models import UnitKind

    data = load_demo(runtime)
    zone = bearer(token_for(runtime, data.officer_of[ZONE]))
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        unit = members_service.create_unit(
            session,
            name="CĐCS Công ty Hòa Bình",
            kind=UnitKind.GRASSROOTS_UNION,
            parent=session.get(UnionUnit, ZONE),
        )
        unit_id = unit.id
        for name in ("Bùi Văn An", "Cao Thị Bình", "Dương Văn Cường", "Lê Thị Dung", "Võ Văn Em"):
            session.add(Member(unit_id=unit_id, full_name=name, onboarded_at=now))
    url = f"/api/v1/members?unit_id={unit_id}&per_page=2"

    def names(page: dict) -> list[str]:  # type: ignore[type-arg]
        return [m["full_name"] for m in page["members"]]

    first = (await client.get(url, headers=zone)).json()
    assert names(first) == ["Bùi Văn An", "Cao Thị Bình"] and first["total"] == 5
    assert first["prev_cursor"] is None and first["next_cursor"]
    with Session(runtime.engine) as session, session.begin():
        session.add(Member(unit_id=unit_id, full_name="An Văn Ba", onboarded_at=now))  # before
        session.add(Member(unit_id=unit_id, full_name="Dinh Thị Cúc", onboarded_at=now))  # after
        binh = session.exec(select(Member).where(Member.full_name == "Cao Thị Bình")).one()
        binh.forgotten_at = now  # the page's last member leaves
    second = (await client.get(f"{url}&cursor={first['next_cursor']}", headers=zone)).json()
    assert names(second) == ["Dinh Thị Cúc", "Dương Văn Cường"] and second["total"] == 6
    third = (await client.get(f"{url}&cursor={second['next_cursor']}", headers=zone)).json()
    assert names(third) == ["Lê Thị Dung", "Võ Văn Em"] and third["next_cursor"] is None
    back = (await client.get(f"{url}&cursor={third['prev_cursor']}", headers=zone)).json()
    assert names(back) == names(second) and back["prev_cursor"]
    start = (await client.get(f"{url}&cursor={back['prev_cursor']}", headers=zone)).json()
    assert names(start) == ["An Văn Ba", "Bùi Văn An"] and start["prev_cursor"] is None
    for bad in ("nonsense!", "WyJ4IiwxXQ"):  # not base64 JSON; JSON of the wrong shape
        answer = await client.get(f"{url}&cursor={bad}", headers=zone)
        assert (answer.status_code, answer.json()["error"]) == (422, "bad_cursor")


def listed(page: httpx.Response) -> str:
    """The desk's list of members with its counts and pages."""
    return page.text.split('id="member-list"', 1)[1].split("</section>", 1)[0]


async def test_a_province_reads_its_members_untested_only_while_its_tree_is_every_unit(
    client: httpx.AsyncClient, runtime: Runtime
):
    """The top of the only tree reads the members and the roster without testing their unit
    (core/organisation/membership.py::Scope); once another tree exists, its members and roster
    are not the province's, on the API and on the desk, with or without a search."""
    from core.members import service as members_service
    from core.members.models import UnitKind
    from core.members.rules import key_of
    from core.organisation import membership

    data = load_demo(runtime)
    province = bearer(token_for(runtime, data.officer_of[PROVINCE]))
    url = f"/api/v1/members?unit_id={PROVINCE}&per_page=500"
    alone = (await client.get(url, headers=province)).json()
    web, _ = await signed_in_officer(client, runtime, data, PROVINCE)
    page = listed(await web.get(f"/web/members?unit={PROVINCE}"))
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        other = members_service.create_unit(
            session, name="LĐLĐ tỉnh bên", kind=UnitKind.PROVINCIAL_FEDERATION
        )
        below = members_service.create_unit(
            session, name="CĐCS Nhà máy Xanh", kind=UnitKind.GRASSROOTS_UNION, parent=other
        )
        for unit_id in (other.id, below.id):
            session.add(Member(unit_id=unit_id, full_name="Ông Văn Khác", onboarded_at=now))
            session.add(RosterEntry(unit_id=unit_id, full_name="Bà Thị Chờ", name_key="ba thi cho"))
        other_id = other.id
    after = (await client.get(url, headers=province)).json()
    assert after == alone and alone["total"] == alone["verified"] + alone["self_declared"] > 0
    assert listed(await web.get(f"/web/members?unit={PROVINCE}")) == page
    found = (await client.get(f"{url}&q=ong%20van%20khac", headers=province)).json()
    assert (found["total"], found["members"]) == (0, [])
    desk = (await web.get(f"/web/members?unit={PROVINCE}&q=ong%20van%20khac")).text
    assert "Ông Văn Khác" not in desk and "Không có đoàn viên nào phù hợp." in desk
    with Session(runtime.engine) as session:
        theirs = membership.counts(session, unit=session.get(UnionUnit, other_id), q="khac")  # type: ignore[arg-type]
    assert (theirs.joined, theirs.not_on_bot, theirs.matching) == (2, 2, 2)
    mine = (await client.get(f"{url}&q=van", headers=province)).json()
    assert (
        mine["total"]
        == len(mine["members"])
        == len([m for m in alone["members"] if "van" in key_of(m["full_name"])])
    )
