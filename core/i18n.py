"""Babel catalogs and locale-aware formatting.

Message ids are English (the gettext convention); `vi` is the default locale. The `.po` files
under `locales/` are compiled in memory when the catalogs are loaded, so no build step is
needed and a stale `.mo` can never be served.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import NullTranslations, Translations

SUPPORTED_LOCALES = ("vi", "en")
BABEL_LOCALES = {"vi": "vi_VN", "en": "en_US"}
# Vietnamese dates as people write them (docs/style.md): a day "02/12/2026", a moment
# "02/12/2026 08:05", a day with its weekday "thứ Tư, 02/12/2026".
DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "medium"}
DATETIME_PATTERNS = {"vi": "dd/MM/yyyy HH:mm", "en": "short"}
WEEKDAY_PATTERNS = {"vi": "EEEE, dd/MM/yyyy", "en": "EEEE, MMM d, yyyy"}
DAY_MONTH_PATTERNS = {"vi": "dd/MM", "en": "MMM d"}


@cache
def _babel_locale(locale: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[locale])


@cache
def _int_symbols(locale: str) -> tuple[str, str]:
    """The group separator and minus sign of the locale's decimal format, whose integer part
    groups digits by three in both locales (tests/unit/test_i18n_numbers.py holds it)."""
    symbols = _babel_locale(locale).number_symbols["latn"]
    return symbols["group"], symbols["minusSign"]


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; translate it where it is shown."""
    return message


def load_catalog(locales_dir: Path, locale: str) -> Catalog:
    """Merge every `.po` file of a locale: each feature keeps its own file (messages.po for
    the foundation, campaigns.po, telegram.po ...), so that no two features edit one file.

    The same msgid may stand in two files only with the same translation; two different
    translations of one msgid would make one feature's text silently wrong, so they are refused.
    """
    merged = Catalog(locale=locale)
    origin: dict[object, str] = {}
    folder = locales_dir / locale / "LC_MESSAGES"
    for po_path in sorted(folder.glob("*.po")):
        with po_path.open("rb") as fh:
            part = read_po(fh, locale=locale)
        for message in part:
            if not message.id:
                continue
            existing = merged.get(message.id)
            if existing is not None and existing.string != message.string:
                raise ValueError(
                    f"{locale}: {message.id!r} is translated differently in "
                    f"{origin[message.id]} and {po_path.name}"
                )
            merged.add(message.id, message.string)
            origin[message.id] = po_path.name
    return merged


class Catalogs:
    def __init__(self, locales_dir: Path, default_locale: str = "vi") -> None:
        if default_locale not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {default_locale!r}")
        self.default_locale = default_locale
        self._translations: dict[str, NullTranslations] = {}
        for locale in SUPPORTED_LOCALES:
            catalog = load_catalog(locales_dir, locale)
            buf = io.BytesIO()
            write_mo(buf, catalog)
            buf.seek(0)
            self._translations[locale] = Translations(buf)

    def resolve(self, locale: str | None) -> str:
        if locale in SUPPORTED_LOCALES:
            return locale  # type: ignore[return-value]
        if locale and locale[:2].lower() in SUPPORTED_LOCALES:
            return locale[:2].lower()
        return self.default_locale

    def translator(self, locale: str | None, timezone: str = "Asia/Ho_Chi_Minh") -> Translator:
        code = self.resolve(locale)
        return Translator(code, self._translations[code], ZoneInfo(timezone))


@dataclass(frozen=True)
class Translator:
    locale: str
    translations: NullTranslations
    tz: ZoneInfo

    def gettext(self, message: str, **params: object) -> str:
        text = self.translations.gettext(message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        text = self.translations.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **params)

    @property
    def babel_locale(self) -> Locale:
        return _babel_locale(self.locale)

    def datetime(self, value: datetime) -> str:
        pattern = DATETIME_PATTERNS[self.locale]
        return format_datetime(value, pattern, tzinfo=self.tz, locale=self.babel_locale)

    def date(self, value: date | datetime) -> str:
        return format_date(self._day(value), DATE_PATTERNS[self.locale], locale=self.babel_locale)

    def weekday_date(self, value: date | datetime) -> str:
        """The day with its weekday: "thứ Tư, 02/12/2026" (Babel capitalises Vietnamese
        weekdays; in the middle of a sentence they are written in lower case)."""
        pattern = WEEKDAY_PATTERNS[self.locale]
        text = format_date(self._day(value), pattern, locale=self.babel_locale)
        return text[0].lower() + text[1:] if self.locale == "vi" else text

    def day_month(self, value: date | datetime) -> str:
        """A day of this year, short (chart axes): "30/11"."""
        pattern = DAY_MONTH_PATTERNS[self.locale]
        return format_date(self._day(value), pattern, locale=self.babel_locale)

    def _day(self, value: date | datetime) -> date:
        if isinstance(value, datetime):
            return value.astimezone(self.tz).date()
        return value

    def percent(self, part: int | float, whole: int | float = 1) -> str:
        """A share as a percentage with at most one decimal: "37,5 %" is written "37,5%" in
        Vietnamese (comma decimal), "37.5%" in English; "–" when there is no whole."""
        if not whole:
            return "–"
        return format_percent(part / whole, "#,##0.#%", locale=self.babel_locale)

    def number(self, value: int | float | Decimal) -> str:
        if type(value) is int:  # points and counts, several in a reply: as Babel writes them
            group, minus = _int_symbols(self.locale)
            text = f"{abs(value):,}".replace(",", group)
            return minus + text if value < 0 else text
        return format_decimal(value, locale=self.babel_locale)

    def money(self, vnd: int | Decimal) -> str:
        return format_currency(vnd, "VND", locale=self.babel_locale)
