"""The shape issue #13 asked for, kept true: typed routes, small functions (80 lines in core/
and bots/, 60 in the admin API and web routes), no package cycles (bots/ has its own:
tests/unit/test_bots_shape.py).

Read as source, not run: each rule names the places that break it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_FUNCTION_LINES = 80  # core/ and bots/, migrations apart
MAX_ROUTE_LINES = 60  # the admin API and the web desk's routes
ROUTE_PACKAGES = ("bots/api", "bots/web/routes")


def sources(*packages: str) -> Iterator[Path]:
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"


def long_functions(paths: Iterator[Path], limit: int) -> list[str]:
    """Every function (nested ones too) longer than `limit` lines, with its place."""
    return [
        f"{where(path, node)} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in paths
        for node in ast.walk(parsed(path))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > limit
    ]


def test_no_function_in_core_or_bots_is_longer_than_80_lines():
    assert long_functions(sources("core", "bots"), MAX_FUNCTION_LINES) == []


def test_no_route_function_is_longer_than_60_lines():
    assert long_functions(sources(*ROUTE_PACKAGES), MAX_ROUTE_LINES) == []


def _routes_in_functions(path: Path) -> Iterator[str]:
    """Route handlers declared inside a function (a router factory's closures)."""
    for outer in ast.walk(parsed(path)):
        if not isinstance(outer, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(outer):
            if inner is not outer and isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef):
                decorators = [ast.unparse(d) for d in inner.decorator_list]
                if any(d.startswith(("router.", "app.")) for d in decorators):
                    yield f"{where(path, inner)} {inner.name} in {outer.name}"


def test_routes_are_declared_at_module_level():
    found = [place for path in sources(*ROUTE_PACKAGES) for place in _routes_in_functions(path)]
    assert found == []


def test_the_size_rules_see_every_route_package():
    assert all((ROOT / package).is_dir() for package in ROUTE_PACKAGES)
    assert [p for p in sources("bots/api") if p.name != "__init__.py"]


def _dialect_inserts(path: Path) -> list[str]:
    """Where a module builds a dialect's insert itself (postgresql.insert, sqlite.insert, or
    either imported from its dialect)."""
    found = []
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            ("sqlalchemy.dialects.postgresql", "sqlalchemy.dialects.sqlite")
        ):
            if any(alias.name == "insert" for alias in node.names):
                found.append(where(path, node))
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "insert"
            and isinstance(node.value, ast.Name)
            and node.value.id in ("postgresql", "sqlite")
        ):
            found.append(where(path, node))
    return found


def test_only_the_helper_builds_a_dialects_insert():
    helper = ROOT / "core/storage/upsert.py"
    found = [
        place
        for path in sources("core", "bots", "scheduler", "adapters")
        if path != helper
        for place in _dialect_inserts(path)
    ]
    assert found == []
    assert len(_dialect_inserts(helper)) == 2  # the rule sees what it looks for


def test_no_branch_on_an_action_string():
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sources("core", "bots")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\baction\s*(==|in)\s*[\"'(]", line)
    ]
    assert found == []


def _spelt_payloads(path: Path) -> Iterator[str]:
    """Button(label, <a string or f-string>): a payload spelt outside the feature's buttons.py."""
    for node in ast.walk(parsed(path)):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name == "Button" and isinstance(node.args[1], ast.JoinedStr | ast.Constant):
            yield where(path, node)


def test_payloads_are_spelt_only_in_buttons_modules():
    found = [
        place
        for path in sources("core")
        if path.name != "buttons.py"
        for place in _spelt_payloads(path)
    ]
    assert found == []


def test_no_legacy_routes_or_untyped_steps():
    legacy = re.compile(r"@router\.(payload|flow)\(|\bconv\.(start|goto)\(|\bctx\.conv\.data\b")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sources("core")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if legacy.search(line)
    ]
    assert found == []


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "core" and len(parts) > 1 else None


def core_package_graph() -> dict[str, set[str]]:
    """core's packages and top-level modules, and which of them each imports at run time."""
    graph: dict[str, set[str]] = {}
    for path in sources("core"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if len(parts) < 2 or parts[1] == "__init__":
            continue
        own = parts[1]
        edges = graph.setdefault(own, set())
        tree = parsed(path)
        for node in ast.walk(tree):  # imports for type checking only do not run
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                node.body = [ast.Pass()]
        for node in ast.walk(tree):
            modules: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            for module in modules:
                other = _package_of(module)
                if other is not None and other != own:
                    edges.add(other)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_core_packages_import_each_other_one_way():
    assert cycles(core_package_graph()) == []
