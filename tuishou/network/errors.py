"""Error codes of network and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class NetworkError(ErrorCode):
    """Codes of the promoter network: communities, invite codes, sponsors, mentors (``network.*``)."""

    APPLICATION_DECIDED = "network.application_decided", _("This application is not waiting for review.")
    APPLICATION_PENDING = "network.application_pending", _("Your application is waiting for review.")
    APPLICATION_STATUS_UNKNOWN = "network.application_status_unknown", _("Unknown application status {status!r}.")
    APPLICATION_UNKNOWN = "network.application_unknown", _("No promoter application #{application_id}.")
    DECISION_REASON_MISSING = "network.decision_reason_missing", _("Give the applicant a reason for the rejection.")
    PROMOTION_BY_POLICY = "network.promotion_by_policy", _(
        "Promoters join by application or after a qualifying purchase here: sign up as a customer first.")
    PURCHASE_REQUIRED = "network.purchase_required", _(
        "Spend {amount} more on received orders to become a promoter.")

    POLICY_FIELD_UNKNOWN = "network.policy_field_unknown", _("Not a network policy setting: {fields}.")
    ALREADY_PROMOTER = "network.already_promoter", _("This account is already a promoter.")
    COMMUNITY_CODE_INVALID = "network.community_code_invalid", _("A community code has 2–32 letters, digits or _.")
    COMMUNITY_CODE_TAKEN = "network.community_code_taken", _("Community code {code} is taken.")
    COMMUNITY_INACTIVE = "network.community_inactive", _("The community {name} is closed to sign-ups.")
    COMMUNITY_KIND_UNKNOWN = "network.community_kind_unknown", _("Unknown community kind {kind!r}.")
    COMMUNITY_NAME_MISSING = "network.community_name_missing", _("Give the community a name.")
    COMMUNITY_UNKNOWN = "network.community_unknown", _("There is no community {code!r}.")
    CROSS_COMMUNITY = "network.cross_community", _(
        "This belongs to another community: sponsor and promoter must be in the same community.")
    INVITE_CODE_DISABLED = "network.invite_code_disabled", _("The invite code {code} is no longer in use.")
    INVITE_CODE_EXHAUSTED = "network.invite_code_exhausted", _("Could not find a free invite code; try again.")
    INVITE_CODE_REQUIRED = "network.invite_code_required", _("Sign-up needs an invite code.")
    INVITE_CODE_UNKNOWN = "network.invite_code_unknown", _("No promoter has the invite code {code!r}.")
    MENTOR_FULL = "network.mentor_full", _("This mentor's team is full.")
    MENTOR_NOT_OFFICIAL = "network.mentor_not_official", _("Mentors belong to the official community.")
    MENTOR_UNKNOWN = "network.mentor_unknown", _("No such mentor in your community.")
    NOT_A_PROMOTER = "network.not_a_promoter", _("This account is not a promoter yet.")
    OFFICIAL_EXISTS = "network.official_exists", _("There is already an official community.")
    PATH_TOO_DEEP = "network.path_too_deep", _(
        "The sponsor chain would be too deep: a promoter cannot be placed there.")
    PROMOTER_UNKNOWN = "network.promoter_unknown", _("There is no promoter {promoter_id}.")
    RANK_SOURCE_UNKNOWN = "network.rank_source_unknown", _("Unknown rank source {source!r}.")
    REASON_REQUIRED = "network.reason_required", _("Say why the sponsor is being corrected.")
    SPONSOR_CYCLE = "network.sponsor_cycle", _("A promoter cannot move under themselves or their own team.")
    SPONSOR_UNCHANGED = "network.sponsor_unchanged", _("This is already the promoter's sponsor.")
    STAFF_ROLE_UNKNOWN = "network.staff_role_unknown", _("Unknown community staff role {role!r}.")
    SWITCH_AFTER_SALES = "network.switch_after_sales", _("No mentor switch after {switch_max_sales} paid sales.")
    SWITCH_COOLDOWN = "network.switch_cooldown", _("Too soon to switch mentor again.")
    SWITCH_LIMIT = "network.switch_limit", _("At most {switch_max_count} mentor switches are allowed.")
    SWITCH_NOT_PENDING = "network.switch_not_pending", _("This request is already {status}.")
    SWITCH_NOT_PLACED = "network.switch_not_placed", _(
        "Only promoters placed under a mentor can switch; an inviter stays your sponsor.")
    SWITCH_PENDING = "network.switch_pending", _("A mentor switch request is already waiting for a decision.")
    SWITCH_REQUEST_UNKNOWN = "network.switch_request_unknown", _("No mentor switch request #{request_id}.")
    SWITCH_SAME_MENTOR = "network.switch_same_mentor", _("This is already your mentor.")
    COMMUNITY_NOT_FOUND = "network.community_not_found", _("There is no such community.")
    COMMUNITY_ROLE_REQUIRED = "network.community_role_required", _(
        "Your role in this community does not allow this (needed: {roles}).")
    USER_PHONE_UNKNOWN = "network.user_phone_unknown", _("No account has the phone number {phone}.")
    HEAD_ALREADY_PROMOTER = "network.head_already_promoter", _(
        "This person is already a promoter in {community}: a community's head must be new to the network.")
    INVITE_CODE_INVALID = "network.invite_code_invalid", _(
        "An invite code has {minimum}–{maximum} characters from {alphabet}.")
    INVITE_CODE_TAKEN = "network.invite_code_taken", _("The invite code {code} is taken.")
    STAFF_DUPLICATE = "network.staff_duplicate", _("{phone} is listed twice among the staff.")
    CHOICE_FIXED = "network.community_choice_fixed", _(
        "Your community is fixed since your first sale: it can no longer be changed.")
    CHOICE_TEAM_BOUND = "network.community_choice_team_bound", _(
        "Someone in your team has already sold in this community: your team cannot move.")
    CHOICE_HEAD = "network.community_choice_head", _("The head of a community stays in it.")
    CHOICE_MENTOR = "network.community_choice_mentor", _("Mentors of the official community stay in it.")
    COMMUNITY_NO_HEAD = "network.community_no_head", _("{name} has no head promoter to join under yet.")
    RANGE_INVALID = "network.range_invalid", _("The end date is before the start date.")
    RANGE_TOO_LONG = "network.range_too_long", _("Choose a range of at most {days} days.")
    TRANSITION_INVALID = "network.transition_invalid", _("This {kind} cannot go from {status} to {to}.")
    # Operator actions on a promoter (/ops/promoters/): freeze, rank override, invite code.
    ACTION_REASON_MISSING = "network.action_reason_missing", _("Give a reason: it is kept in the audit log.")
    PROMOTER_FROZEN = "network.promoter_frozen", _("This promoter is already frozen.")
    PROMOTER_NOT_FROZEN = "network.promoter_not_frozen", _("This promoter is not frozen.")
    RANK_NOT_OVERRIDDEN = "network.rank_not_overridden", _("This promoter's rank was not set by hand.")
    INVITE_CODE_ALREADY_DISABLED = "network.invite_code_already_disabled", _(
        "The invite code {code} is already disabled.")
    INVITE_CODE_ALREADY_ACTIVE = "network.invite_code_already_active", _("The invite code {code} is already in use.")
