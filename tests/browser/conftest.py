"""Browser tests drive Debian's chromium through Playwright (never `playwright install`).
Playwright's sync API runs an event loop of its own while it is open, so each test opens and
closes it: the anyio tests that follow need the thread's loop free."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run installs Debian's chromium")
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def pages(browser, request: pytest.FixtureRequest) -> Iterator[list[object]]:  # type: ignore[no-untyped-def]
    """Browser pages opened by a test; on failure each one's screenshot goes to test-artifacts/."""
    opened: list[object] = []
    contexts: list[object] = []

    def open_page(width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
        context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True
        )  # type: ignore[attr-defined]
        contexts.append(context)
        page = context.new_page()
        opened.append(page)
        return page

    yield open_page  # type: ignore[misc]
    if request.node.stash.get(FAILED, False):
        ARTIFACTS.mkdir(exist_ok=True)
        for n, page in enumerate(opened):
            path = ARTIFACTS / f"{request.node.name}-{n}.png"
            page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    for context in contexts:
        context.close()  # type: ignore[attr-defined]
