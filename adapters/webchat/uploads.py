"""Files a person picks in the web chat: the page posts the bytes, they wait in a folder beside
the initiatives' files (THIDUA_ATTACHMENTS_DIR/webchat-uploads) under a random name, and the
message that carries them refers to that name ("upload:<token>"), as a messenger's refers to
its own file id. The attachments loop reads them through `UploadFetcher` like any platform's
files, and checks them by the same limits; files older than a day are removed."""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Collection
from pathlib import Path, PurePosixPath, PureWindowsPath

from core.messages import Attachment
from core.ports import AttachmentTooLarge, AttachmentUnavailable

PREFIX = "upload:"
FOLDER = "webchat-uploads"  # beside the initiatives' files, in THIDUA_ATTACHMENTS_DIR
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
KEEP_SECONDS = 24 * 3600
# a file nothing waits for goes after this: the message that carries it is read within seconds
GRACE_SECONDS = 10 * 60
MAX_NAME = 120


def clean_name(name: str) -> str:
    """The file's own name without any folder, control characters or surrounding spaces."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = "".join(c for c in base if c.isprintable()).strip()
    return base[-MAX_NAME:] or "file"


def kind_of(mime: str) -> str:
    return "image" if mime.startswith("image/") else "file"


class Uploads:
    """The folder of files picked in the web chat and not yet taken by the attachments loop."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def beside(cls, attachments_dir: Path) -> Uploads:
        return cls(attachments_dir / FOLDER)

    def keep(self, data: bytes, *, name: str, mime: str) -> Attachment:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sweep()
        token = secrets.token_urlsafe(24)
        partial = self.folder / f".{token}.part"
        partial.write_bytes(data)
        os.replace(partial, self.folder / token)
        return Attachment(
            kind=kind_of(mime), ref=PREFIX + token, name=clean_name(name), mime=mime, size=len(data)
        )

    def path_of(self, ref: str) -> Path | None:
        token = ref.removeprefix(PREFIX)
        if not ref.startswith(PREFIX) or not TOKEN_RE.match(token):
            return None
        return self.folder / token

    def sweep(self, now: float | None = None, *, wanted: Collection[str] | None = None) -> int:
        """Remove the files older than a day (taken long ago, or sent outside any step). With
        `wanted` (the tokens something still waits to read), also those older than a few
        minutes that nothing wants: taken already, sent outside any step, or left by a draft
        that /forget erased."""
        now = now or time.time()
        removed = 0
        if not self.folder.is_dir():
            return 0
        for path in self.folder.iterdir():
            if not path.is_file():
                continue
            age = now - path.stat().st_mtime
            unwanted = wanted is not None and not path.name.startswith(".")
            if age > KEEP_SECONDS or (unwanted and age > GRACE_SECONDS and path.name not in wanted):
                path.unlink(missing_ok=True)
                removed += 1
        return removed


class UploadFetcher:
    """The bytes of a file picked in the web chat (the `AttachmentFetcher` of `webchat`)."""

    platform = "webchat"

    def __init__(self, uploads: Uploads) -> None:
        self.uploads = uploads

    async def fetch(self, attachment: Attachment, *, max_bytes: int) -> bytes:
        path = self.uploads.path_of(attachment.ref)
        if path is None or not path.is_file():
            raise AttachmentUnavailable("no such upload")
        if path.stat().st_size > max_bytes:
            raise AttachmentTooLarge(str(path.stat().st_size))
        return path.read_bytes()
