"""Processing in batches: one transaction for a claimed batch, each update its own unit of work
inside it; a failing update is isolated and retried alone; a person's updates keep their order;
a conversation conflict is retried; a quiz answer's speed is taken from the update's time."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import event, update
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core import conversation, demo
from core.chat.steps import Step, Steps
from core.dispatch import Context, Route, reply
from core.members.models import Identity
from core.messages import IncomingMessage, OutgoingMessage
from core.quizzes.buttons import Start
from core.quizzes.models import QuizAnswer
from core.storage.engine import make_engine
from core.storage.models import ConversationState, InboundUpdate, OutboxMessage
from tests.e2e.test_quiz_chat import answer_button, join, quiz_id  # noqa: F401 (fixture)
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio


def message(runtime: Runtime, external_id: str, sender: str, text_: str) -> IncomingMessage:
    return IncomingMessage("webchat", external_id, sender, runtime.clock.now(), text_)


def add_command(runtime: Runtime, name: str, handler) -> None:  # type: ignore[no-untyped-def]
    """A command of the test's own, beside the product's (the dispatcher is composed)."""
    runtime.processor.dispatcher.commands[name] = Route(handler)


def rows(runtime: Runtime) -> dict[str, InboundUpdate]:
    with Session(runtime.engine) as session:
        return {r.external_id: r for r in session.exec(select(InboundUpdate))}


def replies_to(runtime: Runtime, inbound_id: int) -> list[str]:
    with Session(runtime.engine) as session:
        found = session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.dedupe_key).startswith(f"reply:{inbound_id}:"))
            .order_by(col(OutboxMessage.id))
        )
        return [OutgoingMessage.from_json(row.body).text for row in found]


def processed_with_writes(runtime: Runtime) -> tuple[int, list[str]]:
    """One round of processing: how many updates, and the kind of each statement it ran
    ("INSERT INTO outbox_message", "UPDATE conversation_state", ...)."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", record)
    try:
        handled = runtime.processor.process_pending()
    finally:
        event.remove(runtime.engine, "before_cursor_execute", record)
    return handled, [s.split("(")[0].split(" SET ")[0].strip() for s in statements]


async def test_a_failing_update_is_retried_alone_and_the_others_commit(runtime: Runtime):
    calls: list[str] = []

    def boom(ctx: Context) -> list[OutgoingMessage]:
        calls.append(ctx.message.external_id)
        raise RuntimeError("a bug in a handler")

    add_command(runtime, "boom", boom)
    await runtime.accept(
        [
            message(runtime, "m1", "lan", "/help"),
            message(runtime, "m2", "minh", "/boom"),
            message(runtime, "m3", "hoa", "/help"),
            message(runtime, "m4", "lan", "/help"),
        ]
    )
    assert runtime.processor.process_pending() == 4  # one claimed batch

    assert calls == ["m2", "m2"]  # in the batch, then alone
    stored = rows(runtime)
    assert {k: r.status for k, r in stored.items()} == {
        "m1": "done",
        "m2": "failed",
        "m3": "done",
        "m4": "done",
    }
    assert stored["m2"].error == "handler error"
    for key in ("m1", "m3", "m4"):
        assert replies_to(runtime, stored[key].id)  # type: ignore[arg-type]
        assert stored[key].body is None  # the text is not kept once answered
    assert replies_to(runtime, stored["m2"].id) == []  # type: ignore[arg-type]
    with Session(runtime.engine) as session:
        apology = session.exec(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == f"apology:{stored['m2'].id}:0")
        ).one()
        assert "Xin lỗi" in OutgoingMessage.from_json(apology.body).text


async def test_two_updates_of_one_person_in_one_batch_run_in_order(runtime: Runtime):
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
    await runtime.accept(
        [
            message(runtime, "a1", "lan", "/start"),
            message(runtime, "b1", "minh", "/help"),
            message(runtime, "a2", "lan", "CDCSTN33"),  # the invite code /start asked for
        ]
    )
    assert runtime.processor.process_pending() == 3
    stored = rows(runtime)
    assert all(r.status == "done" for r in stored.values())
    # the code was read in the flow the /start before it had begun, in the same transaction
    with Session(runtime.engine) as session:
        lan = session.exec(select(Identity).where(Identity.platform_user_id == "lan")).one()
        state = session.get(ConversationState, lan.id)
        assert state is not None and state.flow == "onboarding"
        bodies = session.exec(
            select(OutboxMessage.dedupe_key, OutboxMessage.body)
            .where(OutboxMessage.identity_id == lan.id)
            .order_by(col(OutboxMessage.id))
        ).all()
    assert [key.rsplit(":", 1)[0] for key, _ in bodies] == [
        f"reply:{stored['a1'].id}",
        f"reply:{stored['a2'].id}",
    ]
    consent = OutgoingMessage.from_json(bodies[-1][1])
    assert "onb_ok:1" in [b.payload for b in consent.buttons]  # consent asked: the code was read


class Race(Steps, flow="race"):
    one = Step()
    two = Step()
    three = Step()


