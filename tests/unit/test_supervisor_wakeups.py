"""`thidua serve`'s web process wakes its child's processing only when it waits: during a
backlog the child never waits, and a datagram per stored batch woke both processes for
nothing (bots/supervisor.py)."""

from __future__ import annotations

from bots.supervisor import INBOUND, OUTBOX, WAITING, Backoff, Child, ChildSpec


class _Link:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send(self, message: bytes) -> None:
        self.sent.append(message)


def _child() -> tuple[Child, _Link, list[bytes]]:
    relayed: list[bytes] = []
    child = Child(ChildSpec("worker", ("worker",)), relayed.append, Backoff(), 1.0)
    link = _Link()
    child.link = link  # type: ignore[assignment]
    return child, link, relayed


def test_a_waiting_child_is_woken_once_then_owed_a_wake_up_until_it_waits_again() -> None:
    child, link, _ = _child()
    child.inbound_stored()
    assert link.sent == [INBOUND]
    child.inbound_stored()  # the child is processing: no datagram, but owed one
    child.inbound_stored()
    assert link.sent == [INBOUND]
    child._received(WAITING)  # it found nothing and waits: what was stored meanwhile wakes it
    assert link.sent == [INBOUND, INBOUND]
    child._received(WAITING)  # nothing was stored since: the next update wakes it
    assert link.sent == [INBOUND, INBOUND]
    child.inbound_stored()
    assert link.sent == [INBOUND, INBOUND, INBOUND]


def test_a_child_that_waits_with_nothing_owed_gets_no_datagram() -> None:
    child, link, relayed = _child()
    child._received(WAITING)
    child._received(WAITING)
    assert link.sent == []
    assert relayed == []


def test_other_messages_go_to_the_supervisor() -> None:
    child, link, relayed = _child()
    child._received(b"msession-1")
    assert relayed == [b"msession-1"]
    child.send(OUTBOX)
    assert link.sent == [OUTBOX]
