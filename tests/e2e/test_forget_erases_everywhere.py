"""Issue 15: after /forget none of the person's identifying strings is anywhere: every text
column of every table (read from the metadata, not a chosen list) and the files folder. The
one exception is the union's own roster (imported by its officers from the union's membership
file, docs/privacy.md), which the test names."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from bots.attachments import sweep_files
from bots.bootstrap import Runtime
from bots.settings import Settings, load_settings
from core.campaigns.models import OfficerToken
from core.commendations.models import Commendation, CommendationStatus, CommendedMember
from core.initiatives import drafts
from core.initiatives.attachments import write_file
from core.initiatives.models import (
    AttachmentStatus,
    Initiative,
    InitiativeAttachment,
    InitiativeEvent,
    NamePreference,
)
from core.initiatives.rules import normalised
from core.linking.models import CodePurpose, OneTimeCode
from core.members.models import Identity, Member, MemberChange, OfficerRole, RosterEntry
from core.privacy.forget import is_text
from core.schema import metadata
from core.storage.models import (
    ConversationState,
    InboundUpdate,
    OutboxMessage,
    OutboxStatus,
    WebchatMessage,
)
from core.websignin.models import WebSigninCode
from tests.e2e.initiative_support import sent_initiative
from tests.e2e.test_initiative_chat import demo_data, join
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio
__all__ = ["demo_data"]

NAME = "Phạm Thị Mai Anh"
PHONE = "0912345678"
TELEGRAM_ID = "777000111"
IDENTIFYING = (NAME, NAME.upper(), normalised(NAME), PHONE, TELEGRAM_ID)
# the union's roster, kept on purpose (docs/privacy.md)
ROSTER = {("roster_entry", "full_name"), ("roster_entry", "name_key"), ("roster_entry", "phone")}


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        environ={
            "THIDUA_DATABASE_URL": database_url,
            "THIDUA_ATTACHMENTS_DIR": str(tmp_path / "files"),
        }
    )


def seed(runtime: Runtime, member_id: int, coworker_session: str) -> None:
    """A row in every table that can hold something about her, beyond what joining made."""
    now = runtime.clock.now()
    root = runtime.settings.attachments_dir
    sent_initiative(runtime, member_id, title=f"Gá kẹp nhanh của chị {NAME}")
    with Session(runtime.engine) as session, session.begin():
        member = session.get(Member, member_id)
        assert member is not None
        member.phone = PHONE
        telegram = Identity(platform="telegram", platform_user_id=TELEGRAM_ID, member_id=member_id)
        session.add(telegram)
        session.flush()
        session.add(
            ConversationState(identity_id=telegram.id, flow="x", data=f'{{"name": "{NAME}"}}')  # type: ignore[arg-type]
        )
        session.add(
            OutboxMessage(
                identity_id=telegram.id,  # type: ignore[arg-type]
                platform="telegram",
                body=f'{{"text": "Chào {NAME}, số {PHONE}"}}',
                status=OutboxStatus.SENT,
                dedupe_key="seed:sent",
            )
        )
        session.add(
            InboundUpdate(
                platform="telegram", external_id="9001", sender_id=TELEGRAM_ID, status="done"
            )
        )
        coworker = session.exec(
            select(Identity).where(Identity.platform_user_id == coworker_session)
        ).scalar_one()
        session.add(
            OutboxMessage(
                identity_id=coworker.id,  # type: ignore[arg-type]
                platform="webchat",
                body=f'{{"text": "Chúc mừng {NAME}! Gọi {PHONE}"}}',
                status=OutboxStatus.SENT,
                dedupe_key="seed:announce",
            )
        )
        session.add(WebchatMessage(session_id=coworker_session, body=f"Chúc mừng {NAME}!"))
        session.add(
            RosterEntry(
                unit_id=member.unit_id,
                full_name=NAME,
                name_key=normalised(NAME),
                phone=PHONE,
                member_id=member_id,
            )
        )
        session.add(OfficerRole(member_id=member_id, unit_id=member.unit_id))
        for purpose, code in ((CodePurpose.LINK, "a"), (CodePurpose.CLAIM, "b")):
            session.add(
                OneTimeCode(
                    code_hash=hashlib.sha256(code.encode()).hexdigest(),
                    purpose=purpose,
                    member_id=member_id,
                    expires_at=now,
                )
            )
        session.add(WebSigninCode(code_hash="c" * 64, member_id=member_id, expires_at=now))
        session.add(OfficerToken(member_id=member_id, token_hash="d" * 64))
        session.add(NamePreference(member_id=member_id, show_name=True, updated_at=now))
        commendation = Commendation(
            unit_id=member.unit_id,
            reason=f"Chị {NAME} giúp tổ giảm phế phẩm",
            status=CommendationStatus.APPROVED,
            points=10,
            created_at=now,
        )
        session.add(commendation)
        session.flush()
        session.add(CommendedMember(commendation_id=commendation.id, member_id=member_id))  # type: ignore[arg-type]
        # an officer's edit of her record, with its reason; a note in an initiative's history
        session.add(
            MemberChange(
                member_id=member_id,
                unit_id=member.unit_id,
                action="edit",
                before=f'{{"full_name": "{NAME.upper()}", "phone": "{PHONE}"}}',
                after=f'{{"full_name": "{NAME}"}}',
                why=f"Chị {NAME} báo sai chính tả",
                at=now,
            )
        )
        sent_id = session.execute(
            select(Initiative.id).where(Initiative.submitter_id == member_id)
        ).scalar_one()
        session.add(
            InitiativeEvent(
                initiative_id=sent_id,
                status="needs_info",
                note=f"Hỏi lại chị {normalised(NAME)}, số {PHONE}",
                created_at=now,
            )
        )
        draft = drafts.start_draft(session, member=member, now=now)
        draft.title = f"Bản nháp của {NAME}"
        session.flush()
        relative, digest = write_file(root, draft.id, NAME.encode(), "txt")  # type: ignore[arg-type]
        session.add(
            InitiativeAttachment(
                initiative_id=draft.id,  # type: ignore[arg-type]
                platform="webchat",
                kind="file",
                ref=f"https://cdn.example/{NAME}.txt",
                name=f"{NAME}.txt",
                status=AttachmentStatus.STORED,
                stored_path=relative,
                sha256=digest,
                created_at=now,
            )
        )


def found_in_database(runtime: Runtime) -> set[tuple[str, str, str]]:
    hits: set[tuple[str, str, str]] = set()
    with Session(runtime.engine) as session:
        for table in metadata.sorted_tables:
            for column in table.columns:
                if not is_text(column.type):
                    continue
                for needle in IDENTIFYING:
                    count = session.execute(
                        select(func.count()).select_from(table).where(column.contains(needle))
                    ).scalar_one()
                    if count:
                        hits.add((table.name, column.name, needle))
    return hits


def found_in_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return [
        p
        for p in root.rglob("*")
        if p.is_file() and any(n.encode() in p.read_bytes() for n in IDENTIFYING)
    ]


async def test_nothing_identifying_is_left_after_forget(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
) -> None:
    person = await ChatUser(client, runtime).open()
    await join(person, NAME)
    coworker = await ChatUser(client, runtime).open()
    await join(coworker, "Trần Văn Hùng")
    with Session(runtime.engine) as session:
        member_id = session.execute(select(Member.id).where(Member.full_name == NAME)).scalar_one()
    seed(runtime, member_id, coworker.session)
    await person.say("/mydata")
    before = {(t, c) for t, c, _n in found_in_database(runtime)}
    assert {("member", "full_name"), ("outbox_message", "body"), ("initiative", "title")} <= before
    assert found_in_files(runtime.settings.attachments_dir)

    await person.say("/forget")
    gone = await person.tap("privacy:forget_yes")
    assert "đã được xóa" in person.texts(gone)
    # as after a crash between the commit and the files' deletion: the database holds nothing
    # of her already, the draft's file waits with nothing referring to it ...
    assert {(t, c) for t, c, _n in found_in_database(runtime)} == ROSTER
    assert found_in_files(runtime.settings.attachments_dir)
    # ... until the attachments loop's next round
    sweep_files(runtime)

    left = {(t, c) for t, c, _n in found_in_database(runtime)}
    assert left == ROSTER, sorted(found_in_database(runtime))
    assert found_in_files(runtime.settings.attachments_dir) == []
    with Session(runtime.engine) as session:
        roster = session.execute(select(RosterEntry)).scalars().all()
        assert all(r.member_id is None for r in roster)
        for model in (OfficerRole, OneTimeCode, WebSigninCode, OfficerToken, NamePreference):
            rows = session.execute(
                select(func.count()).select_from(model).where(model.member_id == member_id)  # type: ignore[attr-defined]
            ).scalar_one()
            assert rows == 0, model