async def test_a_conversation_conflict_is_retried(runtime: Runtime, database_url: str):
    with Session(runtime.engine) as session, session.begin():
        identity = Identity(platform="webchat", platform_user_id="lan")
        session.add(identity)
        session.flush()
        conv = conversation.load(session, identity.id)  # type: ignore[arg-type]
        conv.enter(Race.one)
        conversation.save(session, conv)
        identity_id = identity.id
    other = make_engine(database_url)  # another worker, changing the state meanwhile
    seen: list[int] = []

    def race(ctx: Context) -> list[OutgoingMessage]:
        seen.append(ctx.conv.version)
        if len(seen) == 1:
            with other.begin() as conn:
                conn.execute(
                    update(ConversationState)
                    .where(col(ConversationState.identity_id) == identity_id)
                    .values(step="two", version=ConversationState.version + 1)
                )
        ctx.conv.move_to(Race.three)
        return [reply(f"step {ctx.conv.step}")]

    add_command(runtime, "race", race)
    try:
        await runtime.accept(
            [message(runtime, "r1", "lan", "/race"), message(runtime, "r2", "minh", "/help")]
        )
        runtime.processor.process_pending()
    finally:
        other.dispose()
    assert seen == [1, 2]  # the retry saw the other worker's state
    stored = rows(runtime)
    assert stored["r1"].status == stored["r2"].status == "done"
    assert replies_to(runtime, stored["r1"].id) == ["step three"]  # type: ignore[arg-type]
    assert replies_to(runtime, stored["r2"].id)  # type: ignore[arg-type]
    with Session(runtime.engine) as session:
        state = session.get(ConversationState, identity_id)
        assert state is not None and (state.step, state.version) == ("three", 3)


async def test_a_quiz_answer_is_timed_by_the_update_not_by_processing(
    client: httpx.AsyncClient,
    runtime: Runtime,
    quiz_id: int,  # noqa: F811
):
    user = await ChatUser(client, runtime).open()
    await join(user, "Nguyễn Thị Lan")
    await user.tap("menu:quiz")
    await user.tap(Start(quiz_id).pack())  # the question is asked now; 20 seconds to answer
    asked = runtime.clock.now()
    payload = answer_button(user, "300 giờ")
    tapped = IncomingMessage(
        "webchat", "tap-1", user.session, asked + timedelta(seconds=5), "B", payload=payload
    )
    runtime.clock.advance(seconds=5)  # stored when it came (never before the person tapped)
    await runtime.accept([tapped])
    runtime.clock.advance(seconds=40)  # a backlog: processed well after the limit
    feedback = await user.replies()
    # 5 s of 20: 1000 - 1000 * 5 / 40 = 875 points, not "time is up"
    assert "Chính xác! +875 điểm" in user.texts(feedback)
    with Session(runtime.engine) as session:
        answer = session.exec(select(QuizAnswer)).one()
        assert (answer.elapsed_ms, answer.late) == (5000, False)
        assert answer.answered_at == asked + timedelta(seconds=5)


async def test_a_batch_of_members_writes_its_replies_and_states_once(
    client: httpx.AsyncClient,
    runtime: Runtime,
    quiz_id: int,  # noqa: F811 (the demo, which the members join)
):
    """Members' /start and free text run with the batch's writes held (core/held.py): their
    replies are one insert and their conversation states one statement of each kind, and
    each person still gets their replies in the order they wrote."""
    users = [await ChatUser(client, runtime).open() for _ in range(3)]
    for user, name in zip(users, ("Nguyễn Thị Lan", "Trần Văn Bình", "Lê Thị Hoa"), strict=True):
        await join(user, name)
    for user in users:
        for text in ("/start", "xin chào"):
            assert (await user.post(text=text)).status_code == 202
    handled, writes = processed_with_writes(runtime)
    assert handled == 6  # one batch
    assert writes.count("INSERT INTO outbox_message") == 1
    assert writes.count("UPDATE conversation_state") <= 1
    assert writes.count("INSERT INTO conversation_state") <= 1
    for user in users:
        texts = user.texts(await user.replies())
        assert texts.index("Bạn đã tham gia") < texts.index("Xin lỗi, tôi chưa hiểu ý bạn")


async def test_strangers_at_the_code_step_are_answered_with_the_batch_held(runtime: Runtime):
    """What strangers type where joining asks for the invite code runs with the batch's
    writes held (core/members/onboarding.py, on_code): wrong codes, a right one, and one
    person's wrong code then the right one in the same batch are answered as one at a time
    would, with the batch's replies written by one insert."""
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
    people = ("lan", "minh", "hoa")
    await runtime.accept([message(runtime, f"s-{p}", p, "/start") for p in people])
    assert runtime.processor.process_pending() == 3  # each asked for the invite code
    await runtime.accept(
        [
            message(runtime, "lan-1", "lan", "xin chào"),
            message(runtime, "minh-1", "minh", "CDCSTN33"),
            message(runtime, "hoa-1", "hoa", "CDCSTN99"),
            message(runtime, "hoa-2", "hoa", "cdcstn33"),
        ]
    )
    handled, writes = processed_with_writes(runtime)
    assert handled == 4  # one batch
    assert writes.count("INSERT INTO outbox_message") == 1
    stored = rows(runtime)
    assert all(r.status == "done" for r in stored.values())

    def consent_asked(key: str) -> bool:
        with Session(runtime.engine) as session:
            body = session.exec(
                select(OutboxMessage.body).where(
                    col(OutboxMessage.dedupe_key).startswith(f"reply:{stored[key].id}:")
                )
            ).one()
        return "onb_ok:1" in [b.payload for b in OutgoingMessage.from_json(body).buttons]

    assert [consent_asked(k) for k in ("lan-1", "minh-1", "hoa-1", "hoa-2")] == [
        False,
        True,
        False,
        True,
    ]
    with Session(runtime.engine) as session:
        for person, step in (("lan", "code"), ("minh", "consent"), ("hoa", "consent")):
            who = session.exec(select(Identity).where(Identity.platform_user_id == person)).one()
            state = session.get(ConversationState, who.id)
            assert state is not None and (state.flow, state.step) == ("onboarding", step)
