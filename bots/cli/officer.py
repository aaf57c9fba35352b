"""`thidua officer ...`: officer invitations and roles, account claims, admin API tokens, and
their revocation (tokens, roles, invite codes)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from bots.settings import load_settings
from core import linking
from core.campaigns import service as campaigns
from core.campaigns.models import OfficerToken
from core.clock import utcnow
from core.errors import DomainError
from core.linking import CodePurpose
from core.members import service as members
from core.members.models import InviteCode, Member, OfficerRole
from core.members.rules import normalise_invite_code
from core.storage.engine import make_engine


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
        token = campaigns.issue_token(session, member=member, now=utcnow())
        return (
            f"API token for {member.full_name} (#{member.id}), shown only once:\n{token}\n"
            "Use it as: Authorization: Bearer <token>"
        )

    return _in_transaction(work)


def _revoke_tokens(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        member = find_member(session, args.member)
        result = session.execute(
            update(OfficerToken)
            .where(col(OfficerToken.member_id) == member.id, col(OfficerToken.revoked_at).is_(None))
            .values(revoked_at=utcnow())
        )
        count = int(result.rowcount or 0)  # type: ignore[attr-defined]
        return f"{count} API token(s) of #{member.id} revoked"

    return _in_transaction(work)


def _revoke_role(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        member = find_member(session, args.member)
        unit = members.find_unit(session, ref=args.unit)
        result = session.execute(
            delete(OfficerRole).where(
                col(OfficerRole.member_id) == member.id, col(OfficerRole.unit_id) == unit.id
            )
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            raise DomainError("not_officer", f"#{member.id} is not an officer of {unit.name}")
        return f"#{member.id} is no longer an officer of {unit.name}"

    return _in_transaction(work)


def _revoke_invite(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        invite = session.get(InviteCode, normalise_invite_code(args.code))
        if invite is None:
            raise DomainError("invite_unknown", f"no invite code {args.code!r}")
        if invite.revoked_at is None:
            invite.revoked_at = utcnow()
        return f"invite code {invite.code} revoked: it lets nobody join any more"

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
    token.set_defaults(run=_token)
    tokens = actions.add_parser("revoke-tokens", help="revoke every admin API token of a member")
    tokens.add_argument("member", help="the officer's id or exact full name")
    tokens.set_defaults(run=_revoke_tokens)
    role = actions.add_parser("revoke", help="take a member's officer role in a unit away")
    role.add_argument("member", help="the officer's id or exact full name")
    role.add_argument("unit", help="the unit's id or exact name")
    role.set_defaults(run=_revoke_role)
    invite_code = actions.add_parser(
        "revoke-invite", help="an invite code lets nobody join any more"
    )
    invite_code.add_argument("code")
    invite_code.set_defaults(run=_revoke_invite)
