"""Back office for people: users with their operator roles (granted and revoked through the services, so the
permission group follows and the change is audited), API tokens."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from tuishou.accounts.models import ApiToken, OperatorRole, User
from tuishou.accounts.services import operator_role_grant, operator_role_revoke
from tuishou.core.admin_actions import ServiceFormMixin, formset_through_services


class OperatorRoleInline(admin.TabularInline):
    model = OperatorRole
    extra = 0


@admin.register(User)
class TuishouUserAdmin(ServiceFormMixin, UserAdmin):
    list_display = ["username", "phone", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "operator_roles__role"]
    search_fields = ["username", "phone", "display_name", "email"]
    fieldsets = (*UserAdmin.fieldsets, ("Tuishou", {"fields": ("phone", "display_name")}))
    inlines = [OperatorRoleInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not OperatorRole:
            return super().save_formset(request, form, formset, change)
        # Roles through the services: the admin role is checked, the permission group follows, audited.
        return formset_through_services(
            formset, key="role",
            add=lambda row: operator_role_grant(actor=request.user, user=form.instance, role=row.role),
            remove=lambda row: operator_role_revoke(actor=request.user, user=form.instance, role=row.role))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "label", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "user__username", "user__phone"]
    readonly_fields = ["digest", "prefix", "user", "created_at", "last_used_at"]
