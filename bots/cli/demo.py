from __future__ import annotations

import argparse

from sqlmodel import Session

from bots.settings import load_settings
from core import demo
from core.clock import utcnow
from core.storage.engine import make_engine


def _load(args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session, session.begin():
            if not demo.is_empty(session):
                if args.if_empty:
                    print("the database already has data: demo not loaded")
                    return 0
                print("the database already has union units; use a fresh database for the demo")
                return 1
            counts = demo.load(session, now=utcnow())
            organisation = demo.load_organisation(session, now=utcnow())
            claims = demo.officer_claim_codes(session, now=utcnow())
    finally:
        engine.dispose()
    print(
        f"demo loaded: {counts['units']} units, {counts['members']} members "
        f"({counts['officers']} officers), {counts['invites']} invite codes"
    )
    for spec in (demo.PROVINCE, demo.ZONE, *demo.GRASSROOTS):
        print(f"  {spec.code}  {spec.name}")
    print(
        f"the union's tree and roster files imported: {organisation['created']} units added, "
        f"{organisation['updated']} given their codes and declared membership, "
        f"{organisation['roster']} people on the roster (joining with CDCSTN33, try the "
        "membership card MP-0001 or the phone 0912 300 001)"
    )
    print("officer claim codes (send /link CODE on any messenger; once, within 30 days):")
    for unit_name, officer_name, code in claims:
        print(f"  {code}  {officer_name}, {unit_name}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("demo", help="demo data")
    demo_sub = parser.add_subparsers(dest="demo_command", required=True, metavar="ACTION")
    load = demo_sub.add_parser("load", help="load the demo union hierarchy and members")
    load.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
    load.set_defaults(run=_load)
