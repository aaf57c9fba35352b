"""Initiatives (sáng kiến, giải pháp): submitted by chat, reviewed by the unit's officers,
rewarded from the grassroots unit's agreed table (reward_bands.py).

Other packages use only the names below: the services (drafts, workflow, reward_bands,
reminders, people), the words for their refusals, and the types they return.
"""

from core.initiatives import attachments, rules, texts
from core.initiatives.buttons import MonthReport
from core.initiatives.chat import routers
from core.initiatives.drafts import (
    MAX_TEXT,
    add_coauthor,
    attachments_of,
    check_text,
    draft_of,
    start_draft,
)
from core.initiatives.models import Initiative, InitiativeAttachment, InitiativeEvent
from core.initiatives.notify import Notifier, notifier
from core.initiatives.people import (
    author_names,
    authors_of,
    grassroots_of,
    name_shown,
    officers_for_assignment,
    reviewers,
    set_name_shown,
    unit_members,
)
from core.initiatives.problems import TEXTS as PROBLEM_TEXTS
from core.initiatives.problems import problem_text
from core.initiatives.reminders import send_review_reminders
from core.initiatives.reward_bands import (
    Reward,
    bands_of,
    compute_reward,
    set_reward_table,
    table_by_id,
    table_in_force,
)
from core.initiatives.rules import OPEN, Band, BenefitKind, Status, normalised
from core.initiatives.workflow import (
    accept,
    answer_info,
    ask_info,
    assign,
    get,
    history_of,
    in_scope,
    mark_applied,
    reject,
    start_review,
    submit,
)

__all__ = [
    "MAX_TEXT",
    "OPEN",
    "PROBLEM_TEXTS",
    "Band",
    "BenefitKind",
    "Initiative",
    "InitiativeAttachment",
    "InitiativeEvent",
    "MonthReport",
    "Notifier",
    "Reward",
    "Status",
    "accept",
    "add_coauthor",
    "answer_info",
    "ask_info",
    "assign",
    "attachments",
    "attachments_of",
    "author_names",
    "authors_of",
    "bands_of",
    "check_text",
    "compute_reward",
    "draft_of",
    "get",
    "grassroots_of",
    "history_of",
    "in_scope",
    "mark_applied",
    "name_shown",
    "normalised",
    "notifier",
    "officers_for_assignment",
    "problem_text",
    "reject",
    "reviewers",
    "routers",
    "rules",
    "send_review_reminders",
    "set_name_shown",
    "set_reward_table",
    "start_draft",
    "start_review",
    "submit",
    "table_by_id",
    "table_in_force",
    "texts",
    "unit_members",
]
