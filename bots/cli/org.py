"""`thidua org …`: the union tree and rosters from the union's own spreadsheets, and changes
to the tree (create, set a unit's kind, enterprise type, code and declared membership, move,
rename, close, merge). Every import is a dry run unless --confirm."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session

from bots.settings import Settings, load_settings
from core.clock import utcnow
from core.errors import DomainError, NotFound
from core.i18n import Catalogs, Translator
from core.members import service as members
from core.members.models import EnterpriseType, JoinMode, UnionUnit, UnitKind
from core.organisation import roster_import, templates, tree_import, units
from core.organisation.problems import describe
from core.organisation.roster_file import read_roster
from core.storage.engine import make_engine


def _translator(settings: Settings) -> Translator:
    return Catalogs(settings.locales_dir, settings.default_locale).translator(
        settings.default_locale, settings.timezone
    )


def _in_session(work: Callable[[Session, Settings, Translator], int]) -> int:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session, session.begin():
            return work(session, settings, _translator(settings))
    except (NotFound, DomainError) as exc:
        print(f"refused: {exc.code}")
        return 1
    finally:
        engine.dispose()


def _template(args: argparse.Namespace) -> int:
    settings = load_settings()
    columns = templates.TREE if args.kind == "tree" else templates.ROSTER
    out = Path(args.out or f"thidua-{args.kind}.xlsx")
    out.write_bytes(templates.template(_translator(settings), columns))
    print(f"template written to {out}")
    return 0


def _import_tree(args: argparse.Namespace) -> int:
    data = Path(args.file).read_bytes()

    def work(session: Session, _settings: Settings, t: Translator) -> int:
        root = members.find_unit(session, ref=args.unit)
        file = tree_import.read_tree(data, args.file, today=utcnow().date())
        plan = tree_import.dry_run(session, root=root, file=file)
        for problem in plan.problems:
            print(describe(t, problem))
        print(
            f"{len(plan.create)} to create, {len(plan.update)} to change, "
            f"{len(plan.unchanged)} unchanged, {len(plan.problems)} problem(s)"
        )
        if plan.problems or not args.confirm:
            session.rollback()
            return 1 if plan.problems else 0
        result = tree_import.apply(session, root=root, file=file, by=None, now=utcnow())
        print(f"imported: {result.created} created, {result.updated} changed")
        return 0

    return _in_session(work)


def _import_roster(args: argparse.Namespace) -> int:
    data = Path(args.file).read_bytes()

    def work(session: Session, _settings: Settings, t: Translator) -> int:
        root = members.find_unit(session, ref=args.unit)
        file = read_roster(data, args.file, today=utcnow().date())
        plan = roster_import.dry_run(session, root=root, file=file)
        for problem in plan.problems:
            print(describe(t, problem))
        print(
            f"{len(plan.create)} to add, {len(plan.update)} to change, "
            f"{plan.unchanged} unchanged, {len(plan.problems)} problem(s)"
        )
        if plan.problems or not args.confirm:
            session.rollback()
            return 1 if plan.problems else 0
        result = roster_import.apply(session, root=root, file=file, now=utcnow())
        print(f"imported: {result.created} added, {result.updated} changed")
        return 0

    return _in_session(work)


def _rename(session: Session, unit: UnionUnit, to: str) -> None:
    fields = units.UnitFields(name=to, kind=unit.kind)
    units.change(session, unit=unit, fields=fields, by=None, now=utcnow())


def _move(session: Session, unit: UnionUnit, to: str) -> None:
    parent = members.find_unit(session, ref=to)
    units.move(session, unit=unit, parent=parent, by=None, now=utcnow())


def _merge(session: Session, unit: UnionUnit, to: str) -> None:
    into = members.find_unit(session, ref=to)
    units.merge(session, unit=unit, into=into, by=None, now=utcnow())


def _close(session: Session, unit: UnionUnit, _to: str) -> None:
    units.close(session, unit=unit, by=None, now=utcnow())


def _join_mode(session: Session, unit: UnionUnit, mode: str) -> None:
    chosen = JoinMode(mode.replace("-", "_"))
    units.set_join_mode(session, unit=unit, mode=chosen, by=None, now=utcnow())


Change = Callable[[Session, UnionUnit, str], None]
ACTIONS: dict[str, tuple[Change, str | None, list[str] | None]] = {
    "rename": (_rename, "the new name", None),
    "move": (_move, "the unit to hang it under", None),
    "merge": (_merge, "the unit it becomes part of", None),
    "close": (_close, None, None),
    "join-mode": (
        _join_mode,
        "open, or roster-only: people not on the roster wait for approval",
        ["open", "roster-only"],
    ),
}


def _unit_change(args: argparse.Namespace) -> int:
    def work(session: Session, _settings: Settings, _t: Translator) -> int:
        unit = members.find_unit(session, ref=args.unit)
        ACTIONS[args.action][0](session, unit, getattr(args, "to", ""))
        print(f"{args.action}: done")
        return 0

    return _in_session(work)


def _create(args: argparse.Namespace) -> int:
    def work(session: Session, _settings: Settings, _t: Translator) -> int:
        parent = members.find_unit(session, ref=args.parent)
        fields = units.UnitFields(
            name=args.name.strip(),
            kind=UnitKind(args.kind),
            code=args.code,
            enterprise_type=EnterpriseType(args.enterprise_type) if args.enterprise_type else None,
            declared_members=args.members,
            declared_on=_day(args.on) if args.members is not None else None,
        )
        unit = units.create(session, parent=parent, fields=fields, by=None, now=utcnow())
        print(f"created: #{unit.id} {unit.name} under {parent.name}")
        return 0

    return _in_session(work)


def _set(args: argparse.Namespace) -> int:
    """The kind, enterprise type, code and declared membership of a unit (None: unchanged)."""

    def work(session: Session, _settings: Settings, _t: Translator) -> int:
        unit = members.find_unit(session, ref=args.unit)
        fields = units.UnitFields(
            name=unit.name,
            kind=UnitKind(args.kind) if args.kind else unit.kind,
            code=args.code,
            enterprise_type=EnterpriseType(args.enterprise_type) if args.enterprise_type else None,
            declared_members=args.members,
            declared_on=_day(args.on) if args.members is not None else None,
        )
        units.change(session, unit=unit, fields=fields, by=None, now=utcnow())
        print(f"changed: #{unit.id} {unit.name}")
        return 0

    return _in_session(work)


def _day(raw: str | None) -> date:
    """dd/mm/yyyy (the declared membership's date); none: today."""
    if not raw:
        return utcnow().date()
    try:
        return datetime.strptime(raw, "%d/%m/%Y").date()
    except ValueError as exc:
        raise DomainError("bad_date", f"not a dd/mm/yyyy date: {raw!r}") from exc


def _unit_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--enterprise-type", choices=[e.value for e in EnterpriseType])
    command.add_argument("--code", help="the union's own code for the unit")
    command.add_argument("--members", type=int, help="the declared membership")
    command.add_argument("--on", help="the date of the declared membership (dd/mm/yyyy; today)")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("org", help="the union tree and rosters (import from Excel, changes)")
    org = parser.add_subparsers(dest="org_command", required=True, metavar="ACTION")
    template = org.add_parser("template", help="write an empty spreadsheet to fill in")
    template.add_argument("kind", choices=["tree", "roster"])
    template.add_argument("--out", help="where to write the .xlsx")
    template.set_defaults(run=_template)
    for name, run, what in (
        ("import-tree", _import_tree, "units"),
        ("import-roster", _import_roster, "members"),
    ):
        command = org.add_parser(name, help=f"import {what} from an .xlsx or .csv (dry run)")
        command.add_argument("file")
        command.add_argument("--unit", required=True, help="the importing unit's id or name")
        command.add_argument("--confirm", action="store_true", help="write it, after a dry run")
        command.set_defaults(run=run)
    create = org.add_parser("create", help="create a unit under another (recorded)")
    create.add_argument("parent", help="the unit above: its id or exact name")
    create.add_argument("name")
    create.add_argument("--kind", required=True, choices=[k.value for k in UnitKind])
    _unit_options(create)
    create.set_defaults(run=_create)
    change = org.add_parser(
        "set", help="a unit's kind, enterprise type, code or declared membership (recorded)"
    )
    change.add_argument("unit", help="the unit's id or exact name")
    change.add_argument("--kind", choices=[k.value for k in UnitKind])
    _unit_options(change)
    change.set_defaults(run=_set)
    for action, (_change, to_help, choices) in ACTIONS.items():
        command = org.add_parser(action, help=f"{action} a unit (recorded)")
        command.add_argument("unit", help="the unit's id or exact name")
        if to_help:
            command.add_argument("to", help=to_help, choices=choices)
        command.set_defaults(run=_unit_change, action=action)
