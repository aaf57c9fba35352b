"""Emulation blocks on the officer desk, signed in with a code the bot sent: the zone's officer
makes a block of its two enterprise unions for the production campaign, opens its evaluation
page (the ranking, each union's figures), adjusts a figure with a reason and sees the ranking
change; a second save from a page read before is refused with the reason and nothing kept; the
province's officer sees the page but is refused as an evaluator, clearly; an enterprise union's
officer gets a 404; the ranking downloads as a CSV a Vietnamese Excel reads."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import httpx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from bots.spreadsheets import XLSX
from core.campaigns import service as campaigns
from core.campaigns.scope import Actor
from core.emulation.block_models import BlockUnit, EmulationBlock, Evaluation
from tests.browser.support import (  # noqa: F401  (fixtures)
    client,
    csrf_of,
    post_form,
    settings,
    signed_in_officer,
)
from tests.e2e.block_support import zone_campaign
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, PROVINCE, ZONE
from tests.e2e.test_emulation_blocks_api import output_criterion

pytestmark = pytest.mark.anyio
HT_NAME = "Công đoàn Công ty TNHH Giày da Hưng Thịnh Việt Nam"
MP_NAME = "Công đoàn Công ty TNHH Cơ khí Minh Phát"


def ranked(html: str) -> list[str]:
    """The unions in the order of the ranking table."""
    table = html.split('id="ranking"', 1)[1].split("</table>", 1)[0]
    return sorted((HT_NAME, MP_NAME), key=table.index)


async def test_the_evaluation_page(client: httpx.AsyncClient, runtime: Runtime):  # noqa: F811
    data, campaign_id = zone_campaign(runtime)
    zone, _zone_chat = await signed_in_officer(client, runtime, data, ZONE)
    blocks_url = f"/web/campaigns/{campaign_id}/blocks"
    empty = await zone.get(blocks_url)
    assert "Chưa có cụm, khối nào" in empty.text

    made = await post_form(
        zone,
        blocks_url,
        blocks_url,
        {
            "name": "Cụm doanh nghiệp KCN Bình Dương",
            "kind": "industrial_zone",
            "owner": ZONE,
            "units": [MINH_PHAT, HUNG_THINH],
        },
    )
    assert made.status_code == 303, made.text
    with Session(runtime.engine) as session:
        block = session.exec(select(EmulationBlock)).one()
        assert (block.owner_unit_id, block.campaign_id, block.year) == (ZONE, campaign_id, None)
        held = session.exec(select(BlockUnit.unit_id).where(BlockUnit.block_id == block.id))
        assert sorted(held) == [MINH_PHAT, HUNG_THINH]
    page_url = f"{blocks_url}/{block.id}?due=2026-10-31"
    page = await zone.get(page_url)
    assert page.status_code == 200
    assert ranked(page.text) == [MP_NAME, HT_NAME]
    assert "Xác nhận hoặc sửa" in page.text and 'id="viewer"' not in page.text

    output = output_criterion(runtime, campaign_id)
    evaluate = f"{blocks_url}/{block.id}/evaluate"
    change = {
        "due": "2026-10-31",
        "unit": HUNG_THINH,
        "criterion": output,
        "version": 0,
        "value": "120",
        "reason": "",
    }
    no_reason = await post_form(zone, page_url, evaluate, change)
    assert no_reason.status_code == 422 and "Bạn ghi lý do sửa số liệu" in no_reason.text
    change["reason"] = "Đã đối chiếu sổ sản xuất tháng 10"
    saved = await post_form(zone, page_url, evaluate, change)
    assert saved.status_code == 303, saved.text
    after = await zone.get(saved.headers["location"])
    assert "Đã lưu kết quả chấm" in after.text
    assert ranked(after.text) == [HT_NAME, MP_NAME]
    assert "Đã đối chiếu sổ sản xuất tháng 10" in after.text
    # the same form sent again from a page read before that save (version 0): refused
    stale = await zone.post(evaluate, data={**change, "value": "100", "csrf": csrf_of(after.text)})
    assert stale.status_code == 422
    assert "một người chấm khác đã lưu số liệu này" in stale.text
    with Session(runtime.engine) as session:
        rows = session.exec(select(Evaluation).order_by(col(Evaluation.id))).all()
        assert [(r.value, r.self_value, r.unit_id) for r in rows] == [
            (Decimal(120), Decimal(97), HUNG_THINH)
        ]
        assert rows[0].evaluated_by == data.officer_of[ZONE]

    page_text = (await zone.get(page_url)).text
    xlsx_at, csv_at = page_text.index('id="ranking-xlsx"'), page_text.index('id="ranking-csv"')
    assert xlsx_at < csv_at  # the workbook first; the CSV's separators stated on the page
    assert "dấu chấm phẩy ; ngăn các cột, dấu phẩy trước phần thập phân" in page_text
    book = await zone.get(f"{blocks_url}/{block.id}/ranking.xlsx?due=2026-10-31")
    assert book.headers["content-type"].startswith(XLSX)
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:2] == ("Hạng", "Đơn vị") and table[0][-1] == "Tổng điểm"
    assert [(r[0], r[1], r[-1]) for r in table[1:]] == [(1, HT_NAME, 68), (2, MP_NAME, 66.2)]
    assert (await zone.get(f"{blocks_url}/{block.id}/ranking.pdf")).status_code == 404
    download = await zone.get(f"{blocks_url}/{block.id}/ranking.csv?due=2026-10-31")
    assert download.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:2] == ["Hạng", "Đơn vị"] and lines[0][-1] == "Tổng điểm"
    assert [line[1] for line in lines[1:]] == [HT_NAME, MP_NAME]
    assert (lines[1][0], lines[1][-1]) == ("1", "68,00")
    assert (lines[2][0], lines[2][-1]) == ("2", "66,20")

    province, _chat = await signed_in_officer(client, runtime, data, PROVINCE)
    seen = await province.get(page_url)
    assert seen.status_code == 200 and 'id="viewer"' in seen.text
    refused = await province.post(
        evaluate, data={**change, "version": rows[0].id, "csrf": csrf_of(seen.text)}
    )
    assert refused.status_code == 403
    assert "Chỉ cán bộ của công đoàn cấp trên lập cụm, khối này mới được chấm" in refused.text
    # an enterprise union's officer reads its block's ranking (from the campaigns page), and
    # changes nothing
    minh_phat, _chat = await signed_in_officer(client, runtime, data, MINH_PHAT)
    listed = await minh_phat.get("/web/campaigns")
    assert "Cụm, khối thi đua và bảng xếp hạng" in listed.text
    assert f"/web/campaigns/{campaign_id}/blocks/{block.id}" in listed.text
    read = await minh_phat.get(page_url)
    assert read.status_code == 200 and 'id="viewer"' in read.text
    assert ranked(read.text) == [HT_NAME, MP_NAME]
    assert "Xác nhận hoặc sửa" not in read.text and "Xóa cụm, khối này" not in read.text
    assert f"/units/{HUNG_THINH}/remove" not in read.text
    mine = await minh_phat.post(
        evaluate, data={**change, "version": rows[0].id, "csrf": csrf_of(read.text)}
    )
    assert mine.status_code == 403
    taken = await minh_phat.post(
        f"{blocks_url}/{block.id}/units/{HUNG_THINH}/remove", data={"csrf": csrf_of(read.text)}
    )
    assert taken.status_code in (403, 404)
    assert ranked_units(runtime, block.id) == [MINH_PHAT, HUNG_THINH]
    csv_read = await minh_phat.get(f"{blocks_url}/{block.id}/ranking.csv?due=2026-10-31")
    assert csv_read.status_code == 200
    with Session(runtime.engine) as session:
        assert len(session.exec(select(Evaluation)).all()) == 1

    # the block's unions changed on the same page: one taken out, added back, not twice
    units_url = f"{blocks_url}/{block.id}/units"
    out = await post_form(zone, page_url, f"{units_url}/{HUNG_THINH}/remove", {})
    assert out.status_code == 303
    assert ranked_units(runtime, block.id) == [MINH_PHAT]
    alone = (await zone.get(page_url)).text.split('id="ranking"', 1)[1].split("</table>", 1)[0]
    assert MP_NAME in alone and HT_NAME not in alone
    back = await post_form(zone, page_url, units_url, {"unit": HUNG_THINH})
    assert back.status_code == 303 and ranked_units(runtime, block.id) == [MINH_PHAT, HUNG_THINH]
    twice = await post_form(zone, page_url, units_url, {"unit": HUNG_THINH})
    assert twice.status_code == 422 and "đã ở trong cụm, khối này rồi" in twice.text
    # its evaluation was kept, and counts again
    assert ranked(twice.text) == [HT_NAME, MP_NAME]

    # a closed campaign's ranking is final: the page says so and a form sent is refused
    with Session(runtime.engine) as session, session.begin():
        campaigns.close(
            session,
            actor=Actor.officer(data.officer_of[ZONE]),
            campaign_id=campaign_id,
            now=runtime.clock.now(),
        )
    final = await zone.get(page_url)
    assert 'id="closed"' in final.text and "Xác nhận hoặc sửa" not in final.text
    late = await zone.post(
        evaluate,
        data={**change, "value": "110", "version": rows[0].id, "csrf": csrf_of(final.text)},
    )
    assert late.status_code == 422
    assert "Phong trào đã kết thúc: bảng xếp hạng là kết quả cuối cùng" in late.text
    with Session(runtime.engine) as session:
        assert len(session.exec(select(Evaluation)).all()) == 1


def ranked_units(runtime: Runtime, block_id: int) -> list[int]:
    with Session(runtime.engine) as session:
        rows = session.exec(select(BlockUnit.unit_id).where(BlockUnit.block_id == block_id))
        return sorted(rows)
