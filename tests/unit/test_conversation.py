"""Two updates of one person must not both win on the conversation state."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import conversation
from core.errors import ConcurrencyConflict
from core.members.models import Identity
from core.members.steps import Forgetting, Joining


def make_identity(engine: Engine) -> int:
    with Session(engine) as session, session.begin():
        identity = Identity(
            platform="webchat", platform_user_id="u1", last_inbound_at=datetime.now(UTC)
        )
        session.add(identity)
        session.flush()
        return identity.id  # type: ignore[return-value]


def test_the_second_writer_of_a_loaded_state_conflicts(engine: Engine):
    identity_id = make_identity(engine)
    with Session(engine) as setup, setup.begin():
        conv = conversation.load(setup, identity_id)
        conv.enter(Joining.name)
        conversation.save(setup, conv)

    with Session(engine) as first, Session(engine) as second:
        a = conversation.load(first, identity_id)
        b = conversation.load(second, identity_id)
        assert a.version == b.version == 1
        a.move_to(Joining.group)
        conversation.save(first, a)
        first.commit()
        b.move_to(Joining.leader)
        with pytest.raises(ConcurrencyConflict):
            conversation.save(second, b)
        second.rollback()

    with Session(engine) as check:
        final = conversation.load(check, identity_id)
        assert (final.step, final.version) == ("group", 2)


def test_two_first_writers_conflict_on_insert(engine: Engine):
    identity_id = make_identity(engine)
    with Session(engine) as first, Session(engine) as second:
        a = conversation.load(first, identity_id)
        b = conversation.load(second, identity_id)
        a.enter(Joining.code)
        conversation.save(first, a)
        first.commit()
        b.enter(Forgetting.confirm)
        with pytest.raises(ConcurrencyConflict):
            conversation.save(second, b)
        second.rollback()
