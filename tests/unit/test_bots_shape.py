"""The shape of bots/ stays as issue 13 left it: no import inside a function (the old circle
was dodged that way) except for optional dependencies, and no cycle between its modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from bots.cli import COMMANDS, build_parser

BOTS = Path(__file__).resolve().parents[2] / "bots"
# Modules that may be missing from an installation, imported only where they are used.
OPTIONAL: frozenset[str] = frozenset()


def _module_name(path: Path) -> str:
    parts = path.relative_to(BOTS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text(), str(p)) for p in sorted(BOTS.rglob("*.py"))}


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _imported(node: ast.Import | ast.ImportFrom, module: str, modules: set[str]) -> set[str]:
    """The modules of bots/ that an import statement loads."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in modules}
    base = node.module or ""
    if node.level:
        package = module.split(".")[: -node.level] if node.level else []
        base = ".".join([*package, base] if base else package)
    found = {f"{base}.{alias.name}" for alias in node.names} & modules
    return found or ({base} & modules)


def test_no_import_inside_a_function() -> None:
    found = []
    for module, tree in _sources().items():
        for function in _functions(tree):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                    top = (getattr(node, "module", None) or names[0]).split(".")[0]
                    if top not in OPTIONAL:
                        found.append(f"{module}.{function.name}: line {node.lineno}")
    assert found == [], "imports inside functions in bots/: " + ", ".join(found)


def _graph() -> dict[str, set[str]]:
    sources = _sources()
    modules = set(sources)
    graph: dict[str, set[str]] = {}
    for module, tree in sources.items():
        edges: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges |= _imported(node, module, modules)
        graph[module] = edges - {module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _packages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The same graph between bots' direct children (bots.web, bots.api, bots.cli ...)."""

    def top(module: str) -> str:
        return ".".join(module.split(".")[:2])

    collapsed: dict[str, set[str]] = {}
    for module, edges in graph.items():
        if module == "bots":
            continue
        collapsed.setdefault(top(module), set()).update(top(e) for e in edges if e != "bots")
    return {k: v - {k} for k, v in collapsed.items()}


def test_no_cycle_between_modules_of_bots() -> None:
    assert _cycles(_graph()) == []


def test_no_cycle_between_packages_of_bots() -> None:
    assert _cycles(_packages(_graph())) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"bots.a": {"bots.b"}, "bots.b": {"bots.c.x"}, "bots.c.x": {"bots.a"}, "bots.d": set()}
    assert _cycles(graph) == [["bots.a", "bots.b", "bots.c.x"]]
    assert _cycles(_packages({"bots.c.x": {"bots.d.y"}, "bots.d.y": {"bots.c.z"}})) == [
        ["bots.c", "bots.d"]
    ]


def test_a_command_imports_only_its_own_module() -> None:
    """bots/cli/<name>.py registers the command <name> (bots.cli.COMMANDS: every module of
    bots/cli but the polling helper), and `thidua worker`, started again after a crash
    (docs/benchmarks.md, P7), imports neither the web app nor a spreadsheet library."""
    commands = {p.stem for p in (BOTS / "cli").glob("*.py")} - {"__init__", "polling"}
    assert sorted(COMMANDS) == sorted(commands)
    every = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert list(every) == COMMANDS
    for name in COMMANDS:
        alone = build_parser(name)._subparsers._group_actions[0].choices  # type: ignore[union-attr]
        assert list(alone) == [name]
    probe = (
        "import sys; from bots.cli import build_parser; build_parser('worker'); "
        "print(sorted(m for m in ('bots.app', 'bots.web', 'bots.api', 'jinja2', "
        "'openpyxl', 'alembic', 'uvicorn') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=BOTS.parent
    )
    assert loaded.stdout.strip() == "[]"
