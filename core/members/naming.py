"""A typed name shown back to be confirmed, while joining and with /name: what the answer
says, the buttons, and the words for a text that is not a name.

The question offers «Đúng» and «Nhập lại»; a person may tap, type a label or its number
(where choices are numbered), type a yes («đúng rồi», «ok») or a no («sửa», «không»), or type
the name again, which is then shown back in its turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.chat import choices
from core.chat.buttons import BadPayload
from core.chat.render import choices_of
from core.dispatch import Context, button
from core.members.buttons import JoinName, NewName
from core.members.rules import marked_words, name_reply, typed_name_problem
from core.messages import Button
from core.text import clean, has_letter


class Said(StrEnum):
    KEEP = "keep"  # the name shown is right
    RETYPE = "retype"  # ask for the name again
    NAME = "name"  # another name was typed: show it back
    UNCLEAR = "unclear"  # neither, nor a name: ask again


@dataclass(frozen=True)
class Answer:
    said: Said
    name: str = ""  # the name typed instead (NAME)
    problem: str | None = None  # why the text is not a name (UNCLEAR), see `problem_text`


def problem_text(ctx: Context, problem: str) -> str:
    _ = ctx.t.gettext
    return {
        "name_empty": _("Please write your name in letters."),
        "name_too_long": _("That is longer than a name can be here (100 characters at most)."),
        "name_too_short": _("That seems too short for a full name."),
        "name_characters": _("A name can have letters, spaces, dots, dashes and apostrophes only."),
        "name_is_a_reply": _("That looks like an answer rather than your name."),
    }.get(problem, _("Please write your name in letters."))


def _labels(ctx: Context) -> tuple[str, str]:
    _ = ctx.t.gettext
    return _("That's right"), _("Type it again")


def buttons(ctx: Context, kind: type[JoinName | NewName]) -> tuple[Button, Button]:
    keep, retype = _labels(ctx)
    return button(keep, kind(keep=True)), button(retype, kind(keep=False))


def tapped(ctx: Context, data: JoinName | NewName) -> Answer:
    """A tap, or a label typed. The dispatcher reads typed labels without diacritics, so a name
    typed as «Dũng» arrives as «Đúng»: a text that is not the label itself, nor a yes or a no,
    but a name, is that name."""
    text = ctx.text
    label = _labels(ctx)[0 if data.keep else 1]
    if (
        text
        and marked_words(text) != marked_words(label)
        and name_reply(text) is None
        and typed_name_problem(text) is None
    ):
        return Answer(Said.NAME, name=clean(text))
    return Answer(Said.KEEP if data.keep else Said.RETYPE)


def typed(ctx: Context, kind: type[JoinName | NewName]) -> Answer:
    """What was typed at the question when the dispatcher took it for neither label: a
    choice's number, a yes or a no in words, another name, or none of these."""
    if ctx.message.payload is not None:  # a button of another question
        return Answer(Said.UNCLEAR)
    chosen = _by_number(ctx, kind)
    if chosen is not None:
        return Answer(Said.KEEP if chosen.keep else Said.RETYPE)
    said = name_reply(ctx.text)
    if said is not None:
        return Answer(Said(said))
    problem = typed_name_problem(ctx.text)
    if problem is not None:
        return Answer(Said.UNCLEAR, problem=problem)
    return Answer(Said.NAME, name=clean(ctx.text))


def _by_number(ctx: Context, kind: type[JoinName | NewName]) -> JoinName | NewName | None:
    """The choice typed by its number where the choices were numbered (Zalo Bot, `thidua
    chat`); a name always has letters, so only a text without any is read so."""
    prompt = ctx.conv.prompt
    if prompt is None or not ctx.text or has_letter(ctx.text):
        return None
    offered = choices_of(prompt)
    index = choices.match(ctx.text, [b.label for b in offered], positional=True)
    if index is None:
        return None
    try:
        return kind.unpack(offered[index].payload)
    except BadPayload:
        return None
