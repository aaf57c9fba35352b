"""A pledge over Zalo: signed webhooks in, the call and the replies read at the fake OA, the
pledge's rows in the database; a negative target is refused and asked again."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/e2e/test_zalo.py)

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from bots.bootstrap import Runtime
from tests.e2e.campaign_support import MINH_PHAT
from tests.e2e.campaign_support import load_demo as demo_with_officers
from tests.e2e.test_emulation_pledges import calls, launch_with_criteria, pledge_rows
from tests.e2e.test_zalo import build, fake, join, user, zalo  # noqa: F401  (fixtures)
from tests.fakes.zalo_oa import ZaloUser

pytestmark = pytest.mark.anyio


async def test_a_pledge_over_zalo(user: ZaloUser, zalo: tuple[Runtime, httpx.AsyncClient]):
    runtime, _client = zalo
    data = demo_with_officers(runtime)
    await join(user, "Phạm Thị Thu")
    _campaign, (_tasks, initiatives, hours, _discipline) = launch_with_criteria(
        runtime, data.officer_of[MINH_PHAT]
    )
    await user.replies()
    assert calls(runtime) == 1
    invited = await user.replies()
    assert "đang nhận đăng ký thi đua" in user.texts(invited)

    await user.tap("Đăng ký thi đua")
    await user.say("lao dong gioi")
    refused = await user.say("-1")
    assert "Chỉ tiêu không được nhỏ hơn 0" in user.texts(refused)
    huge = await user.say("999.999.999.999.999")
    assert "Con số này quá lớn" in user.texts(huge)
    await user.say("3")
    await user.say("2 trăm")  # not a figure
    summary = await user.say("80")
    assert "Danh hiệu đăng ký: Lao động giỏi" in user.texts(summary)
    assert "80 giờ" in user.texts(summary)
    done = await user.tap("Xác nhận đăng ký")
    assert "Bạn đã đăng ký thi đua thành công" in user.texts(done)
    assert pledge_rows(runtime)["Phạm Thị Thu"] == (
        "good_worker",
        {initiatives: Decimal(3), hours: Decimal(80)},
    )
