"""Words about emulation blocks and their evaluation: the kinds of block and the refusals."""

from __future__ import annotations

from core.emulation.block_models import BlockKind
from core.i18n import N_, Translator

KIND_LABELS = {
    BlockKind.INDUSTRIAL_ZONE: N_("By industrial zone"),
    BlockKind.SECTOR: N_("By sector"),
    BlockKind.ENTERPRISE_TYPE: N_("By type of enterprise"),
    BlockKind.OTHER: N_("Other grouping"),
}
PROBLEMS = {
    "block_unknown": N_("I could not find that emulation block."),
    "block_name": N_("Please give the block a name of 1 to 200 characters."),
    "block_campaign_or_year": N_("A block is either for one campaign or for a whole year."),
    "block_year": N_("Please give a year such as 2027."),
    "block_owner_not_upper": N_(
        "Blocks are made by an upper-level union for the grassroots unions below it."
    ),
    "block_unit_not_below": N_(
        "Only open grassroots unions below the block's upper-level union can join the block."
    ),
    "block_unit_not_in_campaign": N_("That grassroots union is not covered by this campaign."),
    "block_unit_already": N_("That grassroots union is in this block already."),
    "block_unit_elsewhere": N_(
        "That grassroots union is already in another block for this campaign or year. "
        "Remove it there first."
    ),
    "block_unit_unknown": N_("That grassroots union is not in this block."),
    "block_not_of_campaign": N_("This block does not rank this campaign."),
    "no_unit_criteria": N_(
        "This campaign has no criteria reported by the grassroots unions or scored by the "
        "level above, so there is nothing to rank."
    ),
    "not_block_evaluator": N_(
        "Only officers of the upper-level union that owns this block evaluate in it. "
        "You can see its ranking but not change it."
    ),
    "evaluation_changed": N_(
        "Another evaluator saved this figure while you were on the page. Nothing of yours was "
        "saved: look at their value and reason below, then save again if you still disagree."
    ),
    "evaluation_reason": N_("Please give the reason for changing the figure."),
    "evaluation_negative": N_("A figure cannot be below 0."),
    "evaluation_closed": N_(
        "This campaign has closed: its ranking is final (its final review and titles were "
        "drawn from it) and takes no more evaluations."
    ),
    "evaluation_draft": N_("The campaign has not been launched: there is nothing to evaluate."),
    "score_above_points": N_("The points given cannot be more than the criterion's points."),
}


def problem(t: Translator, code: str) -> str | None:
    """The words for one of the blocks' refusal codes, or None when it is not one."""
    message = PROBLEMS.get(code)
    return t.gettext(message) if message else None


def kind_label(t: Translator, kind: str) -> str:
    return t.gettext(KIND_LABELS.get(BlockKind(kind), KIND_LABELS[BlockKind.OTHER]))
