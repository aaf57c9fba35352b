"""Emulation blocks (cụm, khối thi đua): an upper-level union groups comparable grassroots
unions below it, for one campaign or for a year; officers see and change the blocks owned by
units in their scope. A unit is in at most one block of a campaign: one block per campaign or
per year (`scope`), and a unit in a year's block is in no block of a campaign of that year."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, or_, select

from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.campaigns.scope import Actor
from core.emulation.block_models import BlockKind, BlockUnit, EmulationBlock, Evaluation
from core.emulation.reporting import grassroots_units
from core.errors import DomainError, InvalidInput, NotFound
from core.members.models import UnionUnit, UnitKind

NAME_MAX = 200
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class BlockInput:
    owner_unit_id: int
    name: str
    kind: BlockKind
    campaign_id: int | None = None
    year: int | None = None
    unit_ids: Sequence[int] = ()


def scope_of(block: EmulationBlock) -> str:
    return f"c{block.campaign_id}" if block.campaign_id is not None else f"y{block.year}"


def visible(session: Session, actor: Actor, block_id: int) -> EmulationBlock:
    """The block, if the actor's scope covers the unit that owns it (Forbidden otherwise)."""
    block = session.get(EmulationBlock, block_id)
    if block is None:
        raise NotFound("block_unknown")
    actor.require_unit(session, block.owner_unit_id)
    return block


def units_in_scope(session: Session, actor: Actor, block: EmulationBlock) -> list[UnionUnit]:
    """The block's units within the actor's scope."""
    return list(
        session.exec(
            select(UnionUnit)
            .join(BlockUnit, col(BlockUnit.unit_id) == UnionUnit.id)
            .where(BlockUnit.block_id == block.id, actor.unit_filter(session))
            .order_by(col(UnionUnit.id))
        )
    )


def readable(session: Session, actor: Actor, block_id: int) -> EmulationBlock:
    """The block, to read: for the officers in whose scope its owner is, and for those of its
    grassroots unions (read only: changes go through `visible`)."""
    block = session.get(EmulationBlock, block_id)
    if block is None:
        raise NotFound("block_unknown")
    if actor.operator or units_in_scope(session, actor, block):
        return block
    actor.require_unit(session, block.owner_unit_id)
    return block


def may_change(session: Session, actor: Actor, block: EmulationBlock) -> bool:
    """Whether the actor's scope covers the block's owner (who may change the block)."""
    try:
        actor.require_unit(session, block.owner_unit_id)
    except DomainError:
        return False
    return True


def units_of(session: Session, block: EmulationBlock) -> list[UnionUnit]:
    return list(
        session.exec(
            select(UnionUnit)
            .join(BlockUnit, col(BlockUnit.unit_id) == UnionUnit.id)
            .where(BlockUnit.block_id == block.id)
            .order_by(col(UnionUnit.name), col(UnionUnit.id))
        )
    )


def of_campaign(session: Session, actor: Actor, campaign: Campaign) -> list[EmulationBlock]:
    """The blocks that rank the campaign's units: its own, and the blocks for its year that
    hold one of its grassroots unions; those whose owner is in the actor's scope, and those
    holding a union in it (read only for its officers)."""
    covered = [u.id for u in grassroots_units(session, campaign)]
    year_blocks = select(BlockUnit.block_id).where(
        BlockUnit.scope == f"y{campaign.starts_on.year}", col(BlockUnit.unit_id).in_(covered)
    )
    held = select(BlockUnit.block_id).join(UnionUnit, col(UnionUnit.id) == BlockUnit.unit_id)
    owned = select(UnionUnit.id).where(actor.unit_filter(session))
    found = session.exec(
        select(EmulationBlock)
        .where(
            or_(
                col(EmulationBlock.campaign_id) == campaign.id,
                col(EmulationBlock.id).in_(year_blocks),
            ),
            or_(
                col(EmulationBlock.owner_unit_id).in_(owned),
                col(EmulationBlock.id).in_(held.where(actor.unit_filter(session))),
            ),
        )
        .order_by(col(EmulationBlock.name), col(EmulationBlock.id))
    )
    return list(found)


def _owner(session: Session, actor: Actor, unit_id: int) -> UnionUnit:
    owner = actor.require_unit(session, unit_id)
    if owner.kind in (UnitKind.GRASSROOTS_UNION, UnitKind.UNION_DIVISION, UnitKind.UNION_GROUP):
        raise InvalidInput("block_owner_not_upper")
    return owner


