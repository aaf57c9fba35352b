"""Every benchmark in bench/ imports on a clean clone: the suite does not run them, so a file
one of them imports but that was never committed would otherwise go unnoticed until someone
measures (bench/seeding.py once did)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize("name", sorted(p.stem for p in BENCH.glob("*.py")))
def test_benchmark_module_imports(name: str):
    importlib.import_module(f"bench.{name}")
