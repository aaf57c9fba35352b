"""The titles a member may aim for when pledging (đăng ký danh hiệu thi đua)."""

from __future__ import annotations

from enum import StrEnum

from core.i18n import N_, Translator


class Title(StrEnum):
    GOOD_WORKER = "good_worker"  # Lao động giỏi
    FIGHTER = "fighter"  # Chiến sĩ thi đua cơ sở
    TAKING_PART = "taking_part"  # takes part, aims for no title


TITLE_LABELS = {
    Title.GOOD_WORKER: N_("Good worker"),
    Title.FIGHTER: N_("Grassroots emulation fighter"),
    Title.TAKING_PART: N_("Take part, no title"),
}


def title_label(t: Translator, title: str) -> str:
    return t.gettext(TITLE_LABELS[Title(title)])
