"""Back office for the network. Tree fields are read-only here: sponsors change only through the services
(sponsor correction, mentor switches), which keep every path consistent and leave audit records; community
staff, mentors and the network policy are saved through their services too."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count

from tuishou.core.admin_actions import ServiceFormMixin, formset_through_services
from tuishou.core.admin_readonly import ReadOnlyAdmin
from tuishou.core.errors import DomainError
from tuishou.network import services
from tuishou.network.models import (
    Community,
    CommunityStaff,
    Mentor,
    MentorSwitchRequest,
    NetworkPolicy,
    Promoter,
    RankRecord,
)


class CommunityStaffInline(admin.TabularInline):
    model = CommunityStaff
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Community)
class CommunityAdmin(ServiceFormMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "active", "created_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]
    inlines = [CommunityStaffInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "kind"] if obj is not None else []  # what orders and plans are keyed on never changes

    def save_model(self, request, obj, form, change):
        # Through the services (checked, audited); the staff rows follow in save_formset.
        community = obj
        if not change:
            community = services.community_create(actor=request.user, name=obj.name, code=obj.code, kind=obj.kind)
        community = services.community_update(actor=request.user, community=community, name=obj.name,
                                              active=obj.active)
        obj.pk, obj.code = community.pk, community.code
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        # Staff rows through community_staff_add / _remove: checked (ops role) and audited.
        formset_through_services(
            formset, key="user",
            add=lambda row: services.community_staff_add(actor=request.user, community=form.instance, user=row.user,
                                                         role=row.role),
            remove=lambda row: services.community_staff_remove(actor=request.user, community=form.instance,
                                                               user=row.user))


@admin.register(Promoter)
class PromoterAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "community", "sponsor", "invite_code", "stage", "rank", "joined_via", "depth",
                    "created_at"]
    list_filter = ["community", "stage", "rank", "joined_via"]
    search_fields = ["user__phone", "user__username", "user__display_name", "invite_code"]
    list_select_related = ["user", "community", "sponsor__user"]
    readonly_fields = ["user", "community", "sponsor", "path_hex", "depth", "next_child_ordinal", "invite_code",
                       "invite_code_active", "stage", "joined_via", "switch_count", "last_switched_at",
                       "paid_sales_count", "personal_volume", "rank", "created_at"]
    exclude = ["path"]

    @admin.display(description="path (hex)")
    def path_hex(self, obj: Promoter) -> str:
        return f"{bytes(obj.path).hex(' ')} (depth {obj.depth})"

    def has_add_permission(self, request):
        return False  # promoters are created by sign-up or community_root_create

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NetworkPolicy)
class NetworkPolicyAdmin(ServiceFormMixin, admin.ModelAdmin):
    list_display = ["__str__", "invite_code_required", "placement_policy", "switch_cooldown_days",
                    "switch_max_count", "switch_max_sales", "switch_requires_approval"]
    fields = [*NetworkPolicy.EDITABLE_FIELDS, "round_robin_cursor", "next_root_ordinal"]
    readonly_fields = ["round_robin_cursor", "next_root_ordinal"]
    raw_id_fields = ["default_sponsor"]

    def has_add_permission(self, request):
        return not NetworkPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Only the operator's fields, through the service: the counters move under row locks in the services
        # and must not be overwritten with the values this form loaded.
        policy = services.network_policy_update(
            actor=request.user, **{name: form.cleaned_data[name] for name in NetworkPolicy.EDITABLE_FIELDS})
        obj.pk = policy.pk


@admin.register(Mentor)
class MentorAdmin(ServiceFormMixin, admin.ModelAdmin):
    list_display = ["id", "promoter", "active", "capacity", "load"]
    list_filter = ["active"]
    search_fields = ["promoter__user__phone", "promoter__user__display_name", "promoter__invite_code"]
    raw_id_fields = ["promoter"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("promoter__user").annotate(
            _load=Count("promoter__downlines"))

    @admin.display(description="load (direct downlines)", ordering="_load")
    def load(self, obj: Mentor) -> int:
        return obj._load

    def get_readonly_fields(self, request, obj=None):
        return ["promoter"] if obj is not None else []  # another promoter is another mentor: add one

    def save_model(self, request, obj, form, change):
        # Through the services (official community only, audited); a refusal comes back to the form.
        mentor = obj
        if obj.active or not change:
            mentor = services.mentor_enroll(actor=request.user, promoter=obj.promoter, capacity=obj.capacity)
        if not obj.active:
            mentor = services.mentor_deactivate(actor=request.user, mentor=mentor)
        obj.pk = mentor.pk


@admin.register(MentorSwitchRequest)
class MentorSwitchRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "promoter", "from_mentor", "to_mentor", "status", "created_at", "decided_by",
                    "decided_at"]
    list_filter = ["status"]
    search_fields = ["promoter__user__phone", "promoter__invite_code"]
    readonly_fields = ["promoter", "from_mentor", "to_mentor", "status", "reason", "created_at", "decided_by",
                       "decided_at", "decision_reason"]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, approve: bool) -> None:
        done = 0
        for switch in queryset.filter(status=MentorSwitchRequest.Status.PENDING):
            try:
                services.mentor_switch_decide(actor=request.user, switch=switch, approve=approve,
                                              reason="back office")
                done += 1
            except DomainError as exc:
                messages.error(request, f"#{switch.pk}: {exc.message} ({exc.code})")
        messages.info(request, f"{done} request(s) {'applied' if approve else 'rejected'}.")

    @admin.action(description="Approve and apply the selected switches")
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description="Reject the selected switches")
    def reject(self, request, queryset):
        self._decide(request, queryset, False)


@admin.register(RankRecord)
class RankRecordAdmin(ReadOnlyAdmin):
    """Append-only history."""

    list_display = ["promoter", "previous_rank", "rank", "source", "plan_id", "plan_version", "effective_at"]
    list_filter = ["source", "rank"]
    search_fields = ["promoter__user__phone", "promoter__invite_code"]