def _checked(data: BlockInput) -> BlockInput:
    name = " ".join(data.name.split())
    if not name or len(name) > NAME_MAX:
        raise InvalidInput("block_name")
    if (data.campaign_id is None) == (data.year is None):
        raise InvalidInput("block_campaign_or_year")
    if data.year is not None and data.year not in YEARS:
        raise InvalidInput("block_year")
    return BlockInput(
        data.owner_unit_id, name, data.kind, data.campaign_id, data.year, data.unit_ids
    )


def create(session: Session, *, actor: Actor, data: BlockInput, now: datetime) -> EmulationBlock:
    data = _checked(data)
    owner = _owner(session, actor, data.owner_unit_id)
    if data.campaign_id is not None:
        campaigns.get(session, actor=actor, campaign_id=data.campaign_id)
    block = EmulationBlock(
        owner_unit_id=owner.id,  # type: ignore[arg-type]
        name=data.name,
        kind=data.kind.value,
        campaign_id=data.campaign_id,
        year=data.year,
        created_by=actor.member_id,
        created_at=now,
    )
    session.add(block)
    session.flush()
    for unit_id in dict.fromkeys(data.unit_ids):
        add_unit(session, actor=actor, block_id=block.id, unit_id=unit_id)  # type: ignore[arg-type]
    return block


def _holder(session: Session, block: EmulationBlock, unit_id: int) -> EmulationBlock | None:
    """The block of the same campaign (or year) that already holds the unit, if any."""
    scopes = [scope_of(block)]
    if block.campaign_id is not None:
        campaign = session.get(Campaign, block.campaign_id)
        scopes.append(f"y{campaign.starts_on.year}")  # type: ignore[union-attr]
    held = session.exec(
        select(BlockUnit.block_id).where(
            col(BlockUnit.scope).in_(scopes), BlockUnit.unit_id == unit_id
        )
    ).first()
    if held is None and block.year is not None:
        rows = session.exec(
            select(BlockUnit.block_id, Campaign.starts_on)
            .join(EmulationBlock, col(EmulationBlock.id) == BlockUnit.block_id)
            .join(Campaign, col(Campaign.id) == EmulationBlock.campaign_id)
            .where(BlockUnit.unit_id == unit_id)
        ).all()
        held = next((b for b, starts in rows if starts.year == block.year), None)
    return session.get(EmulationBlock, held) if held is not None else None


def add_unit(session: Session, *, actor: Actor, block_id: int, unit_id: int) -> BlockUnit:
    block = visible(session, actor, block_id)
    owner = session.get(UnionUnit, block.owner_unit_id)
    unit = session.get(UnionUnit, unit_id)
    if unit is None or owner is None:
        raise NotFound("unit_unknown")
    below = unit.path.startswith(owner.path) and unit.id != owner.id
    if not below or unit.kind != UnitKind.GRASSROOTS_UNION or unit.closed_at is not None:
        raise InvalidInput("block_unit_not_below")
    if block.campaign_id is not None:
        campaign = session.get(Campaign, block.campaign_id)
        if unit.id not in {u.id for u in grassroots_units(session, campaign)}:  # type: ignore[arg-type]
            raise InvalidInput("block_unit_not_in_campaign")
    holder = _holder(session, block, unit_id)
    if holder is not None:
        if holder.id == block.id:
            raise DomainError("block_unit_already")
        raise DomainError("block_unit_elsewhere", holder.name)
    row = BlockUnit(block_id=block.id, unit_id=unit_id, scope=scope_of(block))  # type: ignore[arg-type]
    session.add(row)
    session.flush()
    return row


def remove_unit(session: Session, *, actor: Actor, block_id: int, unit_id: int) -> None:
    block = visible(session, actor, block_id)
    row = session.get(BlockUnit, (block.id, unit_id))
    if row is None:
        raise NotFound("block_unit_unknown")
    session.delete(row)
    session.flush()


def delete(session: Session, *, actor: Actor, block_id: int) -> None:
    """The block gone with its evaluations (their history goes with it)."""
    block = visible(session, actor, block_id)
    for table in (Evaluation, BlockUnit):
        for row in session.exec(select(table).where(table.block_id == block.id)):
            session.delete(row)
    session.flush()
    session.delete(block)
    session.flush()
