"""The local web chat (/chat): always there, its messages kept in the database mailbox, the
files picked on its page kept beside the initiatives' files until the attachments loop takes
them (adapters/webchat/uploads.py)."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.webchat.channel import WebchatChannel
from adapters.webchat.routes import make_router
from adapters.webchat.uploads import UploadFetcher, Uploads
from bots.platforms.base import Deps, Platform
from bots.settings import Settings
from bots.webchat_texts import webchat_page_texts

MB = 1024 * 1024


def file_picker(settings: Settings) -> dict[str, str]:
    """What the page's picker offers (photos first, so that a phone offers its camera) and the
    largest file it sends: THIDUA_ATTACHMENT_TYPES and THIDUA_ATTACHMENT_MAX_MB."""
    types = [t.strip().lower().lstrip(".") for t in settings.attachment_types.split(",")]
    return {
        "accept": ",".join(["image/*", *(f".{t}" for t in types if t)]),
        "max_bytes": str(settings.attachment_max_mb * MB),
    }


@dataclass(frozen=True)
class Webchat:
    name: str = "webchat"

    def build(self, deps: Deps) -> Platform:
        settings = deps.settings
        t = deps.catalogs.translator(settings.default_locale, settings.timezone)
        texts = webchat_page_texts(t.gettext, settings.attachment_max_mb) | file_picker(settings)
        uploads = Uploads.beside(settings.attachments_dir)
        router = make_router(
            deps.sink,
            deps.mailbox,
            t.locale,
            texts,
            uploads=uploads,
            max_file_bytes=settings.attachment_max_mb * MB,
        )
        return Platform(
            name="webchat",
            channel=WebchatChannel(deps.mailbox),
            routes=(router,),
            fetcher=UploadFetcher(uploads),
        )
