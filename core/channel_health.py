"""Recording that a messenger channel is broken, and telling the officers who can act."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core import outbox
from core.i18n import Catalogs
from core.members.labels import platform_name
from core.members.models import Identity, Member, OfficerRole, UnionUnit
from core.messages import OutgoingMessage
from core.ports import Clock
from core.storage.models import ChannelCredential

log = logging.getLogger(__name__)


@dataclass
class DbChannelHealth:
    engine: Engine
    catalogs: Catalogs
    clock: Clock
    timezone: str = "Asia/Ho_Chi_Minh"

    def _flag(self, platform: str, reason: str) -> bool:
        now = self.clock.now()
        with Session(self.engine) as session, session.begin():
            row = session.get(ChannelCredential, platform, with_for_update=True)
            if row is None:
                row = ChannelCredential(platform=platform)
                session.add(row)
            if row.flagged_at is not None:
                return False  # already flagged: the officers were told once
            row.flagged_at, row.flag_reason, row.updated_at = now, reason[:500], now
            log.error("the %s channel is flagged as broken: %s", platform, reason[:500])
            session.flush()
            top_officers = session.exec(
                select(Member)
                .join(OfficerRole, col(OfficerRole.member_id) == Member.id)
                .join(UnionUnit, col(UnionUnit.id) == OfficerRole.unit_id)
                .where(col(UnionUnit.parent_id).is_(None))
            ).all()
            for member in {m.id: m for m in top_officers}.values():
                t = self.catalogs.translator(member.locale, self.timezone)
                text = t.gettext(
                    "The {platform} channel of thidua has stopped working: {platform} no longer "
                    "accepts its access key. Members on {platform} get no messages until an "
                    "operator renews it (the technical detail is in the server log).",
                    platform=platform_name(t, platform),
                )
                identities = session.exec(
                    select(Identity).where(
                        Identity.member_id == member.id, Identity.platform != platform
                    )
                ).all()
                for identity in identities:
                    outbox.enqueue(
                        session,
                        identity=identity,
                        messages=[OutgoingMessage(text=text)],
                        dedupe_prefix=f"channel-flag:{platform}:{now.isoformat()}:{identity.id}",
                        now=now,
                        proactive=True,
                    )
            return True

    def _clear(self, platform: str) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(ChannelCredential, platform)
            if row is not None:
                row.flagged_at, row.flag_reason = None, None

    async def flag(self, platform: str, reason: str) -> None:
        await asyncio.to_thread(self._flag, platform, reason)

    async def clear(self, platform: str) -> None:
        await asyncio.to_thread(self._clear, platform)
