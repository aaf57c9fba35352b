"""Pure broadcast and campaign rules: choosing a messenger, quiet hours, finish time, dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bots.scheduling import channel_traits
from bots.settings import load_settings
from core.broadcasts.models import Reach, SkipReason
from core.broadcasts.rules import Contact, choose_contact, estimated_finish, parts_per_platform
from core.campaigns.rules import parse_date, reminder_due
from core.delivery_policy import DeliveryPolicy, in_quiet_hours, parse_quiet_hours

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 10:00 in Hồ Chí Minh City
# The composition root's traits with default settings: the adapters' own declarations.
TRAITS = channel_traits(load_settings(environ={}))
POLICY = DeliveryPolicy(traits=TRAITS)


def contact(
    platform: str, hours_ago: float | None, *, blocked: bool = False, id: int = 1
) -> Contact:
    seen = None if hours_ago is None else NOW - timedelta(hours=hours_ago)
    return Contact(identity_id=id, platform=platform, last_inbound_at=seen, blocked=blocked)


def test_the_preferred_messenger_when_it_reaches_now():
    contacts = [contact("telegram", 500, id=1), contact("facebook", 2, id=2)]
    chosen = choose_contact(contacts, preferred="facebook", consented=True, policy=POLICY, now=NOW)
    assert chosen.contact.identity_id == 2 and chosen.reach == Reach.NOW  # type: ignore[union-attr]


def test_another_messenger_when_the_preferred_one_cannot_reach_now():
    contacts = [contact("facebook", 30, id=1), contact("telegram", 900, id=2)]
    chosen = choose_contact(contacts, preferred="facebook", consented=True, policy=POLICY, now=NOW)
    assert chosen.contact.identity_id == 2 and chosen.reach == Reach.NOW  # type: ignore[union-attr]


def test_windows_templates_and_next_message():
    assert (
        choose_contact(
            [contact("facebook", 25)], preferred=None, consented=True, policy=POLICY, now=NOW
        ).reach
        == Reach.NEXT_MESSAGE
    )
    assert (
        choose_contact(
            [contact("zalo", 47)], preferred=None, consented=True, policy=POLICY, now=NOW
        ).reach
        == Reach.NOW
    )
    assert (
        choose_contact(
            [contact("zalo", 49)], preferred=None, consented=True, policy=POLICY, now=NOW
        ).reach
        == Reach.NEXT_MESSAGE
    )
    with_billed_days = channel_traits(load_settings(environ={}, zalo_billable_proactive=True))
    billed = DeliveryPolicy(traits=with_billed_days)
    assert (
        choose_contact(
            [contact("zalo", 100)], preferred=None, consented=True, policy=billed, now=NOW
        ).reach
        == Reach.NOW
    )
    template = DeliveryPolicy(traits=TRAITS, template_platforms=frozenset({"zalo"}))
    assert (
        choose_contact(
            [contact("zalo", 24 * 8)], preferred=None, consented=True, policy=template, now=NOW
        ).reach
        == Reach.TEMPLATE
    )


def test_unreachable_reasons():
    assert (
        choose_contact([], preferred=None, consented=True, policy=POLICY, now=NOW).skip
        == SkipReason.NO_MESSENGER
    )
    assert (
        choose_contact(
            [contact("telegram", 1)], preferred=None, consented=False, policy=POLICY, now=NOW
        ).skip
        == SkipReason.NO_CONSENT
    )
    blocked = [contact("telegram", 1, blocked=True), contact("zalo", 1, blocked=True)]
    assert (
        choose_contact(blocked, preferred=None, consented=True, policy=POLICY, now=NOW).skip
        == SkipReason.BLOCKED
    )


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["telegram", "facebook", "zalo", "webchat"]),
            st.none() | st.floats(0, 400),
            st.booleans(),
        ),
        max_size=5,
    )
)
def test_never_a_blocked_messenger_and_now_wins(items):
    contacts = [contact(p, h, blocked=b, id=i) for i, (p, h, b) in enumerate(items)]
    chosen = choose_contact(contacts, preferred="zalo", consented=True, policy=POLICY, now=NOW)
    if chosen.contact is not None:
        assert not chosen.contact.blocked
    from core.broadcasts.rules import reach_of

    if any(reach_of(c, POLICY, NOW) == Reach.NOW for c in contacts):
        assert chosen.reach == Reach.NOW


def test_quiet_hours_across_midnight():
    start, end = parse_quiet_hours("21:00-07:00")
    tz = "Asia/Ho_Chi_Minh"
    assert in_quiet_hours(datetime(2026, 11, 25, 14, 0, tzinfo=UTC), start, end, tz)  # 21:00
    assert in_quiet_hours(datetime(2026, 11, 25, 23, 59, tzinfo=UTC), start, end, tz)  # 06:59
    assert not in_quiet_hours(datetime(2026, 11, 26, 0, 0, tzinfo=UTC), start, end, tz)  # 07:00
    assert not in_quiet_hours(datetime(2026, 11, 25, 13, 59, tzinfo=UTC), start, end, tz)
    assert not in_quiet_hours(NOW, time(0, 0), time(0, 0), tz)  # 00:00-00:00: none
    night = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 23:00
    assert POLICY.quiet_ends_after(night) == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)


def test_estimated_finish_from_the_rates():
    finish = estimated_finish({"telegram": 300, "facebook": 3000, "zalo": 400}, POLICY, NOW)
    assert finish == NOW + timedelta(seconds=10)  # telegram 300/30, facebook 10, zalo 6


def test_long_texts_are_split_per_platform():
    text = ("Một câu thông báo khá dài. " * 100).strip()  # 2,699 characters
    assert parts_per_platform(text, ["telegram", "facebook", "zalo", "webchat"], TRAITS) == {
        "telegram": 1,
        "facebook": 2,
        "zalo": 2,
        "webchat": 1,
    }


def test_dates_as_officers_type_them():
    today = date(2026, 11, 25)
    assert parse_date("31/12/2026", today=today) == date(2026, 12, 31)
    assert parse_date("1/12", today=today) == date(2026, 12, 1)
    assert parse_date("31-12-26", today=today) == date(2026, 12, 31)
    assert parse_date("2026-12-31", today=today) == date(2026, 12, 31)
    assert parse_date("31/02/2026", today=today) is None
    assert parse_date("tomorrow", today=today) is None
    assert reminder_due(date(2026, 12, 10), 3, "Asia/Ho_Chi_Minh") == datetime(
        2026, 12, 7, 1, 0, tzinfo=UTC
    )
