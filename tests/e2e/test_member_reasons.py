# ruff: noqa: F811  (the fixtures are imported by name from tests/browser/support.py)
"""The reason given for a change to a member (`member_change.why`) through every way of making
it: the admin API (edit, move, remove with `?why=`), the web desk (the «Lý do» field of each
form, shown in the record of changes) and the `thidua member` command (show, edit, move, remove
after a dry run). The reasons of earlier changes go with the person's erasure; the removal's
own reason stays. SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from bots.cli import main
from core.members.models import Member, MemberChange, WorkerGroup
from core.storage.models import OutboxMessage
from tests.browser.support import client, post_form, settings, signed_in_officer  # noqa: F401
from tests.e2e.campaign_support import HUNG_THINH, ZONE, load_demo, member, member_id
from tests.e2e.test_api_campaigns import bearer, token_for
from tests.e2e.test_revocation import cli_env  # noqa: F401

pytestmark = pytest.mark.anyio


def changes_of(engine: Engine, person: int) -> list[MemberChange]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(MemberChange)
                .where(MemberChange.member_id == person)
                .order_by(col(MemberChange.id))
            )
        )


async def test_the_api_records_why_a_member_was_corrected_moved_and_removed(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    await member(client, runtime, code="CDCSTN33", name="Phan Thị Lan")
    lan = member_id(runtime, "Phan Thị Lan")
    zone = bearer(token_for(runtime, data.officer_of[ZONE]))
    url = f"/api/v1/members/{lan}"

    too_long = await client.patch(url, json={"phone": "", "why": "x" * 301}, headers=zone)
    assert too_long.status_code == 400  # the API refuses a body it cannot take
    edited = await client.patch(
        url,
        json={"full_name": "Phan Thị Lan Anh", "why": "  sai tên   khi tự khai  "},
        headers=zone,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["history"][0]["why"] == "sai tên khi tự khai"
    moved = await client.post(
        f"{url}/move", json={"unit_id": HUNG_THINH, "why": "chuyển công tác"}, headers=zone
    )
    assert moved.status_code == 200, moved.text
    assert [(c["action"], c["why"]) for c in moved.json()["history"]] == [
        ("move", "chuyển công tác"),
        ("edit", "sai tên khi tự khai"),
    ]
    plain = await client.patch(url, json={"phone": "0912 345 678"}, headers=zone)
    assert plain.json()["history"][0]["why"] is None  # the reason is optional

    removed = await client.delete(f"{url}?why=nghỉ việc từ 01/12/2026", headers=zone)
    assert removed.status_code == 200, removed.text
    kept = changes_of(runtime.engine, lan)
    assert [(c.action, c.why) for c in kept] == [
        ("edit", None),  # erased with the person: it was free text about them
        ("move", None),
        ("edit", None),
        ("remove", "nghỉ việc từ 01/12/2026"),
    ]
    assert {c.by_member_id for c in kept} == {data.officer_of[ZONE]}


async def test_the_desk_asks_why_and_shows_it_in_the_record(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    await member(client, runtime, code="CDCSTN33", name="Phan Thị Lan")
    lan = member_id(runtime, "Phan Thị Lan")
    web, _officer = await signed_in_officer(client, runtime, data, ZONE)
    page_url = f"/web/members/{lan}"
    page = await web.get(page_url)
    assert page.text.count('name="why"') == 3  # correct, move, remove
    fields = {"full_name": "Phan Thị Lan", "group": "official", "post": "no", "phone": ""}
    answer = await post_form(
        web, page_url, f"/web/members/{lan}/edit", {**fields, "why": "y" * 301}
    )
    assert answer.status_code == 422 and "tối đa 300 ký tự" in answer.text
    assert changes_of(runtime.engine, lan) == []
    answer = await post_form(
        web, page_url, f"/web/members/{lan}/edit", {**fields, "why": "đối chiếu hồ sơ công đoàn"}
    )
    assert answer.status_code == 303, answer.text
    answer = await post_form(
        web, page_url, f"/web/members/{lan}/move", {"unit_id": HUNG_THINH, "why": "điều động"}
    )
    assert answer.status_code == 303, answer.text
    shown = (await web.get(page_url)).text
    assert "lý do: đối chiếu hồ sơ công đoàn" in shown and "lý do: điều động" in shown
    assert [(c.action, c.why) for c in changes_of(runtime.engine, lan)] == [
        ("edit", "đối chiếu hồ sơ công đoàn"),
        ("move", "điều động"),
    ]
    answer = await post_form(
        web, page_url, f"/web/members/{lan}/remove", {"why": "chuyển sang đơn vị khác"}
    )
    assert answer.status_code == 303
    assert changes_of(runtime.engine, lan)[-1].why == "chuyển sang đơn vị khác"


async def test_the_cli_corrects_moves_and_removes_a_member_with_the_reason(
    cli_env: None, client: httpx.AsyncClient, runtime: Runtime, engine: Engine, capsys
):
    load_demo(runtime)
    await member(client, runtime, code="CDCSTN33", name="Phan Thị Lan")
    lan = member_id(runtime, "Phan Thị Lan")
    capsys.readouterr()

    assert main(["member", "show", "Phan Thị Lan"]) == 0
    assert "no change recorded" in capsys.readouterr().out
    assert main(["member", "edit", str(lan), "--phone", "12"]) == 1
    assert "refused: bad_phone" in capsys.readouterr().out
    assert (
        main(
            [
                "member",
                "edit",
                str(lan),
                "--name",
                "Phan Thị Lan Anh",
                "--group",
                "civil_servant",
                "--post",
                "yes",
                "--why",
                "theo danh sách 2026",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Phan Thị Lan Anh" in out and "why: theo danh sách 2026" in out
    with Session(engine) as session:
        row = session.get(Member, lan)
        assert row is not None and row.full_name == "Phan Thị Lan Anh"
        assert row.worker_group == WorkerGroup.CIVIL_SERVANT and row.holds_leadership_post

    assert main(["member", "move", str(lan), str(HUNG_THINH), "--why", "điều động"]) == 0
    capsys.readouterr()
    assert main(["member", "move", str(lan), "no such unit"]) == 1
    assert main(["member", "show", "nobody at all"]) == 1
    capsys.readouterr()

    assert main(["member", "remove", str(lan), "--why", "nghỉ hưu"]) == 0
    assert "would remove" in capsys.readouterr().out
    with Session(engine) as session:
        assert session.get(Member, lan).forgotten_at is None  # type: ignore[union-attr]
    assert main(["member", "remove", str(lan), "--why", "nghỉ hưu", "--confirm"]) == 0
    assert "removed" in capsys.readouterr().out
    with Session(engine) as session:
        gone = session.get(Member, lan)
        assert gone is not None and gone.forgotten_at is not None and gone.unit_id == HUNG_THINH
        told = session.exec(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.startswith(f"member:{lan}:"))  # type: ignore[union-attr]
        ).all()
        assert len(told) == 1
    kept = changes_of(engine, lan)
    assert [(c.action, c.why, c.by_member_id) for c in kept] == [
        ("edit", None, None),
        ("move", None, None),
        ("remove", "nghỉ hưu", None),
    ]
    assert main(["member", "show", str(lan)]) == 1  # no longer a member
