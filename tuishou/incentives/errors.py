"""Error codes of incentives and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class IncentiveError(ErrorCode):
    """Codes of incentive plans and their versions (``incentives.*``)."""

    PLAN_VERSION_UNKNOWN = "incentives.plan_version_unknown", _("There is no plan version {version_id}.")
    BASE_NEGATIVE = "incentives.base_negative", _("The commission base cannot be negative.")
    CHAIN_EMPTY = "incentives.chain_empty", _("An order's chain needs at least its credited promoter.")
    NO_PLAN_IN_FORCE = "incentives.no_plan_in_force", _("This community has no incentive plan in force.")
    PLAN_ALREADY_PUBLISHED = "incentives.plan_already_published", _("This version is already published.")
    PLAN_IMMUTABLE = "incentives.plan_immutable", _(
        "A published or retired plan version never changes; import a new draft instead.")
    PLAN_NOT_COMPLIANT = "incentives.plan_not_compliant", _("The plan has {count} compliance error(s): {findings}")
    PLAN_NOT_IN_FORCE = "incentives.plan_not_in_force", _("Only the version in force can be retired.")
    PLAN_PUBLISH_ORDER = "incentives.plan_publish_order", _("The version in force was published later.")
    PLAN_PUBLISH_RACE = "incentives.plan_publish_race", _("Another version was published at the same time; retry.")
    RANK_UNKNOWN = "incentives.rank_unknown", _("The plan in force has no rank {rank!r}.")
    RANK_UNCHANGED = "incentives.rank_unchanged", _("The promoter already has this rank, set by hand.")
    REASON_MISSING = "incentives.reason_missing", _("Say why the plan is taken out of force.")
    TEMPLATE_UNKNOWN = "incentives.template_unknown", _("No template {name!r}.")
    TRANSITION_INVALID = "incentives.transition_invalid", _("This {kind} cannot go from {status} to {to}.")
    VOLUME_ORDERS = "incentives.volume_orders", _("orders must be -1, 0 or 1")
    NOT_COMMUNITY_STAFF = "incentives.not_community_staff", _("You are not on the staff of any community.")
    PLAN_NOT_EDITABLE = "incentives.plan_not_editable", _(
        "This draft is proposed to the operators: it cannot change until they send it back.")
    PLAN_ALREADY_PROPOSED = "incentives.plan_already_proposed", _("This draft is already proposed to the operators.")
    PLAN_NOT_PROPOSED = "incentives.plan_not_proposed", _(
        "Only a draft proposed by its community can be published or sent back from the proposals.")
    SEND_BACK_REASON_MISSING = "incentives.send_back_reason_missing", _("Say why the proposal is sent back.")
    SOURCE_MISSING = "incentives.source_missing", _("Choose a template or paste a plan.")
    STUDY_UNKNOWN = "incentives.study_unknown", _("There is no simulation or backtest {study_id}.")
    SIMULATION_SIZE = "incentives.simulation_size", _(
        "A simulation runs on {min_promoters} to {max_promoters} promoters over 1 to {max_months} months.")
    BACKTEST_WINDOW = "incentives.backtest_window", _(
        "The window must start before it ends, end no later than today and span at most {max_days} days.")
