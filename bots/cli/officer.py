"""`thidua officer ...`: officer invitations and roles, account claims, admin API tokens, and
withdrawing roles, tokens, invite codes and desk sessions (effective at once)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session, select

from bots.settings import load_settings
from core import linking
from core.campaigns import service as campaigns
from core.campaigns.scope import Actor
from core.clock import utcnow
from core.errors import DomainError
from core.linking import CodePurpose
from core.members import service as members
from core.members.models import Member, OfficerRole
from core.organisation import access
from core.storage.engine import make_engine
from core.websignin import sessions


def find_member(session: Session, ref: str) -> Member:
    member = session.get(Member, int(ref)) if ref.isdigit() else None
    if member is None:
        found = session.exec(select(Member).where(Member.full_name == ref)).all()
        if len(found) > 1:
            raise DomainError(
                "member_ambiguous", f"{len(found)} members are named {ref!r}; use the id"
            )
        member = found[0] if found else None
    if member is None:
        raise DomainError("member_unknown", f"no member {ref!r}")
    return member


def _in_transaction(work: Callable[[Session], str]) -> int:
    engine = make_engine(load_settings().database_url)
    try:
        with Session(engine) as session, session.begin():
            print(work(session))
        return 0
    except DomainError as err:
        print(f"error: {err}")
        return 1
    finally:
        engine.dispose()


def _invite(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        unit = members.find_unit(session, ref=args.unit)
        code = linking.issue(
            session,
            purpose=CodePurpose.OFFICER,
            unit_id=unit.id,
            now=utcnow(),
            ttl=timedelta(days=args.days),
        )
        return (
            f"Officer code for {unit.name}: {code} (valid {args.days} days, once)\n"
            f"The person joins the union as usual, then sends: /officer {code}"
        )

    return _in_transaction(work)


def _grant(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        member = find_member(session, args.member)
        unit = members.find_unit(session, ref=args.unit)
        exists = session.exec(
            select(OfficerRole).where(
                OfficerRole.member_id == member.id, OfficerRole.unit_id == unit.id
            )
        ).first()
        if exists is None:
            members.grant_officer(session, member=member, unit=unit)
        return f"{member.full_name} (#{member.id}) is an officer of {unit.name}"

    return _in_transaction(work)


def _claim(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        member = find_member(session, args.member)
        code = linking.issue(session, purpose=CodePurpose.CLAIM, member_id=member.id, now=utcnow())
        return (
            f"Claim code for {member.full_name} (#{member.id}): {code}\n"
            f"They send it on their messenger: /link {code}"
        )

    return _in_transaction(work)


def _token(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        member = find_member(session, args.member)
        ttl = timedelta(days=args.days) if args.days else None
        token = campaigns.issue_token(session, member=member, now=utcnow(), ttl=ttl)
        until = f"valid {args.days} days" if args.days else "no end date"
        return (
            f"API token for {member.full_name} (#{member.id}), {until}, shown only once:\n"
            f"{token}\nUse it as: Authorization: Bearer <token>"
        )

    return _in_transaction(work)


def _list(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        roles = access.roles_in_scope(session, actor=Actor.admin(), limit=10_000)
        lines = [
            f"role #{r.role.id}: {r.member.full_name} (#{r.member.id}), "
            f"{r.unit.name} (#{r.unit.id})"
            for r in roles
        ]
        tokens = access.tokens_of(session, actor=Actor.admin())
        lines += [
            f"token #{k.id}: member #{k.member_id}, made {k.created_at:%Y-%m-%d}, "
            + (
                "withdrawn"
                if k.revoked_at
                else f"until {k.expires_at:%Y-%m-%d}"
                if k.expires_at
                else "no end date"
            )
            for k in tokens
        ]
        lines += [
            f"desk session: member #{s.member_id}, signed in {s.created_at:%Y-%m-%d %H:%M}, "
            f"last seen {s.last_seen_at:%Y-%m-%d %H:%M}, until {s.expires_at:%Y-%m-%d %H:%M} UTC"
            for s in sessions.live(session, now=utcnow())
        ]
        return "\n".join(lines) or "no officer roles and no tokens"

    return _in_transaction(work)


def _revoke(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        member = find_member(session, args.member)
        unit = members.find_unit(session, ref=args.unit)
        role = session.exec(
            select(OfficerRole).where(
                OfficerRole.member_id == member.id, OfficerRole.unit_id == unit.id
            )
        ).first()
        if role is None:
            raise DomainError("role_unknown", f"{member.full_name} is no officer of {unit.name}")
        access.revoke_role(session, actor=Actor.admin(), role_id=role.id, now=utcnow())  # type: ignore[arg-type]
        return f"{member.full_name} (#{member.id}) is no longer an officer of {unit.name}"

    return _in_transaction(work)


def _sign_out(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        member = find_member(session, args.member)
        ended = sessions.end_all(session, member_id=member.id, now=utcnow())  # type: ignore[arg-type]
        return f"{member.full_name} (#{member.id}) signed out of the desk: {ended} session(s) ended"

    return _in_transaction(work)


def _revoke_token(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        access.revoke_token(session, actor=Actor.admin(), token_id=args.token, now=utcnow())
        return f"token #{args.token} withdrawn"

    return _in_transaction(work)


def _revoke_invite(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        invite = access.revoke_invite(session, actor=Actor.admin(), code=args.code, now=utcnow())
        return f"invite code {invite.code} withdrawn: nobody can join with it any more"

    return _in_transaction(work)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("officer", help="officer invitations, roles, claims and API tokens")
    actions = parser.add_subparsers(dest="officer_command", required=True, metavar="ACTION")
    invite = actions.add_parser("invite", help="a one-time code making its user an officer")
    invite.add_argument("unit", help="the unit's id or exact name")
    invite.add_argument("--days", type=int, default=7)
    invite.set_defaults(run=_invite)
    grant = actions.add_parser("grant", help="make a member an officer of a unit")
    grant.add_argument("member", help="the member's id or exact full name")
    grant.add_argument("unit", help="the unit's id or exact name")
    grant.set_defaults(run=_grant)
    claim = actions.add_parser("claim", help="a one-time code to attach a messenger to a member")
    claim.add_argument("member", help="the member's id or exact full name")
    claim.set_defaults(run=_claim)
    token = actions.add_parser("token", help="a bearer token for the admin API")
    token.add_argument("member", help="the officer's id or exact full name")
    token.add_argument("--days", type=int, default=90, help="valid for this many days (0: no end)")
    token.set_defaults(run=_token)
    listing = actions.add_parser("list", help="every officer role and API token (with ids)")
    listing.set_defaults(run=_list)
    revoke = actions.add_parser(
        "revoke", help="withdraw an officer role (and, with the last, the tokens)"
    )
    revoke.add_argument("member", help="the member's id or exact full name")
    revoke.add_argument("unit", help="the unit's id or exact name")
    revoke.set_defaults(run=_revoke)
    sign_out = actions.add_parser(
        "sign-out", help="end every desk session of a member (a lost phone), roles kept"
    )
    sign_out.add_argument("member", help="the member's id or exact full name")
    sign_out.set_defaults(run=_sign_out)
    revoke_token = actions.add_parser("revoke-token", help="withdraw an admin API token")
    revoke_token.add_argument("token", type=int, help="the token's id (thidua officer list)")
    revoke_token.set_defaults(run=_revoke_token)
    revoke_invite = actions.add_parser("revoke-invite", help="withdraw an invite code")
    revoke_invite.add_argument("code")
    revoke_invite.set_defaults(run=_revoke_invite)
