"""`thidua member …`: the operator reads one member with their record of changes, corrects
their details, moves them to another unit, removes them, as an officer does on the web desk
(core/memberadmin). Each change is recorded in `member_change` with the reason given
(`--why`) and no author (the operator); a removal is a dry run unless --confirm."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from sqlmodel import Session

from bots.cli.demo import _notifier
from bots.cli.officer import find_member
from bots.settings import Settings, load_settings
from core.campaigns.scope import Actor
from core.clock import utcnow
from core.errors import DomainError
from core.i18n import Catalogs, Translator
from core.memberadmin import service as member_admin
from core.memberadmin.texts import problem
from core.members import service as members
from core.members.models import WorkerGroup
from core.storage.engine import make_engine

OPERATOR = Actor.admin()


def _translator(settings: Settings) -> Translator:
    return Catalogs(settings.locales_dir, settings.default_locale).translator(
        settings.default_locale, settings.timezone
    )


def _in_transaction(work: Callable[[Session, Settings], str]) -> int:
    """`work` in one transaction: all of it is written, or (refused) nothing."""
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session, session.begin():
            print(work(session, settings))
        return 0
    except DomainError as err:
        words = problem(_translator(settings), err.code)
        print(f"refused: {err.code}" + (f" ({words})" if words else f" ({err})"))
        return 1
    finally:
        engine.dispose()


def _described(view: member_admin.MemberView) -> str:
    m = view.member
    lines = [
        f"#{m.id} {m.full_name} — {view.unit.name} (unit #{view.unit.id})",
        f"  group {m.worker_group or '-'}"
        f", leadership post {'yes' if m.holds_leadership_post else 'no'}"
        f", phone {m.phone or '-'}, {'verified' if m.verified_at else 'self-declared'}"
        f", messengers {', '.join(view.platforms) or '-'}",
        "  changes:" if view.history else "  no change recorded",
    ]
    for c in view.history:
        by = f"member #{c.by_member_id}" if c.by_member_id else "the operator"
        before = json.loads(c.before) if c.before else {}
        after = json.loads(c.after) if c.after else {}
        what = ", ".join(f"{k}: {before.get(k)!r} -> {v!r}" for k, v in after.items())
        why = f" — why: {c.why}" if c.why else ""
        lines.append(
            f"  {c.at:%Y-%m-%d %H:%M} UTC {c.action} by {by}{(' ' + what) if what else ''}{why}"
        )
    return "\n".join(lines)


def _show(args: argparse.Namespace) -> int:
    def work(session: Session, _settings: Settings) -> str:
        found = find_member(session, args.member)
        return _described(member_admin.read(session, actor=OPERATOR, member_id=found.id))  # type: ignore[arg-type]

    return _in_transaction(work)


def _edit(args: argparse.Namespace) -> int:
    post = {"yes": True, "no": False}.get(args.post) if args.post else None
    change = member_admin.MemberEdit(
        full_name=args.name,
        worker_group=WorkerGroup(args.group) if args.group else None,
        holds_leadership_post=post,
        phone=args.phone,
    )

    def work(session: Session, _settings: Settings) -> str:
        found = find_member(session, args.member)
        member_id: int = found.id  # type: ignore[assignment]
        member_admin.edit(
            session, actor=OPERATOR, member_id=member_id, change=change, now=utcnow(), why=args.why
        )
        return _described(member_admin.read(session, actor=OPERATOR, member_id=member_id))

    return _in_transaction(work)


def _move(args: argparse.Namespace) -> int:
    def work(session: Session, _settings: Settings) -> str:
        found = find_member(session, args.member)
        member_id: int = found.id  # type: ignore[assignment]
        unit = members.find_unit(session, ref=args.unit)
        member_admin.move(
            session,
            actor=OPERATOR,
            member_id=member_id,
            unit_id=unit.id,  # type: ignore[arg-type]
            now=utcnow(),
            why=args.why,
        )
        return _described(member_admin.read(session, actor=OPERATOR, member_id=member_id))

    return _in_transaction(work)


def _remove(args: argparse.Namespace) -> int:
    def work(session: Session, settings: Settings) -> str:
        found = find_member(session, args.member)
        member_id: int = found.id  # type: ignore[assignment]
        view = member_admin.read(session, actor=OPERATOR, member_id=member_id)
        who = f"#{member_id} {view.member.full_name} of {view.unit.name}"
        if not args.confirm:
            return (
                f"would remove {who}: they are told, then erased as by /forget (the union's "
                "records stay). Run again with --confirm to do it."
            )
        member_admin.remove(
            session,
            actor=OPERATOR,
            member_id=member_id,
            notifier=_notifier(settings),
            now=utcnow(),
            why=args.why,
        )
        return f"removed {who} (told on their messenger; the worker sends it)"

    return _in_transaction(work)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("member", help="one member: read, correct, move, remove (recorded)")
    actions = parser.add_subparsers(dest="member_command", required=True, metavar="ACTION")
    why = "the reason, kept with the change in the member's record"
    show = actions.add_parser("show", help="what the union knows and the record of changes")
    show.add_argument("member", help="the member's id or exact full name")
    show.set_defaults(run=_show)
    edit = actions.add_parser("edit", help="correct the name, group, leadership post or phone")
    edit.add_argument("member", help="the member's id or exact full name")
    edit.add_argument("--name", help="the corrected full name")
    edit.add_argument("--group", choices=[g.value for g in WorkerGroup])
    edit.add_argument("--post", choices=["yes", "no"], help="holds a leadership post")
    edit.add_argument("--phone", help='a Vietnamese number; "" removes it')
    edit.add_argument("--why", help=why)
    edit.set_defaults(run=_edit)
    move = actions.add_parser("move", help="to another unit (their roster entry goes along)")
    move.add_argument("member", help="the member's id or exact full name")
    move.add_argument("unit", help="the unit's id or exact name")
    move.add_argument("--why", help=why)
    move.set_defaults(run=_move)
    remove = actions.add_parser("remove", help="told, then erased as by /forget (dry run)")
    remove.add_argument("member", help="the member's id or exact full name")
    remove.add_argument("--why", help=why + " (it stays after the erasure: no name or phone)")
    remove.add_argument("--confirm", action="store_true", help="remove them, after a dry run")
    remove.set_defaults(run=_remove)
