"""Display names of the member enums, marked for the catalogs and translated when shown."""

from __future__ import annotations

from core.i18n import N_, Translator
from core.members.models import EnterpriseType, Member, OfficerRoleKind, UnitKind, WorkerGroup

WORKER_GROUP_LABELS: dict[str, str] = {
    WorkerGroup.OFFICIAL: N_("Union or Party official"),
    WorkerGroup.CIVIL_SERVANT: N_("Civil servant"),
    WorkerGroup.PUBLIC_EMPLOYEE: N_("Public employee"),
    WorkerGroup.DIRECT_WORKER: N_("Worker in production or business"),
}

UNIT_KIND_LABELS: dict[str, str] = {
    UnitKind.CONFEDERATION: N_("National confederation"),
    UnitKind.PROVINCIAL_FEDERATION: N_("Provincial federation of labour"),
    UnitKind.SECTOR_UNION: N_("Central sector union"),
    UnitKind.CORPORATION_UNION: N_("Corporation union"),
    UnitKind.UPPER_LEVEL_UNION: N_("Upper-level union"),
    UnitKind.GRASSROOTS_UNION: N_("Grassroots union"),
    UnitKind.UNION_DIVISION: N_("Union division"),
    UnitKind.UNION_GROUP: N_("Union group"),
}

ENTERPRISE_TYPE_LABELS: dict[str, str] = {
    EnterpriseType.STATE_AGENCY: N_("State agency or public service unit"),
    EnterpriseType.STATE_ENTERPRISE: N_("State-owned enterprise"),
    EnterpriseType.PRIVATE: N_("Private enterprise"),
    EnterpriseType.FOREIGN_INVESTED: N_("Foreign-invested enterprise (FDI)"),
}

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
PLATFORM_NAMES = {
    "telegram": "Telegram",
    "facebook": "Messenger",
    "zalo": "Zalo",
    "zalobot": "Zalo Bot",
}


def worker_group(t: Translator, value: str | None) -> str:
    return t.gettext(WORKER_GROUP_LABELS[value]) if value else t.gettext("not given")


def yes_no(t: Translator, value: bool | None) -> str:
    if value is None:
        return t.gettext("not given")
    return t.gettext("yes") if value else t.gettext("no")


def platform_name(t: Translator, platform: str) -> str:
    """A messenger's name as people know it (Facebook's is Messenger)."""
    if platform in PLATFORM_NAMES:
        return PLATFORM_NAMES[platform]
    if platform == "webchat":
        return t.gettext("Web chat (browser)")
    if platform == "terminal":
        return t.gettext("Chat in a terminal (thidua chat)")
    if platform == "none":
        return t.gettext("no messenger")
    return platform.capitalize()


def person_name(t: Translator, full_name: str | None, *, forgotten: bool = False) -> str:
    """How a member is named in lists and cards: their name, or "a former member" once they
    used /forget (the union's records stay, the person does not)."""
    if forgotten:
        return t.gettext("A former member")
    return full_name or "?"


def name_of(t: Translator, member: Member) -> str:
    """A forgotten officer stays named by the post they held, for the decisions they took."""
    if member.forgotten_at is not None and member.former_post == OfficerRoleKind.CHAIR:
        return t.gettext("A former union chair")
    if member.forgotten_at is not None and member.former_post == OfficerRoleKind.OFFICER:
        return t.gettext("A former union officer")
    return person_name(t, member.full_name, forgotten=member.forgotten_at is not None)


def initials(full_name: str) -> str:
    """ "Nguyễn Thị Lan" -> "N. T. L.": how a member is shown where their consent does not
    cover their name."""
    return " ".join(word[0].upper() + "." for word in full_name.split() if word)
