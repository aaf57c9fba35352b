"""What a file sent in chat may be: its size and its kinds (THIDUA_ATTACHMENT_MAX_MB and
_TYPES). The dispatcher carries the limits in ChatConfig; initiatives check their files by them."""

from __future__ import annotations

from dataclasses import dataclass, field

MB = 1024 * 1024
ALLOWED_EXTENSIONS = {
    "jpg",
    "jpeg",
    "png",
    "webp",
    "heic",
    "gif",
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "txt",
    "mp4",
}


@dataclass(frozen=True)
class AttachmentLimits:
    """What a file sent with an initiative may be."""

    max_bytes: int = 20 * MB
    extensions: frozenset[str] = field(default_factory=lambda: frozenset(ALLOWED_EXTENSIONS))

    @property
    def max_mb(self) -> int:
        return self.max_bytes // MB
