from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from tuishou.accounts.models import ApiToken, OperatorRole, User


class OperatorRoleInline(admin.TabularInline):
    model = OperatorRole
    extra = 0


@admin.register(User)
class TuishouUserAdmin(UserAdmin):
    list_display = ["username", "phone", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "operator_roles__role"]
    search_fields = ["username", "phone", "display_name", "email"]
    fieldsets = (*UserAdmin.fieldsets, ("Tuishou", {"fields": ("phone", "display_name")}))
    inlines = [OperatorRoleInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "label", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "user__username", "user__phone"]
    readonly_fields = ["digest", "prefix", "user", "created_at", "last_used_at"]
