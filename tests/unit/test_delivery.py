"""How each typed send result changes an outbox row and the recipient's identity, and when a
failed send is tried again."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import delivery, outbox
from core.errors import DeliveryErrorKind, DeliveryFailure, Sent
from core.members.models import Identity
from core.messages import OutgoingMessage, Recipient
from core.storage.models import OutboxMessage, OutboxStatus
from tests.conftest import FakeClock


def seed(engine: Engine, clock: FakeClock, texts: list[str], platform: str = "webchat") -> int:
    with Session(engine) as session, session.begin():
        identity = Identity(platform=platform, platform_user_id="p1", last_inbound_at=clock.now())
        session.add(identity)
        session.flush()
        outbox.enqueue(
            session,
            identity=identity,
            messages=[OutgoingMessage(text=t) for t in texts],
            dedupe_prefix="t",
            now=clock.now(),
        )
        return identity.id  # type: ignore[return-value]


def claim(engine: Engine, clock: FakeClock) -> list[delivery.Job]:
    jobs, _ = delivery.claim_due(engine, platforms=["webchat"], now=clock.now(), limit=10)
    return jobs


def row(engine: Engine, outbox_id: int) -> OutboxMessage:
    with Session(engine) as session:
        found = session.get(OutboxMessage, outbox_id)
        assert found is not None
        return found


def test_sent(engine: Engine, clock: FakeClock):
    seed(engine, clock, ["hi"])
    [job] = claim(engine, clock)
    assert claim(engine, clock) == []  # leased: nobody else takes it
    assert delivery.apply_result(engine, job, Sent(("m1",)), clock.now()) == OutboxStatus.SENT
    assert row(engine, job.outbox_id).external_ids == "m1"


def test_blocked_marks_the_identity_and_fails_the_rest_without_sending(
    engine: Engine, clock: FakeClock
):
    identity_id = seed(engine, clock, ["one", "two"])
    jobs = claim(engine, clock)
    delivery.apply_result(
        engine, jobs[0], DeliveryFailure(DeliveryErrorKind.BLOCKED, "403"), clock.now()
    )
    with Session(engine) as session:
        assert session.get(Identity, identity_id).blocked_at == clock.now()  # type: ignore[union-attr]
    clock.advance(seconds=LEASE_PLUS)
    assert claim(engine, clock) == []  # the second row failed at claim time, unsent
    assert row(engine, jobs[1].outbox_id).status == OutboxStatus.FAILED
    assert row(engine, jobs[1].outbox_id).error_kind == DeliveryErrorKind.BLOCKED


LEASE_PLUS = delivery.LEASE.total_seconds() + 1


def test_rate_limited_waits_exactly_retry_after(engine: Engine, clock: FakeClock):
    seed(engine, clock, ["hi"])
    [job] = claim(engine, clock)
    delivery.apply_result(
        engine,
        job,
        DeliveryFailure(DeliveryErrorKind.RATE_LIMITED, "429", retry_after=7),
        clock.now(),
    )
    saved = row(engine, job.outbox_id)
    assert saved.status == OutboxStatus.PENDING
    assert saved.next_attempt_at == clock.now() + timedelta(seconds=7)
    assert saved.attempts == 0
    clock.advance(seconds=6.9)
    assert claim(engine, clock) == []
    clock.advance(seconds=0.1)
    assert len(claim(engine, clock)) == 1


def test_transient_backs_off_then_fails(engine: Engine, clock: FakeClock):
    seed(engine, clock, ["hi"])
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        [job] = claim(engine, clock)
        assert job.attempts == attempt
        status = delivery.apply_result(
            engine, job, DeliveryFailure(DeliveryErrorKind.TRANSIENT, "502"), clock.now()
        )
        clock.advance(seconds=delivery.BACKOFF_CAP * 1.3)
    assert status == OutboxStatus.FAILED


def test_outside_window_is_held_until_the_person_writes(engine: Engine, clock: FakeClock):
    identity_id = seed(engine, clock, ["a", "b", "c", "d"])
    for job in claim(engine, clock):
        delivery.apply_result(
            engine, job, DeliveryFailure(DeliveryErrorKind.OUTSIDE_WINDOW), clock.now()
        )
    with Session(engine) as session, session.begin():
        assert outbox.release_held(session, identity_id=identity_id, now=clock.now()) == 3
    jobs = claim(engine, clock)
    assert [j.message.text for j in jobs] == ["d", "c", "b"]  # newest first, at most three
    assert all(not j.proactive for j in jobs)


def test_migrated_chat_id_is_replaced_and_retried(engine: Engine, clock: FakeClock):
    identity_id = seed(engine, clock, ["hi"])
    [job] = claim(engine, clock)
    delivery.apply_result(
        engine,
        job,
        DeliveryFailure(DeliveryErrorKind.PERMANENT, "migrated", migrate_to="-100777"),
        clock.now(),
    )
    [again] = claim(engine, clock)
    assert again.recipient.user_id == "-100777"
    with Session(engine) as session:
        assert session.get(Identity, identity_id).platform_user_id == "-100777"  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", [DeliveryErrorKind.PERMANENT])
def test_permanent_is_final(engine: Engine, clock: FakeClock, kind: DeliveryErrorKind):
    seed(engine, clock, ["hi"])
    [job] = claim(engine, clock)
    assert (
        delivery.apply_result(engine, job, DeliveryFailure(kind, "400"), clock.now())
        == OutboxStatus.FAILED
    )


def test_a_lapsed_lease_of_an_untried_row_comes_back_unmarked(engine: Engine, clock: FakeClock):
    seed(engine, clock, ["hi"])
    [job] = claim(engine, clock)
    clock.advance(seconds=LEASE_PLUS)
    jobs, recovered = delivery.claim_due(engine, platforms=["webchat"], now=clock.now(), limit=10)
    assert [j.outbox_id for j in jobs] == [job.outbox_id]
    assert recovered == 0
    assert row(engine, job.outbox_id).possible_duplicates == 0


def test_a_lapsed_lease_during_a_send_counts_a_possible_duplicate(engine: Engine, clock: FakeClock):
    seed(engine, clock, ["hi"])
    [job] = claim(engine, clock)
    delivery.record(engine, delivery.Record(starting=[job]), now=clock.now(), lease=delivery.LEASE)
    assert row(engine, job.outbox_id).status == OutboxStatus.SENDING
    clock.advance(seconds=delivery.LEASE.total_seconds() - 1)
    assert claim(engine, clock) == []  # still leased
    clock.advance(seconds=2)
    jobs, recovered = delivery.claim_due(engine, platforms=["webchat"], now=clock.now(), limit=10)
    assert [j.outbox_id for j in jobs] == [job.outbox_id]
    assert recovered == 1
    assert row(engine, job.outbox_id).possible_duplicates == 1


def test_a_renewed_lease_is_not_claimed(engine: Engine, clock: FakeClock):
    seed(engine, clock, ["hi"])
    [job] = claim(engine, clock)
    for _ in range(5):
        clock.advance(seconds=delivery.LEASE.total_seconds() / 2)
        assert delivery.renew(engine, [job.outbox_id], now=clock.now(), lease=delivery.LEASE) == 1
        assert claim(engine, clock) == []


def test_renewing_skips_the_rows_a_group_commit_holds(
    engine: Engine, clock: FakeClock, db_kind: str
):
    """The lease renewal runs beside the worker's group commit; waiting for the rows that
    commit holds let PostgreSQL end the two as a deadlock (both update the same leased rows,
    locked in different orders)."""
    if db_kind != "postgres":
        pytest.skip("SQLite has one writer at a time: nothing to skip")
    seed(engine, clock, ["one", "two"])
    first, second = claim(engine, clock)
    outbox_table = OutboxMessage.__table__
    with engine.connect() as holder:
        holder.begin()
        holder.execute(
            select(outbox_table.c.id).where(outbox_table.c.id == first.outbox_id).with_for_update()
        )
        clock.advance(seconds=10)
        renewed: list[int] = []
        renewal = threading.Thread(
            target=lambda: renewed.append(
                delivery.renew(
                    engine,
                    [first.outbox_id, second.outbox_id],
                    now=clock.now(),
                    lease=delivery.LEASE,
                )
            )
        )
        renewal.start()
        renewal.join(timeout=30)
        waited = renewal.is_alive()
        holder.rollback()
        renewal.join()
    assert not waited, "the renewal waited for a row the group commit holds"
    assert renewed == [1]
    assert row(engine, second.outbox_id).lease_until == clock.now() + delivery.LEASE


def test_a_failed_send_keeps_the_persons_later_rows_behind_it(engine: Engine, clock: FakeClock):
    seed(engine, clock, ["one", "two", "three"])
    first, second, third = claim(engine, clock)
    delivery.record(
        engine,
        delivery.Record(starting=[first], released=[(third, None)]),  # e.g. another worker's
        now=clock.now(),
        lease=delivery.LEASE,
    )
    failure = DeliveryFailure(DeliveryErrorKind.RATE_LIMITED, "429", retry_after=30)
    delivery.record(
        engine,
        delivery.Record(outcomes=[(first, failure)], released=[(second, first.outbox_id)]),
        now=clock.now(),
        lease=delivery.LEASE,
    )
    retry = clock.now() + timedelta(seconds=30)
    assert row(engine, second.outbox_id).next_attempt_at == retry
    assert row(engine, third.outbox_id).next_attempt_at == retry  # pushed behind too
    clock.advance(seconds=29)
    assert claim(engine, clock) == []
    clock.advance(seconds=1)
    assert [j.message.text for j in claim(engine, clock)] == ["one", "two", "three"]


def test_backoff_grows_and_is_capped():
    import random

    rng = random.Random(1)
    waits = [delivery.backoff(n, rng) for n in range(1, 15)]
    assert waits[0] < waits[3] < waits[6]
    assert max(waits) <= delivery.BACKOFF_CAP * 1.2


def test_auth_failures_wait_for_the_operator_without_using_attempts(
    engine: Engine, clock: FakeClock
):
    seed(engine, clock, ["hi"])
    for _ in range(delivery.MAX_ATTEMPTS * 2):
        [job] = claim(engine, clock)
        status = delivery.apply_result(
            engine, job, DeliveryFailure(DeliveryErrorKind.AUTH, "190 token expired"), clock.now()
        )
        assert status == OutboxStatus.PENDING
        assert row(engine, job.outbox_id).next_attempt_at == clock.now() + timedelta(
            seconds=delivery.AUTH_RETRY
        )
        clock.advance(seconds=delivery.AUTH_RETRY)
    [job] = claim(engine, clock)
    assert delivery.apply_result(engine, job, Sent(("ok",)), clock.now()) == OutboxStatus.SENT


def _job(attempts: int = 1) -> delivery.Job:
    return delivery.Job(
        outbox_id=1,
        recipient=Recipient(platform="webchat", user_id="p1", identity_id=1),
        message=OutgoingMessage(text="hi"),
        proactive=True,
        attempts=attempts,
    )


FIVE_XX = DeliveryFailure(DeliveryErrorKind.TRANSIENT, "502")


def _healthy(failures: int = 0) -> delivery.Health:
    health = delivery.Health()
    for n in range(delivery.HEALTH_WINDOW):
        health.observe(FIVE_XX if n < failures else Sent(("ok",)))
    return health


def test_a_lone_transient_failure_among_successes_is_retried_soon():
    health = _healthy(failures=delivery.HEALTHY_FAILURES)
    result = health.retry(_job(), FIVE_XX)
    assert isinstance(result, DeliveryFailure)
    assert (result.kind, result.retry_after) == (DeliveryErrorKind.TRANSIENT, delivery.QUICK_RETRY)


def test_a_quick_retry_still_counts_the_attempt_and_the_possible_duplicate(
    engine: Engine, clock: FakeClock
):
    seed(engine, clock, ["hi"])
    [job] = claim(engine, clock)
    timed_out = DeliveryFailure(DeliveryErrorKind.TRANSIENT, "timed out", maybe_delivered=True)
    result = _healthy().retry(job, timed_out)
    assert delivery.apply_result(engine, job, result, clock.now()) == OutboxStatus.PENDING
    stored = row(engine, job.outbox_id)
    assert stored.attempts == 1 and stored.possible_duplicates == 1
    assert stored.next_attempt_at == clock.now() + timedelta(seconds=delivery.QUICK_RETRY)


@pytest.mark.parametrize(
    "health, job, result",
    [
        # an outage: more than HEALTHY_FAILURES of the last outcomes failed
        (_healthy(failures=delivery.HEALTHY_FAILURES + 1), _job(), FIVE_XX),
        # too little seen to tell (a worker's first sends)
        (delivery.Health(), _job(), FIVE_XX),
        # beyond the quick tries, in an outage: the backoff of its attempts (apply_result)
        (
            _healthy(failures=delivery.HEALTHY_FAILURES + 1),
            _job(attempts=delivery.QUICK_TRIES + 1),
            FIVE_XX,
        ),
        # a wait the platform named is kept
        (_healthy(), _job(), DeliveryFailure(DeliveryErrorKind.TRANSIENT, "-234", 3600.0)),
        (_healthy(), _job(), DeliveryFailure(DeliveryErrorKind.RATE_LIMITED, "429", 1.0)),
        (_healthy(), _job(), DeliveryFailure(DeliveryErrorKind.AUTH, "190")),
        (_healthy(), _job(), Sent(("ok",))),
    ],
)
def test_other_outcomes_keep_their_wait(
    health: delivery.Health, job: delivery.Job, result: DeliveryFailure | Sent
):
    assert health.retry(job, result) is result


def _waits(engine: Engine, clock: FakeClock, health: delivery.Health, failures: int) -> list[float]:
    """Seconds each failed attempt of one row waited, as stored, the clock following them."""
    seed(engine, clock, ["hi"])
    waits: list[float] = []
    for _ in range(failures):
        [job] = claim(engine, clock)
        result = health.retry(job, FIVE_XX)
        assert delivery.apply_result(engine, job, result, clock.now()) == OutboxStatus.PENDING
        waited = (row(engine, job.outbox_id).next_attempt_at - clock.now()).total_seconds()
        waits.append(waited)
        clock.advance(seconds=waited)
    return waits


def test_a_row_failing_again_while_its_platform_is_up_backs_off_from_the_first_step(
    engine: Engine, clock: FakeClock
):
    """P8: a row's third failure among successes waited the 8 s of its third attempt, and
    a broadcast's last such row kept the whole broadcast waiting."""
    quick, quick_again, third, fourth = _waits(engine, clock, _healthy(), failures=4)
    assert quick == quick_again == delivery.QUICK_RETRY
    assert 1.6 <= third <= 2.4 and 3.2 <= fourth <= 4.8


