"""Reading posted form fields into plain values (a bad value is a 422 page, never a crash)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from bots.web.context import WebProblem

MAX_FIELD = 5000


def text(form: FormData, name: str, *, limit: int = MAX_FIELD) -> str:
    value = form.get(name)
    return str(value)[: limit + 1] if isinstance(value, str) else ""


def day(form: FormData, name: str) -> date | None:
    raw = text(form, name).strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise WebProblem(422, "bad_date") from exc


def integer(form: FormData, name: str) -> int:
    raw = text(form, name).strip()
    try:
        return int(raw)
    except ValueError as exc:
        raise WebProblem(422, "bad_number") from exc


def local_moment(form: FormData, name: str, timezone: str) -> datetime | None:
    """A `datetime-local` field, read in the union's time zone."""
    raw = text(form, name).strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise WebProblem(422, "bad_date") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment
