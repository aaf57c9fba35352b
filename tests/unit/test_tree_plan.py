"""The dry run of a union tree import: what it would create, change and leave alone."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from core.members.models import EnterpriseType, UnitKind
from core.organisation.tree_plan import ExistingUnit, TreePlan, plan_tree
from core.organisation.tree_rules import UnitRow, read_tree_header, read_unit_row

TODAY = date(2026, 12, 2)
ROOT = ExistingUnit(1, None, "LĐLĐ tỉnh Bình Dương", UnitKind.PROVINCIAL_FEDERATION)


def rows(*lines: list[str]) -> list[UnitRow]:
    header = ["Tên đơn vị", "Đơn vị cấp trên", "Loại đơn vị", "Loại hình", "Số đoàn viên"]
    layout, problems = read_tree_header(header)
    assert problems == []
    out = []
    for number, cells in enumerate(lines, start=2):
        row, problems = read_unit_row(number, cells, layout, today=TODAY)
        assert problems == [], problems
        assert row is not None
        out.append(row)
    return out


def applied(existing: list[ExistingUnit], plan: TreePlan) -> list[ExistingUnit]:
    """The units after the plan, as the service would write them."""
    units = {u.id: u for u in existing}
    ids: dict[int, int] = {}
    for change in plan.update + plan.unchanged:
        assert change.unit_id is not None
        ids[change.row.row] = change.unit_id
    pending = list(plan.create)
    while pending:
        change = pending.pop(0)
        parent = change.parent.unit_id
        if change.parent.row is not None:
            if change.parent.row not in ids:
                pending.append(change)
                continue
            parent = ids[change.parent.row]
        new_id = max(units) + 1
        ids[change.row.row] = new_id
        row = change.row
        units[new_id] = ExistingUnit(
            new_id,
            parent,
            row.name,
            row.kind,
            row.code,
            row.enterprise_type,
            row.declared_members,
            row.declared_on,
        )
    for change in plan.update:
        row, unit = change.row, units[change.unit_id]  # type: ignore[index]
        parent = change.parent.unit_id if change.parent.row is None else ids[change.parent.row]
        units[unit.id] = ExistingUnit(
            unit.id,
            parent,
            row.name,
            row.kind,
            row.code or unit.code,
            row.enterprise_type or unit.enterprise_type,
            row.declared_members or unit.declared_members,
            row.declared_on or unit.declared_on,
        )
    return list(units.values())


def test_a_new_tree_is_created_under_the_officers_unit_and_a_second_import_changes_nothing():
    file = rows(
        ["Công đoàn các KCN", "", "Công đoàn cấp trên cơ sở", "", ""],
        ["CĐCS Công ty Minh Phát", "Công đoàn các KCN", "CĐCS", "Doanh nghiệp tư nhân", "1.250"],
        ["Tổ Cơ khí 1", "CĐCS Công ty Minh Phát", "Tổ công đoàn", "", "40"],
    )
    plan = plan_tree(1, [ROOT], file)
    assert plan.problems == []
    assert [c.row.name for c in plan.create] == [r.name for r in file]
    assert plan.create[1].row.declared_members == 1250
    assert plan.create[1].row.enterprise_type is EnterpriseType.PRIVATE
    after = applied([ROOT], plan)
    again = plan_tree(1, after, file)
    assert (again.create, again.update, again.problems) == ([], [], [])
    assert len(again.unchanged) == 3


def test_an_updated_file_changes_only_what_changed_and_moves_a_unit_with_its_place():
    first = rows(
        ["KCN A", "", "Công đoàn cấp trên cơ sở", "", ""],
        ["KCN B", "", "Công đoàn cấp trên cơ sở", "", ""],
        ["CĐCS X", "KCN A", "CĐCS", "FDI", "100"],
    )
    after = applied([ROOT], plan_tree(1, [ROOT], first))
    second = rows(
        ["KCN A", "", "Công đoàn cấp trên cơ sở", "", ""],
        ["KCN B", "", "Công đoàn cấp trên cơ sở", "", ""],
        ["CĐCS X", "KCN B", "CĐCS", "FDI", "120"],
    )
    plan = plan_tree(1, after, second)
    assert plan.create == [] and plan.problems == []
    (moved,) = plan.update
    assert moved.row.name == "CĐCS X" and moved.fields == ("parent", "declared_members")


def test_every_bad_row_is_named_and_the_rows_below_it_wait():
    file = rows(
        ["A", "B", "Công đoàn cấp trên cơ sở", "", ""],
        ["B", "A", "Công đoàn cấp trên cơ sở", "", ""],  # A under B under A
        ["C", "Nowhere", "CĐCS", "", ""],  # no such parent
        ["D", "C", "Tổ công đoàn", "", ""],  # under a refused row
        ["E", "", "CĐCS", "", ""],
        ["E", "", "CĐCS", "", ""],  # the same unit twice under one parent
    )
    plan = plan_tree(1, [ROOT], file)
    assert sorted((p.row, p.code) for p in plan.problems) == [
        (2, "unit_cycle"),
        (3, "unit_cycle"),
        (4, "parent_unknown"),
        (5, "parent_row_refused"),
        (7, "unit_twice"),
    ]
    assert [c.row.name for c in plan.create] == ["E"]


def test_a_parent_named_twice_must_be_given_by_its_code():
    existing = [
        ROOT,
        ExistingUnit(2, 1, "Tổ 1", UnitKind.UNION_GROUP),
        ExistingUnit(3, 1, "Tổ 1", UnitKind.UNION_GROUP),
    ]
    plan = plan_tree(1, existing, rows(["Nhóm", "Tổ 1", "Tổ công đoàn", "", ""]))
    assert [(p.row, p.code) for p in plan.problems] == [(2, "parent_ambiguous")]


names = st.sampled_from(
    ["Tổ 1", "Tổ 2", "CĐCS Minh Phát", "CĐCS Hòa Bình", "KCN Sóng Thần", "Công đoàn ngành Y tế"]
)


@st.composite
def trees(draw) -> list[list[str]]:
    count = draw(st.integers(min_value=1, max_value=6))
    chosen = draw(st.lists(names, min_size=count, max_size=count, unique=True))
    lines = []
    for i, name in enumerate(chosen):
        parent = draw(st.sampled_from(["", *chosen[:i]]))
        kind = draw(st.sampled_from(["CĐCS", "Tổ công đoàn", "Công đoàn cấp trên cơ sở"]))
        lines.append([name, parent, kind, "", str(draw(st.integers(0, 5000)))])
    return lines


@given(trees())
def test_importing_the_same_tree_twice_plans_nothing_the_second_time(lines):
    file = rows(*lines)
    plan = plan_tree(1, [ROOT], file)
    assert plan.problems == [] and len(plan.create) == len(file)
    again = plan_tree(1, applied([ROOT], plan), file)
    assert (again.create, again.update, again.problems) == ([], [], [])
