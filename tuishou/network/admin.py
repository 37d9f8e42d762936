"""Back office for the network. Tree fields are read-only here: sponsors change only through the services
(sponsor correction, mentor switches), which keep every path consistent and leave audit records; community
staff, mentors and the network policy are saved through their services too."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import Count
from django.utils.html import format_html_join

from tuishou.core.admin_actions import ServiceFormMixin, formset_through_services
from tuishou.core.admin_readonly import ReadOnlyAdmin
from tuishou.core.errors import DomainError
from tuishou.network import agencies, promotion, services
from tuishou.network.models import (
    Community,
    CommunityStaff,
    Mentor,
    MentorSwitchRequest,
    NetworkPolicy,
    Promoter,
    PromoterApplication,
    RankRecord,
)


class CommunityStaffInline(admin.TabularInline):
    model = CommunityStaff
    extra = 0
    autocomplete_fields = ["user"]


class CommunityAddForm(forms.ModelForm):
    """Adding an agency opens it with its head promoter, as /ops/communities/new/ does (agencies.agency_create)."""

    head_phone = forms.CharField(label="Head promoter's phone (agency)", max_length=20, required=False,
                                 help_text="An existing account, or a new one is opened with this phone.")
    head_display_name = forms.CharField(label="Head's name (new account)", max_length=60, required=False)
    head_password = forms.CharField(label="Head's password (new account)", max_length=128, required=False,
                                    widget=forms.PasswordInput(render_value=True))
    head_invite_code = forms.CharField(label="Head's invite code", max_length=16, required=False,
                                       help_text="Empty: one is generated.")

    class Meta:
        model = Community
        fields = ["kind", "name", "code", "active"]


HEAD_FIELDS = ["head_phone", "head_display_name", "head_password", "head_invite_code"]


@admin.register(Community)
class CommunityAdmin(ServiceFormMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "active", "created_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]
    inlines = [CommunityStaffInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = CommunityAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [*fields, *HEAD_FIELDS] if obj is None else [f for f in fields if f not in HEAD_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "kind"] if obj is not None else []  # what orders and plans are keyed on never changes

    def save_model(self, request, obj, form, change):
        # Through the services (checked, audited); the staff rows follow in save_formset. An agency opens with its
        # head promoter through agencies.agency_create, the same service as the operators' page and the API.
        community = obj
        if not change and obj.kind == Community.Kind.AGENCY:
            community = agencies.agency_create(actor=request.user, name=obj.name, code=obj.code,
                                               **{f: form.cleaned_data.get(f) or "" for f in HEAD_FIELDS}).community
        elif not change:
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
    list_display = ["__str__", "invite_code_required", "placement_policy", "promotion_mode", "switch_cooldown_days",
                    "switch_max_count", "switch_max_sales", "switch_requires_approval"]
    fields = [*NetworkPolicy.EDITABLE_FIELDS, "compliance", "round_robin_cursor", "next_root_ordinal"]
    readonly_fields = ["compliance", "round_robin_cursor", "next_root_ordinal"]
    raw_id_fields = ["default_sponsor"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "promotion_min_purchase":
            field.required = False  # MoneyField's form field does not read blank=True; empty unless 满额分销
        return field

    @admin.display(description="Compliance findings")
    def compliance(self, obj: NetworkPolicy) -> str:
        findings = promotion.promotion_findings(obj)
        if not findings:
            return "None"
        return format_html_join("", "<p><strong>{} {}</strong>: {}</p>",
                                ((f["severity"], f["code"], f["message"]) for f in findings))

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
        for finding in promotion.promotion_findings(policy):  # said at once, not only on the next visit
            messages.warning(request, f"{finding['code']}: {finding['message']}")


class DecisionForm(ActionForm):
    reason = forms.CharField(required=False, max_length=1000, label="Reason (required to reject)")


@admin.register(PromoterApplication)
class PromoterApplicationAdmin(admin.ModelAdmin):
    """The review queue of applications to become a promoter (申请审核); decisions go through the service."""

    list_display = ["id", "user", "status", "invite_code", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__phone", "user__username", "user__display_name", "invite_code"]
    list_select_related = ["user", "decided_by"]
    readonly_fields = ["user", "status", "invite_code", "reason", "created_at", "decided_by", "decided_at",
                       "decision_reason"]
    action_form = DecisionForm
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, approve: bool) -> None:
        done = 0
        for application in queryset.filter(status=PromoterApplication.Status.PENDING):
            try:
                promotion.promoter_application_decide(actor=request.user, application_id=application.pk,
                                                      approve=approve, reason=request.POST.get("reason", ""))
                done += 1
            except DomainError as exc:
                messages.error(request, f"#{application.pk}: {exc.message} ({exc.code})")
        messages.info(request, f"{done} application(s) {'approved' if approve else 'rejected'}.")

    @admin.action(description="Approve: the applicants become promoters")
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description="Reject (type the reason above)")
    def reject(self, request, queryset):
        self._decide(request, queryset, False)


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