def test_in_an_outage_every_failure_keeps_the_backoff_of_its_attempts(
    engine: Engine, clock: FakeClock
):
    down = _healthy(failures=delivery.HEALTHY_FAILURES + 1)
    first, second, third = _waits(engine, clock, down, failures=3)
    assert 1.6 <= first <= 2.4 and 3.2 <= second <= 4.8 and 6.4 <= third <= 9.6


def test_a_run_of_failures_turns_quick_retries_off():
    health = _healthy()
    quick = 0
    for _ in range(delivery.HEALTH_WINDOW):
        again = health.retry(_job(), FIVE_XX)
        quick += isinstance(again, DeliveryFailure) and again.retry_after == delivery.QUICK_RETRY
    assert quick == delivery.HEALTHY_FAILURES + 1  # then the platform counts as down
    assert not health.up()


def test_a_row_deleted_while_its_send_was_out_is_cancelled_beside_the_others_sent(
    engine: Engine, clock: FakeClock
):
    """One group commit: the rows still there are sent, with their ids and start; a row
    deleted meanwhile (/forget) is reported cancelled, sent or failed, and nothing else."""
    seed(engine, clock, ["one", "two", "three", "four"])
    first, second, third, fourth = claim(engine, clock)
    delivery.record(
        engine,
        delivery.Record(starting=[first, second, third]),
        now=clock.now(),
        lease=delivery.LEASE,
    )
    with Session(engine) as session, session.begin():
        for job in (second, third):
            session.delete(session.get(OutboxMessage, job.outbox_id))
    failure = DeliveryFailure(DeliveryErrorKind.TRANSIENT, "502")
    statuses = delivery.record(
        engine,
        delivery.Record(
            outcomes=[(first, Sent(("m1",))), (second, Sent(("m2",))), (third, failure)],
            starting=[fourth],
        ),
        now=clock.now(),
        lease=delivery.LEASE,
    )
    assert statuses == [OutboxStatus.SENT, OutboxStatus.CANCELLED, OutboxStatus.CANCELLED]
    sent = row(engine, first.outbox_id)
    assert (sent.status, sent.external_ids, sent.sent_at) == (OutboxStatus.SENT, "m1", clock.now())
    started = row(engine, fourth.outbox_id)
    assert (started.status, started.attempts) == (OutboxStatus.SENDING, 1)
    assert started.lease_until == clock.now() + delivery.LEASE
