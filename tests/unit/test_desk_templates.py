"""The desk's pages import the shared macros without their context (bots/web/context.py):
imported with it, each page made a module whose macros and context referred to each other, a
reference cycle holding everything the page was given until the garbage collector freed it.
Rendered, a page leaves no such cycle behind, and the macros still write the page's words and
CSRF token."""

from __future__ import annotations

import gc
import re
from pathlib import Path
from types import SimpleNamespace

import jinja2

from bots.web.context import _RENDERING, TEMPLATES, _csrf_token, _PageTranslator, _words
from core.i18n import Catalogs

IMPORT = re.compile(r"\{%-?\s*(from|import)\s+\"_macros\.html\"[^%]*%\}")


def test_no_page_imports_the_macros_with_its_context():
    for page in sorted(TEMPLATES.glob("*.html")):
        for found in IMPORT.finditer(page.read_text(encoding="utf-8")):
            assert "with context" not in found.group(0), page.name


def test_a_page_with_the_shared_macros_leaves_no_cycle_and_has_its_words_and_token():
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined
    )
    env.globals.update(_=_words, t=_PageTranslator(), csrf_token=_csrf_token)
    page = env.from_string(
        '{% from "_macros.html" import hidden_csrf, status_badge %}'
        "{{ hidden_csrf() }}{{ status_badge('running') }}{{ rows|length }}"
    )
    t = Catalogs(Path("locales")).translator("vi")
    token = _RENDERING.set((t, "the-token"))
    try:
        page.render(rows=[SimpleNamespace() for _ in range(3)])  # the module is made once
        gc.collect()
        gc.disable()
        try:
            html = page.render(rows=[SimpleNamespace() for _ in range(3)])
            assert gc.collect() == 0
        finally:
            gc.enable()
    finally:
        _RENDERING.reset(token)
    assert 'value="the-token"' in html
    assert t.gettext("running now") in html
