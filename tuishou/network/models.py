"""The distribution network (分销网络): communities, promoters and their sponsor tree, mentors, ranks.

The sponsor tree is stored as a byte *path* on every promoter (see ``treepath`` for why and how): the
ancestors of a promoter are one indexed ``path IN (...)`` read, a subtree is one index range, and a
subtree move is one UPDATE of that range. Rows here change only through ``services``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuishou.core.fields import MoneyField


class Community(models.Model):
    """A community of promoters: the platform's official one (官方社群, 芬香 model) or an agency's (机构, 淘小铺 model).

    A promoter belongs to exactly one community, and sponsor edges never cross communities, so each
    community is a forest of its own sponsor trees with its own incentive plan.
    """

    class Kind(models.TextChoices):
        OFFICIAL = "official", pgettext_lazy("Community.Kind", "Official")
        AGENCY = "agency", pgettext_lazy("Community.Kind", "Agency")

    kind = models.CharField(verbose_name=_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(verbose_name=_("name"), max_length=100)
    code = models.CharField(verbose_name=_("code"),
                            max_length=32, unique=True, help_text="Short stable code, e.g. OFFICIAL or XINGHUO.")
    active = models.BooleanField(verbose_name=_("active"), default=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("community")
        ordering = ["id"]
        verbose_name_plural = _("communities")
        constraints = [
            # Exactly one official community: a partial unique index, the same on SQLite and PostgreSQL.
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="official"), name="community_one_official"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CommunityStaff(models.Model):
    """A user who runs a community: the agency's owner, a manager (运营人员) or a viewer (只读).

    Owners and managers change what the agency may change (its plan drafts, announcements); viewers read its
    pages. ``network.selectors.require_community_staff`` is the one check, in the services.
    """

    class Role(models.TextChoices):
        OWNER = "owner", pgettext_lazy("CommunityStaff.Role", "Owner")
        MANAGER = "manager", pgettext_lazy("CommunityStaff.Role", "Manager")
        VIEWER = "viewer", pgettext_lazy("CommunityStaff.Role", "Viewer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="community_roles")
    community = models.ForeignKey(Community, verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(verbose_name=_("role"), max_length=16, choices=Role.choices, default=Role.MANAGER)

    class Meta:
        verbose_name = _("community staff")
        constraints = [models.UniqueConstraint(fields=["user", "community"], name="community_staff_unique")]
        verbose_name_plural = _("community staff")

    def __str__(self) -> str:
        return f"{self.user} · {self.community.code} · {self.role}"


class Promoter(models.Model):
    """A promoter (推手 / 店主): a user with a place in one community's sponsor tree.

    ``sponsor`` is the commission chain's edge (上级). ``path`` encodes the chain of ordinals from the
    root to this promoter (``treepath``); ``depth`` is its level (a root is 0). Both are rewritten only
    by the services that insert or move promoters, in the same transaction as ``sponsor``.
    """

    class Stage(models.TextChoices):
        TEMPORARY = "temporary", pgettext_lazy("Promoter.Stage", "Temporary shopkeeper")
        ORDINARY = "ordinary", pgettext_lazy("Promoter.Stage", "Ordinary shopkeeper")

    class JoinedVia(models.TextChoices):
        INVITE = "invite", pgettext_lazy("Promoter.JoinedVia", "Invite code")
        PLACED = "placed", pgettext_lazy("Promoter.JoinedVia", "Placed under a mentor")
        DEFAULT_SPONSOR = "default_sponsor", pgettext_lazy("Promoter.JoinedVia", "Platform default sponsor")
        ROOT = "root", pgettext_lazy("Promoter.JoinedVia", "Root of a tree")
        CHOSEN = "chosen", pgettext_lazy("Promoter.JoinedVia", "Chose an agency community")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                                on_delete=models.PROTECT, related_name="promoter")
    community = models.ForeignKey(Community, verbose_name=_("community"),
                                  on_delete=models.PROTECT, related_name="promoters")
    sponsor = models.ForeignKey("self", verbose_name=_("sponsor"),
                                null=True, blank=True, on_delete=models.PROTECT, related_name="downlines")
    path = models.BinaryField(verbose_name=_("path"),
                              unique=True, help_text="Ordinals from the root, in the treepath encoding.")
    depth = models.PositiveIntegerField(verbose_name=_("depth"), default=0)
    next_child_ordinal = models.PositiveIntegerField(verbose_name=_("next child ordinal"), default=0,
                                                     help_text="Ordinal the next direct downline will get.")
    invite_code = models.CharField(verbose_name=_("invite code"), max_length=8, unique=True)
    invite_code_active = models.BooleanField(verbose_name=_("invite code active"), default=True)
    stage = models.CharField(verbose_name=_("stage"), max_length=16, choices=Stage.choices, default=Stage.TEMPORARY)
    joined_via = models.CharField(verbose_name=_("joined via"), max_length=16, choices=JoinedVia.choices)
    switch_count = models.PositiveIntegerField(verbose_name=_("switch count"),
                                               default=0, help_text="Mentor switches made so far.")
    last_switched_at = models.DateTimeField(verbose_name=_("last switched at"), null=True, blank=True)
    paid_sales_count = models.PositiveIntegerField(verbose_name=_("paid sales count"), default=0)
    community_chosen_at = models.DateTimeField(verbose_name=_("community chosen at"),
        null=True, blank=True, help_text="When the temporary shopkeeper chose their community (empty: never chose; "
                                         "the inviter's community). Fixed after the first paid sale.")
    personal_volume = MoneyField(verbose_name=_("personal volume"),
                                 default=Decimal("0.00"), help_text="Lifetime credited sales (元).")
    rank = models.CharField(verbose_name=_("rank"), max_length=32, blank=True, default="",
                            help_text="Current rank id in the community's plan; empty is the lowest rank.")
    active = models.BooleanField(verbose_name=_("active"),
                                 default=True, help_text="Active for compression (缩层) as of the last rank "
                                 "evaluation; p0 is never skipped.")
    rank_locked = models.BooleanField(verbose_name=_("rank locked"),
        default=False, help_text="An operator set the rank by hand: the rank evaluation keeps it until an operator "
                                 "clears the override.")
    frozen_at = models.DateTimeField(verbose_name=_("frozen at"),
        null=True, blank=True, help_text="Frozen by an operator (冻结): commissions held, no withdrawals, store and "
                                         "links hidden. Empty: not frozen.")
    frozen_reason = models.TextField(verbose_name=_("frozen reason"), blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promoter")
        verbose_name_plural = _("promoters")
        ordering = ["id"]
        indexes = [
            # The subtree range (count + sum of volume) is answered from this index alone: an index-only
            # scan on PostgreSQL, a covering index on SQLite (every SQLite index carries the rowid).
            models.Index(fields=["path", "personal_volume"], name="promoter_path_volume_idx"),
            # The commission chain (``selectors.chain_values``: every paid order) reads its ranges from this index
            # alone: an index-only scan on PostgreSQL, a covering index on SQLite (where the id is the rowid).
            # None of its columns changes when an order is paid, so the promoter's per-sale update stays HOT.
            models.Index(fields=["path", "depth", "rank", "active", "id"], name="promoter_chain_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} [{self.invite_code}]"


class NetworkPolicy(models.Model):
    """The network's operator-editable settings (one row, pk=1): invite codes, placement, mentor switches.

    It also holds two counters the services advance under a row lock: the next root ordinal (each
    root of every community gets a distinct first path segment) and the round-robin cursor.
    """

    class Placement(models.TextChoices):
        RANDOM = "random", pgettext_lazy("NetworkPolicy.Placement", "Random")
        LEAST_LOADED = "least_loaded", pgettext_lazy(
            "NetworkPolicy.Placement", "Least loaded (fewest direct downlines)")
        ROUND_ROBIN = "round_robin", pgettext_lazy("NetworkPolicy.Placement", "Round robin")

    invite_code_required = models.BooleanField(verbose_name=_("invite code required"), default=True)
    default_sponsor = models.ForeignKey(Promoter, verbose_name=_("default sponsor"),
                                        null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                        help_text="Sponsor of sign-ups without an invite code when no mentor is free.")
    placement_policy = models.CharField(verbose_name=_("placement policy"),
                                        max_length=16, choices=Placement.choices, default=Placement.LEAST_LOADED)
    round_robin_cursor = models.BigIntegerField(verbose_name=_("round robin cursor"),
                                                default=0, help_text="Id of the mentor picked last by round robin.")
    next_root_ordinal = models.PositiveIntegerField(verbose_name=_("next root ordinal"), default=0)
    switch_cooldown_days = models.PositiveIntegerField(verbose_name=_("switch cooldown days"),
        default=30, help_text="Days after joining or the last switch before a promoter may switch mentor.")
    switch_max_count = models.PositiveIntegerField(verbose_name=_("switch max count"),
                                                   default=1, help_text="Mentor switches allowed per promoter.")
    switch_max_sales = models.PositiveIntegerField(verbose_name=_("switch max sales"),
        null=True, blank=True, help_text="No switch once the promoter has this many paid sales; empty: no limit.")
    switch_requires_approval = models.BooleanField(verbose_name=_("switch requires approval"), default=False)

    class Promotion(models.TextChoices):
        """Who may become a promoter (推广资格): the three modes of CRMEB, Shopro and likeshop."""

        EVERYONE = "everyone", pgettext_lazy("NetworkPolicy.Promotion", "Everyone")
        APPLICATION = "application", pgettext_lazy("NetworkPolicy.Promotion", "By application, reviewed by an operator")
        QUALIFYING_PURCHASE = "qualifying_purchase", pgettext_lazy(
            "NetworkPolicy.Promotion", "After a qualifying purchase")

    promotion_mode = models.CharField(verbose_name=_("promotion mode"),
                                      max_length=24, choices=Promotion.choices, default=Promotion.EVERYONE,
                                      help_text="Who may become a promoter. Requiring a purchase first can be an "
                                                "entry fee in disguise (《禁止传销条例》): the compliance check warns.")
    promotion_min_purchase = MoneyField(verbose_name=_("promotion min purchase"),
        null=True, blank=True,
        help_text="满额分销: what the person must have spent on received or completed orders (元).")

    EDITABLE_FIELDS = ["invite_code_required", "default_sponsor", "placement_policy", "switch_cooldown_days",
                       "switch_max_count", "switch_max_sales", "switch_requires_approval", "promotion_mode",
                       "promotion_min_purchase"]

    class Meta:
        verbose_name = _("network policy")
        verbose_name_plural = _("network policy")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="network_policy_singleton"),
            models.CheckConstraint(
                condition=~Q(promotion_mode="qualifying_purchase")
                | Q(promotion_min_purchase__isnull=False, promotion_min_purchase__gt=0),
                name="network_policy_qualifying_amount"),
        ]

    def __str__(self) -> str:
        return "Network policy"


class PromoterApplication(models.Model):
    """A consumer's request to become a promoter (申请成为推手) under a policy that does not let everyone in.

    ``pending``: waits for an operator (application mode). ``awaiting_purchase``: the person signed up with an
    invite code while a qualifying purchase is required; the code is kept until they qualify. ``approved``
    ends with a ``Promoter`` row made in the same transaction; ``rejected`` carries the operator's reason.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("PromoterApplication.Status", "Pending review")
        AWAITING_PURCHASE = "awaiting_purchase", pgettext_lazy(
            "PromoterApplication.Status", "Awaiting a qualifying purchase")
        APPROVED = "approved", pgettext_lazy("PromoterApplication.Status", "Approved")
        REJECTED = "rejected", pgettext_lazy("PromoterApplication.Status", "Rejected")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.PROTECT, related_name="promoter_applications")
    status = models.CharField(verbose_name=_("status"),
                              max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    invite_code = models.CharField(verbose_name=_("invite code"),
                                   max_length=16, blank=True, help_text="The code given at sign-up, if any.")
    reason = models.TextField(verbose_name=_("reason"), blank=True, help_text="What the applicant wrote.")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(verbose_name=_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(verbose_name=_("decision reason"), blank=True)

    class Meta:
        verbose_name = _("promoter application")
        verbose_name_plural = _("promoter applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(status__in=["pending", "awaiting_purchase"]),
                                    name="promoter_application_one_open"),
        ]

    def __str__(self) -> str:
        return f"Application #{self.pk} {self.user} ({self.status})"


class Mentor(models.Model):
    """A promoter of the official community in the mentor pool (导师): sign-ups without an inviter are placed
    under one of them, who becomes their sponsor. ``capacity`` caps direct downlines (empty: no cap)."""

    promoter = models.OneToOneField(Promoter, verbose_name=_("promoter"),
                                    on_delete=models.PROTECT, related_name="mentor")
    active = models.BooleanField(verbose_name=_("active"), default=True)
    capacity = models.PositiveIntegerField(verbose_name=_("capacity"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Mentor {self.promoter}"


class MentorSwitchRequest(models.Model):
    """A placed promoter's request to move, with their whole team, from one mentor to another (换导师).

    Without operator approval a request is applied at once; with it, it waits as ``pending`` until an
    operator rejects it or approves it. Approval and the move happen in one transaction, so there is no
    visible "approved but not applied" state (the design's ``approved`` status is folded into ``applied``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("MentorSwitchRequest.Status", "Pending")
        REJECTED = "rejected", pgettext_lazy("MentorSwitchRequest.Status", "Rejected")
        APPLIED = "applied", pgettext_lazy("MentorSwitchRequest.Status", "Applied")

    promoter = models.ForeignKey(Promoter, verbose_name=_("promoter"),
                                 on_delete=models.PROTECT, related_name="switch_requests")
    from_mentor = models.ForeignKey(Mentor, verbose_name=_("from mentor"),
                                    null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    help_text="Empty when an operator had already moved the promoter off a mentor.")
    to_mentor = models.ForeignKey(Mentor, verbose_name=_("to mentor"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(verbose_name=_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(verbose_name=_("reason"), blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(verbose_name=_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(verbose_name=_("decision reason"), blank=True)

    class Meta:
        verbose_name = _("mentor switch request")
        verbose_name_plural = _("mentor switch requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["promoter"], condition=Q(status="pending"),
                                    name="switch_request_one_pending"),
        ]

    def __str__(self) -> str:
        return f"Switch #{self.pk} {self.promoter} ({self.status})"


class RankRecord(models.Model):
    """One change of a promoter's rank (会员 → 店主 → 导师 → 合伙人 …), append-only history."""

    class Source(models.TextChoices):
        EVALUATION = "evaluation", pgettext_lazy("RankRecord.Source", "Plan evaluation")
        OPERATOR = "operator", pgettext_lazy("RankRecord.Source", "Operator")
        IMPORT = "import", pgettext_lazy("RankRecord.Source", "Import")

    promoter = models.ForeignKey(Promoter, verbose_name=_("promoter"),
                                 on_delete=models.PROTECT, related_name="rank_records")
    rank = models.CharField(verbose_name=_("rank"), max_length=32, blank=True)
    previous_rank = models.CharField(verbose_name=_("previous rank"), max_length=32, blank=True)
    source = models.CharField(verbose_name=_("source"), max_length=16, choices=Source.choices)
    plan_id = models.CharField(verbose_name=_("plan id"), max_length=64, blank=True)
    plan_version = models.PositiveIntegerField(verbose_name=_("plan version"), null=True, blank=True)
    effective_at = models.DateTimeField(verbose_name=_("effective at"))
    reason = models.TextField(verbose_name=_("reason"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"),
                              null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rank record")
        verbose_name_plural = _("rank records")
        ordering = ["-effective_at", "-id"]
        indexes = [models.Index(fields=["promoter", "effective_at"], name="rank_record_promoter_idx")]

    def __str__(self) -> str:
        return f"{self.promoter_id}: {self.previous_rank or '-'} → {self.rank or '-'}"
