"""Every user-facing string is in both catalogs, translated, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from core.i18n import SUPPORTED_LOCALES, Catalogs, load_catalog

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def extracted_ids() -> dict[str, str]:
    found: dict[str, str] = {}
    for package in ("core", "adapters", "bots", "scheduler"):
        for filename, _lineno, message, _comments, _ctx in extract_from_dir(
            ROOT / package, method_map=METHODS, keywords=KEYWORDS
        ):
            ids = message if isinstance(message, tuple) else (message,)
            for msgid in ids:
                if msgid:
                    found[msgid] = f"{package}/{filename}"
    return found


def test_extraction_finds_the_foundation_strings():
    ids = extracted_ids()
    assert "What would you like to do?" in ids
    assert len(ids) > 80


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_message_is_translated(locale: str):
    catalog = load_catalog(LOCALES, locale)
    missing = [
        f"{where}: {msgid!r}"
        for msgid, where in sorted(extracted_ids().items())
        if msgid not in catalog or not catalog[msgid].string
    ]
    assert not missing, f"missing from locales/{locale}:\n" + "\n".join(missing)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_translations_keep_the_placeholders(locale: str):
    wrong = [
        message.id
        for message in load_catalog(LOCALES, locale)
        if message.id
        and isinstance(message.id, str)
        and message.string
        and set(PLACEHOLDER.findall(message.id)) != set(PLACEHOLDER.findall(str(message.string)))
    ]
    assert not wrong


def test_vietnamese_is_the_default_and_differs_from_english():
    catalogs = Catalogs(LOCALES)
    vi = catalogs.translator(None)
    en = catalogs.translator("en")
    assert vi.locale == "vi"
    assert vi.gettext("Help") == "Hướng dẫn"
    assert en.gettext("Help") == "Help"
    assert catalogs.translator("en-US").locale == "en"
    assert catalogs.translator("fr").locale == "vi"


def test_babel_formats_in_the_members_locale():
    from datetime import UTC, datetime

    catalogs = Catalogs(LOCALES)
    moment = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)  # 01:30 on the 25th in Hà Nội
    assert catalogs.translator("vi").date(moment) == "25/11/2026"
    assert catalogs.translator("vi").weekday_date(moment) == "thứ Tư, 25/11/2026"
    assert catalogs.translator("vi").datetime(moment) == "25/11/2026 01:30"
    assert catalogs.translator("vi").percent(3, 8) == "37,5%"
    assert catalogs.translator("en").percent(3, 8) == "37.5%"
    assert catalogs.translator("en").date(moment) == "Nov 25, 2026"
    assert catalogs.translator("vi").money(1_500_000) == "1.500.000\xa0₫"
    assert catalogs.translator("vi").number(1234.5) == "1.234,5"


def test_a_msgid_in_two_files_must_agree(tmp_path: Path):
    for locale in SUPPORTED_LOCALES:
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        for name in ("a.po", "b.po"):
            (folder / name).write_text('msgid "Hello"\nmsgstr "Hi"\n', encoding="utf-8")
    assert Catalogs(tmp_path).translator("en").gettext("Hello") == "Hi"
    (tmp_path / "vi" / "LC_MESSAGES" / "b.po").write_text(
        'msgid "Hello"\nmsgstr "Chào"\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"translated differently in a\.po and b\.po"):
        Catalogs(tmp_path)
