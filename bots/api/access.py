"""Admin API: withdrawing access at once: officer roles in the caller's units (and the units
below), the caller's own API tokens (the operator's token: anyone's), and invite codes."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from core.campaigns.models import OfficerToken
from core.members.models import OfficerRoleKind
from core.organisation import access

router = APIRouter(prefix="/api/v1", tags=["members"])


class OfficerRoleOut(BaseModel):
    id: int
    member_id: int
    full_name: str | None
    unit_id: int
    unit_name: str
    role: str
    granted_at: datetime


class RoleChangeIn(BaseModel):
    role: OfficerRoleKind  # chair (chủ tịch) or officer


class TokenOut(BaseModel):
    id: int
    member_id: int
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class InviteOut(BaseModel):
    code: str
    unit_id: int
    revoked_at: datetime | None


def _role_out(row: access.RoleRow) -> OfficerRoleOut:
    return OfficerRoleOut(
        id=row.role.id,  # type: ignore[arg-type]
        member_id=row.member.id,  # type: ignore[arg-type]
        full_name=row.member.full_name,
        unit_id=row.unit.id,  # type: ignore[arg-type]
        unit_name=row.unit.name,
        role=row.role.role,
        granted_at=row.role.granted_at,
    )


def _token_out(token: OfficerToken) -> TokenOut:
    return TokenOut.model_validate(token, from_attributes=True)


@router.get("/officers", response_model=list[OfficerRoleOut])
async def list_officers(api: ApiDep, who: Caller) -> list[OfficerRoleOut]:
    """The officer roles of the caller's units and the units below them."""
    return await api.run(lambda s: [_role_out(r) for r in access.roles_in_scope(s, actor=who)])


@router.delete("/officers/{role_id}", response_model=OfficerRoleOut)
async def revoke_officer(role_id: int, api: ApiDep, who: Caller) -> OfficerRoleOut:
    """The role is withdrawn at once (and the person's tokens, if it was their last role)."""
    now = api.now()
    return await api.run(
        lambda s: _role_out(access.revoke_role(s, actor=who, role_id=role_id, now=now))
    )


@router.patch("/officers/{role_id}", response_model=OfficerRoleOut)
async def change_officer(
    role_id: int, body: RoleChangeIn, api: ApiDep, who: Caller
) -> OfficerRoleOut:
    """The role's kind (chair or officer) changes; not one's own."""
    now = api.now()
    return await api.run(
        lambda s: _role_out(
            access.change_role(s, actor=who, role_id=role_id, kind=body.role, now=now)
        )
    )


@router.get("/tokens", response_model=list[TokenOut])
async def list_tokens(api: ApiDep, who: Caller) -> list[TokenOut]:
    return await api.run(lambda s: [_token_out(t) for t in access.tokens_of(s, actor=who)])


@router.delete("/tokens/{token_id}", response_model=TokenOut)
async def revoke_token(token_id: int, api: ApiDep, who: Caller) -> TokenOut:
    now = api.now()
    return await api.run(
        lambda s: _token_out(access.revoke_token(s, actor=who, token_id=token_id, now=now))
    )


@router.post("/invites/{code}/revoke", response_model=InviteOut)
async def revoke_invite(code: str, api: ApiDep, who: Caller) -> InviteOut:
    """Nobody joins with the code from now on; those who joined with it stay."""
    now = api.now()

    def work(s: Session) -> InviteOut:
        invite = access.revoke_invite(s, actor=who, code=code, now=now)
        return InviteOut(code=invite.code, unit_id=invite.unit_id, revoked_at=invite.revoked_at)

    return await api.run(work)
