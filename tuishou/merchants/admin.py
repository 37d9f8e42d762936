"""Back office for merchants: review applications, manage merchants, their staff and the fee policy."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count

from tuishou.core.admin_actions import ReasonForm, ServiceFormMixin, form_action, run_service
from tuishou.core.admin_history import status_history_inline
from tuishou.core.admin_readonly import ReadOnlyInline
from tuishou.core.errors import DomainError
from tuishou.merchants import services
from tuishou.merchants.errors import MerchantError
from tuishou.merchants.models import Merchant, MerchantApplication, MerchantPolicy, MerchantStaff, MerchantStatusChange
from tuishou.merchants.rates import parse_rate


@admin.register(MerchantApplication)
class MerchantApplicationAdmin(admin.ModelAdmin):
    list_display = ["business_name", "credit_code", "category", "applicant", "contact_phone", "status",
                    "created_at", "reviewed_by"]
    list_filter = ["status", "category", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["business_name", "credit_code", "legal_representative", "contact_phone", "applicant__phone",
                     "applicant__username"]
    date_hierarchy = "created_at"
    readonly_fields = ["applicant", "business_name", "credit_code", "legal_representative", "contact_phone",
                       "category", "description", "status", "reject_reason", "reviewed_by", "reviewed_at",
                       "merchant", "created_at"]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False  # applications come from the applicants themselves

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Approve selected applications")
    def approve(self, request, queryset):
        run_service(self, request, queryset, done="Approved", call=lambda app: services.merchant_application_approve(
            actor=request.user, application_id=app.pk))

    @admin.action(description="Reject selected applications (asks for a reason)")
    def reject(self, request, queryset):
        return form_action(self, request, queryset, form_class=ReasonForm, title="Reject applications",
                           call=lambda app, data: services.merchant_application_reject(
                               actor=request.user, application_id=app.pk, reason=data["reason"]))


class MerchantStaffInline(ReadOnlyInline):
    """Read-only: owners manage their staff (``merchant_staff_add``); operators look."""

    model = MerchantStaff
    fields = readonly_fields = ["user", "role", "added_at"]


class FeeRateForm(forms.Form):
    fee_rate = forms.CharField(help_text="A fraction with up to four places: 0.0500 = 5%.")
    reason = forms.CharField(required=False, max_length=2000)


@admin.register(Merchant)
class MerchantAdmin(ServiceFormMixin, admin.ModelAdmin):
    list_display = ["name", "credit_code", "category", "status", "fee_rate", "product_count", "created_at"]
    list_filter = ["status", "category"]
    search_fields = ["name", "credit_code", "legal_representative", "contact_phone", "staff__user__phone"]
    readonly_fields = ["credit_code", "status", "suspend_reason", "fee_rate", "created_at"]
    inlines = [MerchantStaffInline, status_history_inline(MerchantStatusChange)]
    actions = ["suspend", "reactivate", "set_fee_rate"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_products=Count("products"))

    @admin.display(description="products", ordering="_products")
    def product_count(self, obj):
        return obj._products

    def has_add_permission(self, request):
        return False  # merchants come from approved applications

    def has_delete_permission(self, request, obj=None):
        return False  # suspend instead: orders and ledgers point at merchants

    def save_model(self, request, obj, form, change):
        # Through the service (checked, audited); a refusal comes back to the form (ServiceFormMixin).
        services.merchant_update(actor=request.user, merchant_id=obj.pk,
                                 **{name: form.cleaned_data[name] for name in form.changed_data
                                    if name in services.MERCHANT_EDITABLE})

    @admin.action(description="Suspend selected merchants (takes their products off the shelf)")
    def suspend(self, request, queryset):
        return form_action(self, request, queryset, form_class=ReasonForm, title="Suspend merchants",
                           call=lambda m, data: services.merchant_suspend(actor=request.user, merchant_id=m.pk,
                                                                          reason=data["reason"]))

    @admin.action(description="Reactivate selected merchants")
    def reactivate(self, request, queryset):
        run_service(self, request, queryset, done="Reactivated",
                    call=lambda m: services.merchant_reactivate(actor=request.user, merchant_id=m.pk))

    @admin.action(description="Set the platform fee rate of selected merchants")
    def set_fee_rate(self, request, queryset):
        return form_action(self, request, queryset, form_class=FeeRateForm, title="Set fee rate",
                           call=lambda m, data: services.merchant_fee_rate_set(
                               actor=request.user, merchant_id=m.pk, fee_rate=data["fee_rate"], reason=data["reason"]))


@admin.register(MerchantStaff)
class MerchantStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "merchant", "role", "added_at"]
    list_filter = ["role", ("merchant", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__phone", "user__display_name", "merchant__name"]
    readonly_fields = ["user", "merchant", "role", "added_at"]

    def has_add_permission(self, request):
        return False


class MerchantPolicyForm(forms.ModelForm):
    class Meta:
        model = MerchantPolicy
        fields = ["default_fee_rate"]

    def clean_default_fee_rate(self):
        try:
            return parse_rate(self.cleaned_data["default_fee_rate"], field="default_fee_rate",
                              malformed=MerchantError.FEE_RATE_MALFORMED,
                              out_of_range=MerchantError.FEE_RATE_OUT_OF_RANGE)
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None


@admin.register(MerchantPolicy)
class MerchantPolicyAdmin(admin.ModelAdmin):
    form = MerchantPolicyForm
    list_display = ["__str__", "default_fee_rate", "updated_at"]

    def has_add_permission(self, request):
        return not MerchantPolicy.objects.exists()  # a single row

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service, so the change is checked and audited like any other operator action.
        policy = services.merchant_policy_update(actor=request.user,
                                                 default_fee_rate=form.cleaned_data["default_fee_rate"])
        obj.pk = policy.pk
