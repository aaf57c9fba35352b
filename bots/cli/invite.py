"""`thidua invite <unit>`: a fresh invite code, its links per messenger, and a QR poster PNG."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

import segno
from sqlmodel import Session

from bots.invites import invite_links
from bots.settings import load_settings
from core.clock import utcnow
from core.errors import NotFound
from core.members import service
from core.storage.engine import make_engine

TYPED = ("webchat", "zalobot")  # links that carry no code: the person sends it


def _invite(args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session, session.begin():
            try:
                unit = service.find_unit(session, ref=args.unit)
            except NotFound as exc:
                print(exc)
                return 1
            expires = utcnow() + timedelta(days=args.days) if args.days else None
            invite = service.create_invite(
                session, unit=unit, expires_at=expires, max_uses=args.max_uses
            )
            code, unit_name = invite.code, unit.name
    finally:
        engine.dispose()
    links = invite_links(settings, code)
    print(f"Invite code for {unit_name}: {code}")
    for platform, link in links.items():
        typed = f" (then send the code {code})" if platform in TYPED else ""
        print(f"  {platform}: {link}{typed}")
    target = links.get(args.qr_for) or code
    out = Path(args.qr or f"invite-{code}.png")
    segno.make(target, error="m").save(out, scale=10, border=4)
    print(f"QR code ({args.qr_for if args.qr_for in links else 'code'}) written to {out}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("invite", help="make an invite code for a union unit, with a QR code")
    parser.add_argument("unit", help="the unit's id or exact name")
    parser.add_argument("--days", type=int, default=90, help="valid for this many days (0: no end)")
    parser.add_argument("--max-uses", type=int, default=None, help="how many people may use it")
    parser.add_argument("--qr", help="where to write the QR code PNG")
    parser.add_argument(
        "--qr-for",
        default="telegram",
        help="which link the QR code opens (telegram, facebook, zalobot)",
    )
    parser.set_defaults(run=_invite)
