"""`thidua worker --platforms`: delivery loops for the chosen messengers only."""

from __future__ import annotations

import subprocess
import sys

from bots.bootstrap import Runtime
from bots.worker import per_platform


def test_per_platform_keeps_only_the_chosen(runtime: Runtime) -> None:
    assert [w.platforms for w in per_platform(runtime)] == [["webchat"]]
    assert [w.platforms for w in per_platform(runtime, ["webchat"])] == [["webchat"]]
    assert per_platform(runtime, ["telegram"]) == []  # not configured here: no loop


def test_unknown_platform_is_refused_with_its_name(database_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bots", "worker", "--platforms", "webchat,zallo"],
        env={"THIDUA_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "no channel zallo here (configured: webchat)" in done.stderr
