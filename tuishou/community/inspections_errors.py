"""Error codes of the inspected zone (验货区) and the message a person reads for each (pure Python)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class InspectionError(ErrorCode):
    """Codes of inspection tasks, reports, reviews, checklists and settings (``community.inspection_*``)."""

    TASK_UNKNOWN = "community.inspection_task_unknown", _("There is no such inspection task.")
    TASK_CLOSED = "community.inspection_task_closed", _("This inspection task is closed: reports are no longer taken.")
    TASK_OPEN_EXISTS = "community.inspection_task_exists", _(
        "This product already has an open inspection task in this community.")
    DUE_INVALID = "community.inspection_due_invalid", _("The due date must be between now and {days} days ahead.")
    PRODUCT_NOT_ON_SALE = "community.inspection_product_unavailable", _(
        "Only a product on sale in the supply pool can be inspected.")
    OUTSIDE_ZONE = "community.inspection_outside_zone", _(
        "This task is for another community's inspectors: you can only inspect for your own community.")
    RANK_TOO_LOW = "community.inspection_rank_too_low", _(
        "Inspecting needs the rank {rank} or higher in your community.")
    OWN_PRODUCT = "community.inspection_own_product", _(
        "You work for this product's merchant: someone independent must inspect it.")
    REPORT_EXISTS = "community.inspection_report_exists", _("You have already filed a report for this task.")
    REPORT_UNKNOWN = "community.inspection_report_unknown", _("There is no such inspection report.")
    VERDICT_INVALID = "community.inspection_verdict_invalid", _("Choose a verdict: pass or fail.")
    REASONS_MISSING = "community.inspection_reasons_missing", _(
        "A failing report needs its reasons: 1 to {maximum} characters.")
    REASONS_TOO_LONG = "community.inspection_reasons_too_long", _("Reasons may be at most {maximum} characters.")
    PHOTOS_MISSING = "community.inspection_photos_missing", _("Add at least one photo of the goods you received.")
    PHOTOS_TOO_MANY = "community.inspection_photos_too_many", _("At most {maximum} photos per report.")
    PHOTO_INVALID = "community.inspection_photo_invalid", _(
        "{name} is not a JPEG, PNG or WebP image under {megabytes} MB.")
    ITEM_UNKNOWN = "community.inspection_item_unknown", _(
        "Checklist item {item} is not on this product's checklist.")
    ANSWERS_MALFORMED = "community.inspection_answers_malformed", _(
        "The answers must be a JSON list of objects with item_id, ok (true or false) and an optional note.")
    ANSWER_TWICE = "community.inspection_answer_twice", _("Checklist item {item} is answered twice.")
    ANSWERS_MISSING = "community.inspection_answers_missing", _("Answer every point of the checklist: {items}.")
    NOTE_TOO_LONG = "community.inspection_note_too_long", _("A note may be at most {maximum} characters.")
    NOT_DECIDABLE = "community.inspection_already_decided", _("This report was already {status}.")
    REVIEW_NOT_OPEN = "community.inspection_review_not_open", _("This report does not wait for a review.")
    REASON_INVALID = "community.inspection_reason_invalid", _("Give a reason: 1 to {maximum} characters.")
    CHECKLIST_UNKNOWN = "community.inspection_checklist_unknown", _("There is no such checklist.")
    CHECKLIST_EXISTS = "community.inspection_checklist_exists", _("The category {category!r} already has a checklist.")
    LABEL_INVALID = "community.inspection_label_invalid", _("Write the point to check: 1 to {maximum} characters.")
    CATEGORY_INVALID = "community.inspection_category_invalid", _("A category name is at most {maximum} characters.")
    RANK_UNKNOWN = "community.inspection_rank_unknown", _("{rank!r} is not a rank of this community's plan: {ranks}.")
    PASSES_INVALID = "community.inspection_passes_invalid", _(
        "The passing reports required is a whole number from 1 to {maximum}.")
    REWARD_INVALID = "community.inspection_reward_invalid", _("The reward is an amount from 0 to {maximum} yuan.")
    COMMUNITY_UNKNOWN = "community.inspection_community_unknown", _("There is no such community.")
    ZONE_RESTRICTED = "community.zone_restricted", _(
        "At your rank you pick from the inspected zone only (rank {rank} opens every zone).")
